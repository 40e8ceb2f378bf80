//! A provider's config schema (`config_schema_ref`) compiled with the `jsonschema` crate, and
//! a configuration checked against it, each violation named with its JSON path.

use std::collections::BTreeSet;

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
    /// Where it marks a value secret.
    secret_paths: SecretPaths,
}

/// Where a config schema marks a value secret (`x-redact`, `x-secret`, `writeOnly`, or a
/// `format` of `password`), as paths of property names from the root; `*` stands for any
/// property (`additionalProperties`, `patternProperties`) and array items take their array's
/// path. What sits under a marked path is secret too.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretPaths(BTreeSet<Vec<String>>);

/// How deep `$ref`s and nested schemas are followed: a schema that loops stops there.
const MAX_SCHEMA_DEPTH: usize = 32;

impl SecretPaths {
    /// The marks of `schema`, `$ref`s inside it (`#/...`) followed.
    pub fn of(schema: &Value) -> Self {
        let mut marks = Self::default();
        marks.walk(schema, schema, &mut Vec::new(), 0);
        marks
    }

    /// Whether the value at `path` (property names, array indexes left out) is marked, or
    /// sits under a marked one.
    pub fn marks(&self, path: &[&str]) -> bool {
        self.0.iter().any(|marked| {
            marked.len() <= path.len() && marked.iter().zip(path).all(|(m, p)| m == "*" || m == p)
        })
    }

    fn walk(&mut self, root: &Value, node: &Value, path: &mut Vec<String>, depth: usize) {
        let Some(node) = node.as_object() else {
            return;
        };
        if depth > MAX_SCHEMA_DEPTH {
            return;
        }
        let flag = |name: &str| node.get(name).and_then(Value::as_bool) == Some(true);
        let password = node.get("format").and_then(Value::as_str) == Some("password");
        if flag("x-redact") || flag("x-secret") || flag("writeOnly") || password {
            self.0.insert(path.clone());
            return;
        }
        let target = node
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|pointer| root.pointer(pointer));
        let here = target.into_iter().chain(
            ["items", "allOf", "anyOf", "oneOf", "if", "then", "else"]
                .iter()
                .filter_map(|k| node.get(*k))
                .flat_map(|v| match v {
                    Value::Array(items) => items.iter().collect::<Vec<_>>(),
                    other => vec![other],
                }),
        );
        for sub in here.collect::<Vec<_>>() {
            self.walk(root, sub, path, depth + 1);
        }
        if let Some(props) = node.get("properties").and_then(Value::as_object) {
            for (name, sub) in props {
                path.push(name.clone());
                self.walk(root, sub, path, depth + 1);
                path.pop();
            }
        }
        let any_property = node
            .get("patternProperties")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|p| p.values())
            .chain(node.get("additionalProperties"));
        for sub in any_property.collect::<Vec<_>>() {
            path.push("*".to_string());
            self.walk(root, sub, path, depth + 1);
            path.pop();
        }
    }
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
            secret_paths: SecretPaths::of(&schema),
        })
    }

    /// Where the schema marks a value secret.
    pub fn secret_paths(&self) -> &SecretPaths {
        &self.secret_paths
    }

    /// Every way `config` breaks the schema, in the validator's order. A message never quotes
    /// the value ("the value is not of type ..."): a configuration breaking its schema may hold
    /// a secret the provider made itself, which nothing else would redact, and the message is
    /// printed and kept in reports.
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
                    message: error.masked_with("the value").to_string(),
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

    #[test]
    fn values_the_schema_marks_secret_are_found_nested_and_through_refs() {
        let schema = json!({
            "type": "object",
            "$defs": {"secret": {"type": "string", "writeOnly": true}},
            "properties": {
                "api_key": {"type": "string", "x-redact": true},
                "auth": {"type": "object", "properties": {
                    "token": {"$ref": "#/$defs/secret"},
                    "user": {"type": "string"}}},
                "smtp": {"allOf": [{"properties": {"pass": {"format": "password"}}}]},
                "headers": {"type": "array", "items": {"type": "object",
                    "additionalProperties": {"type": "string", "x-secret": true}}},
                "region": {"type": "string"},
                "loop": {"$ref": "#/properties/loop"}
            }
        });
        let marks = SecretPaths::of(&schema);
        assert!(marks.marks(&["api_key"]));
        assert!(marks.marks(&["auth", "token"]));
        assert!(!marks.marks(&["auth", "user"]));
        assert!(!marks.marks(&["auth"]), "only what the mark is on");
        assert!(marks.marks(&["smtp", "pass"]));
        assert!(marks.marks(&["headers", "X-Key"]));
        assert!(!marks.marks(&["region"]));
        assert!(!marks.marks(&["loop"]));
    }
}
