//! A real wasm component (`greentic:component/node@0.4.0`) written in WAT and wrapped with
//! wit-component: no wasm toolchain needed. Its `invoke` optionally spins a counter (CPU work)
//! and answers a fixed JSON document.

use std::str::FromStr;

use greentic_types::flow::FlowKind;
use greentic_types::{ComponentId, ComponentManifest};

/// The interface the runner's host binds for 0.4 components (from greentic-runner-host's
/// `src/component_api.rs`).
const NODE_WIT: &str = r#"
package greentic:component@0.4.0;

interface control {
  should-cancel: func() -> bool;
  yield-now: func();
}

interface node {
  type json = string;
  record tenant-ctx {
    tenant: string, team: option<string>, user: option<string>, trace-id: option<string>,
    correlation-id: option<string>, deadline-unix-ms: option<u64>, attempt: u32,
    idempotency-key: option<string>,
  }
  record exec-ctx { tenant: tenant-ctx, flow-id: string, node-id: option<string> }
  record node-error {
    code: string, message: string, retryable: bool, backoff-ms: option<u64>, details: option<json>,
  }
  variant invoke-result { ok(json), err(node-error) }
  variant stream-event { data(json), progress(u8), done, error(string) }
  enum lifecycle-status { ok }
  get-manifest: func() -> json;
  on-start: func(ctx: exec-ctx) -> result<lifecycle-status, string>;
  on-stop: func(ctx: exec-ctx, reason: string) -> result<lifecycle-status, string>;
  invoke: func(ctx: exec-ctx, op: string, input: json) -> invoke-result;
  invoke-stream: func(ctx: exec-ctx, op: string, input: json) -> list<stream-event>;
}

world component {
  import control;
  export node;
}
"#;

/// The world the manifest declares for this component.
pub const WORLD: &str = "greentic:component/component@0.4.0";

/// The core module. Every export takes its (too many to flatten) parameters through a pointer
/// and returns a pointer to its result area, as the canonical ABI prescribes; `cabi_realloc` is
/// a bump allocator. `invoke` counts down `spins` (CPU work) and answers `output`, which sits
/// at offset 1024 of memory; results are written at offset 64.
fn core_module(output: &str, spins: u64, filler_functions: usize) -> Vec<u8> {
    wat::parse_str(core_wat(output, spins, filler_functions)).expect("valid WAT")
}

/// The text of [`core_module`].
fn core_wat(output: &str, spins: u64, filler_functions: usize) -> String {
    let escaped: String = output.bytes().map(|b| format!("\\{b:02x}")).collect();
    let len = output.len();
    let filler = filler(filler_functions);
    let wat = format!(
        r#"(module
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 65536))
  (data (i32.const 1024) "{escaped}")
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $ptr i32) (local $end i32)
    (local.set $ptr (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get 2))))
    (local.set $end (i32.add (local.get $ptr) (local.get 3)))
    (if (i32.gt_u (local.get $end) (i32.mul (memory.size) (i32.const 65536)))
      (then (drop (memory.grow (i32.add (i32.shr_u (i32.sub (local.get $end)
              (i32.mul (memory.size) (i32.const 65536))) (i32.const 16)) (i32.const 1))))))
    (global.set $heap (local.get $end))
    (local.get $ptr))
  (func (export "greentic:component/node@0.4.0#get-manifest") (result i32)
    (i32.store (i32.const 64) (i32.const 1024))
    (i32.store (i32.const 68) (i32.const {len}))
    (i32.const 64))
  (func (export "greentic:component/node@0.4.0#on-start") (param i32) (result i32)
    (i32.store8 (i32.const 64) (i32.const 0))
    (i32.store8 (i32.const 68) (i32.const 0))
    (i32.const 64))
  (func (export "greentic:component/node@0.4.0#on-stop") (param i32) (result i32)
    (i32.store8 (i32.const 64) (i32.const 0))
    (i32.store8 (i32.const 68) (i32.const 0))
    (i32.const 64))
  (func (export "greentic:component/node@0.4.0#invoke") (param i32) (result i32)
    (local $n i64)
    (local.set $n (i64.const {spins}))
    (block $done
      (loop $spin
        (br_if $done (i64.eqz (local.get $n)))
        (local.set $n (i64.sub (local.get $n) (i64.const 1)))
        (br $spin)))
    (i32.store8 (i32.const 64) (i32.const 0))
    (i32.store (i32.const 72) (i32.const 1024))
    (i32.store (i32.const 76) (i32.const {len}))
    (i32.const 64))
  (func (export "greentic:component/node@0.4.0#invoke-stream") (param i32) (result i32)
    (i32.store (i32.const 64) (i32.const 8))
    (i32.store (i32.const 68) (i32.const 0))
    (i32.const 64))
{filler})"#
    );
    wat
}

