//! `dev update`: answers start from what is stored, the plan names those that change (secrets
//! as changed or unchanged, never a value), and what a passing `update` flow accepts is kept;
//! after a failing one nothing stored changes. Real packs, real runner.

use greentic_operator::base::exit_code;
use serde_json::Value;

use crate::published_packs::published;
use crate::support::packs::PackBuilder;
use crate::support::project::Project;

/// Telegram (passing `update`) and another provider (failing `update`) of the published
/// shapes, and a pack without `update`; set up for acme and beta.
fn project() -> Project {
    let p = Project::new();
    p.pack(
        "messaging",
        "telegram.gtpack",
        &published("messaging-telegram").passing("update"),
    );
    p.pack(
        "messaging",
        "other.gtpack",
        &published("messaging-other").failing("update"),
    );
    p.pack(
        "messaging",
        "plain.gtpack",
        &PackBuilder::new("messaging-plain").passing("setup_default"),
    );
    for tenant in ["acme", "beta"] {
        let provider = |id: &str| {
            format!(
                "{id}:\n  public_base_url: https://bot.example\n  bot_token: 111:{tenant}-{id}\n  default_chat_id: \"42\"\n"
            )
        };
        let file = format!("answers-{tenant}.yaml");
        let yaml = provider("messaging-telegram") + &provider("messaging-other");
        p.file(&file, yaml.as_bytes());
        p.run(&[
            "dev",
            "setup",
            "messaging",
            "--tenant",
            tenant,
            "--answers",
            &file,
        ])
        .code(exit_code::SUCCESS);
    }
    p
}

/// `name -> change` of the plan's answers for `pack`.
fn changes(doc: &Value, pack: &str) -> Vec<(String, String)> {
    let packs = doc["plan"]["packs"].as_array().unwrap();
    let pack = packs.iter().find(|p| p["label"] == pack).unwrap();
    pack["answers"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| {
            let change = a["change"].as_str()?;
            Some((a["name"].as_str().unwrap().to_string(), change.to_string()))
        })
        .collect()
}

fn change(name: &str, word: &str) -> (String, String) {
    (name.to_string(), word.to_string())
}

#[test]
fn update_starts_from_the_stored_answers_and_the_plan_names_what_changes() {
    let p = project();
    p.file(
        "change.yaml",
        b"messaging-telegram:\n  default_chat_id: \"99\"\n  bot_token: 111:acme-new\n",
    );
    let args = [
        "dev",
        "update",
        "messaging",
        "--provider",
        "telegram",
        "--tenant",
        "acme",
        "--answers",
        "change.yaml",
    ];
    let dry = p.run(&[&args[..], &["--dry-run", "--format", "json"]].concat());
    let doc = dry.code(exit_code::SUCCESS).json();
    let plan = changes(&doc, "messaging-telegram");
    assert!(
        plan.contains(&change("default_chat_id", "changed")),
        "{plan:?}"
    );
    assert!(plan.contains(&change("bot_token", "changed")), "{plan:?}");
    assert!(
        plan.contains(&change("public_base_url", "unchanged")),
        "{plan:?}"
    );
    assert!(!dry.stdout.contains("111:acme"), "never a value");
    let text = p.run(&[&args[..], &["--dry-run"]].concat());
    text.stdout_has("default_chat_id (answersfile, changed)")
        .stdout_has("public_base_url (stored, unchanged)");

    let run = p.run(&args);
    run.code(exit_code::SUCCESS)
        .stdout_has("messaging-telegram update");
    let stored = p.stored_answers_of("acme", None, "messaging-telegram");
    assert_eq!(stored["default_chat_id"], "99");
    assert_eq!(stored["public_base_url"], "https://bot.example");
    assert_eq!(
        p.secret("secrets://dev/acme/_/messaging_telegram/bot_token")
            .as_deref(),
        Some("111:acme-new")
    );
    // Beta's answers and secrets read back unchanged.
    assert_eq!(
        p.stored_answers_of("beta", None, "messaging-telegram")["default_chat_id"],
        "42"
    );
    assert_eq!(
        p.secret("secrets://dev/beta/_/messaging_telegram/bot_token")
            .as_deref(),
        Some("111:beta-messaging-telegram")
    );
}

