//! The compiled-component cache: one per user, shared by every loader (the provider contract,
//! the flows' runner, the doctor) and every project; each component compiled once; nothing
//! written in the current folder. Counted in artifacts and in the hits the runner host records
//! in each artifact's metadata (a load that compiles instead rewrites it with no hit).

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use greentic_operator::base::exit_code;
use serde_json::{Value, json};

use crate::support::packs::{FlowBody, PackBuilder};
use crate::support::project::{Project, Run, files_under, operator};
use crate::support::wasm;

const QA_SPEC: &str =
    r#"{"mode":"setup","title":{"key":"x.qa.setup.title"},"questions":[],"defaults":{}}"#;
const SCHEMA_REF: &str = "schemas/messaging/x/public.config.schema.json";
const APPLY: &str = r#"{"ok":true,"config":{},"error":null}"#;

/// `messaging-x`: a provider contract (component `messaging-provider-x`) and a flow calling
/// `echo`. `messaging-y`: the same `echo` (same bytes) and `other`, which its flow calls.
/// Three distinct components in all.
fn two_packs(p: &Project) {
    let provider =
        wasm::component_manifest_with_world("messaging-provider-x", wasm::PROVIDER_WORLD);
    let extension = json!({"providers": [{
        "provider_type": "messaging.x",
        "ops": ["qa-spec", "apply-answers"],
        "config_schema_ref": SCHEMA_REF,
        "runtime": {"component_ref": "messaging-provider-x", "export": "schema-core-api",
                    "world": wasm::PROVIDER_WORLD}
    }]});
    let x = PackBuilder::new("messaging-x")
        .entry(SCHEMA_REF, br#"{"type":"object"}"#)
        .extension("greentic.provider-extension.v1", extension)
        .component(provider, wasm::provider_component(QA_SPEC, APPLY))
        .component(wasm::component_manifest("echo"), echo())
        .flow("setup_default", FlowBody::Component("echo".into()));
    let y = PackBuilder::new("messaging-y")
        .component(wasm::component_manifest("echo"), echo())
        .component(
            wasm::component_manifest("other"),
            wasm::component(r#"{"from":"other"}"#, 0),
        )
        .flow("setup_default", FlowBody::Component("other".into()));
    p.pack("messaging", "x.gtpack", &x);
    p.pack("messaging", "y.gtpack", &y);
}

fn echo() -> Vec<u8> {
    wasm::component(r#"{"from":"echo"}"#, 0)
}

/// One compiled artifact: the file's identity (a rewrite renames a new file into place) and
/// what its metadata says.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Artifact {
    inode: u64,
    created_at: String,
    hits: u64,
    len_matches: bool,
}

/// Every artifact under `cache`, by file name.
fn artifacts(cache: &Path) -> BTreeMap<String, Artifact> {
    files_under(cache)
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "cwasm"))
        .map(|cwasm| {
            let meta: Value =
                serde_json::from_slice(&fs::read(cwasm.with_extension("json")).unwrap()).unwrap();
            let file = fs::metadata(&cwasm).unwrap();
            let artifact = Artifact {
                inode: file.ino(),
                created_at: meta["created_at"].as_str().unwrap().to_string(),
                hits: meta["hit_count"].as_u64().unwrap(),
                len_matches: meta["artifact_bytes"].as_u64() == Some(file.len()),
            };
            (
                cwasm.file_name().unwrap().to_string_lossy().into_owned(),
                artifact,
            )
        })
        .collect()
}

/// The artifact of the component `bytes` (its name is the sha256 of the bytes).
fn artifact_name(bytes: &[u8]) -> String {
    let digest = greentic_operator::state::component_cache::component_digest(bytes);
    format!("{}.cwasm", digest.replace(':', "_"))
}

/// Runs `args` against `p` (`--project-root`) from `cwd`, with `p`'s cache.
fn run_from(p: &Project, cwd: &Path, args: &[&str]) -> Run {
    let root = p.root().display().to_string();
    let output = operator()
        .args(args)
        .args(["--project-root", &root])
        .env("GREENTIC_CACHE_DIR", p.cache())
        .current_dir(cwd)
        .output()
        .unwrap();
    Run::from(output)
}

const SETUP: [&str; 6] = [
    "dev",
    "setup",
    "messaging",
    "--tenant",
    "acme",
    "--non-interactive",
];

/// Neither the project nor the current folder holds a compiled component.
#[track_caller]
fn nothing_compiled_outside_the_cache(p: &Project, cwd: &Path) {
    assert_eq!(
        files_under(cwd),
        Vec::<PathBuf>::new(),
        "the current folder"
    );
    let in_project: Vec<_> = files_under(p.root())
        .into_iter()
        .filter(|f| {
            f.to_string_lossy().contains("cache") || f.extension().is_some_and(|e| e == "cwasm")
        })
        .collect();
    assert_eq!(in_project, Vec::<PathBuf>::new(), "the project");
}

