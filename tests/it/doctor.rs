//! `dev doctor`: one fixture per finding, asserting the line a user sees and the exit code; a
//! clean project exits 0 with nothing above info; the doctor never writes.

use greentic_operator::base::exit_code;
use serde_json::json;

use crate::support::packs::{FlowBody, PackBuilder};
use crate::support::project::{Project, Run};
use crate::support::wasm;

fn clean() -> PackBuilder {
    PackBuilder::new("messaging-clean")
        .passing("setup_default")
        .passing("diagnostics")
}

fn doctor(p: &Project, extra: &[&str]) -> Run {
    let mut args = vec!["dev", "doctor"];
    args.extend_from_slice(extra);
    p.run(&args)
}

#[test]
fn a_clean_project_has_nothing_above_info_and_nothing_is_written() {
    let p = Project::new();
    p.pack("messaging", "clean.gtpack", &clean());
    let run = doctor(&p, &["all", "--tenant", "acme"]);
    run.code(exit_code::SUCCESS)
        .stdout_has("1 packs: 0 errors, 0 warnings");
    assert!(
        !run.stdout.contains("error ") && !run.stdout.contains("warning "),
        "{}",
        run.stdout
    );
    assert!(!p.state().exists() && !p.root().join(".greentic").exists());
}

#[test]
fn an_unreadable_pack_and_a_missing_setup_flow_are_errors() {
    let p = Project::new();
    p.file("providers/messaging/broken.gtpack", b"not a zip");
    p.pack(
        "messaging",
        "nosetup.gtpack",
        &PackBuilder::new("messaging-nosetup").passing("diagnostics"),
    );
    doctor(&p, &["messaging"])
        .code(exit_code::FAILURE)
        .stdout_has("error   providers/messaging/broken.gtpack: pack is not a readable zip archive")
        .stdout_has(
            "error   providers/messaging/nosetup.gtpack: pack does not declare setup_default",
        )
        .stdout_has("2 packs: 2 errors");
}

#[test]
fn duplicate_ids_lock_files_and_stale_runs_are_named() {
    let p = Project::new();
    p.pack("messaging", "a.gtpack", &clean());
    p.pack("messaging", "b.gtpack", &clean());
    p.file("providers/messaging/pack.lock.json", b"{}");
    p.file(
        "state/runs/messaging/messaging-clean/setup_default/20260101T000000.000Z/run.json",
        br#"{"run_id": "20260101T000000.000Z", "pack_id": "messaging-clean", "flow": "setup_default",
            "started_at": "2026-01-01T00:00:00Z", "outcome": {"status": "running"}, "pid": 999999999}"#,
    );
    doctor(&p, &["messaging"])
        .code(exit_code::FAILURE)
        .stdout_has("error   providers/messaging/a.gtpack: pack declares pack id \"messaging-clean\", as does b.gtpack")
        .stdout_has("warning providers/messaging/pack.lock.json: the runner reads this lock file")
        .stdout_has("warning state/runs/messaging/messaging-clean/setup_default/20260101T000000.000Z: run 20260101T000000.000Z of messaging-clean setup_default was left `running` by a process that no longer runs");
}

#[test]
fn a_node_calling_a_component_the_pack_lacks_can_only_come_from_online() {
    let p = Project::new();
    p.pack(
        "messaging",
        "x.gtpack",
        &PackBuilder::new("messaging-x").failing("setup_default"),
    );
    doctor(&p, &["messaging"])
        .code(exit_code::SUCCESS)
        .stdout_has("warning providers/messaging/x.gtpack: flow setup_default node step calls component absent.component, which the pack does not contain: it can only come from a registry with --online (fix: add absent.component to the pack, or run with --online)");
}

