//! `dev setup` with a provider declaring `messaging.oauth_device_code.v1`, against a real
//! authorization server and resource API on loopback, a real pack run by the real runner, and
//! a real wasm component finalizing the setup.

use std::fs;
use std::time::Duration;

use greentic_operator::base::exit_code;
use serde_json::{Value, json};

use crate::support::auth_server::{AuthServer, DEVICE_CODE, USER_CODE, oauth_error, tokens};
use crate::support::packs::PackBuilder;
use crate::support::project::{Project, Run, files_under, interrupt};
use crate::support::wasm;

const ACCESS: &str = "eyJ-access-token-5f2a9c";
const REFRESH: &str = "refresh-token-77d1e0b3";
/// What the fixture component returns as `access_token` in its config (a constant of the
/// component, so it also sits in the compiled-component cache: not one of the login's tokens).
const PROVIDER_TOKEN: &str = "provider-issued-token-31";
const CHANNEL_MODE_TEXT: &str = "Choose the team and the channel Greentic posts to";
const BOT_MODE_TEXT: &str = "Install the Greentic bot from the Teams app store";
const CHECK_ITEM: &str = "The app registration allows public client flows";

/// The provider's declaration, pointing at the loopback server.
fn metadata(uri: &str) -> Value {
    json!({
        "label": "Microsoft Teams",
        "device_code_url": format!("{uri}/device"),
        "token_url": format!("{uri}/token"),
        "scopes": ["offline_access", "Team.ReadBasic.All"],
        "secrets_out": {"refresh_token": "graph_refresh_token"},
        "config_out": {"client_id": "graph_client_id", "expires_in": "token_expires_in"},
        "post_login_discovery": [
            {"id": "me", "url": format!("{uri}/me"), "save": {"id": "user_id"}},
            {"id": "teams", "url": format!("{uri}/teams"), "select": {
                "from": "value", "label": "displayName", "value": "id",
                "save_as": "team_id", "default_filter": "{{ bundle_name }}"}},
            {"id": "channels", "url_template": format!("{uri}/teams/{{team_id}}/channels"),
             "requires": ["team_id"], "select": {
                "from": "value", "label": "displayName", "value": "id",
                "save_as": "channel_id", "label_save_as": "channel_title",
                "default_label": " ALERTS "}}
        ],
        "default_mode": "channel",
        "setup_modes": {
            "channel": {
                "instructions": format!("{CHANNEL_MODE_TEXT}, then sign in."),
                "success_message": "Teams channel connected.",
                "provisioning": {"resource": {
                    "component_ref": "teams-setup", "op": "apply-answers",
                    "output_keys": {"webhook_id": "webhook_id", "access_token": "access_token"}}}
            },
            "bot": {"instructions": format!("{BOT_MODE_TEXT}, then open it.")}
        },
        "error_checklist": [CHECK_ITEM, "The account can read the team"]
    })
}

/// A Teams-like provider whose `teams-setup` component answers `finalizer` to apply-answers.
fn teams_pack(metadata: Value, finalizer: &str) -> PackBuilder {
    PackBuilder::new("messaging-teams")
        .entry(
            "assets/setup.yaml",
            b"questions:\n  - name: client_id\n    required: true\n",
        )
        .passing("setup_default")
        .extension(
            "messaging.oauth_device_code.v1",
            json!({"inline": metadata}),
        )
        .component(
            wasm::component_manifest("teams-setup"),
            wasm::component(finalizer, 0),
        )
}

fn accepting() -> String {
    json!({"ok": true, "config": {"webhook_id": "wh-42", "access_token": PROVIDER_TOKEN}})
        .to_string()
}

/// A project with the pack, an answers file, and a display name for `{{ bundle_name }}`.
fn project(server: &AuthServer, metadata: Value, finalizer: &str) -> Project {
    let p = Project::new();
    p.pack(
        "messaging",
        "teams.gtpack",
        &teams_pack(metadata, finalizer),
    );
    p.file(
        "answers.json",
        br#"{"messaging-teams": {"client_id": "client-abc"}}"#,
    );
    p.file("bundle.yaml", b"bundle_name: Acme Support\n");
    server.get("/me", 200, json!({"id": "user-1", "mail": "dev@acme.test"}));
    server.get(
        "/teams",
        200,
        json!({"value": [
            {"id": "t1", "displayName": "Other Team"},
            {"id": "t2", "displayName": "The acme support crew"},
        ]}),
    );
    server.get(
        "/teams/t2/channels",
        200,
        json!({"value": [
            {"id": "c1", "displayName": "General"},
            {"id": "c2", "displayName": "Alerts"},
        ]}),
    );
    p
}