#[test]
fn one_setup_compiles_each_component_once_and_every_load_reads_it() {
    let p = Project::new();
    two_packs(&p);
    let cwd = tempfile::tempdir().unwrap();
    run_from(&p, cwd.path(), &SETUP).code(exit_code::SUCCESS);
    let cache = artifacts(p.cache());
    assert_eq!(cache.len(), 3, "{cache:#?}");
    // Every load was a hit: the provider's by its contract and by the runner of messaging-x,
    // echo by the runners of both packs, other by messaging-y's. A load that compiled would
    // have rewritten the metadata with no hit.
    let provider = wasm::provider_component(QA_SPEC, APPLY);
    let other = wasm::component(r#"{"from":"other"}"#, 0);
    let hits = |bytes: &[u8]| cache[&artifact_name(bytes)].hits;
    assert_eq!(hits(&provider), 2, "{cache:#?}");
    assert_eq!(hits(&echo()), 2, "{cache:#?}");
    assert_eq!(hits(&other), 1, "{cache:#?}");
    nothing_compiled_outside_the_cache(&p, cwd.path());
}

#[test]
fn no_command_of_a_project_or_of_a_second_project_compiles_a_component_again() {
    let p = Project::new();
    two_packs(&p);
    let cwd = tempfile::tempdir().unwrap();
    let mut dry_run = SETUP.to_vec();
    dry_run.push("--dry-run");
    run_from(&p, cwd.path(), &dry_run)
        .code(exit_code::SUCCESS)
        .stdout_has("provider contract of messaging-x: messaging.x");
    let after_dry_run = artifacts(p.cache());
    assert_eq!(after_dry_run.len(), 1, "a dry run asks the provider only");
    run_from(&p, cwd.path(), &SETUP).code(exit_code::SUCCESS);
    let after_setup = artifacts(p.cache());
    assert_eq!(after_setup.len(), 3);
    let unchanged = |before: &BTreeMap<String, Artifact>, after: &BTreeMap<String, Artifact>| {
        for (name, was) in before {
            let now = &after[name];
            assert_eq!(
                (now.inode, &now.created_at),
                (was.inode, &was.created_at),
                "{name} was compiled again"
            );
        }
    };
    unchanged(&after_dry_run, &after_setup);
    for args in [
        &["dev", "diagnostics", "messaging", "--tenant", "acme"][..],
        &["dev", "doctor", "messaging"],
        &dry_run,
        &SETUP,
    ] {
        let run = run_from(&p, cwd.path(), args);
        assert!(run.code <= 1, "{}\n{}", run.stdout, run.stderr);
        let now = artifacts(p.cache());
        assert_eq!(now.len(), 3, "{args:?}");
        unchanged(&after_setup, &now);
    }
    nothing_compiled_outside_the_cache(&p, cwd.path());

    let second = Project::sharing_cache_with(&p);
    two_packs(&second);
    run_from(&second, cwd.path(), &SETUP).code(exit_code::SUCCESS);
    let now = artifacts(p.cache());
    assert_eq!(now.len(), 3, "the second project compiled nothing");
    unchanged(&after_setup, &now);
    nothing_compiled_outside_the_cache(&second, cwd.path());
}

#[test]
fn a_damaged_compiled_component_is_compiled_again() {
    let p = Project::new();
    two_packs(&p);
    let cwd = tempfile::tempdir().unwrap();
    run_from(&p, cwd.path(), &SETUP).code(exit_code::SUCCESS);
    let before = artifacts(p.cache());
    let cwasm: Vec<_> = files_under(p.cache())
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "cwasm"))
        .collect();
    // One truncated, one of the right length with other bytes.
    let bytes = fs::read(&cwasm[0]).unwrap();
    fs::write(&cwasm[0], &bytes[..bytes.len() / 2]).unwrap();
    let len = fs::metadata(&cwasm[1]).unwrap().len() as usize;
    fs::write(&cwasm[1], vec![0x5a; len]).unwrap();
    run_from(&p, cwd.path(), &SETUP)
        .code(exit_code::SUCCESS)
        .stdout_has("PASS");
    let after = artifacts(p.cache());
    assert_eq!(after.len(), 3);
    for file in &cwasm[..2] {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        assert!(after[&name].len_matches, "{name}: {:#?}", after[&name]);
        assert_ne!(
            after[&name].created_at, before[&name].created_at,
            "{name} was compiled again"
        );
    }
}

