//! Greentic's 2026 pack shapes: each lifecycle step decided from what the pack carries. An
//! events pack with no flows whose offer says `requires_setup: false` passes with nothing to
//! set up; one whose provider has `apply-answers` is set up (and updated) through it, in the
//! mode of the step; flows spelled `setup-default` run for `setup_default`.

use greentic_operator::base::exit_code;
use serde_json::{Value, json};

use crate::support::packs::PackBuilder;
use crate::support::project::{Project, files_under};
use crate::support::wasm;

const SCHEMA_REF: &str = "schemas/events/webhook/config.schema.json";

/// The May 2026 `events-webhook` setup questions, trimmed: every one optional.
const WEBHOOK_SETUP_YAML: &str = "provider_id: events-webhook
questions:
  - {name: enabled, kind: boolean, required: false, default: \"true\"}
  - {name: target_url, kind: string, required: false, validate: {regex: \"^https?://\"}}
";

/// The three extensions of `packs/events-webhook/pack.yaml` (May 2026), `ops` as given.
fn events_pack(pack_id: &str, ops: &[&str], requires_setup: bool) -> PackBuilder {
    events_pack_removing(pack_id, ops, requires_setup, r#"{"ok":true,"config":null}"#)
}

/// [`events_pack`] whose provider answers `remove` to `apply-answers` in mode `remove`.
fn events_pack_removing(
    pack_id: &str,
    ops: &[&str],
    requires_setup: bool,
    remove: &str,
) -> PackBuilder {
    let component =
        wasm::component_manifest_with_world("events-provider-webhook", wasm::PROVIDER_WORLD);
    let provider = json!({"providers": [{
        "provider_type": "events.webhook",
        "capabilities": ["http", "events"],
        "ops": ops,
        "config_schema_ref": SCHEMA_REF,
        "runtime": {"component_ref": "events-provider-webhook", "export": "schema-core-api",
                    "world": wasm::PROVIDER_WORLD}
    }]});
    let offers = json!({"schema_version": 1, "offers": [{
        "cap_id": "greentic.cap.events.provider.v1", "offer_id": "events-webhook-v1",
        "priority": 100, "version": "0.4.12", "requires_setup": requires_setup,
        "provider": {"component_ref": "events-provider-webhook", "op": "events.configure"}
    }]});
    let ingress = json!({"handlers": [{
        "handler_id": "webhook-default", "method": "POST", "op_id": "ingest_http",
        "path": "/v1/events/ingress/webhook/{tenant}/{team}/{handler}"
    }]});
    PackBuilder::new(pack_id)
        .extension("greentic.provider-extension.v1", provider)
        .extension("greentic.ext.capabilities.v1", offers)
        .extension("greentic.events.ingress-http.v1", ingress)
        .entry(
            SCHEMA_REF,
            br#"{"type":"object","properties":{"enabled":{"type":"boolean"},"mode_seen":{"type":"string"}}}"#,
        )
        .component(
            component,
            wasm::provider_component_by_mode(
                "{}",
                &[
                    ("setup", r#"{"ok":true,"config":{"enabled":true,"mode_seen":"setup"}}"#),
                    ("upgrade", r#"{"ok":true,"config":{"enabled":true,"mode_seen":"upgrade"}}"#),
                    ("remove", remove),
                ],
            ),
        )
}

fn setup_events(p: &Project, extra: &[&str]) -> crate::support::project::Run {
    let mut args = vec![
        "dev",
        "setup",
        "events",
        "--tenant",
        "acme",
        "--non-interactive",
    ];
    args.extend_from_slice(extra);
    p.run(&args)
}

fn step(doc: &Value, pack: usize) -> &Value {
    &doc["plan"]["packs"][pack]["steps"][0]
}

#[test]
fn a_flowless_events_pack_that_needs_no_setup_passes_with_nothing_to_set_up() {
    let p = Project::new();
    let pack = events_pack(
        "greentic.events.webhook",
        &["ingest_http", "publish"],
        false,
    )
    .entry("assets/setup.yaml", WEBHOOK_SETUP_YAML.as_bytes());
    p.pack("events", "events-webhook.gtpack", &pack);

    let doc = setup_events(&p, &["--dry-run", "--format", "json"])
        .code(exit_code::SUCCESS)
        .json();
    assert_eq!(step(&doc, 0)["disposition"], "nothing_to_do", "{doc}");
    setup_events(&p, &["--dry-run"])
        .code(exit_code::SUCCESS)
        .stdout_has("nothing to set up: no flow or provider contract for it, and its offer events-webhook-v1 says requires_setup: false");

    p.file(
        "answers.yaml",
        b"greentic.events.webhook:\n  target_url: https://hooks.example/in\n",
    );
    let run = setup_events(&p, &["--answers", "answers.yaml", "--junit", "report.xml"]);
    run.code(exit_code::SUCCESS).stdout_has(
        "Nothing to set up (their packs say requires_setup: false): greentic.events.webhook",
    );
    assert!(!run.stdout.contains("missing"), "{}", run.stdout);
    assert_eq!(
        p.stored_answers("greentic.events.webhook")["target_url"],
        "https://hooks.example/in"
    );
    let junit = std::fs::read_to_string(p.root().join("report.xml")).unwrap();
    assert!(
        junit.contains("tests=\"1\"") && !junit.contains("<failure") && !junit.contains("<skipped"),
        "{junit}"
    );
}

#[test]
fn a_pack_declaring_neither_flow_nor_contract_nor_offer_still_needs_allow_missing_setup() {
    let p = Project::new();
    p.pack("events", "bare.gtpack", &PackBuilder::new("events-bare"));
    setup_events(&p, &["--dry-run"])
        .code(exit_code::FAILURE)
        .stdout_has("does not declare setup_default");
    setup_events(&p, &["--dry-run", "--allow-missing-setup"]).code(exit_code::SUCCESS);
}

#[test]
fn flows_spelled_setup_default_run_for_the_setup_step() {
    let p = Project::new();
    let pack = events_pack("greentic.events.email.sendgrid", &["ingest_http"], true)
        .passing("setup-default")
        .passing("setup-custom");
    p.pack("events", "events-email-sendgrid.gtpack", &pack);
    let doc = setup_events(&p, &["--dry-run", "--format", "json"])
        .code(exit_code::SUCCESS)
        .json();
    assert_eq!(
        (
            &step(&doc, 0)["flow"],
            &step(&doc, 0)["step"],
            &step(&doc, 0)["disposition"],
            &step(&doc, 0)["found"]
        ),
        (
            &json!("setup-default"),
            &json!("setup_default"),
            &json!("run"),
            &json!("spelling")
        ),
        "{doc}"
    );
    setup_events(&p, &["--custom"]).code(exit_code::SUCCESS);
    p.first_run("events", "greentic.events.email.sendgrid", "setup-custom");
}

#[test]
fn a_flowless_pack_whose_provider_takes_answers_is_set_up_and_updated_through_its_contract() {
    let p = Project::new();
    let pack = events_pack(
        "greentic.events.hook",
        &["ingest_http", "apply-answers"],
        true,
    )
    .entry("assets/setup.yaml", WEBHOOK_SETUP_YAML.as_bytes());
    p.pack("events", "hook.gtpack", &pack);

    let doc = setup_events(&p, &["--dry-run", "--format", "json"])
        .code(exit_code::SUCCESS)
        .json();
    assert_eq!(step(&doc, 0)["disposition"], "contract", "{doc}");

    setup_events(&p, &[])
        .code(exit_code::SUCCESS)
        .stdout_has("no flow: its provider's apply-answers does it (mode setup")
        .stdout_has(
            "Configured through the provider's apply-answers (no setup flow): greentic.events.hook",
        );
    assert_eq!(
        p.stored_answers("greentic.events.hook")["mode_seen"],
        "setup"
    );
    // Nothing flow-shaped is recorded: no run folder.
    assert!(files_under(&p.state().join("runs")).is_empty());

    p.run(&[
        "dev",
        "update",
        "events",
        "--tenant",
        "acme",
        "--non-interactive",
    ])
    .code(exit_code::SUCCESS)
    .stdout_has("(mode upgrade");
    assert_eq!(
        p.stored_answers("greentic.events.hook")["mode_seen"],
        "upgrade"
    );
}

/// Greentic's telegram provider's cleanup plan, without `remove_all`.
const TELEGRAM_CLEANUP: &str = r#"{"ok":true,"config":null,"remove":{"remove_all":false,"cleanup":["delete_config_key","delete_provenance_key","best_effort_revoke_webhooks","best_effort_revoke_tokens"]}}"#;

const TOKEN_SETUP_YAML: &str = "questions:
  - {name: auth_token, kind: string, required: true, secret: true}
";

#[test]
fn dev_remove_carries_out_the_providers_cleanup_plan_and_names_what_it_leaves_to_the_provider() {
    let p = Project::new();
    let ops = ["ingest_http", "apply-answers"];
    let pack = events_pack_removing("greentic.events.hook", &ops, true, TELEGRAM_CLEANUP)
        .entry("assets/setup.yaml", TOKEN_SETUP_YAML.as_bytes());
    p.pack("events", "hook.gtpack", &pack);
    p.file(
        "answers.yaml",
        b"greentic.events.hook:\n  auth_token: tok-5521-secret\n",
    );
    setup_events(&p, &["--answers", "answers.yaml"]).code(exit_code::SUCCESS);
    let uri = "secrets://dev/acme/_/greentic_events_hook/auth_token";
    assert_eq!(p.secret(uri).as_deref(), Some("tok-5521-secret"));
    let answers = p
        .state()
        .join("config/dev/acme/_/greentic.events.hook/setup-answers.json");
    assert!(answers.exists());

    let remove = ["dev", "remove", "events", "--tenant", "acme", "--yes"];
    let dry = p.run(&[&remove[..], &["--dry-run"]].concat());
    dry.code(exit_code::SUCCESS)
        .stdout_has("no flow: its provider's apply-answers (mode remove) gives the cleanup plan");
    let doc = p
        .run(&[&remove[..], &["--format", "json"]].concat())
        .code(exit_code::SUCCESS)
        .json();
    let removal = &doc["removals"][0];
    assert_eq!(removal["status"], "removed", "{doc}");
    assert_eq!(
        removal["left_to_provider"],
        json!(["best_effort_revoke_webhooks", "best_effort_revoke_tokens"])
    );
    // delete_config_key: its configuration goes; its secrets were not asked for, and stay.
    assert!(!answers.exists());
    assert_eq!(p.secret(uri).as_deref(), Some("tok-5521-secret"));
}

#[test]
fn a_cleanup_plan_with_remove_all_deletes_everything_the_operator_keeps() {
    let p = Project::new();
    let ops = ["ingest_http", "apply-answers"];
    let all = r#"{"ok":true,"config":null,"remove":{"remove_all":true,"cleanup":["best_effort_revoke_tokens"]}}"#;
    let pack = events_pack_removing("greentic.events.hook", &ops, true, all)
        .entry("assets/setup.yaml", TOKEN_SETUP_YAML.as_bytes());
    p.pack("events", "hook.gtpack", &pack);
    p.file(
        "answers.yaml",
        b"greentic.events.hook:\n  auth_token: tok-5521-secret\n",
    );
    setup_events(&p, &["--answers", "answers.yaml"]).code(exit_code::SUCCESS);
    p.run(&["dev", "remove", "events", "--tenant", "acme", "--yes"])
        .code(exit_code::SUCCESS)
        .stdout_has("its provider asked to remove: remove_all, best_effort_revoke_tokens")
        .stdout_has(
            "left to the provider (the operator revokes nothing): best_effort_revoke_tokens",
        );
    assert_eq!(
        p.secret("secrets://dev/acme/_/greentic_events_hook/auth_token"),
        None
    );
}