#[test]
fn components_missing_from_the_archive_empty_or_built_for_another_runner_are_errors() {
    let with = |id: &str, wasm: Vec<u8>| {
        PackBuilder::new(id)
            .component(
                wasm::component_manifest_with_world(
                    "ai.greentic.component-qa",
                    wasm::FOREIGN_WORLD,
                ),
                wasm,
            )
            .flow(
                "setup_default",
                FlowBody::Component("ai.greentic.component-qa".into()),
            )
    };
    let foreign = with("messaging-foreign", wasm::other_version_component());
    let empty = with("messaging-empty", wasm::empty_component());
    let good = PackBuilder::new("messaging-good")
        .component(wasm::component_manifest("good"), wasm::component("{}", 0))
        .flow("setup_default", FlowBody::Component("good".into()));
    // A manifest listing a component whose wasm the archive lacks.
    let mut manifest = good.manifest();
    manifest.pack_id = "messaging-hollow".parse().unwrap();
    let hollow = crate::support::packs::zip_entries(&[(
        "manifest.cbor".to_string(),
        greentic_types::encode_pack_manifest(&manifest).unwrap(),
    )]);
    let p = Project::new();
    p.pack("messaging", "foreign.gtpack", &foreign);
    p.pack("messaging", "empty.gtpack", &empty);
    p.pack("messaging", "good.gtpack", &good);
    p.file("providers/messaging/hollow.gtpack", &hollow);
    doctor(&p, &["messaging"])
        .code(exit_code::FAILURE)
        .stdout_has("error   providers/messaging/foreign.gtpack: component ai.greentic.component-qa declares world greentic:component/component@0.5.0 and exports greentic:component/node@0.9.0, none of which greentic-runner 1.2.2 (the runner in this operator) can call (node@0.4/0.5, component-runtime@0.6): the pack was built for another runner version")
        .stdout_has("error   providers/messaging/empty.gtpack: component ai.greentic.component-qa exports nothing: no interface any Greentic runner calls, so the pack ships a component it cannot use (its manifest declares greentic:component/component@0.5.0) (fix: rebuild the pack with a working build of that component, or replace the pack)")
        .stdout_has("info    providers/messaging/good.gtpack: component good (greentic:component/component@0.4.0) exports an interface the runner calls")
        .stdout_has("error   providers/messaging/hollow.gtpack: component good: the pack holds no components/good.wasm");
}

/// Greentic's published messaging packs declare a webhook ingress component
/// (`messaging.provider_ingress.v1`: `component_ref`, `export: handle-webhook`, `world`) that
/// no flow node calls: the doctor judges it by that function, not as a node for the runner.
#[test]
fn an_ingress_component_is_judged_by_the_extension_that_calls_it() {
    let declaring = |pack_id: &str, wasm: Vec<u8>| {
        let id = "messaging-ingress-telegram";
        PackBuilder::new(pack_id)
            .passing("setup_default")
            .passing("diagnostics")
            .component(
                wasm::component_manifest_with_world(id, wasm::INGRESS_WORLD),
                wasm,
            )
            .extension(
                "messaging.provider_ingress.v1",
                json!({
                    "capabilities": {"content_types": ["application/json"],
                                     "supports_webhook_validation": true},
                    "component_ref": id,
                    "export": "handle-webhook",
                    "world": wasm::INGRESS_WORLD,
                }),
            )
    };
    let p = Project::new();
    p.pack(
        "messaging",
        "real.gtpack",
        &declaring("messaging-real", wasm::ingress_component()),
    );
    let run = doctor(&p, &["messaging"]);
    run.code(exit_code::SUCCESS)
        .stdout_has("1 packs: 0 errors, 0 warnings")
        .stdout_has("info    providers/messaging/real.gtpack: component messaging-ingress-telegram (the webhook ingress messaging.provider_ingress.v1 declares, world greentic:messaging-ingress-telegram/messaging-ingress-telegram@0.0.1) exports provider:common/ingress@0.0.2#handle-webhook, the function a webhook host calls");
    assert!(!run.stdout.contains("another runner"), "{}", run.stdout);

    // One that lacks the function is a warning: this operator never calls it.
    let p = Project::new();
    p.pack(
        "messaging",
        "hollow.gtpack",
        &declaring("messaging-hollow", wasm::empty_component()),
    );
    let unlisted = clean().extension(
        "messaging.provider_ingress.v1",
        json!({"component_ref": "messaging-ingress-absent", "export": "handle-webhook"}),
    );
    p.pack("messaging", "unlisted.gtpack", &unlisted);
    doctor(&p, &["messaging"])
        .code(exit_code::SUCCESS)
        .stdout_has("warning providers/messaging/unlisted.gtpack: its webhook ingress (messaging.provider_ingress.v1) names component messaging-ingress-absent, which the pack does not list")
        .stdout_has("warning providers/messaging/hollow.gtpack: component messaging-ingress-telegram (the webhook ingress messaging.provider_ingress.v1 declares, world greentic:messaging-ingress-telegram/messaging-ingress-telegram@0.0.1) does not export handle-webhook (it exports no function): a host serving webhooks cannot call it");
}

const SETUP_YAML: &str = "questions:
  - name: public_base_url
    title: Public base URL
    required: true
    validate: {regex: '^https://'}
  - name: retries
    kind: number
    default: many
  - name: bot_token
    secret: true
    required: true
";

fn asking() -> PackBuilder {
    clean()
        .entry("assets/setup.yaml", SETUP_YAML.as_bytes())
        .entry(
            "assets/secret-requirements.json",
            br#"[{"key": "CLEAN_BOT_TOKEN", "scope": {"env": "<env>"}}]"#,
        )
}

