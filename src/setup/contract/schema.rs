//! A provider's config schema (`config_schema_ref`) compiled with the `jsonschema` crate, and
//! a configuration checked against it, each violation named with its JSON path.

use serde::Serialize;
use serde_json::Value;

use crate::pack::manifest::SchemaFile;

/// Why a provider's config schema cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaProblem {
    #[error("its config schema {reference} is not in the pack (looked for {})", looked.join(", "))]
    Missing {
        reference: String,
        looked: Vec<String>,
    },
    #[error("its config schema {entry} cannot be read: {reason}")]
    Unreadable { entry: String, reason: String },
    #[error("its config schema {entry} is not valid JSON: {message}")]
    NotJson { entry: String, message: String },
    #[error("its config schema {entry} is not a valid JSON Schema: {message}")]
    NotASchema { entry: String, message: String },
}

/// One way a configuration breaks the schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// JSON pointer into the configuration (`/public_base_url`; `/` for the whole).
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "at {}: {}", self.path, self.message)
    }
}

/// A compiled config schema and the pack entry it came from.
pub struct ConfigSchema {
    pub entry: String,
    validator: jsonschema::Validator,
}

impl std::fmt::Debug for ConfigSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfigSchema")
            .field("entry", &self.entry)
            .finish_non_exhaustive()
    }
}

impl ConfigSchema {
    /// Compiles the schema file a provider's `reference` found (or did not).
    pub fn compile(reference: &str, file: &SchemaFile) -> Result<Self, SchemaProblem> {
        let (entry, text) = match file {
            SchemaFile::Found { entry, text } => (entry, text),
            SchemaFile::Missing { looked } => {
                return Err(SchemaProblem::Missing {
                    reference: reference.to_string(),
                    looked: looked.clone(),
                });
            }
            SchemaFile::NotRead => {
                return Err(SchemaProblem::Missing {
                    reference: reference.to_string(),
                    looked: Vec::new(),
                });
            }
            SchemaFile::Unreadable { entry, reason } => {
                return Err(SchemaProblem::Unreadable {
                    entry: entry.clone(),
                    reason: reason.clone(),
                });
            }
        };
        let schema: Value = serde_json::from_str(text).map_err(|err| SchemaProblem::NotJson {
            entry: entry.clone(),
            message: err.to_string(),
        })?;
        let validator =
            jsonschema::validator_for(&schema).map_err(|err| SchemaProblem::NotASchema {
                entry: entry.clone(),
                message: err.to_string(),
            })?;
        Ok(Self {
            entry: entry.clone(),
            validator,
        })
    }

    /// Every way `config` breaks the schema, in the validator's order.
    pub fn violations(&self, config: &Value) -> Vec<Violation> {
        self.validator
            .iter_errors(config)
            .map(|error| {
                let path = error.instance_path().to_string();
                Violation {
                    path: if path.is_empty() {
                        "/".to_string()
                    } else {
                        path
                    },
                    message: error.to_string(),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn found(text: &str) -> SchemaFile {
        SchemaFile::Found {
            entry: "schemas/x.json".into(),
            text: text.into(),
        }
    }

    #[test]
    fn violations_are_named_with_their_path() {
        let schema = ConfigSchema::compile(
            "schemas/x.json",
            &found(
                r#"{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
                    "additionalProperties": false, "required": ["public_base_url"],
                    "properties": {"public_base_url": {"type": "string"}, "enabled": {"type": "boolean"}}}"#,
            ),
        )
        .unwrap();
        assert!(
            schema
                .violations(&json!({"public_base_url": "https://x"}))
                .is_empty()
        );
        let found = schema.violations(&json!({"enabled": "yes", "extra": 1}));
        let paths: Vec<&str> = found.iter().map(|v| v.path.as_str()).collect();
        assert!(paths.contains(&"/enabled"), "{found:?}");
        assert!(paths.contains(&"/"), "{found:?}");
    }

    #[test]
    fn a_broken_schema_is_named() {
        let not_json = ConfigSchema::compile("s", &found("{")).unwrap_err();
        assert!(matches!(not_json, SchemaProblem::NotJson { .. }));
        let not_schema = ConfigSchema::compile("s", &found(r#"{"type": 12}"#)).unwrap_err();
        assert!(
            matches!(not_schema, SchemaProblem::NotASchema { .. }),
            "{not_schema}"
        );
    }
}
