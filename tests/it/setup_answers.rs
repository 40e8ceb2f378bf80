//! `dev setup` with answers: where they come from, where they go, and that secrets stay secret.

use std::fs;

use greentic_operator::base::exit_code;
use serde_json::{Value, json};

use crate::support::packs::{FlowBody, PackBuilder};
use crate::support::project::{Project, files_under};

const TOKEN: &str = "xoxb-very-secret-4711";

const SETUP_YAML: &str = "questions:
  - name: region
    required: true
    default: eu-west
    help: Where the workspace lives
  - name: channel
    required: true
  - name: bot_token
    required: true
    secret: true
";

/// A provider whose setup flow echoes its answers (so the runner's transcript sees them).
fn slack() -> PackBuilder {
    PackBuilder::new("messaging-slack")
        .entry("assets/setup.yaml", SETUP_YAML.as_bytes())
        .secret("signing_secret", false)
        .flow(
            "setup_default",
            FlowBody::Emit(json!({
                "region": "{{entry.setup_answers.region}}",
                "token": "{{entry.setup_answers.bot_token}}"
            })),
        )
        .passing("diagnostics")
}

fn setup(p: &Project, extra: &[&str]) -> crate::support::project::Run {
    p.setup_messaging(extra)
}

fn stored_answers(p: &Project) -> Value {
    p.stored_answers("messaging-slack")
}

fn store_value(p: &Project, uri: &str) -> Option<String> {
    p.secret(uri)
}