const SETUP_ARGS: [&str; 8] = [
    "dev",
    "setup",
    "messaging",
    "--tenant",
    "acme",
    "--non-interactive",
    "--answers",
    "answers.json",
];

fn setup(p: &Project, extra: &[&str]) -> Run {
    let mut args = SETUP_ARGS.to_vec();
    args.extend_from_slice(extra);
    p.run(&args)
}

/// Waits (bounded) until the operator has polled the token endpoint `polls` times.
fn wait_for_polls(server: &AuthServer, polls: usize) {
    for _ in 0..600 {
        if server.token.polls().len() >= polls {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the operator never polled {polls} times");
}

fn stored_answers(p: &Project) -> Value {
    p.stored_answers("messaging-teams")
}

fn store_value(p: &Project, key: &str) -> Option<String> {
    p.secret(&format!("secrets://dev/acme/_/messaging_teams/{key}"))
}

fn action_state(p: &Project) -> Value {
    let path = p
        .state()
        .join("actions/dev/acme/_/messaging-teams/oauth-device-code.json");
    serde_json::from_slice(&fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .unwrap()
}

/// No token anywhere: not in the state folder, not in any output.
fn assert_no_token(p: &Project, runs: &[&Run]) {
    for secret in [ACCESS, REFRESH] {
        for run in runs {
            assert!(
                !run.stdout.contains(secret),
                "stdout has a token:\n{}",
                run.stdout
            );
            assert!(
                !run.stderr.contains(secret),
                "stderr has a token:\n{}",
                run.stderr
            );
        }
        for file in files_under(&p.state())
            .iter()
            .chain(&files_under(&p.root().join(".greentic")))
        {
            let bytes = fs::read(file).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(secret),
                "{} holds a token",
                file.display()
            );
        }
    }
}

#[test]
fn a_device_code_login_walks_the_whole_contract() {
    let server = AuthServer::start(vec![
        oauth_error("authorization_pending"),
        oauth_error("slow_down"),
        tokens(ACCESS, REFRESH),
    ]);
    let p = project(&server, metadata(&server.uri()), &accepting());

    let run = setup(&p, &[]);
    run.code(exit_code::SUCCESS)
        .stderr_has(USER_CODE)
        .stderr_has(&format!("{}/activate", server.uri()))
        .stderr_has(&format!("{}/activate?code={USER_CODE}", server.uri()))
        .stderr_has(CHANNEL_MODE_TEXT)
        .stdout_has("DONE")
        .stdout_has("messaging-teams oauth_device_code")
        .stdout_has("Teams channel connected.")
        .stdout_has("Logins: 1 complete, 0 pending, 0 failed");
    // The instructions are the channel mode's, never the bot mode's.
    assert!(!run.stderr.contains(BOT_MODE_TEXT), "{}", run.stderr);

    // Polling: pending keeps the interval (1 s), slow_down adds 5 s.
    let polls = server.token.polls();
    assert_eq!(polls.len(), 3, "{polls:?}");
    let first_gap = polls[1].0 - polls[0].0;
    let second_gap = polls[2].0 - polls[1].0;
    assert!(first_gap >= Duration::from_millis(950), "{first_gap:?}");
    assert!(second_gap >= Duration::from_millis(5900), "{second_gap:?}");
    assert!(
        polls[0]
            .1
            .contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code")
    );
    assert!(polls[0].1.contains(&format!("device_code={DEVICE_CODE}")));
    let device = server.device_requests();
    assert_eq!(device.len(), 1);
    assert!(device[0].contains("client_id=client-abc"), "{}", device[0]);
    assert!(
        device[0].contains("scope=offline_access+Team.ReadBasic.All"),
        "{}",
        device[0]
    );
    assert_eq!(
        server.authorizations("/teams"),
        vec![format!("Bearer {ACCESS}")]
    );

    // Token mapping, discovery and finalization outputs, each in its place.
    let answers = stored_answers(&p);
    assert_eq!(answers["client_id"], "client-abc");
    assert_eq!(answers["graph_client_id"], "client-abc");
    assert_eq!(answers["token_expires_in"], "3599");
    assert_eq!(answers["user_id"], "user-1");
    // default_filter with {{ bundle_name }} ("Acme Support"), case-insensitive.
    assert_eq!(answers["team_id"], "t2");
    assert_eq!(answers["team_name"], "The acme support crew");
    // default_label, trimmed and case-insensitive, saved under label_save_as.
    assert_eq!(answers["channel_id"], "c2");
    assert_eq!(answers["channel_title"], "Alerts");
    assert_eq!(answers["webhook_id"], "wh-42");
    for secret_key in ["graph_refresh_token", "access_token", "refresh_token"] {
        assert!(
            answers.get(secret_key).is_none(),
            "{secret_key} in {answers}"
        );
    }
    assert_eq!(
        store_value(&p, "graph_refresh_token").as_deref(),
        Some(REFRESH)
    );
    // A token field in the provider's returned config goes to the store, not the file.
    assert_eq!(
        store_value(&p, "access_token").as_deref(),
        Some(PROVIDER_TOKEN)
    );

    let state = action_state(&p);
    assert_eq!(state["status"], "complete");
    assert!(state.get("session").is_none(), "{state}");
    assert!(state["completed_at"].is_string());

    // A second setup finds the action complete and asks nothing.
    let again = setup(&p, &[]);
    again
        .code(exit_code::SUCCESS)
        .stdout_has("already complete");
    assert_eq!(server.device_requests().len(), 1);
    assert_no_token(&p, &[&run, &again]);
}

/// The prompt as a person reads it on stderr (the loopback server's port differs per run), and
/// the result lines with discovery's selections.
#[test]
fn the_device_code_prompt_snapshot() {
    let server = AuthServer::start(vec![tokens(ACCESS, REFRESH)]);
    let p = project(&server, metadata(&server.uri()), &accepting());
    let run = setup(&p, &[]);
    run.code(exit_code::SUCCESS);
    let normaliser = p.normaliser().literal(server.uri(), "[SERVER]");
    insta::assert_snapshot!("device_code_prompt", normaliser.apply(&run.stderr));
    insta::assert_snapshot!("device_code_results", normaliser.apply(&run.stdout));
}

#[test]
fn discovery_falls_back_to_the_first_item_and_infers_label_keys() {
    let server = AuthServer::start(vec![tokens(ACCESS, REFRESH)]);
    let uri = server.uri();
    let mut declared = metadata(&uri);
    declared["post_login_discovery"] = json!([
        {"id": "rooms", "url": format!("{uri}/rooms"), "select": {
            "from": "data.items", "label": "title", "value": "id",
            "save_as": "room", "default_filter": "no such room {{ bundle_name }}",
            "default_label": "Nope"}},
        {"id": "spaces", "url": format!("{uri}/spaces"), "select": {
            "from": "value", "label": "name", "value": "key", "save_as": "space_id"}}
    ]);
    declared["setup_modes"] = json!({});
    declared.as_object_mut().unwrap().remove("default_mode");
    let p = project(&server, declared, &accepting());
    server.get(
        "/rooms",
        200,
        json!({"data": {"items": [{"id": "r1", "title": "Lobby"}, {"id": "r2", "title": "Acme Support"}]}}),
    );
    server.get(
        "/spaces",
        200,
        json!({"value": [{"key": 17, "name": "Ops"}]}),
    );

    let run = setup(&p, &[]);
    run.code(exit_code::SUCCESS)
        .stdout_has("selected `Lobby` from rooms (the first item of 2)");
    let answers = stored_answers(&p);
    assert_eq!(answers["room"], "r1");
    assert_eq!(answers["room_label"], "Lobby");
    assert_eq!(answers["space_id"], "17");
    assert_eq!(answers["space_name"], "Ops");
}

#[test]
fn an_expired_code_fails_with_the_providers_checklist() {
    let server = AuthServer::start(vec![oauth_error("expired_token")]);
    let p = project(&server, metadata(&server.uri()), &accepting());
    let run = setup(&p, &[]);
    run.code(exit_code::FAILURE)
        .stdout_has("FAIL")
        .stdout_has("the code expired before the login finished: expired_token")
        .stdout_has(&format!("check: {CHECK_ITEM}"))
        .stdout_has("Logins: 0 complete, 0 pending, 1 failed");
    insta::assert_snapshot!("device_code_failed_login", p.normalise(&run.stdout));
    let state = action_state(&p);
    assert_eq!(state["status"], "failed");
    assert!(state.get("session").is_none());
    assert!(
        !p.state()
            .join("config/dev/acme/_/messaging-teams/setup-answers.json")
            .exists()
            || stored_answers(&p).get("team_id").is_none()
    );
}

#[test]
fn a_declined_login_fails_and_the_next_setup_asks_for_a_new_code() {
    let server = AuthServer::start(vec![oauth_error("access_denied")]);
    let p = project(&server, metadata(&server.uri()), &accepting());
    setup(&p, &[])
        .code(exit_code::FAILURE)
        .stdout_has("the login was declined: access_denied (server says access_denied)")
        .stdout_has(&format!("check: {CHECK_ITEM}"));
    server.token.set(vec![tokens(ACCESS, REFRESH)]);
    setup(&p, &[]).code(exit_code::SUCCESS).stdout_has("DONE");
    assert_eq!(server.device_requests().len(), 2);
}

#[test]
fn a_failing_discovery_step_names_its_status_and_body() {
    let server = AuthServer::start(vec![tokens(ACCESS, REFRESH)]);
    let uri = server.uri();
    let mut declared = metadata(&uri);
    declared["post_login_discovery"] = json!([
        {"id": "teams", "url": format!("{uri}/forbidden"), "select": {
            "from": "value", "label": "displayName", "value": "id", "save_as": "team_id"}}
    ]);
    let p = project(&server, declared, &accepting());
    server.get(
        "/forbidden",
        403,
        json!({"error": {"code": "Forbidden", "message": "Insufficient privileges to list teams"}}),
    );
    let run = setup(&p, &[]);
    run.code(exit_code::FAILURE)
        .stdout_has("discovery step `teams`")
        .stdout_has("403 Forbidden")
        .stdout_has("Insufficient privileges to list teams");
    assert_eq!(action_state(&p)["status"], "failed");
    assert_no_token(&p, &[&run]);
}

#[test]
fn a_provider_answering_ok_false_keeps_the_action_pending_and_the_login() {
    let server = AuthServer::start(vec![tokens(ACCESS, REFRESH)]);
    let rejecting =
        json!({"ok": false, "error": "the Greentic app is not installed in the team yet"})
            .to_string();
    let p = project(&server, metadata(&server.uri()), &rejecting);
    let run = setup(&p, &["--junit", "report.xml"]);
    run.code(exit_code::FAILURE)
        .stdout_has("PENDING")
        .stdout_has("the Greentic app is not installed in the team yet")
        .stdout_has("Logins: 0 complete, 1 pending, 0 failed");
    let junit = fs::read_to_string(p.root().join("report.xml")).unwrap();
    assert!(junit.contains(r#"name="oauth_device_code""#), "{junit}");
    assert!(junit.contains("<failure"), "{junit}");
    let state = action_state(&p);
    assert_eq!(state["status"], "pending");
    assert_eq!(state["stage"], "finalize");
    // The login's outputs are kept, so the next run retries the provider without a new login.
    assert_eq!(
        store_value(&p, "graph_refresh_token").as_deref(),
        Some(REFRESH)
    );
    assert_eq!(stored_answers(&p)["team_id"], "t2");
    let again = setup(&p, &[]);
    again.code(exit_code::FAILURE).stdout_has("PENDING");
    assert_eq!(server.device_requests().len(), 1);
    // Diagnostics says where the login stands.
    let diagnostics = p.run(&[
        "dev",
        "diagnostics",
        "messaging",
        "--tenant",
        "acme",
        "--dry-run",
    ]);
    diagnostics
        .stdout_has("device-code login for messaging-teams: pending since ")
        .stdout_has("the provider has not accepted the setup yet");
    insta::assert_snapshot!("device_code_pending_plan", p.normalise(&diagnostics.stdout));
    assert_no_token(&p, &[&run, &again]);
}

#[test]
fn a_killed_setup_resumes_polling_the_same_code() {
    let server = AuthServer::start(vec![oauth_error("authorization_pending")]);
    let p = project(&server, metadata(&server.uri()), &accepting());
    let mut child = p.spawn(&SETUP_ARGS);
    // Once it is polling, kill it without warning.
    wait_for_polls(&server, 2);
    child.kill().unwrap();
    child.wait().unwrap();
    let state = action_state(&p);
    assert_eq!(state["status"], "pending");
    assert_eq!(state["session"]["user_code"], USER_CODE);

    server.token.set(vec![tokens(ACCESS, REFRESH)]);
    let run = setup(&p, &[]);
    run.code(exit_code::SUCCESS)
        .stderr_has("the code from an earlier run")
        .stderr_has(USER_CODE)
        .stdout_has("DONE");
    assert_eq!(
        server.device_requests().len(),
        1,
        "a new code was requested"
    );
    let last = server.token.polls().last().unwrap().1.clone();
    assert!(
        last.contains(&format!("device_code={DEVICE_CODE}")),
        "{last}"
    );
    assert_eq!(action_state(&p)["status"], "complete");
    assert_no_token(&p, &[&run]);
}

#[test]
fn ctrl_c_while_waiting_leaves_the_login_pending_and_exits_130() {
    let server = AuthServer::start(vec![oauth_error("authorization_pending")]);
    let p = project(&server, metadata(&server.uri()), &accepting());
    let child = p.spawn(&SETUP_ARGS);
    wait_for_polls(&server, 1);
    let run = interrupt(child);
    run.code(exit_code::INTERRUPTED)
        .stdout_has("PENDING")
        .stdout_has("interrupted before the login finished");
    let state = action_state(&p);
    assert_eq!(state["status"], "pending");
    assert_eq!(state["session"]["user_code"], USER_CODE);
}

#[test]
fn non_interactive_setup_waits_up_to_the_timeout_and_leaves_the_login_pending() {
    let server = AuthServer::start(vec![oauth_error("authorization_pending")]);
    // Two modes, no default and no `setup_mode` answer: nobody can be asked, so the mode with
    // a finalization step is used, and the output says so.
    let mut declared = metadata(&server.uri());
    declared.as_object_mut().unwrap().remove("default_mode");
    let p = project(&server, declared, &accepting());
    let run = setup(&p, &["--device-code-timeout", "2s"]);
    run.stderr_has("no setup mode was chosen; using `channel`")
        .stderr_has(CHANNEL_MODE_TEXT);
    run.code(exit_code::FAILURE)
        .stdout_has("PENDING")
        .stdout_has("did not finish within --device-code-timeout")
        .stdout_has("state: ");
    assert_eq!(
        run.stderr.matches(&format!("Code: {USER_CODE}")).count(),
        1,
        "{}",
        run.stderr
    );
    let state = action_state(&p);
    assert_eq!(state["status"], "pending");
    assert_eq!(state["stage"], "login");
    assert_eq!(state["session"]["interval_secs"], 1);
    assert!(state["session"]["expires_at"].is_string());
}

#[test]
fn malformed_metadata_fails_the_pack_naming_the_field() {
    let p = Project::new();
    let mut declared = metadata("https://login.example");
    declared["post_login_discovery"][1]["select"]
        .as_object_mut()
        .unwrap()
        .remove("save_as");
    p.pack(
        "messaging",
        "teams.gtpack",
        &teams_pack(declared, &accepting()),
    );
    p.pack(
        "messaging",
        "plain.gtpack",
        &PackBuilder::new("messaging-plain").passing("setup_default"),
    );
    let run = p.run(&["dev", "setup", "messaging", "--dry-run"]);
    run.code(exit_code::FAILURE)
        .stdout_has("post_login_discovery[1].select")
        .stdout_has("save_as")
        .stdout_has("messaging-plain");
    // The plan shows the action for a well-formed declaration.
    let p2 = Project::new();
    p2.pack(
        "messaging",
        "teams.gtpack",
        &teams_pack(metadata("https://login.example"), &accepting()),
    );
    p2.file("answers.json", br#"{"client_id": "client-abc"}"#);
    p2.run(&[
        "dev",
        "setup",
        "messaging",
        "--dry-run",
        "--answers",
        "answers.json",
    ])
    .code(exit_code::SUCCESS)
    .stdout_has("oauth_device_code")
    .stdout_has("login after setup passes");
}

/// `dev setup` of the Teams-like provider for `tenant`.
fn setup_for(p: &Project, tenant: &str) -> Run {
    let mut args = SETUP_ARGS.to_vec();
    args[4] = tenant;
    p.run(&args)
}

#[test]
fn each_tenant_keeps_its_own_login_and_a_changed_output_is_not_complete() {
    let server = AuthServer::start(vec![
        tokens(ACCESS, REFRESH),
        tokens(ACCESS, REFRESH),
        tokens(ACCESS, REFRESH),
    ]);
    let p = project(&server, metadata(&server.uri()), &accepting());
    setup_for(&p, "acme")
        .code(exit_code::SUCCESS)
        .stdout_has("DONE");
    setup_for(&p, "beta")
        .code(exit_code::SUCCESS)
        .stdout_has("DONE");
    assert_eq!(server.device_requests().len(), 2, "one login per tenant");
    assert_eq!(
        p.stored_answers_of("beta", None, "messaging-teams")["team_id"],
        "t2"
    );
    assert!(
        p.state()
            .join("actions/dev/beta/_/messaging-teams/oauth-device-code.json")
            .is_file()
    );
    // Tenant beta's login changed nothing tenant acme reads: acme's is still complete.
    setup_for(&p, "acme")
        .code(exit_code::SUCCESS)
        .stdout_has("already complete");
    assert_eq!(server.device_requests().len(), 2);

    // A stored output changed since the login saved it: the login is no longer complete.
    p.run_with_stdin(
        &[
            "dev",
            "secrets",
            "set",
            "messaging-teams",
            "graph_refresh_token",
            "--tenant",
            "acme",
        ],
        "another-refresh-token\n",
    )
    .code(exit_code::SUCCESS);
    let relogin = setup_for(&p, "acme");
    relogin.code(exit_code::SUCCESS).stdout_has("DONE");
    assert!(
        !relogin.stdout.contains("already complete"),
        "{}",
        relogin.stdout
    );
    assert_eq!(server.device_requests().len(), 3);
    assert_eq!(
        store_value(&p, "graph_refresh_token").as_deref(),
        Some(REFRESH)
    );
}

#[test]
fn a_login_another_operator_is_running_is_reported_pending_not_started_twice() {
    let server = AuthServer::start(vec![tokens(ACCESS, REFRESH)]);
    let p = project(&server, metadata(&server.uri()), &accepting());
    let lock = p
        .state()
        .join("actions/dev/acme/_/messaging-teams/oauth-device-code.json.lock");
    fs::create_dir_all(lock.parent().unwrap()).unwrap();
    let held = fs::File::create(&lock).unwrap();
    held.lock().unwrap();
    setup(&p, &[])
        .code(exit_code::FAILURE)
        .stdout_has("PENDING")
        .stdout_has("another greentic-operator is running this login now");
    assert!(
        server.device_requests().is_empty(),
        "no second login started"
    );
    drop(held);
    setup(&p, &[]).code(exit_code::SUCCESS).stdout_has("DONE");
}

/// A login at `-vv` and with `RUST_LOG=trace` (the HTTP client, the runner host finalizing
/// with the tokens): no token nor device code on stderr, log lines included.
#[test]
fn no_stderr_line_holds_a_token_of_the_login_at_any_verbosity() {
    for (flag, env) in [("-vv", vec![]), ("-v", vec![("RUST_LOG", "trace")])] {
        let server = AuthServer::start(vec![tokens(ACCESS, REFRESH)]);
        let p = project(&server, metadata(&server.uri()), &accepting());
        let mut args = vec![flag];
        args.extend(SETUP_ARGS);
        let run = p.run_env(&args, &env, None);
        run.code(exit_code::SUCCESS)
            .stdout_has("Logins: 1 complete, 0 pending, 0 failed");
        assert!(
            run.stderr.lines().count() > 10,
            "{flag} {env:?}: {}",
            run.stderr
        );
        for secret in [ACCESS, REFRESH, DEVICE_CODE] {
            let leaks: Vec<&str> = run.stderr.lines().filter(|l| l.contains(secret)).collect();
            assert!(
                leaks.is_empty(),
                "{flag} {env:?}: {secret} on stderr:\n{leaks:#?}"
            );
        }
    }
}

#[test]
fn the_doctors_login_fix_runs_as_printed_for_the_team_asked_and_completes_the_login() {
    let server = AuthServer::start(vec![tokens(ACCESS, REFRESH)]);
    let p = project(&server, metadata(&server.uri()), &accepting());
    // The answer setup needs, stored for the team, so the printed command needs nothing more.
    p.file(
        "state/config/dev/acme/blue/messaging-teams/setup-answers.json",
        br#"{"client_id": "client-abc"}"#,
    );
    let doctor = [
        "dev",
        "doctor",
        "messaging",
        "--tenant",
        "acme",
        "--team",
        "blue",
    ];
    let about = "device-code login for tenant acme: not_started";
    let before = p.run(&doctor);
    before.stdout_has(about);
    crate::fixes::run_first_printed(&p, &before.stdout, about, "")
        .code(exit_code::SUCCESS)
        .stdout_has("Logins: 1 complete");
    let after = p.run(&doctor);
    after.stdout_has("device-code login for tenant acme: complete");
    assert!(!after.stdout.contains(about), "{}", after.stdout);
}
