//! `dev update` of a provider that takes its answers through its contract (`apply-answers` in
//! mode `upgrade`) and has no `update` flow: its answers file is read, the plan, summary and
//! JUnit say what its contract did, and an answer kept as it was reads `unchanged`.

use greentic_operator::base::exit_code;
use serde_json::{Value, json};

use crate::support::packs::PackBuilder;
use crate::support::project::{Project, Run};
use crate::support::wasm;

const SCHEMA_REF: &str = "schemas/messaging/x/public.config.schema.json";

/// `enabled` is a text question, and the provider's configuration holds it as a boolean (as
/// Greentic's telegram provider does): stored as `true`, answered as `"true"`.
const SETUP_YAML: &str = "questions:
  - {name: public_base_url, kind: string, required: true}
  - {name: enabled, kind: string, default: \"true\"}
";

const ACCEPT: &str = r#"{"ok":true,"config":{"enabled":true}}"#;

/// A pack whose provider accepts every answer through `apply-answers`, with a setup flow and no
/// `update` flow.
fn provider_pack() -> PackBuilder {
    let component =
        wasm::component_manifest_with_world("messaging-provider-x", wasm::PROVIDER_WORLD);
    let extension = json!({"providers": [{
        "provider_type": "messaging.x",
        "ops": ["send", "apply-answers"],
        "config_schema_ref": SCHEMA_REF,
        "runtime": {"component_ref": "messaging-provider-x", "export": "schema-core-api",
                    "world": wasm::PROVIDER_WORLD}
    }]});
    PackBuilder::new("messaging-x")
        .entry("assets/setup.yaml", SETUP_YAML.as_bytes())
        .entry(SCHEMA_REF, br#"{"type":"object"}"#)
        .extension("greentic.provider-extension.v1", extension)
        .component(component, wasm::provider_component("{}", ACCEPT))
        .passing("setup_default")
}

fn set_up() -> Project {
    let p = Project::new();
    p.pack("messaging", "x.gtpack", &provider_pack());
    p.file(
        "setup.yaml",
        b"messaging-x:\n  public_base_url: https://a.example\n",
    );
    p.setup_messaging(&["--answers", "setup.yaml"])
        .code(exit_code::SUCCESS);
    assert_eq!(p.stored_answers("messaging-x")["enabled"], true);
    p
}

fn update(p: &Project, extra: &[&str]) -> Run {
    let mut args = vec![
        "dev",
        "update",
        "messaging",
        "--provider",
        "x",
        "--tenant",
        "acme",
        "--non-interactive",
    ];
    args.extend_from_slice(extra);
    p.run(&args)
}

fn changes(doc: &Value) -> Vec<(String, String)> {
    doc["plan"]["packs"][0]["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let name = a["name"].as_str().unwrap().to_string();
            (name, a["change"].as_str().unwrap_or("-").to_string())
        })
        .collect()
}

#[test]
fn updating_twice_in_a_row_marks_every_kept_answer_unchanged() {
    let p = set_up();
    for _ in 0..2 {
        let doc = update(&p, &["--format", "json"])
            .code(exit_code::SUCCESS)
            .json();
        assert_eq!(
            changes(&doc),
            [
                ("public_base_url".to_string(), "unchanged".to_string()),
                ("enabled".to_string(), "unchanged".to_string())
            ]
        );
    }
    update(&p, &["--dry-run"]).stdout_has("enabled (stored, unchanged)");
}

#[test]
fn a_provider_updating_through_its_contract_takes_a_flat_file_and_says_so_everywhere() {
    let p = set_up();
    p.file("new.yaml", b"public_base_url: https://b.example\n");
    let dry = update(
        &p,
        &["--answers", "new.yaml", "--dry-run", "--format", "json"],
    );
    let doc = dry.code(exit_code::SUCCESS).json();
    let step = &doc["plan"]["packs"][0]["steps"][0];
    assert_eq!(
        (&step["step"], &step["disposition"]),
        (&json!("update"), &json!("contract"))
    );
    assert!(
        changes(&doc).contains(&("public_base_url".to_string(), "changed".to_string())),
        "{doc}"
    );

    let run = update(&p, &["--answers", "new.yaml", "--junit", "report.xml"]);
    run.code(exit_code::SUCCESS)
        .stdout_has("no flow: its provider's apply-answers does it")
        .stdout_has(
            "Configured through the provider's apply-answers (no update flow): messaging-x",
        );
    assert!(
        !run.stdout.contains("not declared by the pack"),
        "{}",
        run.stdout
    );
    assert!(!run.stderr.contains("not in the plan"), "{}", run.stderr);
    assert_eq!(
        p.stored_answers("messaging-x")["public_base_url"],
        "https://b.example"
    );
    let junit = std::fs::read_to_string(p.root().join("report.xml")).unwrap();
    assert!(
        junit.contains(r#"name="update""#) && !junit.contains("<skipped"),
        "{junit}"
    );
}

#[test]
fn an_answer_the_provider_keeps_typed_reads_unchanged_when_given_again_as_text() {
    // Set up with `enabled: "yes"`: the provider keeps it as `true`. The same file again is no
    // change (it read `changed`: `"yes"` against `true`).
    let p = set_up();
    p.file(
        "same.yaml",
        b"public_base_url: https://a.example\nenabled: \"yes\"\n",
    );
    update(&p, &["--answers", "same.yaml"]).code(exit_code::SUCCESS);
    assert_eq!(p.stored_answers("messaging-x")["enabled"], true);
    let doc = update(
        &p,
        &["--answers", "same.yaml", "--dry-run", "--format", "json"],
    )
    .code(exit_code::SUCCESS)
    .json();
    assert_eq!(
        changes(&doc),
        [
            ("public_base_url".to_string(), "unchanged".to_string()),
            ("enabled".to_string(), "unchanged".to_string())
        ]
    );
    p.file(
        "off.yaml",
        b"public_base_url: https://a.example\nenabled: \"no\"\n",
    );
    let doc = update(
        &p,
        &["--answers", "off.yaml", "--dry-run", "--format", "json"],
    )
    .json();
    assert!(
        changes(&doc).contains(&("enabled".to_string(), "changed".to_string())),
        "{doc}"
    );
}
