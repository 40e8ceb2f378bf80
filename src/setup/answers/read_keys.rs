//! Answer keys a pack reads besides its questions: every key its device-code declaration
//! (`messaging.oauth_device_code.v1`) names and every `{key}` placeholder of its templates.
//! Such a key given in an `--answers` file is kept and passed on, not dropped as unknown.

use greentic_secrets_lib::canonical_secret_name;
use serde_json::Value;

use super::form::looks_secret;
use crate::base::template::{Syntax, placeholders};

/// One key a pack's declarations read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadKey {
    /// As declared; a secret one by its canonical name (as the store and the login look it up).
    pub key: String,
    /// A secret: kept in the store, never in `setup-answers.json`.
    pub secret: bool,
    /// Read as an input (a client id, a template's placeholder, a `requires`); `false` when the
    /// declaration only writes it (a login output), which an answer may still give first.
    pub input: bool,
    /// The declaration's fields that read it (`post_login_discovery[2].url_template`).
    pub readers: Vec<String>,
}

/// Fields whose string value is one answer key.
const ONE_KEY: [&str; 6] = [
    "client_id_config_key",
    "client_id_secret_key",
    "save_as",
    "save_label_as",
    "label_save_as",
    "source_key",
];
/// Fields whose items (a list) or values (a map) are answer keys.
const MANY_KEYS: [&str; 7] = [
    "config_keys",
    "requires",
    "config_out",
    "save",
    "output_keys",
    "source_keys",
    "secrets_out",
];
/// Fields naming keys the declaration writes (login outputs) rather than reads.
const OUTPUT_FIELDS: [&str; 7] = [
    "config_out",
    "save",
    "save_as",
    "save_label_as",
    "label_save_as",
    "output_keys",
    "secrets_out",
];
/// Fields whose keys are secrets.
const SECRET_FIELDS: [&str; 2] = ["client_id_secret_key", "secrets_out"];
/// Token-answer fields, always secret.
const TOKEN_KEYS: [&str; 3] = ["access_token", "refresh_token", "id_token"];
/// Placeholders the operator fills from the project, never from an answer.
const PROJECT_PLACEHOLDERS: [&str; 1] = ["bundle_name"];

/// The keys the device-code declaration `payload` reads (its `{"inline": ...}` unwrapped), in
/// first-seen order, each once.
pub fn device_code_keys(payload: &Value) -> Vec<ReadKey> {
    let mut keys = Vec::new();
    let mut payload = payload;
    while let Some(inner) = payload.get("inline")
        && payload.get("device_code_url").is_none()
    {
        payload = inner;
    }
    walk(payload, "", &mut keys);
    keys
}

