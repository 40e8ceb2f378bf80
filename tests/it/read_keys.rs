//! Answer keys a pack reads without asking them: a device-code declaration shaped like
//! Greentic's Teams Graph one (its client id and channel name asked by no question) logs in
//! with the answers file's values against a loopback server, and `dev requirements` names them.

use greentic_operator::base::exit_code;
use serde_json::{Value, json};

use crate::support::auth_server::{AuthServer, tokens};
use crate::support::packs::PackBuilder;
use crate::support::project::Project;
use crate::support::wasm;

const PACK: &str = "messaging-teams-graph";

/// The spellings of Greentic's Teams Graph declaration (0.5.26): `client_id_config_key`,
/// `client_id_secret_key`, `config_out`, `secrets_out`, `me` / `joined_teams` / `channels`
/// discovery, a mode whose `config_keys` and provisioning (`graph.body_template`,
/// `lookup.match.source_key`, `source_keys`) read `desired_channel_name`; the channel's
/// `default_filter` reads it too.
fn teams_graph(uri: &str) -> Value {
    json!({
        "kind": "messaging.oauth_device_code.v1", "version": "0.5.26",
        "inline": {
            "label": "Connect Microsoft Teams",
            "client_id_config_key": "client_id",
            "client_id_secret_key": "MS_GRAPH_CLIENT_ID",
            "config_out": {"client_id": "client_id", "desired_channel_name": "desired_channel_name",
                           "team_id": "team_id", "channel_id": "channel_id"},
            "device_code_url": format!("{uri}/device"),
            "token_url": format!("{uri}/token"),
            "scopes": ["offline_access", "Channel.Create"],
            "secrets_out": {"refresh_token": "MS_GRAPH_REFRESH_TOKEN"},
            "post_login_discovery": [
                {"id": "me", "method": "GET", "save": {"id": "user_id"}, "url": format!("{uri}/me")},
                {"id": "joined_teams", "method": "GET", "url": format!("{uri}/me/joinedTeams"),
                 "select": {"from": "value", "label": "displayName", "value": "id",
                            "save_as": "team_id", "save_label_as": "team_name"}},
                {"id": "channels", "method": "GET", "requires": ["team_id"],
                 "url_template": format!("{uri}/teams/{{team_id}}/channels"),
                 "select": {"from": "value", "label": "displayName", "value": "id",
                            "save_as": "channel_id", "save_label_as": "channel_name",
                            "default_filter": "{desired_channel_name}"}}
            ],
            "setup_modes": {"graph_channel": {
                "config_keys": ["tenant_id", "client_id", "team_id", "channel_id", "desired_channel_name"],
                "provisioning": {"teams_channel": {
                    "component_ref": "teams-setup", "op": "apply-answers", "mode": "create_if_missing",
                    "graph": {"method": "POST", "resource_template": "/teams/{team_id}/channels",
                              "body_template": {"displayName": "{desired_channel_name}"},
                              "lookup": {"match": {"field": "displayName",
                                                   "source_key": "desired_channel_name"}}},
                    "output_keys": {"channel_id": "channel_id"},
                    "source_keys": {"desired_channel_name": "desired_channel_name", "team_id": "team_id"}}}
            }}
        }
    })
}

/// A Teams Graph-like pack whose `setup.yaml` asks neither the client id nor the channel name.
fn project(server: &AuthServer) -> Project {
    let pack = PackBuilder::new(PACK)
        .entry(
            "assets/setup.yaml",
            b"questions:\n  - name: graph_region\n    default: global\n",
        )
        .passing("setup_default")
        .extension("messaging.oauth_device_code.v1", teams_graph(&server.uri()))
        .component(
            wasm::component_manifest("teams-setup"),
            wasm::component(&json!({"ok": true, "config": {}}).to_string(), 0),
        );
    let p = Project::new();
    p.pack("messaging", "teams-graph.gtpack", &pack);
    p.file(
        "answers.json",
        &serde_json::to_vec(&json!({"setup_answers": {PACK: {
            "client_id": "client-abc",
            "desired_channel_name": "Ops",
            "unheard_of": "x"
        }}}))
        .unwrap(),
    );
    server.get("/me", 200, json!({"id": "user-1"}));
    server.get(
        "/me/joinedTeams",
        200,
        json!({"value": [{"id": "t1", "displayName": "Acme"}]}),
    );
    server.get(
        "/teams/t1/channels",
        200,
        json!({"value": [
            {"id": "c1", "displayName": "General"},
            {"id": "c2", "displayName": "Ops"},
        ]}),
    );
    p
}

