//! Packs shaped as Greentic publishes them (greentic-messaging-providers 0.4.38): questions
//! with title and help, `validate.regex`, choices, booleans, `visible_if`, a secret question
//! covering a differently named requirement declared in the manifest and in
//! `assets/secret-requirements.json`; the flow input greentic-operator 1.2.1 gives; and a
//! component built for another runner.

use std::fs;

use greentic_operator::base::exit_code;
use serde_json::{Value, json};

use crate::support::packs::{FlowBody, PackBuilder};
use crate::support::project::{Project, Run, files_under};
use crate::support::terminal::Terminal;
use crate::support::wasm;

const TOKEN: &str = "123456:telegram-secret-token";

/// Telegram's published `setup.yaml`, plus the fields other published files use.
const SETUP_YAML: &str = r#"provider_id: telegram
version: 1
title: Telegram provider setup
questions:
  - name: public_base_url
    title: Public base URL
    kind: string
    required: true
    help: "Example: https://xxxx.trycloudflare.com"
    validate:
      regex: "^https://"
  - name: default_chat_id
    title: Default chat ID
    kind: string
    required: false
    placeholder: "-100123"
    group: Routing
    docs_url: https://core.telegram.org/bots/api
  - name: parse_mode
    title: Parse mode
    kind: choice
    choices: [HTML, MarkdownV2]
    default: HTML
  - name: retries
    title: Retries
    kind: number
    default: 3
  - name: webhook_enabled
    title: Receive messages by webhook
    kind: boolean
    default: false
  - name: webhook_path
    title: Webhook path
    kind: string
    required: true
    visible_if: {field: webhook_enabled, eq: "true"}
  - name: bot_token
    title: Telegram bot token
    kind: string
    required: true
    secret: true
    create_url: https://t.me/BotFather
"#;

const SECRET_REQUIREMENTS: &str = r#"[
  {"scope": {"env": "<env>", "tenant": "<tenant>"},
   "description": "Telegram bot token used for sendMessage requests.",
   "key": "TELEGRAM_BOT_TOKEN"}
]"#;

/// A pack with the published shapes whose setup flow echoes part of its input.
pub(crate) fn telegram() -> PackBuilder {
    published("messaging-telegram")
}

/// [`telegram`]'s shapes under another pack id.
pub(crate) fn published(pack_id: &str) -> PackBuilder {
    PackBuilder::new(pack_id)
        .entry("assets/setup.yaml", SETUP_YAML.as_bytes())
        .entry(
            "assets/secret-requirements.json",
            SECRET_REQUIREMENTS.as_bytes(),
        )
        .secret("TELEGRAM_BOT_TOKEN", true)
        .flow(
            "setup_default",
            FlowBody::Emit(json!({
                "id": "{{entry.id}}",
                "config_id": "{{entry.config.id}}",
                "token": "{{entry.setup_answers.bot_token}}"
            })),
        )
        .passing("diagnostics")
}

fn answers(extra: &str) -> String {
    format!(
        "messaging-telegram:\n  public_base_url: https://bot.example\n  bot_token: {TOKEN}\n{extra}"
    )
}

fn setup(p: &Project, extra: &[&str]) -> Run {
    p.setup_messaging(extra)
}

fn project_with(answers_yaml: &str) -> Project {
    let p = Project::new();
    p.pack("messaging", "telegram.gtpack", &telegram());
    p.file("answers.yaml", answers_yaml.as_bytes());
    p
}

const BOT_TOKEN_URI: &str = "secrets://dev/acme/_/messaging_telegram/bot_token";
const REQUIREMENT_URI: &str = "secrets://dev/acme/_/messaging_telegram/telegram_bot_token";