#[test]
fn a_failing_update_flow_changes_nothing_stored_and_a_pack_without_one_is_skipped() {
    let p = project();
    p.file(
        "change.yaml",
        b"messaging-other:\n  default_chat_id: \"7\"\n  bot_token: 111:changed\n",
    );
    let before = std::fs::read(
        p.state()
            .join("config/dev/acme/_/messaging-other/setup-answers.json"),
    )
    .unwrap();
    let run = p.run(&[
        "dev",
        "update",
        "messaging",
        "--tenant",
        "acme",
        "--answers",
        "change.yaml",
    ]);
    run.code(exit_code::FAILURE)
        .stderr_has("messaging-plain (plain.gtpack): update not declared by the pack; skipped");
    let after = std::fs::read(
        p.state()
            .join("config/dev/acme/_/messaging-other/setup-answers.json"),
    )
    .unwrap();
    assert_eq!(
        before, after,
        "the stored answers are byte for byte the same"
    );
    assert_eq!(
        p.secret("secrets://dev/acme/_/messaging_other/bot_token")
            .as_deref(),
        Some("111:acme-messaging-other")
    );
}

#[test]
fn at_a_terminal_update_asks_every_question_from_its_stored_answer_and_keeps_a_secret_on_enter() {
    use crate::support::terminal::Terminal;
    let p = project();
    let args = [
        "dev",
        "update",
        "messaging",
        "--provider",
        "telegram",
        "--tenant",
        "acme",
    ];
    let mut term = Terminal::start(&p, &args);
    term.answer("[https://bot.example]", "")
        .answer("Default chat ID", "99")
        .press("Parse mode", "\r")
        .answer("Retries", "")
        .press("Receive messages by webhook", "n")
        .answer("Telegram bot token (stored; Enter keeps it)", "");
    let (code, screen) = term.finish();
    assert_eq!(code, i32::from(exit_code::SUCCESS), "{screen}");
    assert!(
        !screen.contains("111:acme"),
        "a stored secret was shown:\n{screen}"
    );
    let stored = p.stored_answers_of("acme", None, "messaging-telegram");
    assert_eq!(stored["default_chat_id"], "99");
    assert_eq!(
        stored["public_base_url"], "https://bot.example",
        "Enter kept it"
    );
    assert_eq!(
        p.secret("secrets://dev/acme/_/messaging_telegram/bot_token")
            .as_deref(),
        Some("111:acme-messaging-telegram"),
        "Enter kept the stored secret"
    );
}

#[test]
fn updating_a_provider_never_set_up_says_to_set_it_up_first() {
    let p = project();
    p.run(&[
        "dev",
        "update",
        "messaging",
        "--provider",
        "telegram",
        "--tenant",
        "gamma",
        "--non-interactive",
    ])
    .code(exit_code::FAILURE)
    .stdout_has(
        "nothing is stored for it in this tenant and team yet (set it up with `dev setup` first)",
    );
}

#[test]
fn a_provider_never_set_up_is_refused_even_with_every_answer_given_and_nothing_is_kept() {
    let p = project();
    p.file(
        "complete.yaml",
        b"messaging-telegram:\n  public_base_url: https://bot.example\n  bot_token: 111:gamma\n  default_chat_id: \"1\"\n",
    );
    p.run(&[
        "dev",
        "update",
        "messaging",
        "--provider",
        "telegram",
        "--tenant",
        "gamma",
        "--answers",
        "complete.yaml",
    ])
    .code(exit_code::FAILURE)
    .stdout_has(
        "nothing is stored for it in this tenant and team yet (set it up with `dev setup` first)",
    );
    assert!(
        !p.state().join("config/dev/gamma").exists(),
        "no setup-answers.json was written"
    );
    assert_eq!(
        p.secret("secrets://dev/gamma/_/messaging_telegram/bot_token"),
        None
    );
}

#[test]
fn a_provider_set_up_without_any_answer_can_be_updated() {
    // Every question optional, none answered: the setup passed and kept no answer.
    let p = Project::new();
    p.pack(
        "messaging",
        "optional.gtpack",
        &PackBuilder::new("messaging-optional")
            .entry(
                "assets/setup.yaml",
                b"questions:\n  - {name: note, kind: string}\n",
            )
            .passing("setup_default")
            .passing("update"),
    );
    p.setup_messaging(&[]).code(exit_code::SUCCESS);
    p.run(&[
        "dev",
        "update",
        "messaging",
        "--tenant",
        "acme",
        "--non-interactive",
    ])
    .code(exit_code::SUCCESS)
    .stdout_has("PASS [");
}
