//! Pack sets for the benchmark harness (`bench/`), written by an ignored test so they are built
//! with the same generator as the test fixtures. See BENCHMARKS.md.
//!
//! ```sh
//! BENCH_PACKS_DIR=/work/bench-packs cargo test --release --locked --test it generate_bench_packs -- --ignored
//! ```
//!
//! Every set is a project folder under `$BENCH_PACKS_DIR` (removed and rewritten each time):
//!
//! | set | what |
//! |---|---|
//! | `plan-100`, `plan-1000`, `plan-10000` | N messaging packs, flows `setup_default`, `diagnostics`, `verify_webhooks` (built-in `emit.response`); every 10th pack (every 100th for 10,000) also carries a 1 MiB incompressible `components/blob.bin`, so reading only the manifest matters |
//! | `inproc-50`, `inproc-500` | N packs, each with a passing built-in `setup_default` |
//! | `cache-4` | one pack declaring 4 distinct real wasm components; `setup_default` calls the first |
//! | `cache-4-v2` | the same pack id with the first component changed (other output, so other bytes) |
//! | `cache-32` | the same pack with 32 distinct components, so that compiling them outweighs the rest |
//! | `cache-4-large` | a pack of 4 components of realistic size (~300 KB of code each, `BENCH_LARGE_FUNCTIONS`) |
//! | `cpu-16` | 16 packs whose `setup_default` calls a wasm component spinning `BENCH_CPU_SPINS` times |
//! | `contract-8` | 8 packs whose provider declares the contract (`qa-spec`, `apply-answers`, a config schema; a WAT schema-core component) and whose `setup_default` calls a wasm node component |
//! | `no-contract-8` | the same 8 packs without the provider extension: the same components, the same flow |
//! | `empty` | a project with an empty `providers/messaging/` |
//!
//! `BENCH_SETS=a,b` writes only the named sets; `BENCH_CPU_SPINS` overrides the CPU work of
//! `cpu-16` (default [`DEFAULT_CPU_SPINS`]); `BENCH_LARGE_FUNCTIONS` the size of the `cache-4-large`
//! components (default [`DEFAULT_LARGE_FUNCTIONS`]).

use std::path::{Path, PathBuf};

use crate::support::packs::{FlowBody, PackBuilder};
use crate::support::wasm;

/// Loop iterations of the `cpu-16` component: about 0.7 s of one core in a release build on the
/// 2-core benchmark machine (see BENCHMARKS.md).
const DEFAULT_CPU_SPINS: u64 = 750_000_000;

/// Filler functions of each `cache-4-large` component (about 200 bytes of code each).
const DEFAULT_LARGE_FUNCTIONS: usize = 1_500;

/// Size of the incompressible extra entry some plan packs carry.
const BLOB_BYTES: usize = 1 << 20;

/// The three lifecycle flows of a messaging pack, all built-in `emit.response` nodes.
fn messaging_pack(pack_id: &str) -> PackBuilder {
    PackBuilder::new(pack_id)
        .passing("setup_default")
        .passing("diagnostics")
        .passing("verify_webhooks")
}

/// 1 MiB of pseudo-random (so incompressible) bytes, the same on every run.
fn blob() -> Vec<u8> {
    let mut rng = fastrand::Rng::with_seed(0x0067_656e_7472_6963);
    let mut bytes = vec![0u8; BLOB_BYTES];
    rng.fill(&mut bytes);
    bytes
}

/// Recreates `<root>/<set>` holding `providers/messaging/<file>` for each `(file, bytes)`.
fn write_set(root: &Path, set: &str, packs: impl IntoIterator<Item = (String, Vec<u8>)>) -> usize {
    let dir = root.join(set);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap_or_else(|e| panic!("remove {}: {e}", dir.display()));
    }
    let providers = dir.join("providers/messaging");
    std::fs::create_dir_all(&providers).unwrap();
    let mut count = 0;
    for (file, bytes) in packs {
        std::fs::write(providers.join(file), bytes).unwrap();
        count += 1;
    }
    count
}