#[test]
fn a_published_setup_yaml_plans_with_each_secret_asked_once() {
    let p = project_with(&answers(""));
    let run = setup(&p, &["--answers", "answers.yaml", "--dry-run"]);
    run.code(exit_code::SUCCESS).stdout_has(
        "answers for messaging-telegram: public_base_url (answersfile), default_chat_id (unset), \
         parse_mode (default), retries (default), webhook_enabled (default), webhook_path (hidden), \
         bot_token (secret for TELEGRAM_BOT_TOKEN, answersfile)\n",
    );
    assert!(
        !run.stdout.contains("telegram_bot_token ("),
        "{}",
        run.stdout
    );
    let json = setup(
        &p,
        &["--answers", "answers.yaml", "--dry-run", "--format", "json"],
    )
    .json();
    let asked: Vec<&str> = json["plan"]["packs"][0]["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        asked.iter().filter(|n| n.contains("token")).count(),
        1,
        "{asked:?}"
    );
    assert!(!run.stdout.contains(TOKEN) && !run.stderr.contains(TOKEN));
}

#[test]
fn a_passing_setup_stores_the_secret_under_the_question_and_the_requirement() {
    let p = project_with(&answers(""));
    setup(&p, &["--answers", "answers.yaml"])
        .code(exit_code::SUCCESS)
        .stdout_has("1 passed");
    assert_eq!(p.secret(BOT_TOKEN_URI).as_deref(), Some(TOKEN));
    assert_eq!(p.secret(REQUIREMENT_URI).as_deref(), Some(TOKEN));
    let stored = p.stored_answers("messaging-telegram");
    assert_eq!(stored["retries"], 3, "typed as the question's kind");
    assert_eq!(stored["webhook_enabled"], false);
    assert_eq!(stored.get("bot_token"), None);

    // Diagnostics lists the requirement once, present through the question that answers it.
    p.run(&["dev", "diagnostics", "messaging", "--tenant", "acme"])
        .code(exit_code::SUCCESS)
        .stdout_has(
            "secrets for messaging-telegram: TELEGRAM_BOT_TOKEN present (setup answer bot_token)\n",
        );
}

#[test]
fn an_answer_may_name_the_requirement_instead_of_the_question() {
    let p = project_with(&format!(
        "messaging-telegram:\n  PUBLIC_BASE_URL: https://bot.example\n  TELEGRAM_BOT_TOKEN: {TOKEN}\n"
    ));
    setup(&p, &["--answers", "answers.yaml"])
        .code(exit_code::SUCCESS)
        .stdout_has("1 passed");
    assert_eq!(p.secret(BOT_TOKEN_URI).as_deref(), Some(TOKEN));
}

#[test]
fn a_value_breaking_the_regex_fails_that_pack_before_it_runs_naming_key_rule_and_source() {
    let p = project_with(&format!(
        "messaging-telegram:\n  public_base_url: http://plain.example\n  bot_token: {TOKEN}\n"
    ));
    p.pack(
        "messaging",
        "plain.gtpack",
        &PackBuilder::new("messaging-plain").passing("setup_default"),
    );
    let run = setup(&p, &["--answers", "answers.yaml"]);
    run.code(exit_code::FAILURE).stdout_has("1 flow run: 1 passed").stdout_has(
        "setup answer public_base_url of messaging-telegram (from the --answers file) does not match ^https://",
    );
    assert!(!p.state().join("runs/messaging/messaging-telegram").exists());
    assert!(!run.stdout.contains(TOKEN) && !run.stderr.contains(TOKEN));
    // A dry run gives the same verdict.
    setup(&p, &["--answers", "answers.yaml", "--dry-run"])
        .code(exit_code::FAILURE)
        .stdout_has("public_base_url (answersfile, INVALID: does not match ^https://)");
}

#[test]
fn a_choice_outside_its_list_and_a_word_for_a_number_are_refused() {
    let p = project_with(&answers("  parse_mode: Markdown\n  retries: many\n"));
    setup(&p, &["--answers", "answers.yaml"])
        .code(exit_code::FAILURE)
        .stdout_has("setup answer parse_mode of messaging-telegram (from the --answers file) is not one of: HTML, MarkdownV2")
        .stdout_has("setup answer retries of messaging-telegram (from the --answers file) is not a number");
}

