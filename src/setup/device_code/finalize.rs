//! Finalization: calling a provider component's `apply-answers` operation in-process, through
//! greentic-runner-host's `PackRuntime` (the same runtime the runner uses for flows), with
//! everything the login and discovery produced.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use greentic_runner_host::component_api::node::{ExecCtx, TenantCtx};
use greentic_runner_host::pack::{ComponentResolution, PackRuntime};
use greentic_runner_host::storage::{new_session_store, new_state_store};
use greentic_runner_host::{HostConfig, RunnerWasiPolicy, TenantBindings};
use greentic_secrets_lib::SecretsManager;
use serde_json::{Map, Value};

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
pub enum FinalizeError {
    #[error("failed to load {} for finalization: {source:#}", path.display())]
    Load {
        path: PathBuf,
        #[source]
        source: anyhow::Error,
    },
    #[error("{component_ref} {op} could not run: {source:#}")]
    Invoke {
        component_ref: String,
        op: String,
        #[source]
        source: anyhow::Error,
    },
}

/// Who the call is made for.
pub struct CallScope<'a> {
    pub tenant: &'a str,
    pub team: Option<&'a str>,
}

/// Loads the pack and calls `op` of `component_ref` with `request` as its JSON input.
pub async fn call_operation(
    pack_path: &Path,
    component_ref: &str,
    op: &str,
    request: &Value,
    scope: &CallScope<'_>,
    secrets: Arc<dyn SecretsManager>,
) -> Result<Finalized, FinalizeError> {
    let config = HostConfig::from_gtbind(TenantBindings {
        tenant: scope.tenant.to_string(),
        packs: Vec::new(),
        env_passthrough: Vec::new(),
    });
    let pack = PackRuntime::load(
        pack_path,
        Arc::new(config),
        None,
        Some(pack_path),
        Some(new_session_store()),
        Some(new_state_store()),
        Arc::new(RunnerWasiPolicy::default()),
        secrets,
        None,
        false,
        ComponentResolution::default(),
    )
    .await
    .map_err(|source| FinalizeError::Load {
        path: pack_path.to_path_buf(),
        source,
    })?;
    let call_id = format!("greentic-operator:{component_ref}:{op}");
    let ctx = ExecCtx {
        tenant: TenantCtx {
            tenant: scope.tenant.to_string(),
            team: scope.team.map(str::to_string),
            user: None,
            trace_id: None,
            i18n_id: None,
            correlation_id: Some(call_id.clone()),
            deadline_unix_ms: None,
            attempt: 1,
            idempotency_key: Some(call_id),
        },
        i18n_id: None,
        flow_id: format!("setup-component/{op}"),
        node_id: Some(component_ref.to_string()),
    };
    let output = pack
        .invoke_component(component_ref, ctx, op, None, request.to_string())
        .await
        .map_err(|source| FinalizeError::Invoke {
            component_ref: component_ref.to_string(),
            op: op.to_string(),
            source,
        })?;
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
