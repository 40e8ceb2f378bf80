//! A real provider's questions as a person meets them: Greentic's providers ask every question
//! as text, with an i18n key for a label and `defaults: {}`; the pack's config schema and
//! `setup.yaml` say the rest. The plan, `dev requirements` and the prompts show one result.

use serde_json::json;

use greentic_operator::base::exit_code;

use crate::support::packs::{FlowBody, PackBuilder};
use crate::support::project::Project;
use crate::support::terminal::Terminal;
use crate::support::wasm;

const PACK: &str = "messaging-q";
const SCHEMA_REF: &str = "schemas/messaging/q/public.config.schema.json";
const KEY: &str = "signing-key-8c1f33";

/// The real providers' shape (telegram, webex, whatsapp...): text kinds, i18n-key labels the
/// provider has no bundle for, `defaults: {}`.
const QA_SPEC: &str = r#"{"mode":"setup","title":{"key":"q.qa.setup.title"},"description":{"key":"q.qa.setup.description"},"questions":[{"id":"enabled","kind":{"type":"text"},"label":{"key":"q.qa.setup.enabled"},"required":true},{"id":"public_base_url","kind":{"type":"text"},"label":{"key":"q.qa.setup.public_base_url"},"required":true},{"id":"api_base_url","kind":{"type":"text"},"label":{"key":"q.qa.setup.api_base_url"},"required":true},{"id":"mode","kind":{"type":"text"},"label":{"key":"q.qa.setup.mode"},"required":false},{"id":"signing_key","kind":{"type":"text"},"label":{"key":"q.qa.setup.signing_key"},"required":true},{"id":"route","kind":{"type":"text"},"label":{"key":"q.qa.setup.route"},"required":false}],"defaults":{}}"#;

/// The shape of telegram's and webchat-gui's `public.config.schema.json`.
const SCHEMA: &str = r#"{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","additionalProperties":false,"required":["enabled","public_base_url"],"properties":{"enabled":{"type":"boolean","description":"Enable the Q provider."},"public_base_url":{"type":"string","format":"uri","description":"Public base URL for inbound webhook callbacks."},"api_base_url":{"type":"string","format":"uri","default":"https://api.q.example","description":"Override for the Q API base URL."},"mode":{"type":"string","enum":["local_queue","websocket","pubsub"],"default":"local_queue","description":"Delivery mode used by the runner."},"signing_key":{"type":"string","x-redact":true,"description":"Key that signs the Q tokens."},"route":{"type":"string"}}}"#;

const APPLY: &str = r#"{"ok":true,"config":{"enabled":true,"public_base_url":"https://q.example","api_base_url":"https://api.q.example","mode":"local_queue","route":null},"error":null}"#;

fn project() -> Project {
    project_answering(QA_SPEC)
}

/// The pack with a provider whose `qa-spec` answers `qa_spec`.
fn project_answering(qa_spec: &str) -> Project {
    project_with(qa_spec, SCHEMA, APPLY)
}

/// The pack with a provider answering `qa_spec` and `apply`, its config schema `schema`.
fn project_with(qa_spec: &str, schema: &str, apply: &str) -> Project {
    let component =
        wasm::component_manifest_with_world("messaging-provider-q", wasm::PROVIDER_WORLD);
    let extension = json!({"providers": [{
        "provider_type": "messaging.q",
        "ops": ["send", "qa-spec", "apply-answers", "i18n-keys"],
        "config_schema_ref": SCHEMA_REF,
        "runtime": {"component_ref": "messaging-provider-q", "export": "schema-core-api",
                    "world": wasm::PROVIDER_WORLD}
    }]});
    let pack = PackBuilder::new(PACK)
        .entry(
            "assets/setup.yaml",
            b"questions:\n  - name: public_base_url\n    title: Public base URL\n    required: true\n",
        )
        .entry(SCHEMA_REF, schema.as_bytes())
        .extension("greentic.provider-extension.v1", extension)
        .component(component, wasm::provider_component(qa_spec, apply))
        .flow("setup_default", FlowBody::Emit(json!({"ok": true})));
    let p = Project::new();
    p.pack("messaging", "q.gtpack", &pack);
    p
}

#[test]
fn requirements_show_each_question_joined_from_the_provider_the_schema_and_setup_yaml() {
    let p = project();
    let run = p.run(&["dev", "requirements", "messaging"]);
    run.code(exit_code::SUCCESS)
        .stdout_has("question enabled: boolean, required, asked as \"Enable the Q provider.\"")
        .stdout_has("question public_base_url: string, required, asked as \"Public base URL\"\n")
        .stdout_has(
            "question api_base_url: string, required, default https://api.q.example, \
             asked as \"Override for the Q API base URL.\"",
        )
        .stdout_has(
            "question mode: enum, optional, one of: local_queue, websocket, pubsub, \
             default local_queue, asked as \"Delivery mode used by the runner.\"",
        )
        .stdout_has("question signing_key: string, required, secret, asked as \"Key that signs the Q tokens.\"")
        .stdout_has("question route: string, optional\n");
    assert!(
        !run.stdout.contains("q.qa."),
        "an i18n key shown:\n{}",
        run.stdout
    );
}

