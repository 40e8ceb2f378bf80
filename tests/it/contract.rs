//! `dev setup` through a provider's own contract (`qa-spec`, `apply-answers`, the config
//! schema), with provider components built from WAT and called in-process by the runner host.

use std::fs;

use serde_json::{Value, json};

use crate::support::packs::{FlowBody, PackBuilder};
use crate::support::project::{Project, files_under};
use crate::support::wasm;

const TOKEN: &str = "tok-contract-secret-5150";
const SCHEMA_REF: &str = "schemas/messaging/x/public.config.schema.json";

/// `enabled` and `api_token` required by the provider; `setup.yaml` asks `region` only.
const QA_SPEC: &str = r#"{"mode":"setup","title":{"key":"x.qa.setup.title"},"questions":[{"id":"enabled","kind":{"type":"bool"},"label":{"key":"x.enabled"},"required":true},{"id":"api_token","kind":{"type":"text"},"label":{"key":"x.token"},"required":true},{"id":"region","kind":{"type":"text"},"label":{"key":"x.region"},"required":false}],"defaults":{"enabled":true}}"#;

const SCHEMA: &str = r#"{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","additionalProperties":false,"required":["region"],"properties":{"region":{"type":"string"},"enabled":{"type":"boolean"},"route":{"type":"string"}}}"#;

/// A pack whose provider answers `apply` to `apply-answers`; its setup flow passes, or fails.
fn provider_pack(apply: &str, flow_passes: bool) -> PackBuilder {
    provider_pack_of(wasm::provider_component(QA_SPEC, apply), flow_passes)
}

/// A pack whose provider is `provider` (a component from WAT).
fn provider_pack_of(provider: Vec<u8>, flow_passes: bool) -> PackBuilder {
    let component =
        wasm::component_manifest_with_world("messaging-provider-x", wasm::PROVIDER_WORLD);
    let extension = json!({"providers": [{
        "provider_type": "messaging.x",
        "ops": ["send", "qa-spec", "apply-answers"],
        "config_schema_ref": SCHEMA_REF,
        "runtime": {"component_ref": "messaging-provider-x", "export": "schema-core-api",
                    "world": wasm::PROVIDER_WORLD}
    }]});
    let pack = PackBuilder::new("messaging-x")
        .entry(
            "assets/setup.yaml",
            b"questions:\n  - name: region\n    title: Region\n    required: true\n",
        )
        .entry(SCHEMA_REF, SCHEMA.as_bytes())
        .extension("greentic.provider-extension.v1", extension)
        .component(component, provider)
        .passing("diagnostics");
    if flow_passes {
        pack.flow(
            "setup_default",
            FlowBody::Emit(json!({"config": "{{entry.config}}"})),
        )
    } else {
        pack.failing("setup_default")
    }
}

fn answers(p: &Project) {
    p.file(
        "answers.json",
        json!({"messaging-x": {"region": "eu", "api_token": TOKEN}})
            .to_string()
            .as_bytes(),
    );
}

fn token_in_files(p: &Project) -> Vec<String> {
    files_under(p.root())
        .into_iter()
        .filter(|f| !f.to_string_lossy().contains(".dev.secrets") && !f.ends_with("answers.json"))
        .filter(|f| fs::read(f).is_ok_and(|b| String::from_utf8_lossy(&b).contains(TOKEN)))
        .map(|f| f.display().to_string())
        .collect()
}

#[test]
fn an_accepting_provider_is_configured_its_nulls_unset_and_its_secret_only_in_the_store() {
    let p = Project::new();
    let apply = r#"{"ok":true,"config":{"region":"eu","enabled":true,"route":null},"error":null}"#;
    p.pack("messaging", "x.gtpack", &provider_pack(apply, true));
    answers(&p);
    let run = p.setup_messaging(&["--answers", "answers.json"]);
    run.code(0)
        .stdout_has("provider contract of messaging-x: messaging.x")
        .stdout_has("configured (kept")
        .stdout_has("setup_default (provider configured)")
        .stdout_has("api_token: asked by the provider (required), not by setup.yaml");
    assert_eq!(
        p.stored_answers("messaging-x"),
        json!({"enabled": true, "region": "eu"}),
        "the provider's config beside the answers, its null field unset"
    );
    assert_eq!(
        p.secret("secrets://dev/acme/_/messaging_x/api_token")
            .as_deref(),
        Some(TOKEN)
    );
    let (dir, input) = p.first_run("messaging", "messaging-x", "setup_default");
    assert_eq!(
        input["config"]["region"], "eu",
        "the flow gets the applied config"
    );
    assert_eq!(input["config"]["enabled"], true);
    let record: Value = serde_json::from_slice(&fs::read(dir.join("run.json")).unwrap()).unwrap();
    assert_eq!(record["contract"]["verdict"], "configured");
    assert!(!run.stdout.contains(TOKEN) && !run.stderr.contains(TOKEN));
    assert_eq!(token_in_files(&p), Vec::<String>::new());
}

