//! Reading and checking the device-code declaration.

use super::*;
use serde_json::json;

fn minimal() -> Value {
    json!({"device_code_url": "https://login.example/device", "token_url": "https://login.example/token"})
}

/// The spellings of Greentic's published Teams Graph pack (0.5.x): the manifest's extension
/// entry with `kind`/`version` beside `inline`, `checklist`, `client_id_secret_key`,
/// `provider`, `tenant_alias`, `select.save_label_as`, `method`, a mode's `description`
/// and `config_keys`, provisioning with extra fields.
#[test]
fn the_published_spellings_are_read_with_greentic_setups_meaning() {
    let payload = json!({"kind": EXTENSION_KEY, "version": "0.5.25", "inline": {
        "checklist": ["Public client flows must be enabled"],
        "client_id_config_key": "client_id",
        "client_id_secret_key": "MS_GRAPH_CLIENT_ID",
        "config_out": {"tenant_id": "tenant_id", "client_id": "client_id"},
        "device_code_url": "https://login.example/organizations/devicecode",
        "token_url": "https://login.example/organizations/token",
        "verification_uri": "https://example/devicelogin",
        "label": "Connect",
        "post_login_discovery": [
            {"id": "me", "method": "GET", "save": {"id": "user_id"}, "url": "https://graph.example/me"},
            {"id": "teams", "method": "GET", "url": "https://graph.example/me/joinedTeams",
             "select": {"from": "value", "label": "displayName", "value": "id",
                        "save_as": "team_id", "save_label_as": "team_name"}}
        ],
        "provider": "microsoft", "provider_id": "teams", "tenant_alias": "organizations",
        "scopes": "offline_access User.Read",
        "secrets_out": {"refresh_token": "MS_GRAPH_REFRESH_TOKEN", "client_id": "MS_GRAPH_CLIENT_ID"},
        "setup_modes": {"graph_channel": {
            "config_keys": ["tenant_id", "team_id"],
            "description": "Default mode.",
            "provisioning": {"teams_channel": {
                "component_ref": "messaging-provider-teams-graph", "op": "apply-answers",
                "mode": "create_if_missing", "graph": {"method": "POST"},
                "output_keys": {"channel_id": "channel_id"},
                "source_keys": {"team_id": "team_id"}}}
        }}
    }});
    let metadata = DeviceCodeMetadata::from_payload(&payload).unwrap();
    assert_eq!(
        metadata.error_checklist,
        ["Public client flows must be enabled"]
    );
    assert_eq!(metadata.scopes, ["offline_access", "User.Read"]);
    let select = metadata.post_login_discovery[1].select.as_ref().unwrap();
    assert_eq!(select.label_save_as.as_deref(), Some("team_name"));
    assert_eq!(metadata.fallback_mode(), Some("graph_channel"));
    let from_secret = BTreeMap::from([("ms_graph_client_id".to_string(), "cid".to_string())]);
    assert_eq!(metadata.client_id(&from_secret).as_deref(), Some("cid"));
    let named = BTreeMap::from([("oauth_client_id".to_string(), "o".to_string())]);
    assert_eq!(metadata.client_id(&named).as_deref(), Some("o"));
}

#[test]
fn inline_wrapper_is_unwrapped_and_defaults_apply() {
    let metadata = DeviceCodeMetadata::from_payload(&json!({"inline": minimal()})).unwrap();
    assert_eq!(metadata.client_id_config_key, "client_id");
    assert!(metadata.scopes.is_empty());
}

#[test]
fn a_bad_field_is_named() {
    let mut payload = minimal();
    payload["post_login_discovery"] = json!([{"id": "teams", "url": "https://graph.example/teams", "select": {"from": "value", "label": "name"}}]);
    let err = DeviceCodeMetadata::from_payload(&payload).unwrap_err();
    assert_eq!(err.field, "post_login_discovery[0].select");
    assert!(err.problem.contains("value"), "{err}");

    let err =
        DeviceCodeMetadata::from_payload(&json!({"token_url": "https://x.example"})).unwrap_err();
    assert!(err.problem.contains("device_code_url"), "{err}");

    let mut payload = minimal();
    payload["token_url"] = json!("not a url");
    assert_eq!(
        DeviceCodeMetadata::from_payload(&payload)
            .unwrap_err()
            .field,
        "token_url"
    );

    let mut payload = minimal();
    payload["post_login_discovery"] =
        json!([{"id": "c", "url_template": "https://g.example/teams/{team_id}/channels"}]);
    assert_eq!(
        DeviceCodeMetadata::from_payload(&payload)
            .unwrap_err()
            .field,
        "post_login_discovery[0].url_template"
    );
}

#[test]
fn published_spellings_and_foreign_provisioning_are_accepted() {
    let mut payload = minimal();
    payload["post_login_discovery"] = json!([{"id": "teams", "url": "https://g.example/t",
        "select": {"from": "value", "label": "n", "value": "id", "save_as": "team_id",
                   "save_label_as": "team_title"}}]);
    payload["setup_modes"] = json!({
        "graph_channel": {"provisioning": {"teams_channel": {"op": "apply-answers",
            "mode": "create_if_missing", "graph": {"method": "POST"}}}},
        "bot": {"provisioning": {"bot": {"op": "apply-answers", "component_ref": "bot-setup"}}}
    });
    let metadata = DeviceCodeMetadata::from_payload(&payload).unwrap();
    let select = metadata.post_login_discovery[0].select.as_ref().unwrap();
    assert_eq!(select.label_save_as.as_deref(), Some("team_title"));
    // A step without a component is not the operator's to call.
    assert!(metadata.finalizers(Some("graph_channel")).is_empty());
    assert_eq!(metadata.fallback_mode(), Some("bot"));
}
