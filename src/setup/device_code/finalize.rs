//! Finalization: calling a provider component's `apply-answers` operation in-process, through
//! greentic-runner-host's `PackRuntime` (the same runtime the runner uses for flows), with
//! everything the login and discovery produced.

use std::path::Path;
use std::sync::Arc;

use greentic_secrets_lib::SecretsManager;
use serde_json::{Map, Value};

use crate::setup::contract::host::{CallScope, HostError, PackHost};

/// What the provider said.
#[derive(Debug, Clone, PartialEq)]
pub enum Finalized {
    /// Accepted; `config` holds the values it returned (possibly none).
    Accepted { config: Map<String, Value> },
    /// `ok: false`: the setup is not finished (the bot is not installed yet, ...).
    Rejected { message: String },
}

/// Why the provider's operation could not be called.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct FinalizeError(#[from] HostError);

/// Loads the pack and calls `op` of `component_ref` with `request` as its JSON input.
pub fn call_operation(
    pack_path: &Path,
    component_ref: &str,
    op: &str,
    request: &Value,
    scope: CallScope,
    secrets: Arc<dyn SecretsManager>,
) -> Result<Finalized, FinalizeError> {
    let host = PackHost::load(pack_path, component_ref, scope, secrets)?;
    let output = host.call_component(component_ref, op, request)?;
    Ok(interpret(output))
}

/// Reads a component's answer: `ok: false` is a rejection (its `error` or `message` says why);
/// otherwise `config` (or, without `ok`, the object itself) holds the values to keep.
pub fn interpret(output: Value) -> Finalized {
    if output.get("ok") == Some(&Value::Bool(false)) {
        let message = ["error", "message"]
            .iter()
            .find_map(|key| match output.get(*key)? {
                Value::String(text) => Some(text.clone()),
                Value::Object(error) => error
                    .get("message")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                _ => None,
            })
            .unwrap_or_else(|| "the provider answered ok:false without a reason".to_string());
        return Finalized::Rejected { message };
    }
    let config = match output {
        Value::Object(mut map) => match map.remove("config") {
            Some(Value::Object(config)) => config,
            Some(_) => Map::new(),
            None if !map.contains_key("ok") => map,
            None => Map::new(),
        },
        _ => Map::new(),
    };
    Finalized::Accepted { config }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn answers_are_read_as_the_contract_says() {
        assert_eq!(
            interpret(json!({"ok": false, "error": {"code": "x", "message": "bot not installed"}})),
            Finalized::Rejected {
                message: "bot not installed".into()
            }
        );
        assert_eq!(
            interpret(json!({"ok": false, "message": "later"})),
            Finalized::Rejected {
                message: "later".into()
            }
        );
        let Finalized::Accepted { config } = interpret(json!({"ok": true, "config": {"a": "1"}}))
        else {
            panic!()
        };
        assert_eq!(config.get("a"), Some(&json!("1")));
        let Finalized::Accepted { config } = interpret(json!({"b": 2})) else {
            panic!()
        };
        assert_eq!(config.get("b"), Some(&json!(2)));
        assert_eq!(
            interpret(json!("text")),
            Finalized::Accepted { config: Map::new() }
        );
    }
}
