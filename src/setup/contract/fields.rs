//! What a provider's config schema (`config_schema_ref`) says of each field a person is asked:
//! its type, default, choices, description and `x-redact`, joined into the questions where the
//! provider's `qa-spec` and `setup.yaml` leave them unsaid (Greentic's real providers ask every
//! question as text, with no default and an i18n key for a label).

use std::collections::BTreeMap;

use qa_spec::QuestionType;
use serde_json::Value;

use crate::pack::manifest::SchemaFile;
use crate::setup::answers::{SetupForm, coerce, value_text};

/// One property of the config schema, as far as a question can use it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SchemaField {
    /// `boolean`, `integer`, `number`, or a `string` with an `enum` (`None` for plain text).
    pub kind: Option<QuestionType>,
    pub default: Option<Value>,
    pub choices: Option<Vec<String>>,
    pub description: Option<String>,
    /// `x-redact: true`: the value is a secret.
    pub redact: bool,
}

/// The top-level properties of the schema `file`, by name; nothing when the schema is missing
/// or unreadable (that problem is named where the configuration is checked against it).
pub fn schema_fields(file: &SchemaFile) -> BTreeMap<String, SchemaField> {
    let SchemaFile::Found { text, .. } = file else {
        return BTreeMap::new();
    };
    let Ok(schema) = serde_json::from_str::<Value>(text) else {
        return BTreeMap::new();
    };
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return BTreeMap::new();
    };
    properties
        .iter()
        .map(|(name, property)| (name.clone(), field(property)))
        .collect()
}

fn field(property: &Value) -> SchemaField {
    let choices: Option<Vec<String>> = property
        .get("enum")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter(|v| !v.is_null())
                .map(value_text)
                .collect()
        })
        .filter(|items: &Vec<String>| !items.is_empty());
    let type_name = match property.get("type") {
        Some(Value::String(name)) => Some(name.as_str()),
        // `["string", "null"]`: the first type that is not null.
        Some(Value::Array(names)) => names
            .iter()
            .filter_map(Value::as_str)
            .find(|name| *name != "null"),
        _ => None,
    };
    let kind = match type_name {
        Some("boolean") => Some(QuestionType::Boolean),
        Some("integer") => Some(QuestionType::Integer),
        Some("number") => Some(QuestionType::Number),
        _ if choices.is_some() => Some(QuestionType::Enum),
        _ => None,
    };
    SchemaField {
        kind,
        default: property.get("default").filter(|v| !v.is_null()).cloned(),
        choices,
        description: property
            .get("description")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_string),
        redact: property.get("x-redact").and_then(Value::as_bool) == Some(true),
    }
}

/// Joins the schema's word on each question of `form` it has a property for, after the
/// provider's and `setup.yaml`'s: a text question takes the schema's type (a boolean becomes a
/// yes/no question, an `enum` a choice), a question without a default or a title takes the
/// schema's default and description, and `x-redact` makes it secret.
pub fn join_schema(form: &mut SetupForm, fields: &BTreeMap<String, SchemaField>) {
    for question in &mut form.questions {
        let Some(field) = fields.get(&question.spec.id) else {
            continue;
        };
        let spec = &mut question.spec;
        if spec.kind == QuestionType::String
            && spec.choices.is_none()
            && let Some(kind) = field.kind
        {
            spec.kind = kind;
        }
        if spec.kind == QuestionType::Enum && spec.choices.is_none() {
            spec.choices = field.choices.clone();
        }
        if question.default.is_none()
            && let Some(default) = &field.default
        {
            let default = coerce(spec.kind, default.clone());
            spec.default_value = Some(value_text(&default));
            question.default = Some(default);
        }
        if let Some(description) = &field.description {
            if spec.title == spec.id {
                spec.title = description.clone();
            } else if spec.description.is_none() {
                spec.description = Some(description.clone());
            }
        }
        spec.secret |= field.redact;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::setup::answers::{Question, provider_question};
    use serde_json::json;

    fn schema(value: Value) -> SchemaFile {
        SchemaFile::Found {
            entry: "schemas/x.json".into(),
            text: value.to_string(),
        }
    }

    fn text_question(id: &str, title: &str) -> Question {
        provider_question(
            id,
            QuestionType::String,
            title.into(),
            None,
            false,
            None,
            None,
        )
    }

    #[test]
    fn the_schema_types_defaults_choices_and_secrets_text_questions() {
        let fields = schema_fields(&schema(json!({"properties": {
            "enabled": {"type": "boolean", "description": "Enable the provider."},
            "api_base_url": {"type": "string", "default": "https://api.example", "description": "API base."},
            "mode": {"type": "string", "enum": ["local_queue", "websocket"], "default": "local_queue"},
            "token": {"type": ["string", "null"], "x-redact": true},
            "retries": {"type": "integer", "default": 3}
        }})));
        let mut form = SetupForm {
            provider_id: "p".into(),
            questions: vec![
                text_question("enabled", "enabled"),
                text_question("api_base_url", "API base URL"),
                text_question("mode", "mode"),
                text_question("token", "token"),
                text_question("retries", "retries"),
            ],
            read_keys: Vec::new(),
        };
        join_schema(&mut form, &fields);
        let enabled = form.question("enabled").unwrap();
        assert_eq!(enabled.spec.kind, QuestionType::Boolean);
        assert_eq!(
            enabled.spec.title, "Enable the provider.",
            "no title: the description"
        );
        let url = form.question("api_base_url").unwrap();
        assert_eq!(url.default, Some(json!("https://api.example")));
        assert_eq!(url.spec.title, "API base URL", "a title is kept");
        assert_eq!(url.spec.description.as_deref(), Some("API base."));
        let mode = form.question("mode").unwrap();
        assert_eq!(mode.spec.kind, QuestionType::Enum);
        assert_eq!(
            mode.spec.choices.as_deref(),
            Some(&["local_queue".to_string(), "websocket".to_string()][..])
        );
        assert_eq!(mode.default, Some(json!("local_queue")));
        assert!(form.question("token").unwrap().spec.secret);
        assert_eq!(form.question("retries").unwrap().default, Some(json!(3)));
    }

    #[test]
    fn an_empty_or_missing_schema_says_nothing() {
        assert!(
            schema_fields(&SchemaFile::Found {
                entry: "s".into(),
                text: String::new()
            })
            .is_empty()
        );
        assert!(schema_fields(&SchemaFile::Missing { looked: vec![] }).is_empty());
    }
}