#[test]
fn a_refusing_provider_fails_its_pack_in_its_own_words_and_nothing_is_stored() {
    let p = Project::new();
    let apply = r#"{"ok":false,"error":"config validation failed: api_token is required","diagnostics":["see the docs"]}"#;
    p.pack("messaging", "x.gtpack", &provider_pack(apply, true));
    answers(&p);
    let run = p.setup_messaging(&["--answers", "answers.json"]);
    run.code(1)
        .stdout_has("provider messaging.x rejected the setup answers: config validation failed: api_token is required (see the docs); nothing was kept");
    assert!(!p.state().join("config").exists(), "no setup-answers.json");
    assert_eq!(p.secret("secrets://dev/acme/_/messaging_x/api_token"), None);
    assert!(!p.state().join("runs").exists(), "its flow did not run");
}

#[test]
fn a_configuration_breaking_the_packs_schema_is_refused_with_each_violation() {
    let p = Project::new();
    let apply = r#"{"ok":true,"config":{"enabled":"yes","plan":"gold"}}"#;
    p.pack("messaging", "x.gtpack", &provider_pack(apply, true));
    answers(&p);
    let run = p.setup_messaging(&["--answers", "answers.json"]);
    run.code(1)
        .stdout_has(&format!("breaks its config schema {SCHEMA_REF}"))
        .stdout_has("at /enabled:")
        .stdout_has("\"region\" is a required property");
    assert!(!p.state().join("config").exists());
    assert_eq!(p.secret("secrets://dev/acme/_/messaging_x/api_token"), None);
}

#[test]
fn a_flow_failing_after_the_provider_accepted_fails_and_says_the_configuration_was_kept() {
    let p = Project::new();
    let apply = r#"{"ok":true,"config":{"region":"eu"}}"#;
    p.pack("messaging", "x.gtpack", &provider_pack(apply, false));
    answers(&p);
    p.setup_messaging(&["--answers", "answers.json"])
        .code(1)
        .stdout_has("(provider configured: its configuration was kept)");
    assert_eq!(p.stored_answers("messaging-x")["region"], "eu");
}