#[test]
fn the_plan_takes_the_schema_defaults_and_types_a_yes_as_a_boolean() {
    let p = project();
    p.file(
        "answers.json",
        json!({PACK: {"enabled": "yes", "public_base_url": "https://q.example", "signing_key": KEY}})
            .to_string()
            .as_bytes(),
    );
    let args = [
        "dev",
        "setup",
        "messaging",
        "--tenant",
        "acme",
        "--non-interactive",
        "--answers",
        "answers.json",
    ];
    let mut dry = args.to_vec();
    dry.push("--dry-run");
    let plan = p.run(&dry);
    plan.code(exit_code::SUCCESS)
        .stdout_has("enabled (answersfile)")
        .stdout_has("api_base_url (default)")
        .stdout_has("mode (default)")
        .stdout_has("signing_key (secret, answersfile)");
    assert!(!plan.stdout.contains("q.qa."), "{}", plan.stdout);
    p.run(&args).code(exit_code::SUCCESS);
    let stored = p.stored_answers(PACK);
    assert_eq!(stored["enabled"], true, "{stored}");
    assert_eq!(stored["api_base_url"], "https://api.q.example");
    assert_eq!(stored["mode"], "local_queue");
    assert!(
        stored.get("signing_key").is_none(),
        "x-redact keeps it out: {stored}"
    );
    assert_eq!(
        p.secret("secrets://dev/acme/_/messaging_q/signing_key")
            .as_deref(),
        Some(KEY)
    );
}

#[test]
fn at_a_terminal_each_question_reads_as_words_a_boolean_is_yes_or_no_and_x_redact_is_hidden() {
    let p = project();
    let args = ["dev", "setup", "messaging", "--tenant", "acme"];
    let mut term = Terminal::start(&p, &args);
    term.answer("messaging-q: Public base URL", "https://q.example")
        .press("messaging-q: Enable the Q provider.", "y")
        .answer("messaging-q: Key that signs the Q tokens.", KEY);
    let (code, screen) = term.finish();
    assert_eq!(code, i32::from(exit_code::SUCCESS), "{screen}");
    assert!(!screen.contains("q.qa."), "an i18n key shown:\n{screen}");
    assert!(
        !screen.contains(KEY),
        "the x-redact answer was echoed:\n{screen}"
    );
    let stored = p.stored_answers(PACK);
    assert_eq!(stored["enabled"], true, "a yes/no answer: {stored}");
    assert_eq!(
        stored["api_base_url"], "https://api.q.example",
        "the schema's default"
    );
    assert_eq!(stored["mode"], "local_queue");
}