/// `functions` never-called functions of ~200 bytes of code each: real provider components
/// are hundreds of KB, and compiling them is what the component cache saves.
fn filler(functions: usize) -> String {
    let mut filler = String::new();
    for f in 0..functions {
        filler.push_str("  (func (param i64) (result i64)\n");
        for k in 0..16 {
            filler.push_str(&format!(
                "    (local.set 0 (i64.xor (i64.mul (local.get 0) (i64.const {})) (i64.const {})))\n",
                f * 31 + k + 3,
                f ^ (k << 7)
            ));
        }
        filler.push_str("    (local.get 0))\n");
    }
    filler
}

/// A component whose `invoke` answers `output` (JSON text) after `spins` loop iterations.
pub fn component(output: &str, spins: u64) -> Vec<u8> {
    padded_component(output, spins, 0)
}

/// [`component`] whose core module also carries `filler_functions` never-called functions
/// (see [`filler`]), for a component of realistic size.
pub fn padded_component(output: &str, spins: u64, filler_functions: usize) -> Vec<u8> {
    encode(core_module(output, spins, filler_functions), NODE_WIT)
}

/// The module `module` made a component of the world `component` in `wit`.
fn encode(mut module: Vec<u8>, wit: &str) -> Vec<u8> {
    let mut resolve = wit_parser::Resolve::default();
    let package = resolve.push_str("node.wit", wit).expect("parse WIT");
    let world = resolve
        .select_world(&[package], Some("component"))
        .expect("world");
    wit_component::embed_component_metadata(
        &mut module,
        &resolve,
        world,
        wit_component::StringEncoding::UTF8,
    )
    .expect("embed metadata");
    wit_component::ComponentEncoder::default()
        .module(&module)
        .expect("core module")
        .validate(true)
        .encode()
        .expect("encode component")
}

/// The manifest entry declaring a component built by [`component`].
pub fn component_manifest(id: &str) -> ComponentManifest {
    ComponentManifest {
        id: ComponentId::from_str(id).expect("component id"),
        version: "0.1.0".parse().unwrap(),
        supports: vec![FlowKind::Job],
        world: WORLD.to_string(),
        profiles: Default::default(),
        capabilities: Default::default(),
        configurators: None,
        operations: Vec::new(),
        config_schema: None,
        resources: Default::default(),
        dev_flows: Default::default(),
    }
}

/// The world Greentic's published 0.4.38 packs declare for their QA and provisioning
/// components, which runner 1.2.2 cannot instantiate.
pub const FOREIGN_WORLD: &str = "greentic:component/component@0.5.0";

/// A valid component exporting nothing at all, as the `ai.greentic.component-qa.wasm` of
/// Greentic's published messaging packs.
pub fn empty_component() -> Vec<u8> {
    wat::parse_str("(component)").expect("empty component")
}

/// A component exporting a Greentic interface of a version runner 1.2.2 does not call
/// (`greentic:component/node@0.9.0`): how a component built for another runner looks to it.
pub fn other_version_component() -> Vec<u8> {
    let retag = |text: &str| text.replace("@0.4.0", "@0.9.0");
    let module = wat::parse_str(retag(&core_wat("{}", 0, 0))).expect("valid WAT");
    encode(module, &retag(NODE_WIT))
}

/// [`component_manifest`] declaring `world`.
pub fn component_manifest_with_world(id: &str, world: &str) -> ComponentManifest {
    ComponentManifest {
        world: world.to_string(),
        ..component_manifest(id)
    }
}

