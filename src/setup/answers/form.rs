//! A provider's setup questions as Greentic publishes them (`setup.yaml`), read into Greentic's
//! own form model (qa-spec's `QuestionSpec`). Every field the published files use is read; a
//! field this operator does not know is logged at debug level and never fails the pack.

use std::collections::BTreeMap;

use qa_spec::spec::question::{Constraint, ListSpec};
use qa_spec::{Expr, QuestionSpec, QuestionType};
use serde::Deserialize;
use serde_json::Value;

use super::Question;
use crate::pack::manifest::PackText;

/// Why a pack's `setup.yaml` could not be read: the entry and what is wrong, with the path
/// to the offending field (`questions[2].required: invalid type ...`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SetupSpecError {
    /// Not the document's shape: YAML syntax or a field of the wrong type (serde's words).
    #[error("has an unreadable {entry}: {message}")]
    Shape {
        entry: &'static str,
        message: String,
    },
    /// One question that cannot become a form question.
    #[error("has an unreadable {entry}: questions[{index}]: {problem}")]
    Question {
        entry: &'static str,
        index: usize,
        problem: QuestionProblem,
    },
}

/// What makes one `setup.yaml` question unusable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QuestionProblem {
    #[error("has no `name`")]
    NoName,
}

/// The file: `questions[]`, plus fields (title, provider_id, version...) the operator ignores.
#[derive(Deserialize)]
struct SetupFile {
    #[serde(default)]
    questions: Vec<RawQuestion>,
}

/// One question, each spelling a separate field so that a file using two of them (`title`
/// and `help`, `name` and `id`) is read, never refused as a duplicate.
#[derive(Deserialize)]
struct RawQuestion {
    name: Option<String>,
    id: Option<String>,
    title: Option<String>,
    help: Option<String>,
    description: Option<String>,
    kind: Option<String>,
    #[serde(rename = "type")]
    type_: Option<String>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    secret: bool,
    default: Option<Value>,
    placeholder: Option<String>,
    group: Option<String>,
    #[serde(default)]
    choices: Vec<Value>,
    #[serde(default)]
    columns: Vec<RawQuestion>,
    min_rows: Option<usize>,
    max_rows: Option<usize>,
    key: Option<String>,
    visible_if: Option<VisibleIf>,
    validate: Option<Rules>,
    /// Everything else (`docs_url`, `create_url`, `multilingual`...): logged, not used.
    #[serde(flatten)]
    other: BTreeMap<String, Value>,
}

/// `visible_if: {field, eq}`; a string expression is Greentic's other form, which greentic-setup
/// does not evaluate either: the question is then always shown.
#[derive(Deserialize)]
#[serde(untagged)]
enum VisibleIf {
    Field { field: String, eq: Option<Value> },
    Expression(String),
}

/// `validate: {regex, min, max, min_len, max_len}`.
#[derive(Deserialize)]
struct Rules {
    #[serde(alias = "pattern")]
    regex: Option<String>,
    min: Option<f64>,
    max: Option<f64>,
    min_len: Option<usize>,
    max_len: Option<usize>,
}

/// Reads the questions of a pack's `setup.yaml`.
pub fn parse_setup_spec(spec: &PackText) -> Result<Vec<Question>, SetupSpecError> {
    let deserializer = serde_yaml_gtc::Deserializer::from_str(&spec.text);
    let file: SetupFile =
        serde_path_to_error::deserialize(deserializer).map_err(|e| SetupSpecError::Shape {
            entry: spec.entry,
            message: e.to_string(),
        })?;
    let mut questions = Vec::with_capacity(file.questions.len());
    for (index, raw) in file.questions.into_iter().enumerate() {
        let question = convert(raw).map_err(|problem| SetupSpecError::Question {
            entry: spec.entry,
            index,
            problem,
        })?;
        questions.push(question);
    }
    type_visibility_literals(&mut questions);
    Ok(questions)
}

fn convert(raw: RawQuestion) -> Result<Question, QuestionProblem> {
    let id = raw
        .name
        .or(raw.id)
        .or(raw.key)
        .filter(|id| !id.trim().is_empty())
        .ok_or(QuestionProblem::NoName)?;
    for field in raw.other.keys() {
        tracing::debug!(question = %id, field = %field, "setup.yaml field not used by the operator");
    }
    let kind_name = raw.kind.or(raw.type_).unwrap_or_else(|| "string".into());
    let kind = question_type(&kind_name, &id);
    let choices: Vec<String> = raw.choices.iter().filter_map(choice_text).collect();
    let list = (kind == QuestionType::List).then(|| ListSpec {
        min_items: raw.min_rows,
        max_items: raw.max_rows,
        fields: raw
            .columns
            .into_iter()
            .filter_map(|column| convert(column).ok().map(|q| q.spec))
            .collect(),
        item_label: None,
    });
    let constraint = raw.validate.map(|rules| Constraint {
        pattern: rules.regex,
        min: rules.min,
        max: rules.max,
        min_len: rules.min_len,
        max_len: rules.max_len,
    });
    let spec = QuestionSpec {
        title: raw.title.unwrap_or_else(|| id.clone()),
        kind,
        description: raw.help.or(raw.description),
        title_i18n: None,
        description_i18n: None,
        required: raw.required,
        choices: (!choices.is_empty()).then_some(choices),
        default_value: raw.default.as_ref().map(super::value_text),
        // greentic-setup treats these names as secrets even when the file forgets to say so;
        // keeping them out of setup-answers.json is the safe reading.
        secret: raw.secret || looks_secret(&id),
        visible_if: raw.visible_if.and_then(visibility),
        constraint,
        list,
        computed: None,
        policy: Default::default(),
        computed_overridable: false,
        id,
    };
    Ok(Question {
        spec,
        default: raw.default,
        placeholder: raw.placeholder,
        group: raw.group,
        covers: Vec::new(),
    })
}