/// `n` plan packs; every `blob_every`-th one carries the 1 MiB blob. Built on two threads.
fn plan_packs(n: usize, blob_every: usize, blob: &[u8]) -> Vec<(String, Vec<u8>)> {
    let build = |i: usize| {
        let id = format!("bench-plan-{i:05}");
        let mut pack = messaging_pack(&id);
        if i.is_multiple_of(blob_every) {
            pack = pack.entry("components/blob.bin", blob);
        }
        (format!("{id}.gtpack"), pack.build())
    };
    let half = n / 2;
    std::thread::scope(|scope| {
        let first = scope.spawn(|| (0..half).map(build).collect::<Vec<_>>());
        let mut second: Vec<_> = (half..n).map(build).collect();
        let mut all = first.join().expect("generator thread");
        all.append(&mut second);
        all
    })
}

fn inproc_packs(n: usize) -> Vec<(String, Vec<u8>)> {
    (0..n)
        .map(|i| {
            let id = format!("bench-inproc-{i:04}");
            let pack = PackBuilder::new(&id).passing("setup_default");
            (format!("{id}.gtpack"), pack.build())
        })
        .collect()
}

/// One pack with `components` distinct components; `generation` changes the first one's output.
fn cache_pack(components: usize, generation: u32) -> (String, Vec<u8>) {
    let mut pack = PackBuilder::new("bench-cache");
    for i in 0..components {
        let output = if i == 0 {
            format!(r#"{{"component":"c{i}","generation":{generation},"ok":true}}"#)
        } else {
            format!(r#"{{"component":"c{i}","ok":true}}"#)
        };
        pack = pack.component(
            wasm::component_manifest(&format!("bench-c{i}")),
            wasm::component(&output, 0),
        );
    }
    let pack = pack.flow("setup_default", FlowBody::Component("bench-c0".into()));
    ("bench-cache.gtpack".to_string(), pack.build())
}

/// `cache_pack` with components of about `functions` x 200 bytes of code each.
fn large_cache_pack(components: usize, functions: usize) -> (String, Vec<u8>) {
    let mut pack = PackBuilder::new("bench-cache-large");
    for i in 0..components {
        let output = format!(r#"{{"component":"large-c{i}","ok":true}}"#);
        pack = pack.component(
            wasm::component_manifest(&format!("bench-large-c{i}")),
            wasm::padded_component(&output, 0, functions),
        );
    }
    let pack = pack.flow(
        "setup_default",
        FlowBody::Component("bench-large-c0".into()),
    );
    ("bench-cache-large.gtpack".to_string(), pack.build())
}

fn cpu_packs(n: usize, spins: u64) -> Vec<(String, Vec<u8>)> {
    let component = wasm::component(r#"{"ok":true,"work":"spin"}"#, spins);
    (0..n)
        .map(|i| {
            let id = format!("bench-cpu-{i:02}");
            let pack = PackBuilder::new(&id)
                .component(wasm::component_manifest("cpu-worker"), component.clone())
                .flow("setup_default", FlowBody::Component("cpu-worker".into()));
            (format!("{id}.gtpack"), pack.build())
        })
        .collect()
}

/// `n` packs with a provider component and a wasm setup flow; `contract` declares the
/// provider extension, so that setup calls `qa-spec` and `apply-answers` before the flow.
fn contract_packs(n: usize, contract: bool) -> Vec<(String, Vec<u8>)> {
    let qa = r#"{"mode":"setup","title":{"key":"b.t"},"questions":[{"id":"route","kind":{"type":"text"},"label":{"key":"b.route"},"required":false}],"defaults":{}}"#;
    let provider = wasm::provider_component(qa, r#"{"ok":true,"config":{"enabled":true}}"#);
    let node = wasm::padded_component(r#"{"ok":true}"#, 0, 200);
    (0..n)
        .map(|i| {
            let id = format!("bench-contract-{i:02}");
            let mut pack = PackBuilder::new(&id)
                .component(
                    wasm::component_manifest_with_world("bench-provider", wasm::PROVIDER_WORLD),
                    provider.clone(),
                )
                .component(wasm::component_manifest("bench-node"), node.clone())
                .entry("schemas/bench.schema.json", br#"{"type":"object"}"#)
                .flow("setup_default", FlowBody::Component("bench-node".into()));
            if contract {
                pack = pack.extension(
                    "greentic.provider-extension.v1",
                    serde_json::json!({"providers": [{
                        "provider_type": "messaging.bench", "ops": ["qa-spec", "apply-answers"],
                        "config_schema_ref": "schemas/bench.schema.json",
                        "runtime": {"component_ref": "bench-provider", "export": "schema-core-api",
                                    "world": wasm::PROVIDER_WORLD}}]}),
                );
            }
            (format!("{id}.gtpack"), pack.build())
        })
        .collect()
}

#[test]
#[ignore = "writes benchmark pack sets; run by bench/run.sh with BENCH_PACKS_DIR set"]
fn generate_bench_packs() {
    let Some(root) = std::env::var_os("BENCH_PACKS_DIR").map(PathBuf::from) else {
        eprintln!("BENCH_PACKS_DIR is not set: no benchmark packs written");
        return;
    };
    let wanted: Option<Vec<String>> = std::env::var("BENCH_SETS")
        .ok()
        .map(|s| s.split(',').map(|x| x.trim().to_string()).collect());
    let want = |set: &str| wanted.as_ref().is_none_or(|w| w.iter().any(|x| x == set));
    let spins: u64 = std::env::var("BENCH_CPU_SPINS")
        .ok()
        .map(|s| s.parse().expect("BENCH_CPU_SPINS is a number"))
        .unwrap_or(DEFAULT_CPU_SPINS);
    std::fs::create_dir_all(&root).unwrap();

    let blob = blob();
    let report = |set: &str, count: usize| {
        eprintln!("wrote {set}: {count} packs");
    };
    for (n, blob_every) in [(100, 10), (1_000, 10), (10_000, 100)] {
        let set = format!("plan-{n}");
        if want(&set) {
            let count = write_set(&root, &set, plan_packs(n, blob_every, &blob));
            report(&set, count);
        }
    }
    for n in [50, 500] {
        let set = format!("inproc-{n}");
        if want(&set) {
            report(&set, write_set(&root, &set, inproc_packs(n)));
        }
    }
    if want("cache-4") {
        report("cache-4", write_set(&root, "cache-4", [cache_pack(4, 1)]));
    }
    if want("cache-4-v2") {
        report(
            "cache-4-v2",
            write_set(&root, "cache-4-v2", [cache_pack(4, 2)]),
        );
    }
    if want("cache-32") {
        report(
            "cache-32",
            write_set(&root, "cache-32", [cache_pack(32, 1)]),
        );
    }
    if want("cache-4-large") {
        let functions: usize = std::env::var("BENCH_LARGE_FUNCTIONS")
            .ok()
            .map(|s| s.parse().expect("BENCH_LARGE_FUNCTIONS is a number"))
            .unwrap_or(DEFAULT_LARGE_FUNCTIONS);
        report(
            "cache-4-large",
            write_set(&root, "cache-4-large", [large_cache_pack(4, functions)]),
        );
    }
    if want("cpu-16") {
        report("cpu-16", write_set(&root, "cpu-16", cpu_packs(16, spins)));
    }
    for (set, contract) in [("contract-8", true), ("no-contract-8", false)] {
        if want(set) {
            report(set, write_set(&root, set, contract_packs(8, contract)));
        }
    }
    if want("empty") {
        report("empty", write_set(&root, "empty", []));
    }
}