fn walk(value: &Value, at: &str, keys: &mut Vec<ReadKey>) {
    match value {
        Value::Object(map) => {
            for (field, inner) in map {
                let path = join(at, field);
                let secret = SECRET_FIELDS.contains(&field.as_str());
                let input = !OUTPUT_FIELDS.contains(&field.as_str());
                if ONE_KEY.contains(&field.as_str())
                    && let Some(key) = inner.as_str()
                {
                    add(keys, key, secret, input, &path);
                } else if MANY_KEYS.contains(&field.as_str()) {
                    let named: Vec<&Value> = match inner {
                        Value::Array(items) => items.iter().collect(),
                        Value::Object(map) => map.values().collect(),
                        _ => Vec::new(),
                    };
                    for key in named.iter().filter_map(|v| v.as_str()) {
                        add(keys, key, secret, input, &path);
                    }
                } else {
                    walk(inner, &path, keys);
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                walk(item, &format!("{at}[{index}]"), keys);
            }
        }
        Value::String(text) => {
            for key in placeholders(text, Syntax::Braces) {
                if !PROJECT_PLACEHOLDERS.contains(&key) {
                    add(keys, key, false, true, at);
                }
            }
        }
        _ => {}
    }
}

fn join(at: &str, field: &str) -> String {
    if at.is_empty() {
        field.to_string()
    } else {
        format!("{at}.{field}")
    }
}

fn add(keys: &mut Vec<ReadKey>, key: &str, secret_field: bool, input: bool, reader: &str) {
    let key = key.trim();
    if key.is_empty() {
        return;
    }
    let secret = secret_field || TOKEN_KEYS.contains(&key) || looks_secret(key);
    let key = if secret {
        canonical_secret_name(key)
    } else {
        key.to_string()
    };
    match keys.iter_mut().find(|k| k.key == key) {
        Some(known) => {
            known.secret |= secret;
            known.input |= input;
            if !known.readers.iter().any(|r| r == reader) {
                known.readers.push(reader.to_string());
            }
        }
        None => keys.push(ReadKey {
            key,
            secret,
            input,
            readers: vec![reader.to_string()],
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The shape of Greentic's Teams Graph declaration (0.5.26), trimmed.
    fn teams_graph() -> Value {
        json!({"kind": "messaging.oauth_device_code.v1", "inline": {
            "client_id_config_key": "client_id",
            "client_id_secret_key": "MS_GRAPH_CLIENT_ID",
            "config_out": {"channel_id": "channel_id", "desired_channel_name": "desired_channel_name"},
            "device_code_url": "https://login.example/devicecode",
            "token_url": "https://login.example/token",
            "post_login_discovery": [
                {"id": "me", "save": {"id": "user_id"}, "url": "https://graph.example/me"},
                {"id": "channels", "requires": ["team_id"],
                 "select": {"from": "value", "label": "displayName", "value": "id",
                            "save_as": "channel_id", "save_label_as": "channel_name",
                            "default_filter": "{desired_channel_name}"},
                 "url_template": "https://graph.example/teams/{team_id}/channels"}
            ],
            "secrets_out": {"refresh_token": "MS_GRAPH_REFRESH_TOKEN"},
            "setup_modes": {"graph_channel": {
                "config_keys": ["tenant_id", "client_id"],
                "provisioning": {"teams_channel": {
                    "graph": {"body_template": {"displayName": "{ region_name }"},
                              "lookup": {"match": {"source_key": "desired_channel_name"}}},
                    "source_keys": {"team_id": "team_id"}}}}}
        }})
    }

    #[test]
    fn every_named_key_and_placeholder_is_read() {
        let keys = device_code_keys(&teams_graph());
        let names: Vec<&str> = keys.iter().map(|k| k.key.as_str()).collect();
        for wanted in [
            "client_id",
            "ms_graph_client_id",
            "channel_id",
            "desired_channel_name",
            "user_id",
            "team_id",
            "channel_name",
            "ms_graph_refresh_token",
            "tenant_id",
            "region_name",
        ] {
            assert!(names.contains(&wanted), "{wanted} in {names:?}");
        }
        let secret: Vec<&str> = keys
            .iter()
            .filter(|k| k.secret)
            .map(|k| k.key.as_str())
            .collect();
        assert_eq!(secret, ["ms_graph_client_id", "ms_graph_refresh_token"]);
        let outputs: Vec<&str> = keys
            .iter()
            .filter(|k| !k.input)
            .map(|k| k.key.as_str())
            .collect();
        assert_eq!(
            outputs,
            [
                "channel_id",
                "user_id",
                "channel_name",
                "ms_graph_refresh_token"
            ],
            "written by the login, read by nothing"
        );
        let channel = keys
            .iter()
            .find(|k| k.key == "desired_channel_name")
            .unwrap();
        assert!(
            channel
                .readers
                .iter()
                .any(|r| r == "post_login_discovery[1].select.default_filter"),
            "{:?}",
            channel.readers
        );
        assert!(
            channel
                .readers
                .iter()
                .any(|r| r.ends_with("match.source_key")),
            "{:?}",
            channel.readers
        );
    }

    #[test]
    fn the_project_placeholder_and_plain_text_are_not_keys() {
        let keys = device_code_keys(&json!({
            "device_code_url": "https://x.example/d", "token_url": "https://x.example/t",
            "label": "Connect", "select": {"default_label": "{{ bundle_name }}"}
        }));
        assert!(keys.is_empty(), "{keys:?}");
    }
}