/// The provider contract's interface (greentic-interfaces' `provider/schema-core@1.0.0`).
const SCHEMA_CORE_WIT: &str = r#"
package greentic:provider-schema-core@1.0.0;

interface schema-core-api {
  describe: func() -> list<u8>;
  validate-config: func(config-json: list<u8>) -> list<u8>;
  healthcheck: func() -> list<u8>;
  invoke: func(op: string, input-json: list<u8>) -> list<u8>;
}

world component {
  export schema-core-api;
}
"#;

/// The world a provider extension declares for its runtime (runner-host tries it, then falls
/// back to `greentic:provider-schema-core`, which these components export).
pub const PROVIDER_WORLD: &str = "greentic:provider/schema-core@1.0.0";

/// A provider component whose `invoke` answers `qa_spec` to `qa-spec` and `apply` to
/// `apply-answers` (told apart by the op's length, 7 and 13), and `{}` to any other op.
pub fn provider_component(qa_spec: &str, apply: &str) -> Vec<u8> {
    provider_module(qa_spec, apply, false)
}

/// A provider component answering `qa_spec` to `qa-spec` whose `apply-answers` never returns
/// (it spins until the host gives up on it).
pub fn stuck_provider_component(qa_spec: &str) -> Vec<u8> {
    provider_module(qa_spec, "{}", true)
}

fn provider_module(qa_spec: &str, apply: &str, apply_spins: bool) -> Vec<u8> {
    let hex = |text: &str| -> String { text.bytes().map(|b| format!("\\{b:02x}")).collect() };
    let (qa_len, apply_len) = (qa_spec.len(), apply.len());
    let apply_at = 1024 + qa_len;
    let empty_at = apply_at + apply_len;
    let prefix = "greentic:provider-schema-core/schema-core-api@1.0.0";
    let answer = |at: usize, len: usize| {
        format!(
            "(i32.store (i32.const 64) (i32.const {at})) (i32.store (i32.const 68) (i32.const {len})) (i32.const 64)"
        )
    };
    let empty = answer(empty_at, 2);
    let wat = format!(
        r#"(module
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 32768))
  (data (i32.const 1024) "{qa}")
  (data (i32.const {apply_at}) "{ap}")
  (data (i32.const {empty_at}) "{{}}")
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $ptr i32)
    (local.set $ptr (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get 2))))
    (global.set $heap (i32.add (local.get $ptr) (local.get 3)))
    (local.get $ptr))
  (func (export "{prefix}#describe") (result i32) {empty})
  (func (export "{prefix}#validate-config") (param i32 i32) (result i32) {empty})
  (func (export "{prefix}#healthcheck") (result i32) {empty})
  (func (export "{prefix}#invoke") (param i32 i32 i32 i32) (result i32)
    (if (i32.eq (local.get 1) (i32.const 7)) (then (return {qa_answer})))
    (if (i32.eq (local.get 1) (i32.const 13)) (then {spin} (return {apply_answer})))
    {empty}))"#,
        qa = hex(qa_spec),
        ap = hex(apply),
        qa_answer = answer(1024, qa_len),
        apply_answer = answer(apply_at, apply_len),
        spin = if apply_spins {
            "(loop $spin (br $spin))"
        } else {
            ""
        },
    );
    let module = wat::parse_str(wat).expect("valid WAT");
    encode(module, SCHEMA_CORE_WIT)
}

/// The webhook ingress interface of Greentic's messaging ingress components
/// (`provider:common/ingress@0.0.2`, from greentic-messaging-providers' `provider-common` WIT).
const INGRESS_WIT: &str = r#"
package provider:common@0.0.2;

interface ingress {
  type normalized-payload-json = string;
  type ingress-error = string;
  handle-webhook: func(headers-json: string, body-json: string) -> result<normalized-payload-json, ingress-error>;
}

world component {
  export ingress;
}
"#;

/// The world Greentic's telegram pack declares for its ingress component.
pub const INGRESS_WORLD: &str =
    "greentic:messaging-ingress-telegram/messaging-ingress-telegram@0.0.1";

