//! `dev requirements`: what each provider needs before setup, from its pack alone (no tenant,
//! nothing run), and with a tenant which of it is stored; a pack's own `requirements` flow runs
//! and its output is shown.

use greentic_operator::base::exit_code;
use serde_json::json;

use crate::published_packs::published;
use crate::support::packs::{FlowBody, PackBuilder};
use crate::support::project::Project;
use crate::support::schema::valid_document;

fn project() -> Project {
    let p = Project::new();
    p.pack(
        "messaging",
        "telegram.gtpack",
        &published("messaging-telegram").flow(
            "requirements",
            FlowBody::Emit(json!({"needs": "a bot from @BotFather"})),
        ),
    );
    p.pack(
        "events",
        "timer.gtpack",
        &PackBuilder::new("events-timer").passing("setup_default"),
    );
    p
}

#[test]
fn without_a_tenant_the_pack_alone_says_what_it_needs_and_nothing_runs() {
    let p = project();
    let run = p.run(&["dev", "requirements", "all"]);
    run.code(exit_code::SUCCESS)
        .stdout_has("needs of messaging-telegram:")
        .stdout_has("question public_base_url: string, required, matches ^https://")
        .stdout_has("question webhook_path: string, required, asked when shown")
        .stdout_has("question bot_token: string, required, secret, covers TELEGRAM_BOT_TOKEN")
        .stdout_has("secret TELEGRAM_BOT_TOKEN: required, answered by bot_token")
        .stdout_has("public URL: asked")
        .stdout_has("needs of events-timer:")
        .stdout_has("nothing: no questions, secrets or login");
    assert!(!run.stdout.contains("[stored]") && !run.stdout.contains("[not stored]"));
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert!(!p.state().join("runs").exists(), "nothing ran");

    let doc = valid_document(
        "lifecycle",
        &p.run(&["dev", "requirements", "messaging", "--format", "json"])
            .stdout,
    );
    let needs = &doc["plan"]["packs"][0]["needs"];
    let token = needs["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["name"] == "bot_token")
        .unwrap();
    assert_eq!(token["secret"], true);
    assert_eq!(token["stored"], serde_json::Value::Null);
    assert_eq!(needs["public_base_url"], true);
}

#[test]
fn with_a_tenant_it_says_what_is_stored_and_runs_the_packs_requirements_flow() {
    let p = project();
    p.file(
        "answers.yaml",
        b"messaging-telegram:\n  public_base_url: https://bot.example\n  bot_token: 111:req\n",
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
    let run = p.run(&["dev", "requirements", "messaging", "--tenant", "acme"]);
    run.code(exit_code::SUCCESS)
        .stdout_has(
            "question bot_token: string, required, secret, covers TELEGRAM_BOT_TOKEN [stored]",
        )
        .stdout_has("question default_chat_id: string, optional [not stored]")
        .stdout_has("secret TELEGRAM_BOT_TOKEN: required, answered by bot_token [stored]")
        .stdout_has("messaging-telegram requirements")
        .stdout_has(r#"{"needs":"a bot from @BotFather"}"#);
    assert!(!run.stdout.contains("111:req"), "never a value");
    // Another tenant has nothing stored.
    p.run(&["dev", "requirements", "messaging", "--tenant", "beta"])
        .stdout_has("secret TELEGRAM_BOT_TOKEN: required, answered by bot_token [not stored]");
    let doc = valid_document(
        "lifecycle",
        &p.run(&[
            "dev",
            "requirements",
            "messaging",
            "--tenant",
            "acme",
            "--format",
            "json",
        ])
        .stdout,
    );
    assert_eq!(doc["results"][0]["flow"], "requirements");
    assert_eq!(
        doc["results"][0]["outputs"][0]["outputs"]["needs"],
        "a bot from @BotFather"
    );
}