#[test]
fn a_question_shown_by_visible_if_becomes_required() {
    let p = project_with(&answers("  webhook_enabled: \"yes\"\n"));
    setup(&p, &["--answers", "answers.yaml"])
        .code(exit_code::FAILURE)
        .stdout_has("lacks required setup answers: webhook_path");
    p.file(
        "answers.yaml",
        answers("  webhook_enabled: true\n  webhook_path: /hook\n").as_bytes(),
    );
    setup(&p, &["--answers", "answers.yaml"]).code(exit_code::SUCCESS);
    assert_eq!(
        p.stored_answers("messaging-telegram")["webhook_path"],
        "/hook"
    );
}

#[test]
fn the_projects_public_url_answers_public_base_url_and_the_plan_says_so() {
    let p = project_with(&format!("messaging-telegram:\n  bot_token: {TOKEN}\n"));
    let flag = [
        "--answers",
        "answers.yaml",
        "--public-base-url",
        "https://flag.example",
    ];
    setup(&p, &flag)
        .code(exit_code::SUCCESS)
        .stdout_has("public_base_url (--public-base-url)");
    p.file(
        "state/runtime/acme.default/public_base_url.txt",
        b"https://tunnel.example\n",
    );
    setup(&p, &["--answers", "answers.yaml", "--dry-run"])
        .code(exit_code::SUCCESS)
        .stdout_has("public_base_url (tunnel file)");
}