/// An ingress component as Greentic's real ones are: it exports `provider:common/ingress`
/// with `handle-webhook` (answering an empty `ok` string), and no interface the runner calls.
pub fn ingress_component() -> Vec<u8> {
    let wat = r#"(module
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 32768))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $ptr i32)
    (local.set $ptr (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get 2))))
    (global.set $heap (i32.add (local.get $ptr) (local.get 3)))
    (local.get $ptr))
  (func (export "provider:common/ingress@0.0.2#handle-webhook")
    (param i32 i32 i32 i32) (result i32)
    (i32.store (i32.const 64) (i32.const 0))
    (i32.store (i32.const 68) (i32.const 1024))
    (i32.store (i32.const 72) (i32.const 0))
    (i32.const 64)))"#;
    encode(wat::parse_str(wat).expect("valid WAT"), INGRESS_WIT)
}

/// A provider component as Greentic's real ones are in one respect: its `apply-answers`
/// answers by mode. It answers `qa_spec` to `qa-spec`, and to `apply-answers` the answer of
/// the first `(mode, answer)` whose `"mode":"<mode>"` its input holds (`{}` when none does).
pub fn provider_component_by_mode(qa_spec: &str, by_mode: &[(&str, &str)]) -> Vec<u8> {
    let hex = |text: &str| -> String { text.bytes().map(|b| format!("\\{b:02x}")).collect() };
    let prefix = "greentic:provider-schema-core/schema-core-api@1.0.0";
    let answer = |at: usize, len: usize| {
        format!(
            "(i32.store (i32.const 64) (i32.const {at})) (i32.store (i32.const 68) (i32.const {len})) (i32.const 64)"
        )
    };
    let mut data = format!("(data (i32.const 1024) \"{}\")\n", hex(qa_spec));
    let mut at = 1024 + qa_spec.len();
    let mut checks = String::new();
    for (mode, reply) in by_mode {
        let needle = format!("\"mode\":\"{mode}\"");
        let (needle_at, reply_at) = (at, at + needle.len());
        data.push_str(&format!(
            "(data (i32.const {needle_at}) \"{}\")\n(data (i32.const {reply_at}) \"{}\")\n",
            hex(&needle),
            hex(reply)
        ));
        checks.push_str(&format!(
            "(if (call $has (local.get 2) (local.get 3) (i32.const {needle_at}) (i32.const {})) (then (return {})))\n",
            needle.len(),
            answer(reply_at, reply.len())
        ));
        at = reply_at + reply.len();
    }
    data.push_str(&format!("(data (i32.const {at}) \"{{}}\")\n"));
    let empty = answer(at, 2);
    let wat = format!(
        r#"(module
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 32768))
  {data}
  (func $has (param $h i32) (param $hl i32) (param $n i32) (param $nl i32) (result i32)
    (local $i i32) (local $j i32)
    (block $none
      (loop $start
        (br_if $none (i32.gt_s (local.get $nl) (i32.sub (local.get $hl) (local.get $i))))
        (local.set $j (i32.const 0))
        (block $differs
          (loop $same
            (if (i32.eq (local.get $j) (local.get $nl)) (then (return (i32.const 1))))
            (br_if $differs (i32.ne
              (i32.load8_u (i32.add (local.get $h) (i32.add (local.get $i) (local.get $j))))
              (i32.load8_u (i32.add (local.get $n) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $same)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $start)))
    (i32.const 0))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $ptr i32)
    (local.set $ptr (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get 2))))
    (global.set $heap (i32.add (local.get $ptr) (local.get 3)))
    (local.get $ptr))
  (func (export "{prefix}#describe") (result i32) {empty})
  (func (export "{prefix}#validate-config") (param i32 i32) (result i32) {empty})
  (func (export "{prefix}#healthcheck") (result i32) {empty})
  (func (export "{prefix}#invoke") (param i32 i32 i32 i32) (result i32)
    (if (i32.eq (local.get 1) (i32.const 7)) (then (return {qa_answer})))
    (if (i32.eq (local.get 1) (i32.const 13)) (then {checks}))
    {empty}))"#,
        qa_answer = answer(1024, qa_spec.len()),
    );
    let module = wat::parse_str(wat).expect("valid WAT");
    encode(module, SCHEMA_CORE_WIT)
}