/// webchat's real provider declares qa-spec and answers it with an error of its own.
#[test]
fn a_provider_refusing_its_qa_spec_is_named_in_its_own_words() {
    let p = project_answering(r#"{"error":"unsupported op: qa-spec","ok":false}"#);
    let run = p.run(&[
        "dev",
        "setup",
        "messaging",
        "--dry-run",
        "--non-interactive",
    ]);
    run.code(exit_code::FAILURE).stdout_has(
        "provider messaging.q: it declares qa-spec but refuses it: unsupported op: qa-spec",
    );
    assert!(!run.stdout.contains("missing field"), "{}", run.stdout);
    p.run(&["dev", "requirements", "messaging"])
        .code(exit_code::SUCCESS)
        .stdout_has("its provider's own questions cannot be asked: provider messaging.q: it declares qa-spec but refuses it: unsupported op: qa-spec");
}

/// The looser spellings greentic-operator 1.2.1 reads: no mode, title or defaults, a label
/// as text, a bare kind word, no `required`.
#[test]
fn a_looser_qa_spec_answer_is_read() {
    let p = project_answering(
        r#"{"questions":[{"id":"enabled","kind":"bool","label":"Turn Q on","required":true},{"id":"route","label":"q.qa.setup.route"}]}"#,
    );
    p.run(&["dev", "requirements", "messaging"])
        .code(exit_code::SUCCESS)
        .stdout_has("question enabled: boolean, required, asked as \"Turn Q on\"")
        .stdout_has("question route: string, optional\n");
}

/// Asking a provider its questions loads it into the runner, whose default component cache
/// is `./.greentic` in the current folder: a dry run, `dev requirements` without a tenant and
/// `dev doctor` write nothing there, nor a state folder.
#[test]
fn loading_a_provider_to_ask_it_writes_nothing_where_the_command_is_run() {
    let p = project();
    p.run(&["dev", "requirements", "messaging"])
        .code(exit_code::SUCCESS)
        .stdout_has("asked as \"Enable the Q provider.\"");
    p.run(&["dev", "setup", "messaging", "--dry-run"]);
    p.run(&["dev", "doctor", "messaging"]);
    assert!(
        !p.root().join(".greentic").exists(),
        "a component cache in the current folder"
    );
    assert!(
        !p.state().exists(),
        "a state folder made by a read-only command"
    );
}

/// A dry run needs no tenant, even once setup has made the project's secrets store: a secret
/// question is then answered from the `--answers` file, not looked up under no tenant.
#[test]
fn a_dry_run_without_a_tenant_plans_a_secret_question_once_the_store_exists() {
    let p = project();
    p.file(
        "answers.json",
        json!({PACK: {"enabled": true, "public_base_url": "https://q.example", "signing_key": KEY}})
            .to_string()
            .as_bytes(),
    );
    let args = [
        "dev",
        "setup",
        "messaging",
        "--non-interactive",
        "--answers",
        "answers.json",
    ];
    let mut real = args.to_vec();
    real.extend(["--tenant", "acme"]);
    p.run(&real).code(exit_code::SUCCESS);
    let mut dry = args.to_vec();
    dry.push("--dry-run");
    let plan = p.run(&dry);
    plan.code(exit_code::SUCCESS)
        .stdout_has("signing_key (secret, answersfile)");
    assert!(
        !plan.stderr.contains("tenant must not be empty"),
        "{}",
        plan.stderr
    );
}

/// Answers kept when the provider's questions were all text (`"enabled": "true"`, `"port":
/// "587"`) are the same answers once the config schema types them: `dev update` says they are
/// unchanged.
#[test]
fn update_reads_an_answer_kept_as_text_as_the_same_once_the_schema_types_it() {
    let p = project();
    p.file(
        "answers.json",
        json!({PACK: {"enabled": true, "public_base_url": "https://q.example", "signing_key": KEY}})
            .to_string()
            .as_bytes(),
    );
    let base = ["--tenant", "acme", "--non-interactive"];
    let mut setup = vec!["dev", "setup", "messaging", "--answers", "answers.json"];
    setup.extend(base);
    p.run(&setup).code(exit_code::SUCCESS);
    let mut stored = p.stored_answers(PACK);
    stored["enabled"] = json!("true");
    p.file(
        "state/config/dev/acme/_/messaging-q/setup-answers.json",
        stored.to_string().as_bytes(),
    );
    let mut update = vec!["dev", "update", "messaging", "--dry-run"];
    update.extend(base);
    p.run(&update)
        .code(exit_code::SUCCESS)
        .stdout_has("enabled (stored, unchanged)");
}

/// A value the provider's configuration gives under a field its config schema marks
/// `x-redact`, though no question asks it (a key it derives), is kept in the secrets store,
/// never in `setup-answers.json` nor in the flow's recorded input.
#[test]
fn a_configured_value_the_schema_redacts_is_kept_as_a_secret_though_never_asked() {
    let derived = "whk-5be07a1c";
    let schema = SCHEMA.replace(
        r#""route":{"type":"string"}"#,
        r#""route":{"type":"string"},"webhook_key":{"type":"string","x-redact":true}"#,
    );
    let apply = APPLY.replace(
        r#""route":null"#,
        &format!(r#""route":null,"webhook_key":"{derived}""#),
    );
    let p = project_with(QA_SPEC, &schema, &apply);
    p.file(
        "answers.json",
        json!({PACK: {"enabled": true, "public_base_url": "https://q.example", "signing_key": KEY}})
            .to_string()
            .as_bytes(),
    );
    let args = [
        "dev",
        "setup",
        "messaging",
        "--tenant",
        "acme",
        "--non-interactive",
    ];
    let mut setup = args.to_vec();
    setup.extend(["--answers", "answers.json"]);
    let run = p.run(&setup);
    run.code(exit_code::SUCCESS);
    assert!(!run.stdout.contains(derived) && !run.stderr.contains(derived));
    let stored = p.stored_answers(PACK);
    assert!(stored.get("webhook_key").is_none(), "{stored}");
    assert_eq!(
        p.secret("secrets://dev/acme/_/messaging_q/webhook_key")
            .as_deref(),
        Some(derived)
    );
    let (_, input) = p.first_run("messaging", PACK, "setup_default");
    assert!(!input.to_string().contains(derived), "{input}");
}