#[test]
fn a_dry_run_asks_the_provider_but_never_applies_and_doctor_judges_the_contract() {
    let p = Project::new();
    p.pack(
        "messaging",
        "x.gtpack",
        &provider_pack(r#"{"ok":true,"config":{}}"#, true),
    );
    answers(&p);
    let run = p.setup_messaging(&["--answers", "answers.json", "--dry-run", "--format", "json"]);
    let doc: Value = run.json();
    let contract = &doc["plan"]["packs"][0]["contract"];
    assert_eq!(contract["provider_type"], "messaging.x");
    assert_eq!(
        contract["provider_questions"],
        json!(["enabled", "api_token", "region"])
    );
    assert!(
        contract.get("verdict").is_none(),
        "apply-answers is not called in a dry run"
    );
    assert!(!p.state().join("config").exists());
    let doctor = p.run(&["dev", "doctor"]);
    assert!(
        doctor.stdout.contains("exports its contract's interface")
            && doctor.stdout.contains(&format!(
                "config schema {SCHEMA_REF} is a valid JSON Schema"
            ))
            && !doctor.stdout.contains("none of which"),
        "{}",
        doctor.stdout
    );
}

/// Set up through an accepting provider, then the pack replaced by one whose provider answers
/// `apply` (in every mode, `remove` included) and declares a passing `remove` flow.
fn set_up_then_answering(apply: &str) -> Project {
    let p = Project::new();
    let accept = r#"{"ok":true,"config":{"region":"eu","enabled":true}}"#;
    p.pack("messaging", "x.gtpack", &provider_pack(accept, true));
    answers(&p);
    p.setup_messaging(&["--answers", "answers.json"]).code(0);
    p.pack(
        "messaging",
        "x.gtpack",
        &provider_pack(apply, true).passing("remove"),
    );
    p
}

fn remove_x(p: &Project, extra: &[&str]) -> crate::support::project::Run {
    let mut args = vec!["dev", "remove", "messaging", "--tenant", "acme", "--yes"];
    args.extend_from_slice(extra);
    p.run(&args)
}

#[test]
fn a_provider_that_refuses_its_removal_keeps_its_data_unless_forced() {
    let p = set_up_then_answering(r#"{"ok":false,"error":"still subscribed to 3 channels"}"#);
    let uri = "secrets://dev/acme/_/messaging_x/api_token";
    assert_eq!(p.secret(uri).as_deref(), Some(TOKEN));
    remove_x(&p, &[])
        .code(1)
        .stdout_has("KEPT")
        .stdout_has("its provider messaging.x refused its removal: still subscribed to 3 channels");
    assert_eq!(p.secret(uri).as_deref(), Some(TOKEN), "nothing deleted");
    remove_x(&p, &["--force"]).stdout_has("REMOVED");
    assert_eq!(p.secret(uri), None);
}

#[test]
fn an_accepting_provider_names_what_it_wants_gone_and_everything_of_it_is_removed() {
    let p = set_up_then_answering(r#"{"ok":true,"remove":["api_token","region"]}"#);
    let run = remove_x(&p, &["--format", "json"]);
    let doc = run.code(0).json();
    assert_eq!(doc["removals"][0]["status"], "removed");
    assert_eq!(
        doc["removals"][0]["provider_named"],
        json!(["api_token", "region"])
    );
    assert_eq!(p.secret("secrets://dev/acme/_/messaging_x/api_token"), None);
    assert!(
        !p.state()
            .join("config/dev/acme/_/messaging-x/setup-answers.json")
            .exists()
    );
}

/// The token as a provider echoes it back, and what it generates itself.
const BOT_TOKEN: &str = "123456:bot-token-echoed-9911";
const API_KEY: &str = "generated-key-7731";
const WEBHOOK_ID: &str = "wh-4471";

/// A provider whose `apply-answers` returns its configuration with secrets where the old rules
/// missed them: inside a URL, under a nested key, under keys its schema marks.
fn echoing_pack() -> PackBuilder {
    configuring_pack(json!({
        "region": "eu",
        "webhook_url": format!("https://hooks.example/bot/{BOT_TOKEN}/in"),
        "auth": {"token": BOT_TOKEN},
        "api_key": API_KEY,
        "webhook_id": WEBHOOK_ID,
    }))
}

/// A provider y whose `apply-answers` accepts with `config`.
fn configuring_pack(config: Value) -> PackBuilder {
    let schema = json!({
        "$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
        "additionalProperties": false,
        "properties": {
            "region": {"type": "string"},
            "webhook_url": {"type": "string"},
            "auth": {"type": "object", "properties": {"token": {"type": "string"}}},
            "api_key": {"type": "string", "x-redact": true},
            "webhook_id": {"type": "string", "writeOnly": true}
        }
    });
    let apply = json!({"ok": true, "config": config});
    let qa = r#"{"mode":"setup","title":{"key":"y.title"},"questions":[{"id":"region","kind":{"type":"text"},"label":{"key":"y.region"},"required":true}],"defaults":{}}"#;
    let extension = json!({"providers": [{
        "provider_type": "messaging.y",
        "ops": ["qa-spec", "apply-answers"],
        "config_schema_ref": SCHEMA_REF,
        "runtime": {"component_ref": "messaging-provider-y", "export": "schema-core-api",
                    "world": wasm::PROVIDER_WORLD}
    }]});
    PackBuilder::new("messaging-y")
        .entry(
            "assets/setup.yaml",
            b"questions:\n  - {name: region, required: true}\n  - {name: bot_token, required: true, secret: true}\n",
        )
        .entry(SCHEMA_REF, schema.to_string().as_bytes())
        .extension("greentic.provider-extension.v1", extension)
        .component(
            wasm::component_manifest_with_world("messaging-provider-y", wasm::PROVIDER_WORLD),
            wasm::provider_component(qa, &apply.to_string()),
        )
        .flow(
            "setup_default",
            FlowBody::Emit(json!({"config": "{{entry.config}}"})),
        )
}

#[test]
fn a_providers_config_keeps_no_secret_in_clear_nested_in_a_url_or_marked_by_its_schema() {
    let p = Project::new();
    p.pack("messaging", "y.gtpack", &echoing_pack());
    p.file(
        "answers.json",
        json!({"messaging-y": {"region": "eu", "bot_token": BOT_TOKEN}})
            .to_string()
            .as_bytes(),
    );
    let run = p.setup_messaging(&["--answers", "answers.json"]);
    run.code(0).stdout_has("configured (kept");
    assert_eq!(p.stored_answers("messaging-y"), json!({"region": "eu"}));
    let stored = |key: &str| p.secret(&format!("secrets://dev/acme/_/messaging_y/{key}"));
    assert_eq!(
        stored("webhook_url"),
        Some(format!("https://hooks.example/bot/{BOT_TOKEN}/in"))
    );
    assert_eq!(
        stored("auth"),
        Some(json!({"token": BOT_TOKEN}).to_string())
    );
    assert_eq!(stored("api_key").as_deref(), Some(API_KEY));
    assert_eq!(stored("webhook_id").as_deref(), Some(WEBHOOK_ID));
    let (_, input) = p.first_run("messaging", "messaging-y", "setup_default");
    assert_eq!(input["config"]["region"], "eu");
    for key in ["webhook_url", "auth", "api_key", "webhook_id"] {
        assert_eq!(input["config"].get(key), None, "{key} in the flow's config");
    }
    for secret in [BOT_TOKEN, API_KEY, WEBHOOK_ID] {
        let holding: Vec<_> = files_under(p.root())
            .into_iter()
            .filter(|f| {
                let name = f.to_string_lossy();
                !name.contains(".dev.secrets") && !name.ends_with("answers.json")
                    || name.ends_with("setup-answers.json")
            })
            .filter(|f| !f.starts_with(p.root().join("providers")))
            .filter(|f| !f.starts_with(p.state().join("cache")))
            .filter(|f| fs::read(f).is_ok_and(|b| String::from_utf8_lossy(&b).contains(secret)))
            .collect();
        assert!(holding.is_empty(), "{secret} in clear in {holding:?}");
        assert!(!run.stdout.contains(secret) && !run.stderr.contains(secret));
    }
}

/// A provider whose `apply-answers` never returns is a flow that never ends: `dev remove` gives
/// it `--timeout`, and after Ctrl-C the grace period, then exits 130; its data stays.
#[test]
fn a_provider_stuck_in_its_removal_is_ended_by_the_timeout_and_by_ctrl_c() {
    let p = set_up_then_answering(r#"{"ok":true}"#);
    let stuck = provider_pack_of(wasm::stuck_provider_component(QA_SPEC), true).passing("remove");
    p.pack("messaging", "x.gtpack", &stuck);
    let uri = "secrets://dev/acme/_/messaging_x/api_token";

    remove_x(&p, &["--timeout", "2s"])
        .code(1)
        .stdout_has("KEPT")
        .stdout_has("provider messaging.x apply-answers did not finish within 2s (--timeout)");
    assert_eq!(p.secret(uri).as_deref(), Some(TOKEN), "nothing deleted");

    // The remove flow passes first (a run folder of its own beside the first command's); its
    // provider is asked right after.
    let flows = p.state().join("runs/messaging/messaging-x/remove");
    let runs = || {
        let dirs = fs::read_dir(&flows).into_iter().flatten().flatten();
        dirs.map(|d| d.path()).collect::<Vec<_>>()
    };
    let earlier = runs();
    let child = p.spawn(&[
        "dev",
        "remove",
        "messaging",
        "--tenant",
        "acme",
        "--yes",
        "--force",
        "--grace-period",
        "300ms",
    ]);
    let passed = || {
        runs()
            .into_iter()
            .filter(|dir| !earlier.contains(dir))
            .filter_map(|dir| fs::read(dir.join("run.json")).ok())
            .filter_map(|b| serde_json::from_slice::<Value>(&b).ok())
            .any(|run| run["outcome"]["status"] == "passed")
    };
    let started = std::time::Instant::now();
    while !passed() {
        assert!(
            started.elapsed().as_secs() < 120,
            "the remove flow never passed"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let run = crate::support::project::interrupt_within(child, std::time::Duration::from_secs(60));
    run.code(130)
        .stdout_has("KEPT")
        .stdout_has("interrupted before its data was removed");
    assert_eq!(
        p.secret(uri).as_deref(),
        Some(TOKEN),
        "nothing deleted, --force or not"
    );
}

/// `dev setup` asks the provider before any flow runs: a call that never returns is bounded by
/// `--timeout` too, and the pack is in error with nothing kept.
#[test]
fn a_provider_stuck_in_its_setup_fails_its_pack_at_the_timeout() {
    let p = Project::new();
    let stuck = provider_pack_of(wasm::stuck_provider_component(QA_SPEC), true);
    p.pack("messaging", "x.gtpack", &stuck);
    answers(&p);
    p.setup_messaging(&["--answers", "answers.json", "--timeout", "2s"])
        .code(1)
        .stdout_has("provider messaging.x apply-answers did not finish within 2s (--timeout)");
    assert!(!p.state().join("config").exists(), "nothing kept");
}

/// Sets up provider y answering `bot_token`, its `apply-answers` returning `config`.
fn configured_with(bot_token: &str, config: Value) -> (Project, crate::support::project::Run) {
    let p = Project::new();
    p.pack("messaging", "y.gtpack", &configuring_pack(config));
    p.file(
        "answers.json",
        json!({"messaging-y": {"region": "eu", "bot_token": bot_token}})
            .to_string()
            .as_bytes(),
    );
    let run = p.setup_messaging(&["--answers", "answers.json"]);
    (p, run)
}

#[test]
fn a_short_secret_takes_no_public_value_that_merely_contains_it_out_of_the_config() {
    let (p, run) = configured_with("7", json!({"region": "eu-7", "webhook_url": "7"}));
    run.code(0).stdout_has("configured (kept");
    assert_eq!(p.stored_answers("messaging-y")["region"], "eu-7");
    let (_, input) = p.first_run("messaging", "messaging-y", "setup_default");
    assert_eq!(input["config"]["region"], "eu-7", "{input}");
    assert_eq!(
        p.secret("secrets://dev/acme/_/messaging_y/region"),
        None,
        "a public value in the store"
    );
    assert_eq!(
        p.secret("secrets://dev/acme/_/messaging_y/webhook_url")
            .as_deref(),
        Some("7"),
        "a value equal to the secret still goes to the store"
    );
}

#[test]
fn a_config_keyed_by_a_secret_is_kept_in_the_store() {
    let token = "rt-6620-xq";
    let config = json!({"region": "eu", "auth": {token: "general"}});
    let (p, run) = configured_with(token, config);
    run.code(0).stdout_has("configured (kept");
    assert_eq!(p.stored_answers("messaging-y"), json!({"region": "eu"}));
    assert_eq!(
        p.secret("secrets://dev/acme/_/messaging_y/auth"),
        Some(json!({token: "general"}).to_string())
    );
}

#[test]
fn a_credential_the_provider_made_itself_is_kept_in_the_store_by_its_shape() {
    let config = json!({
        "region": "eu",
        "webhook_url": "https://bot:made-up-pw@hooks.example/in",
        "auth": {"Authorization": "Bearer made-by-provider"},
    });
    let (p, run) = configured_with("bot-token-long", config);
    run.code(0).stdout_has("configured (kept");
    assert_eq!(p.stored_answers("messaging-y"), json!({"region": "eu"}));
    for key in ["webhook_url", "auth"] {
        assert!(
            p.secret(&format!("secrets://dev/acme/_/messaging_y/{key}"))
                .is_some(),
            "{key} not in the store"
        );
    }
    let (p, _) = configured_with(
        "bot-token-long",
        json!({"region": "eu", "webhook_url": "https://hooks.example/in?channel=a&access_token=t1"}),
    );
    assert_eq!(p.stored_answers("messaging-y"), json!({"region": "eu"}));
    // A sentence that starts like a header is no credential.
    let (p, _) = configured_with(
        "bot-token-long",
        json!({"region": "Basic plan for small teams"}),
    );
    assert_eq!(
        p.stored_answers("messaging-y"),
        json!({"region": "Basic plan for small teams"})
    );
}

#[test]
fn a_secret_in_a_configuration_breaking_the_schema_is_never_printed() {
    let generated = "99887766";
    let (p, run) = configured_with(
        "bot-token-long",
        json!({"region": "eu", "webhook_id": 99887766, "api_key": ["bot-token-long"]}),
    );
    run.code(1)
        .stdout_has("at /webhook_id:")
        .stdout_has("at /api_key:");
    for secret in [generated, "bot-token-long"] {
        assert!(
            !run.stdout.contains(secret) && !run.stderr.contains(secret),
            "{secret} printed: {}{}",
            run.stdout,
            run.stderr
        );
    }
    assert!(!p.state().join("config").exists());
}
