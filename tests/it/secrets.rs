//! `dev secrets`: set (piped or prompted), list with the requirements each key meets, delete;
//! a setup finds what was set; no value in any output.

use greentic_operator::exit_code;

use crate::published_packs::telegram;
use crate::support::project::{Project, files_under};
use crate::support::terminal::Terminal;

const TOKEN: &str = "111:secret-set-by-hand";
const REQUIREMENT_URI: &str = "secrets://dev/acme/_/messaging_telegram/telegram_bot_token";

fn project() -> Project {
    let p = Project::new();
    p.pack("messaging", "telegram.gtpack", &telegram());
    p
}

#[test]
fn a_piped_secret_is_listed_with_what_it_meets_and_setup_finds_it() {
    let p = project();
    let set = p.run_with_stdin(
        &[
            "dev",
            "secrets",
            "set",
            "messaging-telegram",
            "TELEGRAM_BOT_TOKEN",
            "--tenant",
            "acme",
        ],
        &format!("{TOKEN}\n"),
    );
    set.code(exit_code::SUCCESS)
        .stdout_has(&format!("stored {REQUIREMENT_URI} (read back)"));
    assert_eq!(
        p.secret(REQUIREMENT_URI).as_deref(),
        Some(TOKEN),
        "the newline is not part of it"
    );

    let list = p.run(&["dev", "secrets", "list", "--tenant", "acme"]);
    list.code(exit_code::SUCCESS).stdout_has(
        "messaging_telegram  telegram_bot_token  messaging-telegram TELEGRAM_BOT_TOKEN",
    );
    let json = p
        .run(&[
            "dev", "secrets", "list", "--tenant", "acme", "--format", "json",
        ])
        .json();
    assert_eq!(
        json["keys"][0]["meets"][0],
        "messaging-telegram TELEGRAM_BOT_TOKEN"
    );
    assert_eq!(json["missing"].as_array().unwrap().len(), 0);

    p.file(
        "a.yaml",
        b"messaging-telegram:\n  public_base_url: https://bot.example\n",
    );
    let setup = p.run(&[
        "dev",
        "setup",
        "messaging",
        "--tenant",
        "acme",
        "--non-interactive",
        "--answers",
        "a.yaml",
    ]);
    setup
        .code(exit_code::SUCCESS)
        .stdout_has("bot_token (secret for TELEGRAM_BOT_TOKEN, secretsstore)");
    for run in [&set, &list, &setup] {
        assert!(!run.stdout.contains(TOKEN) && !run.stderr.contains(TOKEN));
    }
    for file in files_under(&p.state()) {
        let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
        assert!(!text.contains(TOKEN), "{} holds the secret", file.display());
    }
}

#[test]
fn a_secret_typed_at_the_prompt_is_hidden_and_stored() {
    let p = project();
    let args = [
        "dev",
        "secrets",
        "set",
        "messaging-telegram",
        "bot_token",
        "--tenant",
        "acme",
    ];
    let mut term = Terminal::start(&p, &args);
    term.answer(
        "value for secrets://dev/acme/_/messaging_telegram/bot_token",
        TOKEN,
    );
    let (code, screen) = term.finish();
    assert_eq!(code, i32::from(exit_code::SUCCESS), "{screen}");
    assert!(!screen.contains(TOKEN), "the value was echoed:\n{screen}");
    assert_eq!(
        p.secret("secrets://dev/acme/_/messaging_telegram/bot_token")
            .as_deref(),
        Some(TOKEN)
    );
}

#[test]
fn a_deleted_secret_is_gone_and_listed_as_missing() {
    let p = project();
    let set = [
        "dev",
        "secrets",
        "set",
        "messaging-telegram",
        "bot_token",
        "--tenant",
        "acme",
    ];
    p.run_with_stdin(&set, TOKEN).code(exit_code::SUCCESS);
    let delete = [
        "dev",
        "secrets",
        "delete",
        "messaging-telegram",
        "bot_token",
        "--tenant",
        "acme",
    ];
    p.run(&delete)
        .code(exit_code::SUCCESS)
        .stdout_has("deleted secrets://dev/acme/_/messaging_telegram/bot_token");
    assert_eq!(
        p.secret("secrets://dev/acme/_/messaging_telegram/bot_token"),
        None
    );
    p.run(&["dev", "secrets", "list", "--tenant", "acme"])
        .code(exit_code::SUCCESS)
        .stdout_has("no keys stored")
        .stdout_has("missing: messaging-telegram TELEGRAM_BOT_TOKEN (required");
    p.run(&delete)
        .code(exit_code::FAILURE)
        .stderr_has("no secret secrets://dev/acme/_/messaging_telegram/bot_token in the store");
}

#[test]
fn secrets_need_a_tenant_and_a_value() {
    let p = project();
    p.run(&["dev", "secrets", "list"])
        .code(exit_code::USAGE)
        .stderr_has("--tenant is required");
    p.run_with_stdin(
        &[
            "dev",
            "secrets",
            "set",
            "messaging-telegram",
            "bot_token",
            "--tenant",
            "acme",
        ],
        "",
    )
    .code(exit_code::USAGE)
    .stderr_has("no value given");
}