#[test]
fn answers_go_to_setup_answers_json_and_secrets_only_to_the_store_then_are_reused() {
    let p = Project::new();
    p.pack("messaging", "slack.gtpack", &slack());
    p.file(
        "answers.yaml",
        format!("tenant: acme\nsetup_answers:\n  messaging-slack:\n    channel: ops\n    bot_token: {TOKEN}\n").as_bytes(),
    );
    let first = setup(&p, &["--answers", "answers.yaml"]);
    first
        .code(exit_code::SUCCESS)
        .stdout_has("1 flow run: 1 passed");
    assert_eq!(
        stored_answers(&p),
        json!({"region": "eu-west", "channel": "ops"})
    );
    assert_eq!(
        store_value(&p, "secrets://dev/acme/_/messaging_slack/bot_token").as_deref(),
        Some(TOKEN)
    );

    // The next run, without --answers, finds both again.
    let second = setup(&p, &[]);
    second
        .code(exit_code::SUCCESS)
        .stdout_has("bot_token (secret, secretsstore)");

    // The flow got the answers; the value reached the runner's transcript only as the marker.
    let (run_dir, input) = p.first_run("messaging", "messaging-slack", "setup_default");
    assert_eq!(input["setup_answers"]["region"], "eu-west");
    assert_eq!(input["setup_answers"]["bot_token"], "__REDACTED__");
    let transcript = fs::read_to_string(run_dir.join("artifacts/transcript.jsonl")).unwrap();
    assert!(transcript.contains(r#""region":"eu-west""#), "{transcript}");
    assert!(
        transcript.contains(r#""token":"__REDACTED__""#),
        "{transcript}"
    );

    // Nowhere in a file the operator wrote (the store included: it is encrypted), nor in output.
    for file in files_under(&p.state())
        .into_iter()
        .chain(files_under(&p.root().join(".greentic")))
    {
        let bytes = fs::read(&file).unwrap();
        assert!(
            !bytes.windows(TOKEN.len()).any(|w| w == TOKEN.as_bytes()),
            "{} holds the secret",
            file.display()
        );
    }
    for run in [&first, &second] {
        assert!(!run.stdout.contains(TOKEN) && !run.stderr.contains(TOKEN));
    }
}

#[test]
fn every_accepted_shape_of_answers_file_works_in_json_and_yaml() {
    let shapes = [
        (
            "a.json",
            format!(
                r#"{{"setup_answers":{{"messaging-slack":{{"channel":"c1","bot_token":"{TOKEN}"}}}}}}"#
            ),
        ),
        (
            "b.yaml",
            format!("messaging-slack:\n  channel: c2\n  bot_token: {TOKEN}\n"),
        ),
        (
            "c.txt",
            format!("{{\"channel\": \"c3\", \"bot_token\": \"{TOKEN}\"}}"),
        ),
        ("d.answers", format!("channel: c4\nbot_token: {TOKEN}\n")),
    ];
    for (file, text) in shapes {
        let p = Project::new();
        p.pack("messaging", "slack.gtpack", &slack());
        p.file(file, text.as_bytes());
        setup(&p, &["--answers", file]).code(exit_code::SUCCESS);
        let expected = format!("c{}", &"abcd".find(&file[..1]).map(|i| i + 1).unwrap());
        assert_eq!(stored_answers(&p)["channel"], expected.as_str(), "{file}");
    }
}

#[test]
fn answers_file_beats_stored_answers_which_beat_defaults() {
    let p = Project::new();
    p.pack("messaging", "slack.gtpack", &slack());
    p.file(
        "state/config/dev/acme/_/messaging-slack/setup-answers.json",
        br#"{"region": "us-east", "channel": "stored"}"#,
    );
    p.file(
        "a.yaml",
        format!("channel: from-file\nbot_token: {TOKEN}\n").as_bytes(),
    );
    setup(&p, &["--answers", "a.yaml"]).code(exit_code::SUCCESS);
    assert_eq!(
        stored_answers(&p),
        json!({"region": "us-east", "channel": "from-file"})
    );
}

#[test]
fn a_missing_required_answer_fails_only_that_pack_and_names_the_key() {
    let p = Project::new();
    p.pack("messaging", "slack.gtpack", &slack());
    p.pack(
        "messaging",
        "plain.gtpack",
        &PackBuilder::new("messaging-plain").passing("setup_default"),
    );
    p.file("a.yaml", b"messaging-slack:\n  channel: ops\n");
    setup(&p, &["--answers", "a.yaml"])
        .code(exit_code::FAILURE)
        .stdout_has("1 flow run: 1 passed")
        .stdout_has(
            "slack.gtpack: lacks required setup answers: bot_token; give them in an --answers file",
        );
    assert!(!p.state().join("config/messaging-slack").exists());
}

#[test]
fn a_broken_answers_file_names_the_file_and_the_position() {
    let p = Project::new();
    p.pack("messaging", "slack.gtpack", &slack());
    p.file("bad.json", b"{\n  \"channel\": \"ops\",\n  oops\n}");
    setup(&p, &["--answers", "bad.json"])
        .code(exit_code::USAGE)
        .stderr_has("bad.json is not valid JSON")
        .stderr_has("line 3");
    p.file("bad.yaml", b"channel: [ops\nbot_token: x\n");
    setup(&p, &["--answers", "bad.yaml"])
        .code(exit_code::USAGE)
        .stderr_has("bad.yaml is not valid YAML");
}

#[test]
fn an_answer_for_a_provider_not_in_the_plan_is_a_warning() {
    let p = Project::new();
    p.pack("messaging", "slack.gtpack", &slack());
    p.file(
        "a.yaml",
        format!("setup_answers:\n  messaging-slack:\n    channel: x\n    bot_token: {TOKEN}\n  messaging-teams:\n    x: 1\n").as_bytes(),
    );
    setup(&p, &["--answers", "a.yaml"])
        .code(exit_code::SUCCESS)
        .stderr_has("answers providers that are not in the plan (ignored): messaging-teams");
}

/// A `gtc setup --answers` file: keyed by pack id, naming providers this project lacks.
fn bundle_answers() -> String {
    format!(
        "messaging-slack: {{channel: ops, bot_token: {TOKEN}}}\n\
         messaging-teams: {{ms_bot_app_id: x}}\n\
         messaging-webex: {{bot_token: other}}\n"
    )
}

#[test]
fn a_keyed_file_naming_providers_the_project_lacks_is_read_by_its_shape() {
    let p = Project::new();
    p.pack("messaging", "slack.gtpack", &slack());
    p.pack(
        "messaging",
        "plain.gtpack",
        &PackBuilder::new("messaging-plain").passing("setup_default"),
    );
    p.file("a.yaml", bundle_answers().as_bytes());
    for extra in [&[][..], &["--provider", "messaging-slack"][..]] {
        let mut args = vec!["--answers", "a.yaml"];
        args.extend_from_slice(extra);
        setup(&p, &args)
            .code(exit_code::SUCCESS)
            .stderr_has(
                "answers providers that are not in the plan (ignored): messaging-teams, messaging-webex",
            );
        assert_eq!(stored_answers(&p)["channel"], "ops", "with {extra:?}");
    }
}

#[test]
fn an_answers_url_is_fetched_and_one_that_does_not_answer_is_a_clear_error() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(MockServer::start());
    runtime.block_on(
        Mock::given(method("GET"))
            .and(path("/setup-answers.json"))
            .respond_with(ResponseTemplate::new(200).set_body_string(bundle_answers()))
            .mount(&server),
    );
    let p = Project::new();
    p.pack("messaging", "slack.gtpack", &slack());
    let url = format!("{}/setup-answers.json", server.uri());
    setup(&p, &["--answers", &url]).code(exit_code::SUCCESS);
    assert_eq!(stored_answers(&p)["channel"], "ops");
    let missing = format!("{}/nope.json", server.uri());
    setup(&p, &["--answers", &missing])
        .code(exit_code::USAGE)
        .stderr_has(&format!("answers file {missing} answered HTTP 404"));
    // A port nobody listens on (wiremock keeps its servers alive in a pool).
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}/setup-answers.json", closed.local_addr().unwrap());
    drop(closed);
    setup(&p, &["--answers", &dead])
        .code(exit_code::USAGE)
        .stderr_has(&format!("failed to fetch answers file {dead}"))
        .stderr_has("offline? download it and pass the file instead");
}

/// A redirect may stay on its host; one to another host (127.0.0.1 and localhost are two) is
/// refused unless that URL is passed itself; no message shows a URL's credentials or query.
#[test]
fn an_answers_url_redirecting_to_another_host_is_refused_and_credentials_never_shown() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(MockServer::start());
    let port = server.address().port();
    let elsewhere = format!("http://localhost:{port}/setup-answers.json");
    let redirect = |to: &str| ResponseTemplate::new(302).insert_header("Location", to);
    runtime.block_on(async {
        Mock::given(method("GET"))
            .and(path("/setup-answers.json"))
            .respond_with(ResponseTemplate::new(200).set_body_string(bundle_answers()))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/moved"))
            .respond_with(redirect("/setup-answers.json"))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/away"))
            .respond_with(redirect(&elsewhere))
            .mount(&server)
            .await;
    });
    let p = Project::new();
    p.pack("messaging", "slack.gtpack", &slack());
    let at = |path: &str| format!("http://127.0.0.1:{port}{path}");

    setup(&p, &["--answers", &at("/moved")]).code(exit_code::SUCCESS);
    let refused = setup(&p, &["--answers", &at("/away")]);
    refused.code(exit_code::USAGE).stderr_has(&format!(
        "answers file {} redirects to {elsewhere}, another host; not followed: pass that URL as --answers if you trust it",
        at("/away")
    ));
    setup(&p, &["--answers", &elsewhere]).code(exit_code::SUCCESS);

    let secret = format!("http://ops:pa55word@127.0.0.1:{port}/nope.json?token=t0ken-in-query");
    let run = setup(&p, &["--answers", &secret]);
    run.code(exit_code::USAGE).stderr_has(&format!(
        "answers file http://***@127.0.0.1:{port}/nope.json?*** answered HTTP 404"
    ));
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!(
        "http://ops:pa55word@{}/a.json?token=t0ken-in-query",
        closed.local_addr().unwrap()
    );
    drop(closed);
    let unreachable = setup(&p, &["--answers", &dead]);
    unreachable
        .code(exit_code::USAGE)
        .stderr_has("failed to fetch answers file http://***@");
    for run in [&run, &unreachable] {
        for text in [&run.stdout, &run.stderr] {
            assert!(
                !text.contains("pa55word") && !text.contains("t0ken-in-query"),
                "a credential shown: {text}"
            );
        }
    }
}