#[test]
fn the_flow_input_is_a_superset_of_greentic_operator_1_2_1s() {
    let p = project_with(&answers(""));
    setup(&p, &["--answers", "answers.yaml"]).code(exit_code::SUCCESS);
    let (run_dir, input) = p.first_run("messaging", "messaging-telegram", "setup_default");
    assert_eq!(input["tenant"], "acme");
    assert_eq!(input["id"], "messaging-telegram");
    assert_eq!(
        input["config"],
        json!({"id": "messaging-telegram", "public_base_url": "https://bot.example"})
    );
    assert_eq!(
        input["setup_answers"]["public_base_url"],
        "https://bot.example"
    );
    assert_eq!(input["setup_answers"]["bot_token"], "__REDACTED__");
    let answers_json: Value =
        serde_json::from_str(input["answers_json"].as_str().unwrap()).unwrap();
    assert_eq!(answers_json["bot_token"], "__REDACTED__");
    assert_eq!(input["msg"]["tenant"]["tenant_id"], "acme");
    assert_eq!(input["msg"]["tenant"]["env"], "dev");
    let transcript = fs::read_to_string(run_dir.join("artifacts/transcript.jsonl")).unwrap();
    assert!(
        transcript.contains(r#""config_id":"messaging-telegram""#),
        "{transcript}"
    );
    for file in files_under(&p.state()) {
        let text = String::from_utf8_lossy(&fs::read(&file).unwrap()).into_owned();
        assert!(!text.contains(TOKEN), "{} holds the secret", file.display());
    }
}

/// A pack whose setup flow calls its component-qa, built as `wasm`.
fn with_component_qa(wasm: Vec<u8>) -> PackBuilder {
    PackBuilder::new("messaging-webex")
        .component(
            wasm::component_manifest_with_world("ai.greentic.component-qa", wasm::FOREIGN_WORLD),
            wasm,
        )
        .flow(
            "setup_default",
            FlowBody::Component("ai.greentic.component-qa".into()),
        )
}

#[test]
fn a_component_built_for_another_runner_is_named_with_its_world() {
    let p = Project::new();
    p.pack(
        "messaging",
        "webex.gtpack",
        &with_component_qa(wasm::other_version_component()),
    );
    setup(&p, &[])
        .code(exit_code::FAILURE)
        .stdout_has(
            "component ai.greentic.component-qa declares world greentic:component/component@0.5.0 and exports greentic:component/node@0.9.0",
        )
        .stdout_has("the pack was built for another runner version");
}

#[test]
fn an_empty_component_is_named_as_empty_not_as_another_runners() {
    let p = Project::new();
    p.pack(
        "messaging",
        "webex.gtpack",
        &with_component_qa(wasm::empty_component()),
    );
    let run = setup(&p, &[]);
    run.code(exit_code::FAILURE)
        .stdout_has("component ai.greentic.component-qa exports nothing: no interface any Greentic runner calls, so the pack ships a component it cannot use")
        .stdout_has("rebuild the pack with a working build of that component, or replace the pack");
    assert!(
        !run.stdout.contains("another runner version"),
        "{}",
        run.stdout
    );
}

#[test]
fn setup_yaml_at_the_pack_root_is_read_when_assets_has_none() {
    let pack = PackBuilder::new("messaging-root")
        .entry("setup.yaml", b"questions:\n  - name: region\n    title: Region\n    help: Where\n    required: true\n")
        .passing("setup_default");
    let p = Project::new();
    p.pack("messaging", "root.gtpack", &pack);
    setup(&p, &["--dry-run"])
        .code(exit_code::FAILURE)
        .stdout_has("answers for messaging-root: region (MISSING)");
}

#[test]
fn a_stored_answer_that_breaks_a_rule_names_the_stored_file_as_its_source() {
    let p = project_with(&format!("messaging-telegram:\n  bot_token: {TOKEN}\n"));
    p.file(
        "state/config/dev/acme/_/messaging-telegram/setup-answers.json",
        br#"{"public_base_url": "https://ok.example", "retries": "often"}"#,
    );
    setup(&p, &["--answers", "answers.yaml"]).code(exit_code::FAILURE).stdout_has(
        "setup answer retries of messaging-telegram (from the stored setup-answers.json) is not a number",
    );
}

#[test]
fn at_a_terminal_each_broken_or_missing_answer_is_asked_by_kind_until_it_keeps_the_rules() {
    let p = project_with(
        "messaging-telegram:\n  public_base_url: http://plain.example\n  retries: many\n  \
         parse_mode: Markdown\n  webhook_enabled: maybe\n",
    );
    let args = [
        "dev",
        "setup",
        "messaging",
        "--tenant",
        "acme",
        "--answers",
        "answers.yaml",
    ];
    let mut term = Terminal::start(&p, &args);
    term.answer(
        "Public base URL (Example: https://xxxx.trycloudflare.com) [the value from the --answers file does not match ^https://]",
        "http://still-plain.example",
    )
    .answer("public_base_url does not match ^https://", "https://bot.example")
    .press("Parse mode", "\r")
    .answer("Retries", "3")
    .press("Receive messages by webhook", "y")
    .answer("Webhook path", "/hook")
    .answer("Telegram bot token", TOKEN);
    let (code, screen) = term.finish();
    assert_eq!(code, i32::from(exit_code::SUCCESS), "{screen}");
    assert!(screen.contains("1 passed"), "{screen}");
    assert!(!screen.contains(TOKEN), "the secret was echoed:\n{screen}");
    let stored = p.stored_answers("messaging-telegram");
    assert_eq!(stored["public_base_url"], "https://bot.example");
    assert_eq!(stored["retries"], 3);
    assert_eq!(stored["parse_mode"], "HTML", "the pick list's default");
    assert_eq!(stored["webhook_enabled"], true);
    assert_eq!(
        stored["webhook_path"], "/hook",
        "asked once the boolean showed it"
    );
    assert_eq!(p.secret(BOT_TOKEN_URI).as_deref(), Some(TOKEN));
    assert_eq!(p.secret(REQUIREMENT_URI).as_deref(), Some(TOKEN));
}

#[test]
fn a_dry_run_of_published_packs_without_answers_says_each_reason_once_snapshot() {
    let p = Project::new();
    for id in ["slack", "telegram", "webex", "whatsapp"] {
        p.pack(
            "messaging",
            &format!("messaging-{id}.gtpack"),
            &published(&format!("messaging-{id}")),
        );
    }
    let run = setup(&p, &["--dry-run"]);
    run.code(exit_code::FAILURE);
    let reason = "lacks required setup answers: public_base_url, bot_token";
    assert_eq!(run.stdout.matches(reason).count(), 4, "{}", run.stdout);
    assert!(!run.stderr.contains(reason), "{}", run.stderr);
    insta::assert_snapshot!(
        "published_dry_run_without_answers",
        p.normalise(&run.stdout)
    );
}

#[test]
fn at_a_terminal_the_public_url_is_asked_once_for_every_pack_that_needs_it() {
    let p = Project::new();
    p.pack("messaging", "a.gtpack", &published("messaging-a"));
    p.pack("messaging", "b.gtpack", &published("messaging-b"));
    p.file(
        "answers.yaml",
        format!("messaging-a: {{bot_token: {TOKEN}}}\nmessaging-b: {{bot_token: {TOKEN}}}\n")
            .as_bytes(),
    );
    let args = [
        "dev",
        "setup",
        "messaging",
        "--tenant",
        "acme",
        "--answers",
        "answers.yaml",
    ];
    let mut term = Terminal::start(&p, &args);
    term.answer("Public base URL", "https://bot.example")
        .expect("public_base_url (prompt, shared)");
    let (code, screen) = term.finish();
    assert_eq!(code, i32::from(exit_code::SUCCESS), "{screen}");
    assert!(screen.contains("messaging-a: Public base URL"), "{screen}");
    assert!(
        !screen.contains("messaging-b: Public base URL"),
        "asked twice:\n{screen}"
    );
    assert!(screen.contains("2 flows run: 2 passed"), "{screen}");
    for id in ["messaging-a", "messaging-b"] {
        assert_eq!(
            p.stored_answers(id)["public_base_url"],
            "https://bot.example"
        );
    }
}

/// Log lines are cleaned like every other stderr line: at `-vv` and with `RUST_LOG=trace`, a
/// setup whose answers hold a bot token (which the runner sees in the flow's input and the
/// store hands to the flow) writes it nowhere on stderr.
#[test]
fn no_stderr_line_holds_a_secret_answer_at_any_verbosity() {
    // Its setup flow hands the token to a component: the runner host traces the node's input.
    let pack = PackBuilder::new("messaging-telegram")
        .entry("assets/setup.yaml", SETUP_YAML.as_bytes())
        .secret("TELEGRAM_BOT_TOKEN", true)
        .component(wasm::component_manifest("echo"), wasm::component("{}", 0))
        .flow(
            "setup_default",
            FlowBody::ComponentWith(
                "echo".into(),
                json!({"token": "{{entry.setup_answers.bot_token}}"}),
            ),
        );
    for (flag, env) in [("-vv", vec![]), ("-v", vec![("RUST_LOG", "trace")])] {
        let p = Project::new();
        p.pack("messaging", "telegram.gtpack", &pack);
        p.file("answers.yaml", answers("").as_bytes());
        let mut args = vec![flag, "dev", "setup", "messaging", "--tenant", "acme"];
        args.extend(["--non-interactive", "--answers", "answers.yaml"]);
        let run = p.run_env(&args, &env, None);
        run.code(exit_code::SUCCESS);
        assert!(
            run.stderr.lines().count() > 10,
            "{flag} {env:?}: {}",
            run.stderr
        );
        assert!(
            !run.stderr.contains(TOKEN),
            "{flag} {env:?}: the token is on stderr:\n{}",
            run.stderr
                .lines()
                .filter(|l| l.contains(TOKEN))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}