#[test]
fn the_cache_is_in_the_users_cache_folder_private_to_them() {
    let p = Project::new();
    two_packs(&p);
    let cwd = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let run_args = |args: &[&str], env: &[(&str, &Path)]| {
        let mut cmd = operator();
        cmd.args(args)
            .args(["--project-root", &p.root().display().to_string()])
            .env_remove("GREENTIC_CACHE_DIR")
            .env_remove("XDG_CACHE_HOME")
            .current_dir(cwd.path());
        for (name, value) in env {
            cmd.env(name, value);
        }
        Run::from(cmd.output().unwrap())
    };
    let run = |env: &[(&str, &Path)]| {
        run_args(&SETUP, env).code(exit_code::SUCCESS);
    };
    let xdg = home.path().join("xdg");
    run(&[("XDG_CACHE_HOME", &xdg), ("HOME", home.path())]);
    let ours = xdg.join("greentic-operator");
    assert_eq!(artifacts(&ours.join("components")).len(), 3);
    for dir in [&xdg, &ours, &ours.join("components")] {
        let mode = fs::metadata(dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{}", dir.display());
    }
    let components = ours.join("components");
    run_args(
        &["dev", "doctor", "messaging"],
        &[("XDG_CACHE_HOME", &xdg), ("HOME", home.path())],
    )
    .stdout_has(&format!(
        "compiled-component cache {} (shared by your projects): ",
        components.display()
    ));
    run(&[("HOME", home.path())]);
    let default = home.path().join(".cache/greentic-operator/components");
    assert_eq!(artifacts(&default).len(), 3);
    nothing_compiled_outside_the_cache(&p, cwd.path());
}

#[test]
fn greentic_no_cache_compiles_without_keeping_anything() {
    let p = Project::new();
    two_packs(&p);
    let cwd = tempfile::tempdir().unwrap();
    let root = p.root().display().to_string();
    let output = operator()
        .args(SETUP)
        .args(["--project-root", &root])
        .env("GREENTIC_CACHE_DIR", p.cache())
        .env("GREENTIC_NO_CACHE", "1")
        .current_dir(cwd.path())
        .output()
        .unwrap();
    Run::from(output).code(exit_code::SUCCESS);
    assert!(!p.cache().exists());
    nothing_compiled_outside_the_cache(&p, cwd.path());
}

#[test]
fn the_doctor_says_where_the_cache_is_and_how_much_of_the_project_it_holds() {
    let p = Project::new();
    two_packs(&p);
    let cwd = tempfile::tempdir().unwrap();
    let cache = p.cache().display().to_string();
    run_from(&p, cwd.path(), &["dev", "doctor", "messaging"])
        .stdout_has(&format!(
            "info    compiled-component cache {cache} (GREENTIC_CACHE_DIR): "
        ))
        .stdout_has("0 of the project's 3 components compiled (fix: the next command");
    run_from(&p, cwd.path(), &SETUP).code(exit_code::SUCCESS);
    let run = run_from(&p, cwd.path(), &["dev", "doctor", "messaging"]);
    run.stdout_has("in 3 compiled components; 3 of the project's 3 components compiled\n");
    nothing_compiled_outside_the_cache(&p, cwd.path());
}

#[test]
fn a_terminal_shows_what_is_compiling() {
    let p = Project::new();
    let big = PackBuilder::new("messaging-big")
        .component(
            wasm::component_manifest("big"),
            wasm::padded_component("{}", 0, 3000),
        )
        .flow("setup_default", FlowBody::Component("big".into()));
    p.pack("messaging", "big.gtpack", &big);
    let bin = env!("CARGO_BIN_EXE_greentic-operator");
    let output = crate::support::project::clean_command("script")
        .args([
            "-qec",
            &format!("{bin} dev setup messaging --tenant acme"),
            "/dev/null",
        ])
        .current_dir(p.root())
        .env("GREENTIC_CACHE_DIR", p.cache())
        .env_remove("CI")
        .output()
        .unwrap();
    let screen = String::from_utf8_lossy(&output.stdout);
    assert!(
        screen.contains("compiling: big (messaging-big)"),
        "{screen}"
    );
}

#[test]
fn two_operators_compiling_the_same_components_at_once_both_pass_and_leave_one_entry_each() {
    let first = Project::new();
    two_packs(&first);
    let second = Project::sharing_cache_with(&first);
    two_packs(&second);
    let cwd = tempfile::tempdir().unwrap();
    let start = |p: &Project| {
        operator()
            .args(SETUP)
            .args(["--project-root", &p.root().display().to_string()])
            .env("GREENTIC_CACHE_DIR", p.cache())
            .current_dir(cwd.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (start(&first), start(&second));
    for child in [a, b] {
        Run::from(child.wait_with_output().unwrap()).code(exit_code::SUCCESS);
    }
    let cache = artifacts(first.cache());
    assert_eq!(cache.len(), 3, "{cache:#?}");
    assert!(cache.values().all(|a| a.len_matches), "{cache:#?}");
    nothing_compiled_outside_the_cache(&first, cwd.path());
}