#[test]
fn a_dry_run_shows_which_answers_are_present_never_their_values() {
    let p = Project::new();
    p.pack("messaging", "slack.gtpack", &slack());
    p.file("a.yaml", format!("bot_token: {TOKEN}\n").as_bytes());
    let run = setup(&p, &["--answers", "a.yaml", "--dry-run"]);
    run.code(exit_code::FAILURE)
        .stdout_has("answers for messaging-slack: region (default), channel (MISSING), bot_token (secret, answersfile)");
    assert!(!run.stdout.contains(TOKEN) && !run.stderr.contains(TOKEN));
    assert!(!p.state().exists() && !p.root().join(".greentic").exists());
}

#[test]
fn a_dry_run_plan_with_answers_snapshot() {
    let p = Project::new();
    p.pack("messaging", "slack.gtpack", &slack());
    p.pack(
        "messaging",
        "plain.gtpack",
        &PackBuilder::new("messaging-plain").passing("setup_default"),
    );
    p.file(
        "state/config/dev/acme/_/messaging-slack/setup-answers.json",
        br#"{"region": "us-east"}"#,
    );
    p.file(
        "a.yaml",
        format!("messaging-slack:\n  channel: ops\n  bot_token: {TOKEN}\n").as_bytes(),
    );
    let run = setup(&p, &["--answers", "a.yaml", "--dry-run"]);
    run.code(exit_code::SUCCESS);
    insta::assert_snapshot!("dry_run_plan_with_answers", p.normalise(&run.stdout));
    assert_eq!(run.stderr, "", "a plan with every answer warns of nothing");
}

