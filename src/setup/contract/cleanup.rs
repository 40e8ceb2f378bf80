//! A provider's cleanup plan (`apply-answers` in mode `remove`): Greentic's providers answer
//! `remove: {remove_all, cleanup: [...]}`. What it names that the operator keeps is deleted
//! (`delete_config_key`: the provider's stored configuration and answers,
//! `delete_provider_state_namespace`: the operator's state of it, such as its login state,
//! `best_effort_delete_provider_owned_secrets`: its keys in the dev secrets store; `remove_all`:
//! all of it); revoking webhooks and tokens is the provider's business, reported as asked.

use serde_json::Value;

/// Deletes the provider's stored configuration (`setup-answers.json`).
pub const DELETE_CONFIG_KEY: &str = "delete_config_key";
/// Deletes what the operator keeps of the provider's state (its device-code login state).
pub const DELETE_STATE_NAMESPACE: &str = "delete_provider_state_namespace";
/// Deletes the provider's keys in the secrets store.
pub const DELETE_OWNED_SECRETS: &str = "best_effort_delete_provider_owned_secrets";
/// Greentic's config provenance record: the operator keeps none, so it has nothing to delete.
pub const DELETE_PROVENANCE_KEY: &str = "delete_provenance_key";

/// What of the operator's data a provider's cleanup plan deletes, and what it leaves to the
/// provider.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cleanup {
    /// Every name the provider gave (`remove_all` first when it said so), in its order.
    pub asked: Vec<String>,
    pub config: bool,
    pub state: bool,
    pub secrets: bool,
    /// What it asked that the operator does not do (`best_effort_revoke_webhooks`,
    /// `best_effort_revoke_tokens`, names it does not know).
    pub left_to_provider: Vec<String>,
}

impl Cleanup {
    /// Everything the operator keeps: no plan, or a plan the operator cannot read.
    pub fn everything(asked: Vec<String>) -> Self {
        Self {
            asked,
            config: true,
            state: true,
            secrets: true,
            left_to_provider: Vec::new(),
        }
    }
}

/// Reads an `apply-answers` answer's `remove` field. A `{remove_all, cleanup}` plan deletes
/// what it names; no plan, or one in another shape (a list of the provider's own names),
/// deletes everything of it, as `dev remove` does for a provider without a contract.
pub fn read(field: &Value) -> Cleanup {
    let Value::Object(plan) = field else {
        return Cleanup::everything(names(field));
    };
    let Some(Value::Array(items)) = plan.get("cleanup") else {
        return Cleanup::everything(plan.keys().cloned().collect());
    };
    let remove_all = plan.get("remove_all") == Some(&Value::Bool(true));
    let mut cleanup = match remove_all {
        true => Cleanup::everything(vec!["remove_all".to_string()]),
        false => Cleanup::default(),
    };
    for item in items.iter().filter_map(Value::as_str) {
        cleanup.asked.push(item.to_string());
        match item {
            DELETE_CONFIG_KEY => cleanup.config = true,
            DELETE_STATE_NAMESPACE => cleanup.state = true,
            DELETE_OWNED_SECRETS => cleanup.secrets = true,
            DELETE_PROVENANCE_KEY => {}
            other => cleanup.left_to_provider.push(other.to_string()),
        }
    }
    cleanup
}

/// The names of a `remove` field in another shape: a list of names, or one.
fn names(field: &Value) -> Vec<String> {
    match field {
        Value::Array(items) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .map_or_else(|| item.to_string(), str::to_string)
            })
            .collect(),
        Value::String(one) => vec![one.clone()],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_plan_deletes_what_it_names_and_leaves_revoking_to_the_provider() {
        let plan = read(&json!({"remove_all": false, "cleanup": [
            "delete_config_key", "delete_provenance_key", "best_effort_revoke_webhooks"]}));
        assert!(plan.config && !plan.state && !plan.secrets);
        assert_eq!(plan.left_to_provider, ["best_effort_revoke_webhooks"]);
        let all = read(&json!({"remove_all": true, "cleanup": ["best_effort_revoke_tokens"]}));
        assert!(all.config && all.state && all.secrets);
        assert_eq!(all.asked, ["remove_all", "best_effort_revoke_tokens"]);
        assert_eq!(
            read(&json!(["api_token"])),
            Cleanup::everything(vec!["api_token".into()])
        );
        assert_eq!(read(&Value::Null), Cleanup::everything(Vec::new()));
    }
}