/// A question the provider's component asks and `setup.yaml` does not, with the component's
/// label and help already resolved to text.
pub fn provider_question(
    id: &str,
    kind: QuestionType,
    title: String,
    help: Option<String>,
    required: bool,
    default: Option<Value>,
    choices: Option<Vec<String>>,
) -> Question {
    let mut question = Question::plain(id, kind, title);
    question.spec.description = help;
    question.spec.required = required;
    question.spec.choices = choices;
    question.spec.default_value = default.as_ref().map(super::value_text);
    question.spec.secret = looks_secret(id);
    question.default = default;
    question
}

/// The published kinds, with the spellings Greentic's tools accept; an unknown kind is a string.
fn question_type(kind: &str, id: &str) -> QuestionType {
    match kind.trim().to_ascii_lowercase().as_str() {
        "string" | "text" | "url" | "password" | "secret" => QuestionType::String,
        "boolean" | "bool" => QuestionType::Boolean,
        "number" | "float" => QuestionType::Number,
        "integer" | "int" => QuestionType::Integer,
        "choice" | "enum" | "select" => QuestionType::Enum,
        "table" | "list" => QuestionType::List,
        other => {
            tracing::debug!(question = %id, kind = %other, "unknown setup.yaml kind, read as string");
            QuestionType::String
        }
    }
}

/// A choice as the text an answer must equal: a scalar, or an object's `value`.
fn choice_text(choice: &Value) -> Option<String> {
    match choice {
        Value::String(s) => Some(s.clone()),
        Value::Number(_) | Value::Bool(_) => Some(choice.to_string()),
        Value::Object(map) => map.get("value").and_then(choice_text),
        _ => None,
    }
}

/// greentic-setup's naming rule for secrets (`*_token`, `*secret*`, `*password*`).
pub fn looks_secret(id: &str) -> bool {
    let id = id.to_ascii_lowercase();
    id.ends_with("_token") || id.contains("secret") || id.contains("password")
}

fn visibility(visible_if: VisibleIf) -> Option<Expr> {
    match visible_if {
        VisibleIf::Field { field, eq: None } => Some(Expr::Answer { path: field }),
        VisibleIf::Field {
            field,
            eq: Some(value),
        } => Some(Expr::Eq {
            left: Box::new(Expr::Answer { path: field }),
            right: Box::new(Expr::Literal { value }),
        }),
        VisibleIf::Expression(text) => {
            tracing::debug!(expression = %text, "visible_if expressions are not evaluated; the question is shown");
            None
        }
    }
}

/// `eq: "true"` on a boolean field (or `eq: 3` on a string field) compares answers of the
/// field's own type: the literal takes the type of the field it is compared with.
fn type_visibility_literals(questions: &mut [Question]) {
    let kinds: BTreeMap<String, QuestionType> = questions
        .iter()
        .map(|q| (q.spec.id.clone(), q.spec.kind))
        .collect();
    for question in questions.iter_mut() {
        if let Some(Expr::Eq { left, right }) = &mut question.spec.visible_if
            && let (Expr::Answer { path }, Expr::Literal { value }) = (&**left, &mut **right)
            && let Some(kind) = kinds.get(path)
        {
            *value = super::check::coerce(*kind, value.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Question>, SetupSpecError> {
        parse_setup_spec(&PackText {
            entry: "assets/setup.yaml",
            text: text.to_string(),
        })
    }

    #[test]
    fn a_published_question_with_title_and_help_is_read_whole() {
        let questions = parse(
            "provider_id: slack\nversion: 1\ntitle: Slack\nquestions:\n  - name: public_base_url\n    title: Public base URL\n    kind: string\n    required: true\n    help: \"Example: https://x\"\n    validate:\n      regex: \"^https://\"\n    docs_url: https://docs\n",
        )
        .unwrap();
        let spec = &questions[0].spec;
        assert_eq!(spec.id, "public_base_url");
        assert_eq!(spec.title, "Public base URL");
        assert_eq!(spec.description.as_deref(), Some("Example: https://x"));
        assert_eq!(
            spec.constraint.as_ref().unwrap().pattern.as_deref(),
            Some("^https://")
        );
    }

    #[test]
    fn kinds_choices_tables_and_visibility() {
        let questions = parse(
            "questions:\n  - name: tls\n    kind: choice\n    choices: [starttls, none]\n  - name: port\n    kind: number\n    default: 587\n  - name: enabled\n    kind: boolean\n  - id: api_token\n    visible_if: {field: enabled, eq: \"true\"}\n  - name: links\n    kind: table\n    columns:\n      - {key: label, title: Label, required: true}\n",
        )
        .unwrap();
        assert_eq!(questions[0].spec.kind, QuestionType::Enum);
        assert_eq!(questions[1].default, Some(serde_json::json!(587)));
        assert_eq!(questions[1].spec.default_value.as_deref(), Some("587"));
        let Some(Expr::Eq { right, .. }) = &questions[3].spec.visible_if else {
            panic!("no visibility");
        };
        assert_eq!(
            **right,
            Expr::Literal {
                value: Value::Bool(true)
            }
        );
        assert!(questions[3].spec.secret, "a *_token name is a secret");
        let list = questions[4].spec.list.as_ref().unwrap();
        assert_eq!(list.fields[0].id, "label");
    }

    #[test]
    fn a_broken_field_is_named_with_its_path() {
        let err = parse("questions:\n  - name: a\n    required: maybe\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("has an unreadable assets/setup.yaml: questions[0].required"),
            "{err}"
        );
    }
}