#[test]
fn keys_only_the_device_code_declaration_reads_are_kept_and_the_login_finds_them() {
    let server = AuthServer::start(vec![tokens("access-1", "refresh-1")]);
    let p = project(&server);
    let run = p.run(&[
        "dev",
        "setup",
        "messaging",
        "--tenant",
        "acme",
        "--non-interactive",
        "--answers",
        "answers.json",
    ]);
    run.code(exit_code::SUCCESS)
        .stdout_has("Logins: 1 complete")
        .stderr_has(
            "keys that nothing in its pack reads (no question, no declaration): unheard_of;",
        );
    for kept in ["client_id", "desired_channel_name"] {
        assert!(
            !run.stderr.contains(&format!(": {kept}"))
                && !run.stderr.contains(&format!(", {kept}")),
            "{kept} named as ignored:\n{}",
            run.stderr
        );
    }
    let device = server.device_requests();
    assert_eq!(device.len(), 1);
    assert!(device[0].contains("client_id=client-abc"), "{}", device[0]);
    let answers = p.stored_answers(PACK);
    assert_eq!(answers["client_id"], "client-abc");
    assert_eq!(answers["desired_channel_name"], "Ops");
    // The channel's default_filter `{desired_channel_name}` chose "Ops", not the first item.
    assert_eq!(answers["channel_id"], "c2", "{answers}");
    assert_eq!(answers["channel_name"], "Ops");
    assert!(answers.get("unheard_of").is_none());
    let (_, input) = p.first_run("messaging", PACK, "setup_default");
    assert_eq!(input["setup_answers"]["desired_channel_name"], "Ops");
    assert_eq!(input["setup_answers"]["client_id"], "client-abc");
}

#[test]
fn a_secret_key_the_declaration_reads_goes_to_the_store_only() {
    let server = AuthServer::start(vec![tokens("access-1", "refresh-1")]);
    let p = project(&server);
    // The client id given under the declaration's secret requirement, not client_id.
    p.file(
        "answers.json",
        &serde_json::to_vec(
            &json!({PACK: {"MS_GRAPH_CLIENT_ID": "client-sec", "desired_channel_name": "Ops"}}),
        )
        .unwrap(),
    );
    p.run(&[
        "dev",
        "setup",
        "messaging",
        "--tenant",
        "acme",
        "--non-interactive",
        "--answers",
        "answers.json",
    ])
    .code(exit_code::SUCCESS);
    let device = server.device_requests();
    assert!(device[0].contains("client_id=client-sec"), "{}", device[0]);
    assert_eq!(
        p.secret("secrets://dev/acme/_/messaging_teams_graph/ms_graph_client_id")
            .as_deref(),
        Some("client-sec")
    );
    let answers = p.stored_answers(PACK);
    assert!(answers.get("ms_graph_client_id").is_none(), "{answers}");
    assert!(answers.get("MS_GRAPH_CLIENT_ID").is_none(), "{answers}");
}

#[test]
fn requirements_name_the_keys_the_declaration_reads() {
    let server = AuthServer::start(vec![]);
    let p = project(&server);
    let run = p.run(&["dev", "requirements", "messaging"]);
    run.code(exit_code::SUCCESS)
        .stdout_has("read key client_id: not asked, read by its messaging.oauth_device_code.v1 (client_id_config_key")
        .stdout_has("read key desired_channel_name: not asked")
        .stdout_has("post_login_discovery[2].select.default_filter")
        .stdout_has("read key ms_graph_client_id: secret, not asked");
    let json = p
        .run(&["dev", "requirements", "messaging", "--format", "json"])
        .json();
    let text = json.to_string();
    assert!(text.contains("\"read_keys\""), "{text}");
    assert!(text.contains("desired_channel_name"), "{text}");
}