#[test]
fn setup_questions_defaults_stored_answers_secrets_and_the_public_url_are_checked() {
    let p = Project::new();
    p.pack("messaging", "clean.gtpack", &asking());
    p.file(
        "state/config/dev/acme/_/messaging-clean/setup-answers.json",
        br#"{"public_base_url": "http://plain.example"}"#,
    );
    doctor(&p, &["messaging", "--tenant", "acme"])
        .code(exit_code::FAILURE)
        .stdout_has("error   providers/messaging/clean.gtpack: the default of setup question retries is not a number")
        .stdout_has("warning providers/messaging/clean.gtpack: the stored answer public_base_url (")
        .stdout_has("does not match ^https://")
        .stdout_has("warning providers/messaging/clean.gtpack: asks for public_base_url and the project has none")
        .stdout_has("warning providers/messaging/clean.gtpack: secret CLEAN_BOT_TOKEN is not in the dev store for tenant acme (fix: run `greentic-operator dev secrets set messaging-clean bot_token --tenant acme`");

    // The same secret set by hand, and the project's URL given: both settled.
    p.run_with_stdin(
        &[
            "dev",
            "secrets",
            "set",
            "messaging-clean",
            "bot_token",
            "--tenant",
            "acme",
        ],
        "t0ken-value",
    )
    .code(exit_code::SUCCESS);
    let run = doctor(
        &p,
        &[
            "messaging",
            "--tenant",
            "acme",
            "--public-base-url",
            "https://x.example",
        ],
    );
    run.stdout_has(
        "info    providers/messaging/clean.gtpack: secret CLEAN_BOT_TOKEN is in the dev store",
    );
    assert!(
        !run.stdout.contains("asks for public_base_url"),
        "{}",
        run.stdout
    );
}

#[test]
fn an_unparsable_setup_yaml_and_a_malformed_login_are_errors() {
    let p = Project::new();
    p.pack(
        "messaging",
        "yaml.gtpack",
        &PackBuilder::new("messaging-yaml")
            .passing("setup_default")
            .entry(
                "assets/setup.yaml",
                b"questions:\n  - name: a\n    required: maybe\n",
            ),
    );
    p.pack(
        "messaging",
        "login.gtpack",
        &PackBuilder::new("messaging-login")
            .passing("setup_default")
            .extension(
                "messaging.oauth_device_code.v1",
                json!({"token_url": "https://t.example"}),
            ),
    );
    doctor(&p, &["messaging"])
        .code(exit_code::FAILURE)
        .stdout_has("error   providers/messaging/yaml.gtpack: pack has an unreadable assets/setup.yaml: questions[0].required")
        .stdout_has("error   providers/messaging/login.gtpack: pack ")
        .stdout_has("device_code_url");
}

#[test]
fn json_is_one_document_with_every_finding() {
    let p = Project::new();
    p.pack(
        "messaging",
        "x.gtpack",
        &PackBuilder::new("messaging-x").failing("setup_default"),
    );
    let doc = doctor(&p, &["all", "--format", "json"]).json();
    assert_eq!(doc["domains"], json!(["secrets", "messaging", "events"]));
    assert_eq!(doc["summary"]["warnings"], 1);
    assert_eq!(doc["findings"][0]["severity"], "warning");
    assert_eq!(doc["findings"][0]["domain"], "messaging");
}

#[test]
fn provider_limits_the_examination_to_the_packs_it_names_across_domains() {
    let p = Project::new();
    p.pack(
        "messaging",
        "good.gtpack",
        &PackBuilder::new("messaging-good").passing("setup_default"),
    );
    p.pack(
        "events",
        "timer.gtpack",
        &PackBuilder::new("events-timer").passing("setup_default"),
    );
    p.file("providers/messaging/broken.gtpack", b"not a zip");
    doctor(&p, &[]).code(exit_code::FAILURE);
    for provider in ["messaging-good", "good.gtpack", "good"] {
        let doc = doctor(&p, &["--provider", provider, "--format", "json"])
            .code(exit_code::SUCCESS)
            .json();
        assert_eq!(doc["packs"], 1, "{provider}: {doc}");
    }
    // Repeatable, and matched across the domains of `all`.
    let doc = doctor(
        &p,
        &[
            "--provider",
            "good",
            "--provider",
            "events-timer",
            "--format",
            "json",
        ],
    )
    .code(exit_code::SUCCESS)
    .json();
    assert_eq!(doc["packs"], 2, "{doc}");
    doctor(&p, &["events", "--provider", "good"])
        .code(exit_code::USAGE)
        .stderr_has("--provider good matches no pack")
        .stderr_has("timer");
}