#[test]
fn diagnostics_reports_each_secret_requirement_as_present_or_missing() {
    let p = Project::new();
    p.pack("messaging", "slack.gtpack", &slack());
    p.file(
        "a.yaml",
        format!("channel: ops\nbot_token: {TOKEN}\n").as_bytes(),
    );
    setup(&p, &["--answers", "a.yaml"]).code(exit_code::SUCCESS);
    p.run(&["dev", "diagnostics", "messaging", "--tenant", "acme"])
        .code(exit_code::SUCCESS)
        .stdout_has("secrets for messaging-slack: signing_secret missing");
}

#[test]
fn two_operators_setting_up_at_once_lose_no_answer_and_corrupt_no_file() {
    let p = Project::new();
    p.pack("messaging", "slack.gtpack", &slack());
    p.file(
        "a.yaml",
        format!("channel: a\nregion: r-a\nbot_token: {TOKEN}\n").as_bytes(),
    );
    p.file(
        "b.yaml",
        format!("channel: b\nregion: r-b\nbot_token: {TOKEN}\n").as_bytes(),
    );
    let spawn = |file: &str| setup(&p, &["--answers", file]);
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| spawn("a.yaml"));
        let b = s.spawn(|| spawn("b.yaml"));
        (a.join().unwrap(), b.join().unwrap())
    });
    a.code(exit_code::SUCCESS);
    b.code(exit_code::SUCCESS);
    let stored = stored_answers(&p);
    assert!(
        stored == json!({"channel": "a", "region": "r-a"})
            || stored == json!({"channel": "b", "region": "r-b"}),
        "one whole setup's answers, never a mix: {stored}"
    );
    assert_eq!(
        store_value(&p, "secrets://dev/acme/_/messaging_slack/bot_token").as_deref(),
        Some(TOKEN)
    );
    let runs = p
        .state()
        .join("runs/messaging/messaging-slack/setup_default");
    assert_eq!(fs::read_dir(runs).unwrap().count(), 2);
}

#[test]
fn a_mistyped_answer_key_is_named_with_its_question_and_its_value_lands_nowhere() {
    let p = Project::new();
    p.pack("messaging", "slack.gtpack", &slack());
    p.file(
        "a.yaml",
        format!("channel: ops\nbot_token: {TOKEN}\nbot_tokn: {TOKEN}-typo\nunheard_of: x\n")
            .as_bytes(),
    );
    let run = setup(&p, &["--answers", "a.yaml"]);
    run.code(exit_code::SUCCESS).stderr_has(
        "the --answers file gives messaging-slack keys that nothing in its pack reads \
         (no question, no declaration): bot_tokn (did you mean bot_token?), unheard_of; they are ignored (not stored, not passed to its flows)",
    );
    assert!(!run.stderr.contains("-typo") && !run.stdout.contains("-typo"));
    assert_eq!(
        stored_answers(&p),
        json!({"region": "eu-west", "channel": "ops"})
    );
    let (_, input) = p.first_run("messaging", "messaging-slack", "setup_default");
    assert!(input["setup_answers"].get("bot_tokn").is_none());
    for file in files_under(p.root()) {
        let bytes = fs::read(&file).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("-typo") || file.ends_with("a.yaml"),
            "{}",
            file.display()
        );
    }
}

#[test]
fn a_mistyped_required_secret_fails_its_pack_and_says_which_key_it_may_be() {
    let p = Project::new();
    p.pack("messaging", "slack.gtpack", &slack());
    p.file(
        "a.yaml",
        format!("channel: ops\nbot_tokn: {TOKEN}\n").as_bytes(),
    );
    setup(&p, &["--answers", "a.yaml"])
        .code(exit_code::FAILURE)
        .stdout_has("lacks required setup answers: bot_token")
        .stderr_has("bot_tokn (did you mean bot_token?)");
}

#[test]
fn an_unparsable_stored_answers_file_is_refused_by_setup_and_reported_by_doctor() {
    let p = Project::new();
    p.pack("messaging", "slack.gtpack", &slack());
    let stored = "state/config/dev/acme/_/messaging-slack/setup-answers.json";
    p.file(stored, b"{\"channel\": ");
    p.file(
        "a.yaml",
        format!("channel: ops\nbot_token: {TOKEN}\n").as_bytes(),
    );
    let said = format!("{} is not a JSON object", p.root().join(stored).display());
    setup(&p, &["--answers", "a.yaml"])
        .code(exit_code::FAILURE)
        .stdout_has(&said)
        .stdout_has("fix or delete it");
    assert_eq!(fs::read(p.root().join(stored)).unwrap(), b"{\"channel\": ");
    p.run(&["dev", "doctor", "messaging", "--tenant", "acme"])
        .code(exit_code::FAILURE)
        .stdout_has("setup-answers.json is not a JSON object");
}
