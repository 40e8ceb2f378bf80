//! Planning, seen through `--dry-run`: discovery, both manifest forms, the per-domain rules.

use greentic_operator::base::exit_code;

use crate::support::packs::{PackBuilder, legacy_json_pack};
use crate::support::project::Project;

fn dry(p: &Project, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["dev"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--dry-run", "--format", "json"]);
    p.run(&all).json()
}

fn pack_rows(doc: &serde_json::Value) -> Vec<(String, String, String)> {
    let mut rows = Vec::new();
    for pack in doc["plan"]["packs"].as_array().unwrap() {
        let label = pack["label"].as_str().unwrap().to_string();
        if let Some(error) = pack["error"]["message"].as_str() {
            rows.push((label.clone(), "-".into(), format!("error: {error}")));
        }
        for step in pack["steps"].as_array().unwrap() {
            let what = match step["disposition"].as_str().unwrap() {
                "run" => "run".to_string(),
                _ => format!("skip: {}", step["reason"].as_str().unwrap()),
            };
            rows.push((label.clone(), step["flow"].as_str().unwrap().into(), what));
        }
    }
    rows
}

fn row(label: &str, flow: &str, what: &str) -> (String, String, String) {
    (label.into(), flow.into(), what.into())
}

#[test]
fn packs_are_planned_in_file_name_order_and_non_packs_ignored() {
    let p = Project::new();
    for (file, id) in [
        ("zz.gtpack", "zz"),
        ("aa.gtpack", "aa"),
        ("mm.gtpack", "mm"),
    ] {
        p.pack(
            "events",
            file,
            &PackBuilder::new(id).passing("setup_default"),
        );
    }
    p.file("providers/events/readme.txt", b"not a pack");
    let doc = dry(&p, &["setup", "events"]);
    let labels: Vec<_> = pack_rows(&doc).into_iter().map(|r| r.0).collect();
    assert_eq!(labels, ["aa", "mm", "zz"]);
}

#[test]
fn a_dry_run_needs_no_tenant_prints_the_plan_and_writes_nothing() {
    let p = Project::new();
    p.pack(
        "events",
        "hooks.gtpack",
        &PackBuilder::new("events-hooks").passing("diagnostics"),
    );
    p.run(&["dev", "diagnostics", "events", "--dry-run"])
        .code(exit_code::SUCCESS)
        .stdout_has("Plan (dry run): dev diagnostics events")
        .stdout_has("events-hooks")
        .stdout_has("Dry run: 1 flow would run, 0 skipped, 0 pack errors");
    assert!(
        !p.state().exists(),
        "a dry run must not create the state folder"
    );
    assert!(!p.root().join(".greentic").exists());
}

#[test]
fn verify_runs_declared_flows_and_skips_the_others_with_a_warning() {
    let p = Project::new();
    p.pack(
        "messaging",
        "a.gtpack",
        &PackBuilder::new("a")
            .passing("setup_default")
            .passing("verify_webhooks"),
    );
    p.pack(
        "messaging",
        "b.gtpack",
        &PackBuilder::new("b").passing("setup_default"),
    );
    let doc = dry(&p, &["verify", "messaging"]);
    assert_eq!(
        pack_rows(&doc),
        [
            row("a", "verify_webhooks", "run"),
            row("b", "verify_webhooks", "skip: not_declared")
        ]
    );
    p.run(&["dev", "verify", "messaging", "--dry-run"])
        .code(exit_code::SUCCESS)
        .stderr_has("warning: b (b.gtpack): verify_webhooks not declared by the pack; skipped");
}

#[test]
fn each_domain_and_command_picks_its_own_flows() {
    let p = Project::new();
    let all = |id: &str| {
        PackBuilder::new(id)
            .passing("setup_default")
            .passing("diagnostics")
            .passing("verify_webhooks")
            .passing("verify_subscriptions")
    };
    for domain in ["messaging", "events", "secrets"] {
        p.pack(domain, "p.gtpack", &all(domain));
    }
    let flows = |args: &[&str]| -> Vec<String> {
        pack_rows(&dry(&p, args)).into_iter().map(|r| r.1).collect()
    };
    assert_eq!(flows(&["setup", "messaging"]), ["setup_default"]);
    assert_eq!(flows(&["diagnostics", "events"]), ["diagnostics"]);
    assert_eq!(flows(&["verify", "messaging"]), ["verify_webhooks"]);
    assert_eq!(flows(&["verify", "events"]), ["verify_subscriptions"]);
    assert!(flows(&["verify", "secrets"]).is_empty());
}

#[test]
fn a_missing_setup_flow_fails_the_pack_unless_allowed_and_is_a_skip_for_secrets() {
    let p = Project::new();
    let diag_only = |id: &str| PackBuilder::new(id).passing("diagnostics");
    p.pack("messaging", "m.gtpack", &diag_only("m"));
    p.pack(
        "messaging",
        "ok.gtpack",
        &PackBuilder::new("ok").passing("setup_default"),
    );
    p.pack("secrets", "s.gtpack", &diag_only("s"));

    p.run(&["dev", "setup", "messaging", "--dry-run"])
        .code(exit_code::FAILURE)
        .stdout_has("does not declare setup_default")
        .stdout_has("--allow-missing-setup");
    let doc = dry(&p, &["setup", "messaging", "--allow-missing-setup"]);
    assert_eq!(
        pack_rows(&doc),
        [
            row("m", "setup_default", "skip: missing_setup_allowed"),
            row("ok", "setup_default", "run")
        ]
    );
    assert_eq!(doc["exit_code"], exit_code::SUCCESS);
    let secrets = dry(&p, &["setup", "secrets"]);
    assert_eq!(
        pack_rows(&secrets),
        [row("s", "setup_default", "skip: not_declared")]
    );
    assert_eq!(secrets["exit_code"], exit_code::SUCCESS);
}

#[test]
fn provider_filter_matches_id_file_name_or_stem_exactly() {
    let p = Project::new();
    p.pack(
        "messaging",
        "slack.gtpack",
        &PackBuilder::new("messaging-slack").passing("setup_default"),
    );
    p.pack(
        "messaging",
        "slack2.gtpack",
        &PackBuilder::new("messaging-slack2").passing("setup_default"),
    );
    for wanted in ["messaging-slack", "slack.gtpack", "slack"] {
        let doc = dry(&p, &["setup", "messaging", "--provider", wanted]);
        let labels: Vec<_> = pack_rows(&doc).into_iter().map(|r| r.0).collect();
        assert_eq!(labels, ["messaging-slack"], "--provider {wanted}");
    }
    let both = dry(
        &p,
        &[
            "setup",
            "messaging",
            "--provider",
            "slack",
            "--provider",
            "slack2",
        ],
    );
    assert_eq!(pack_rows(&both).len(), 2);
    p.run(&[
        "dev",
        "setup",
        "messaging",
        "--provider",
        "sla",
        "--dry-run",
    ])
    .code(exit_code::USAGE)
    .stderr_has("--provider sla matches no pack")
    .stderr_has("available: messaging-slack, messaging-slack2");
}

#[test]
fn two_packs_with_one_id_are_both_errors_naming_each_other() {
    let p = Project::new();
    p.pack(
        "events",
        "one.gtpack",
        &PackBuilder::new("events-same").passing("setup_default"),
    );
    p.pack(
        "events",
        "two.gtpack",
        &PackBuilder::new("events-same").passing("setup_default"),
    );
    p.pack(
        "events",
        "three.gtpack",
        &PackBuilder::new("events-other").passing("setup_default"),
    );
    let doc = dry(&p, &["setup", "events"]);
    // Sorted by file name: one, three, two.
    let rows = pack_rows(&doc);
    assert!(rows[0].2.contains("as does two.gtpack"), "{rows:?}");
    assert_eq!(rows[1], row("events-other", "setup_default", "run"));
    assert!(rows[2].2.contains("as does one.gtpack"), "{rows:?}");
    assert_eq!(doc["exit_code"], exit_code::FAILURE);
}

#[test]
fn the_legacy_json_manifest_is_read_and_cbor_wins_when_both_exist() {
    let p = Project::new();
    p.file(
        "providers/events/legacy.gtpack",
        &legacy_json_pack("events-legacy", &["setup_default", "diagnostics"]),
    );
    let both = PackBuilder::new("events-cbor")
        .passing("diagnostics")
        .entry(
            "pack.manifest.json",
            br#"{"meta":{"pack_id":"json-id","entry_flows":["other"]}}"#,
        );
    p.pack("events", "both.gtpack", &both);
    let doc = dry(&p, &["diagnostics", "events"]);
    let packs = doc["plan"]["packs"].as_array().unwrap();
    assert_eq!(packs[0]["info"]["pack_id"], "events-cbor");
    assert_eq!(packs[0]["info"]["form"], "cbor");
    assert_eq!(packs[1]["info"]["pack_id"], "events-legacy");
    assert_eq!(packs[1]["info"]["form"], "older");
    assert_eq!(
        packs[1]["info"]["flows"],
        serde_json::json!(["diagnostics", "setup_default"])
    );
    // The runner cannot run a pack of the older format: the plan says so instead of failing
    // at load time.
    assert_eq!(packs[1]["error"]["kind"], "older_format");
    assert!(
        packs[1]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("is an older pack format (greentic-pack before 1.0): it declares flows diagnostics, setup_default, which the runner in this operator cannot run")
    );
}

#[test]
fn a_missing_providers_folder_says_where_it_looked() {
    let p = Project::new();
    p.run(&["dev", "setup", "messaging", "--dry-run"])
        .code(exit_code::SUCCESS)
        .stderr_has("providers/messaging does not exist")
        .stderr_has("--project-root");
}

/// The manifest of Greentic's late-2025 events packs (before greentic-pack 1.0).
fn older_manifest() -> serde_json::Value {
    serde_json::json!({
        "meta": {
            "pack_id": "events-webhook", "version": "0.4.12", "name": "Webhook events",
            "kind": "provider", "entry_flows": ["webhook-in-default"]
        },
        "flows": [
            {"id": "webhook-in-custom", "kind": "events", "entry": "start",
             "file_json": "flows/webhook-in-custom/flow.json",
             "file_yaml": "flows/webhook-in-custom/flow.ygtc", "hash_blake3": "00"},
            {"id": "webhook-in-default", "kind": "events", "entry": "start",
             "file_json": "flows/webhook-in-default/flow.json",
             "file_yaml": "flows/webhook-in-default/flow.ygtc", "hash_blake3": "00"}
        ],
        "components": [
            {"name": "events-provider-webhook", "version": "0.4.12",
             "file_wasm": "components/events-provider-webhook.wasm",
             "world": "greentic:component/component@0.4.0"}
        ]
    })
}

fn cbor(value: &serde_json::Value) -> Vec<u8> {
    let mut bytes = Vec::new();
    ciborium::into_writer(value, &mut bytes).unwrap();
    bytes
}

#[test]
fn an_older_pack_is_named_as_such_in_manifest_cbor_and_in_manifest_json() {
    use crate::support::packs::zip_entries;
    let said = "events-webhook.gtpack: is an older pack format (greentic-pack before 1.0): it \
                declares flows webhook-in-custom, webhook-in-default, none of them a lifecycle \
                flow; rebuild it with greentic-pack 1.2";
    for (entry, bytes) in [
        ("manifest.cbor", cbor(&older_manifest())),
        (
            "manifest.json",
            serde_json::to_vec(&older_manifest()).unwrap(),
        ),
    ] {
        let p = Project::new();
        p.file(
            "providers/events/events-webhook.gtpack",
            &zip_entries(&[(entry.to_string(), bytes)]),
        );
        p.run(&["dev", "setup", "events", "--dry-run"])
            .code(exit_code::FAILURE)
            .stdout_has("events-webhook  events-webhook.gtpack  -     error: older format")
            .stdout_has(said);
        // Its lifecycle is decided as for any pack: diagnostics is optional, so it is skipped.
        p.run(&["dev", "diagnostics", "events", "--dry-run"])
            .code(exit_code::SUCCESS)
            .stdout_has("skip: not declared");
    }
}

/// Greentic's four published events packs of November 2025, with their manifests' exact
/// content (a self-describing CBOR tag, `null`s, kind `messaging`): each is named as the older
/// format with the flows it declares, whether its `manifest.cbor` or its `manifest.json` is read.
#[test]
fn greentics_published_events_packs_of_november_2025_are_named_as_the_older_format() {
    use crate::support::older_packs::PUBLISHED;
    use crate::support::packs::zip_entries;
    let p = Project::new();
    let json_only = Project::new();
    for pack in &PUBLISHED {
        p.file(
            &format!("providers/events/{}.gtpack", pack.name),
            &pack.build(),
        );
        let manifest_json = vec![("manifest.json".to_string(), pack.manifest_json())];
        let file = format!("providers/events/{}.gtpack", pack.name);
        json_only.file(&file, &zip_entries(&manifest_json));
    }
    for project in [&p, &json_only] {
        let doc = dry(project, &["setup", "events"]);
        let packs = doc["plan"]["packs"].as_array().unwrap();
        assert_eq!(packs.len(), PUBLISHED.len(), "{doc:#}");
        for (planned, pack) in packs.iter().zip(&PUBLISHED) {
            assert_eq!(planned["info"]["pack_id"], pack.pack_id(), "{planned:#}");
            assert_eq!(planned["info"]["form"], "older", "{planned:#}");
            assert_eq!(planned["info"]["flows"], serde_json::json!(pack.flow_ids()));
            assert_eq!(planned["error"]["kind"], "older_format", "{planned:#}");
        }
        let run = project.run(&["dev", "setup", "events", "--dry-run"]);
        run.code(exit_code::FAILURE)
            .stdout_has("timer.gtpack: is an older pack format (greentic-pack before 1.0): it declares flows timer-default, none of them a lifecycle flow")
            .stdout_has("it declares flows webhook-in-custom, webhook-in-default,")
            .stdout_has("it declares flows email-in-default, email-out-default,");
        assert!(!run.stdout.contains("neither"), "{}", run.stdout);
    }
    // The doctor says the same, once per pack, and looks for no component where a pack of
    // greentic-pack 1.x keeps them.
    p.run(&["dev", "doctor", "events"])
        .code(exit_code::FAILURE)
        .stdout_has("error   providers/events/timer.gtpack: pack is an older pack format")
        .stdout_has("4 packs: 4 errors, 0 warnings");
}

#[test]
fn a_manifest_cbor_of_neither_shape_says_what_was_expected_in_words() {
    use crate::support::packs::zip_entries;
    let p = Project::new();
    let odd = cbor(&serde_json::json!({"name": "x"}));
    p.file(
        "providers/events/odd.gtpack",
        &zip_entries(&[("manifest.cbor".to_string(), odd)]),
    );
    let run = p.run(&["dev", "setup", "events", "--dry-run"]);
    run.code(exit_code::FAILURE).stdout_has(
        "odd.gtpack: has a manifest.cbor that is neither greentic-pack 1.x's manifest (missing field",
    );
    run.stdout_has("nor the older shape of before 1.0 (a `meta` with `pack_id`)");
    assert!(!run.stdout.contains("Semantic("), "{}", run.stdout);
}

/// A pack whose `messaging.provider_flow_hints` name flows of other ids for setup and
/// diagnostics, and an undeclared one for verify, the way Greentic's published packs declare
/// them (`{provider_type: {step: flow}}`).
fn hinted_pack() -> PackBuilder {
    PackBuilder::new("messaging-hinted")
        .passing("custom_setup")
        .passing("check_health")
        .passing("verify_webhooks")
        .extension(
            "messaging.provider_flow_hints",
            serde_json::json!({
                "messaging.hinted.bot": {
                    "setup_default": "custom_setup",
                    "diagnostics": "check_health",
                    "verify_webhooks": "not_in_the_pack"
                }
            }),
        )
}

#[test]
fn a_pack_names_its_own_flows_for_each_step_and_a_hint_to_no_flow_falls_back() {
    let p = Project::new();
    p.pack("messaging", "hinted.gtpack", &hinted_pack());
    let steps = |action: &str| -> Vec<(String, String)> {
        let doc = dry(&p, &[action, "messaging"]);
        doc["plan"]["packs"][0]["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let step = s["step"].as_str().unwrap().to_string();
                (step, s["flow"].as_str().unwrap().to_string())
            })
            .collect()
    };
    let pair = |step: &str, flow: &str| (step.to_string(), flow.to_string());
    assert_eq!(steps("setup"), [pair("setup_default", "custom_setup")]);
    assert_eq!(steps("diagnostics"), [pair("diagnostics", "check_health")]);
    assert_eq!(
        steps("verify"),
        [pair("verify_webhooks", "verify_webhooks")]
    );
    p.run(&["dev", "setup", "messaging", "--dry-run"])
        .code(exit_code::SUCCESS)
        .stdout_has("custom_setup")
        .stdout_has("the pack's flow for setup_default");

    // The hinted flow is what runs, and its run is recorded under its own name.
    p.run(&["dev", "setup", "messaging", "--tenant", "acme"])
        .code(exit_code::SUCCESS);
    let runs = p.run(&["dev", "runs", "--format", "json"]).json();
    assert_eq!(runs["runs"][0]["flow"], "custom_setup");

    // The doctor says which hint names no flow.
    p.run(&["dev", "doctor", "messaging"])
        .stdout_has("its flow hints name not_in_the_pack for verify_webhooks, which the pack does not declare: its own flow verify_webhooks runs instead");
}
