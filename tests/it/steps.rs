//! The lifecycle steps past setup, diagnostics and verify: `dev sync-subscriptions` and
//! `dev setup --custom`, on real packs run by the real runner.

use greentic_operator::base::exit_code;
use serde_json::Value;

use crate::support::packs::PackBuilder;
use crate::support::project::Project;

/// (pack, flow, outcome) of each result of a lifecycle document.
fn results(doc: &Value) -> Vec<(String, String, String)> {
    doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let text = |v: &Value| v.as_str().unwrap().to_string();
            (
                text(&r["pack_id"]),
                text(&r["flow"]),
                text(&r["outcome"]["status"]),
            )
        })
        .collect()
}

fn result(pack: &str, flow: &str, status: &str) -> (String, String, String) {
    (pack.into(), flow.into(), status.into())
}

#[test]
fn sync_subscriptions_runs_each_declaring_pack_of_messaging_and_events_and_records_it() {
    let p = Project::new();
    p.pack(
        "messaging",
        "chat.gtpack",
        &PackBuilder::new("messaging-chat")
            .passing("setup_default")
            .passing("sync_subscriptions"),
    );
    p.pack(
        "messaging",
        "quiet.gtpack",
        &PackBuilder::new("messaging-quiet").passing("setup_default"),
    );
    p.pack(
        "events",
        "hooks.gtpack",
        &PackBuilder::new("events-hooks")
            .passing("setup_default")
            .failing("sync_subscriptions"),
    );
    p.pack(
        "secrets",
        "vault.gtpack",
        &PackBuilder::new("secrets-vault").passing("sync_subscriptions"),
    );
    let junit = p.root().join("sync.xml");
    let run = p.run(&[
        "dev",
        "sync-subscriptions",
        "all",
        "--tenant",
        "acme",
        "--format",
        "json",
        "--junit",
        junit.to_str().unwrap(),
    ]);
    run.code(exit_code::FAILURE).stderr_has(
        "messaging-quiet (quiet.gtpack): sync_subscriptions not declared by the pack; skipped",
    );
    let doc = run.json();
    assert_eq!(doc["command"]["action"], "sync_subscriptions");
    // Secrets providers have no subscriptions: the vault's flow is not asked for.
    assert_eq!(
        results(&doc),
        [
            result("messaging-chat", "sync_subscriptions", "passed"),
            result("events-hooks", "sync_subscriptions", "failed"),
        ]
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("greentic-operator dev sync-subscriptions messaging"),
        "{xml}"
    );
    let runs = p
        .run(&[
            "dev",
            "runs",
            "--provider",
            "messaging-chat",
            "--format",
            "json",
        ])
        .json();
    assert_eq!(runs["runs"][0]["flow"], "sync_subscriptions");
    p.run(&["dev", "sync-subscriptions", "messaging", "--tenant", "acme"])
        .code(exit_code::SUCCESS)
        .stdout_has("sync_subscriptions");
}

#[test]
fn custom_setup_runs_setup_custom_where_declared_and_setup_default_elsewhere() {
    let p = Project::new();
    p.pack(
        "messaging",
        "custom.gtpack",
        &PackBuilder::new("messaging-custom")
            .passing("setup_custom")
            .failing("setup_default"),
    );
    p.pack(
        "messaging",
        "plain.gtpack",
        &PackBuilder::new("messaging-plain").passing("setup_default"),
    );
    let setup = |extra: &[&str]| {
        let mut args = vec![
            "dev",
            "setup",
            "messaging",
            "--tenant",
            "acme",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        p.run(&args)
    };
    let custom = setup(&["--custom"]);
    let doc = custom.code(exit_code::SUCCESS).json();
    assert_eq!(
        results(&doc),
        [
            result("messaging-custom", "setup_custom", "passed"),
            result("messaging-plain", "setup_default", "passed"),
        ]
    );
    let steps: Vec<&Value> = doc["plan"]["packs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["steps"][0]["step"])
        .collect();
    assert_eq!(
        steps,
        ["setup_custom", "setup_default"],
        "the plan says which ran"
    );
    // Without --custom the default setup runs, and the custom pack's fails.
    let plain = setup(&[]);
    plain.code(exit_code::FAILURE);
    assert_eq!(
        results(&plain.json())[0],
        result("messaging-custom", "setup_default", "failed")
    );
}

/// One project, each new step's plan as a person reads it, pinned.
#[test]
fn the_plan_of_each_lifecycle_step_snapshot() {
    let p = Project::new();
    p.pack(
        "messaging",
        "telegram.gtpack",
        &crate::published_packs::published("messaging-telegram")
            .passing("update")
            .passing("remove")
            .passing("sync_subscriptions")
            .passing("setup_custom")
            .passing("requirements"),
    );
    p.file(
        "answers.yaml",
        b"messaging-telegram:\n  public_base_url: https://bot.example\n  bot_token: 111:plan\n",
    );
    p.run(&[
        "dev",
        "setup",
        "messaging",
        "--tenant",
        "acme",
        "--answers",
        "answers.yaml",
    ])
    .code(exit_code::SUCCESS);
    p.file(
        "change.yaml",
        b"messaging-telegram:\n  default_chat_id: \"5\"\n",
    );
    let steps: [(&str, &[&str]); 5] = [
        ("update", &["--answers", "change.yaml"]),
        ("remove", &[]),
        ("requirements", &[]),
        ("sync-subscriptions", &[]),
        ("setup", &["--custom", "--answers", "answers.yaml"]),
    ];
    let mut screens = String::new();
    for (step, extra) in steps {
        let mut args = vec!["dev", step, "messaging", "--tenant", "acme", "--dry-run"];
        args.extend_from_slice(extra);
        let run = p.run(&args);
        run.code(exit_code::SUCCESS);
        screens.push_str(&format!("$ {}\n{}\n", args.join(" "), run.stdout));
    }
    assert!(!screens.contains("111:plan"), "never a value");
    insta::assert_snapshot!("plans_of_each_step", p.normalise(&screens));
}