#[test]
fn every_declared_lifecycle_flow_is_checked_update_remove_and_the_others_included() {
    let p = Project::new();
    p.pack(
        "messaging",
        "steps.gtpack",
        &PackBuilder::new("messaging-steps")
            .passing("setup_default")
            .failing("update")
            .failing("remove")
            .failing("sync_subscriptions")
            .failing("requirements")
            .failing("setup_custom")
            .failing("not_a_lifecycle_flow"),
    );
    let run = p.run(&["dev", "doctor", "messaging"]);
    for flow in [
        "update",
        "remove",
        "sync_subscriptions",
        "requirements",
        "setup_custom",
    ] {
        run.stdout_has(&format!(
            "flow {flow} node step calls component absent.component"
        ));
    }
    assert!(
        !run.stdout.contains("flow not_a_lifecycle_flow"),
        "{}",
        run.stdout
    );
}

/// Packs of two domains whose ids the secrets store spells alike share one provider's secrets:
/// the doctor names both, though each domain's packs alone are fine; `dev setup all` refuses
/// them as it refuses two packs of one id.
#[test]
fn pack_ids_of_two_domains_the_store_cannot_tell_apart_are_an_error() {
    let p = Project::new();
    let pack = |id: &str| PackBuilder::new(id).passing("setup_default");
    p.pack("messaging", "alpha.gtpack", &pack("messaging-alpha"));
    p.pack("events", "alpha.gtpack", &pack("Messaging.Alpha"));
    doctor(&p, &[]).code(exit_code::FAILURE).stdout_has(
        "which the secrets store files as messaging_alpha, as it does events/alpha.gtpack's \"Messaging.Alpha\": one's secrets would be the other's",
    );
    p.run(&["dev", "setup", "all", "--tenant", "acme", "--dry-run"])
        .code(exit_code::FAILURE)
        .stdout_has("which the secrets store files as messaging_alpha");
    doctor(&p, &["--provider", "messaging-alpha"])
        .code(exit_code::FAILURE)
        .stdout_has("events/alpha.gtpack's \"Messaging.Alpha\"")
        .stdout_has("1 packs: 1 errors");
}

#[test]
fn a_pack_id_declared_in_two_domains_is_an_error_as_dev_setup_all_says() {
    let p = Project::new();
    p.pack("messaging", "hook.gtpack", &clean());
    p.pack("events", "hook.gtpack", &clean());
    p.run(&["dev", "setup", "all", "--dry-run"])
        .code(exit_code::FAILURE)
        .stdout_has("duplicate id");
    doctor(&p, &["all"])
        .code(exit_code::FAILURE)
        .stdout_has("error   providers/messaging/hook.gtpack: pack declares pack id \"messaging-clean\", as does events/hook.gtpack")
        .stdout_has("error   providers/events/hook.gtpack: pack declares pack id \"messaging-clean\", as does messaging/hook.gtpack")
        .stdout_has("2 packs: 2 errors");
    // One domain alone has no duplicate.
    doctor(&p, &["messaging"]).code(exit_code::SUCCESS);
}

#[test]
fn a_pack_is_checked_against_its_own_requirements_fixture() {
    let fixture = json!({
        "provider": "messaging.q", "config_required": ["public_base_url"],
        "config_optional": ["use_tls"], "secret_required": ["Q_BOT_TOKEN"],
        "secret_optional": [], "oauth_required": false, "subscriptions_required": false
    });
    let setup_yaml = "questions:
  - {name: public_base_url, kind: string, required: true}
  - {name: tls_mode, kind: string, required: false}
  - {name: bot_token, kind: string, required: true, secret: true}
";
    let pack = |fixture: &serde_json::Value| {
        clean()
            .secret("Q_BOT_TOKEN", true)
            .entry("assets/setup.yaml", setup_yaml.as_bytes())
            .entry(
                "assets/fixtures/requirements.expected.json",
                fixture.to_string().as_bytes(),
            )
    };
    let p = Project::new();
    p.pack("messaging", "q.gtpack", &pack(&fixture));
    let run = doctor(&p, &["messaging"]);
    run.stdout_has(
        "its assets/fixtures/requirements.expected.json and what setup asks differ: \
         config_optional: only the fixture names use_tls; only setup asks tls_mode",
    );
    assert!(!run.stdout.contains("secret_required"), "{}", run.stdout);

    let mut agreeing = fixture.clone();
    agreeing["config_optional"] = json!(["tls_mode"]);
    p.pack("messaging", "q.gtpack", &pack(&agreeing));
    doctor(&p, &["messaging", "-v"]).code(exit_code::SUCCESS);
    let run = doctor(&p, &["messaging"]);
    assert!(!run.stdout.contains("differ:"), "{}", run.stdout);
}
