//! A provider's `apply-answers` answer read as the contract means it (`ok:false` is a refusal,
//! in the provider's own words; `null` fields are unset), and the verdict a setup reports.

use serde::Serialize;
use serde_json::{Map, Value};

/// What the provider made of the answers.
#[derive(Debug, Clone, PartialEq)]
pub enum Applied {
    /// `ok:true`: its configuration, without the fields it left `null`.
    Configured { config: Map<String, Value> },
    /// `ok:false`: its `error` and `diagnostics`.
    Rejected {
        error: String,
        diagnostics: Vec<String>,
    },
}

/// Reads an `apply-answers` answer. Without `ok:true` nothing is configured: a missing `ok` or
/// a non-object answer is a refusal too, so that nothing is kept that the provider did not
/// accept.
pub fn interpret(output: Value) -> Applied {
    let Value::Object(mut answer) = output else {
        return rejected(format!(
            "the provider answered {output} instead of an object"
        ));
    };
    if answer.get("ok") != Some(&Value::Bool(true)) {
        let error = match answer.remove("error") {
            Some(Value::String(text)) => text,
            Some(Value::Object(error)) => error
                .get("message")
                .and_then(Value::as_str)
                .map_or_else(|| Value::Object(error.clone()).to_string(), str::to_string),
            Some(other) if !other.is_null() => other.to_string(),
            _ if answer.get("ok").is_none() => "the provider's answer has no `ok`".to_string(),
            _ => "the provider answered ok:false without a reason".to_string(),
        };
        return Applied::Rejected {
            error,
            diagnostics: diagnostics(answer.remove("diagnostics")),
        };
    }
    let config = match answer.remove("config") {
        Some(Value::Object(config)) => config
            .into_iter()
            .filter(|(_, value)| !value.is_null())
            .collect(),
        _ => Map::new(),
    };
    Applied::Configured { config }
}

fn rejected(error: String) -> Applied {
    Applied::Rejected {
        error,
        diagnostics: Vec::new(),
    }
}

/// Diagnostics as lines: a string as it is, an object as its `path` and `message` (or whole).
fn diagnostics(value: Option<Value>) -> Vec<String> {
    let items = match value {
        Some(Value::Array(items)) => items,
        Some(Value::Null) | None => return Vec::new(),
        Some(other) => vec![other],
    };
    items
        .into_iter()
        .map(|item| match item {
            Value::String(text) => text,
            Value::Object(map) => {
                let message = map.get("message").and_then(Value::as_str);
                let path = map
                    .get("path")
                    .or_else(|| map.get("field"))
                    .and_then(Value::as_str);
                match (path, message) {
                    (Some(path), Some(message)) => format!("{path}: {message}"),
                    (None, Some(message)) => message.to_string(),
                    _ => Value::Object(map).to_string(),
                }
            }
            other => other.to_string(),
        })
        .collect()
}

/// What a setup's provider contract came to, as the result line and JSON say it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum ContractVerdict {
    /// The provider accepted the answers and its configuration was kept: `kept` names the
    /// values (never a secret's value).
    Configured { kept: Vec<String> },
    /// The provider refused, or its configuration broke its schema: nothing was kept.
    Rejected {
        error: String,
        diagnostics: Vec<String>,
    },
    /// The pack declares no `apply-answers`: its setup flow decides, as before the contract.
    NotDeclared,
}

impl ContractVerdict {
    pub fn word(&self) -> &'static str {
        match self {
            ContractVerdict::Configured { .. } => "configured",
            ContractVerdict::Rejected { .. } => "rejected",
            ContractVerdict::NotDeclared => "not declared",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ok_false_is_a_refusal_in_the_providers_words() {
        assert_eq!(
            interpret(
                json!({"ok": false, "error": "config validation failed: api_token is required",
                             "diagnostics": [{"path": "api_token", "message": "missing"}, "see docs"]})
            ),
            Applied::Rejected {
                error: "config validation failed: api_token is required".into(),
                diagnostics: vec!["api_token: missing".into(), "see docs".into()],
            }
        );
        let Applied::Rejected { error, .. } = interpret(json!({"config": {}})) else {
            panic!("no ok is no acceptance");
        };
        assert_eq!(error, "the provider's answer has no `ok`");
    }

    #[test]
    fn null_fields_are_unset() {
        let Applied::Configured { config } = interpret(
            json!({"ok": true, "config": {"enabled": true, "route": null}, "error": null}),
        ) else {
            panic!("accepted");
        };
        assert_eq!(Value::Object(config), json!({"enabled": true}));
    }
}
