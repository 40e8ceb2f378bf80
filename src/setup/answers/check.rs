//! Answers typed and checked against the provider's own rules (qa-spec's `validate`): kind,
//! choices, `validate` constraints, required-ness, and `visible_if` (a hidden question is
//! neither required nor checked, and a question shown by a hidden one's answer is hidden too).

use std::collections::BTreeMap;

use qa_spec::{FormSpec, QuestionSpec, QuestionType, ValidationError};
use serde_json::{Map, Number, Value};

use super::Question;

/// A rule an answer breaks. Rendered without the value, which may be a secret.
#[derive(Debug, Clone, PartialEq)]
pub enum Broken {
    /// Required, visible, and no source answered it.
    Missing,
    /// Not of the question's kind.
    Kind { expected: &'static str },
    /// Not one of the question's choices.
    Choice { choices: Vec<String> },
    /// Does not match `validate.regex`.
    Pattern { regex: String },
    /// Outside `validate.min`/`max`/`min_len`/`max_len`, or a table's row count or a row's cell.
    Limit { detail: String },
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Broken::Missing => write!(f, "is required and has no value"),
            Broken::Kind { expected } => write!(f, "is not {expected}"),
            Broken::Choice { choices } => write!(f, "is not one of: {}", choices.join(", ")),
            Broken::Pattern { regex } => write!(f, "does not match {regex}"),
            Broken::Limit { detail } => write!(f, "{detail}"),
        }
    }
}

/// Converts an answer given as text (a prompt, a YAML string, an environment) to the
/// question's kind when it reads as one (`"587"` for a number, `"yes"` for a boolean), and
/// scalars to text for text questions. Anything else is left for the check to refuse.
pub fn coerce(kind: QuestionType, value: Value) -> Value {
    match (kind, value) {
        (QuestionType::Boolean, Value::String(text)) => {
            match text.trim().to_ascii_lowercase().as_str() {
                "true" | "yes" | "y" | "on" | "1" => Value::Bool(true),
                "false" | "no" | "n" | "off" | "0" => Value::Bool(false),
                _ => Value::String(text),
            }
        }
        (QuestionType::Integer, Value::String(text)) => match text.trim().parse::<i64>() {
            Ok(n) => Value::Number(n.into()),
            Err(_) => Value::String(text),
        },
        (QuestionType::Number, Value::String(text)) => {
            let number = match text.trim().parse::<i64>() {
                Ok(whole) => Some(Number::from(whole)),
                Err(_) => text.trim().parse::<f64>().ok().and_then(Number::from_f64),
            };
            number.map_or(Value::String(text), Value::Number)
        }
        (QuestionType::String | QuestionType::Enum, v @ (Value::Number(_) | Value::Bool(_))) => {
            Value::String(v.to_string())
        }
        (QuestionType::List, Value::String(text)) => match serde_json::from_str(&text) {
            Ok(list @ Value::Array(_)) => list,
            _ => Value::String(text),
        },
        (_, value) => value,
    }
}

/// Whether a stored value and an answer are one answer to a question of `kind`: the stored
/// value typed as the answer is (`true` and `"true"` to a text question), or the answer typed
/// as the stored value is (a provider's configuration may hold a text answer `"yes"` as `true`,
/// `"587"` as `587`); numbers by value (`587` and `587.0`).
pub fn same_answer(kind: QuestionType, stored: &Value, answer: &Value) -> bool {
    let stored_kind = match stored {
        Value::Bool(_) => Some(QuestionType::Boolean),
        Value::Number(_) => Some(QuestionType::Number),
        _ => None,
    };
    same_value(&coerce(kind, stored.clone()), answer)
        || stored_kind.is_some_and(|k| same_value(stored, &coerce(k, answer.clone())))
}

/// JSON equality, numbers by value: a whole number and a float are one number when equal.
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            x.as_f64() == y.as_f64()
        }
        _ => a == b,
    }
}

/// The qa-spec form of `questions`, for its validator.
pub fn form_spec(provider_id: &str, questions: &[Question]) -> FormSpec {
    FormSpec {
        id: format!("{provider_id}-setup"),
        title: format!("{provider_id} setup"),
        version: "1.0.0".into(),
        description: None,
        presentation: None,
        progress_policy: None,
        secrets_policy: None,
        store: Vec::new(),
        validations: Vec::new(),
        includes: Vec::new(),
        questions: questions.iter().map(|q| q.spec.clone()).collect(),
    }
}

/// Every rule the answers break, by question id, in question order. A hidden question's
/// answer is neither required nor checked (see [`visibility`]).
pub fn check(form: &FormSpec, answers: &Map<String, Value>) -> Vec<(String, Broken)> {
    let (_, seen) = resolve(form, answers);
    let result = qa_spec::validate(form, &Value::Object(seen));
    let mut broken: Vec<(String, Broken)> = Vec::new();
    for error in &result.errors {
        let Some(id) = error.question_id.clone() else {
            continue;
        };
        let root = id.split(['[', '.']).next().unwrap_or(&id).to_string();
        if let Some(question) = form.questions.iter().find(|q| q.id == root) {
            broken.push((root, describe(question, &id, error)));
        }
    }
    broken.extend(
        result
            .missing_required
            .into_iter()
            .map(|id| (id, Broken::Missing)),
    );
    let order = |id: &str| form.questions.iter().position(|q| q.id == id);
    broken.sort_by_key(|(id, _)| order(id));
    broken
}

/// The rule `value` breaks as the answer to `question` alone (its visibility aside): what a
/// prompt checks before accepting an answer.
pub fn check_one(question: &QuestionSpec, value: &Value) -> Option<Broken> {
    let mut alone = question.clone();
    alone.visible_if = None;
    let mut form = form_spec("prompt", &[]);
    form.questions.push(alone);
    let mut answers = Map::new();
    answers.insert(question.id.clone(), coerce(question.kind, value.clone()));
    check(&form, &answers)
        .into_iter()
        .next()
        .map(|(_, broken)| broken)
}

/// Whether each question is shown for these answers, by id (`visible_if`). A hidden question's
/// answer counts as unset for the questions that depend on it: one shown only when a hidden
/// question has some value is hidden too, however far down the chain (qa-spec alone would read
/// the hidden question's default and show it).
pub fn visibility(form: &FormSpec, answers: &Map<String, Value>) -> BTreeMap<String, bool> {
    resolve(form, answers).0
}

/// The visibility of every question, and the answers as the rules read them: each hidden
/// question's answer `null` (an unset answer would read as "unknown", which qa-spec shows).
/// Each round hides the questions that read a newly hidden one: one round per question at
/// most (bounded, whatever the expressions).
fn resolve(
    form: &FormSpec,
    answers: &Map<String, Value>,
) -> (BTreeMap<String, bool>, Map<String, Value>) {
    let mut seen = answers.clone();
    for _ in 0..=form.questions.len() {
        let shown = qa_spec::resolve_visibility(
            form,
            &Value::Object(seen.clone()),
            qa_spec::VisibilityMode::Visible,
        );
        let mut settled = true;
        for (id, visible) in &shown {
            if !visible && seen.get(id) != Some(&Value::Null) {
                seen.insert(id.clone(), Value::Null);
                settled = false;
            }
        }
        if settled {
            return (shown.into_iter().collect(), seen);
        }
    }
    let shown = qa_spec::resolve_visibility(
        form,
        &Value::Object(seen.clone()),
        qa_spec::VisibilityMode::Visible,
    );
    (shown.into_iter().collect(), seen)
}

fn describe(question: &QuestionSpec, path: &str, error: &ValidationError) -> Broken {
    let code = error.code.as_deref().unwrap_or_default();
    let cell = (path != question.id).then(|| format!("{path}: "));
    let list_cell = |detail: String| Broken::Limit {
        detail: format!("{}{detail}", cell.clone().unwrap_or_default()),
    };
    let constraint = question.constraint.as_ref();
    match code {
        "type_mismatch" if cell.is_none() => Broken::Kind {
            expected: kind_words(question.kind),
        },
        "enum_mismatch" if cell.is_none() => Broken::Choice {
            choices: question.choices.clone().unwrap_or_default(),
        },
        "pattern_mismatch" if cell.is_none() => Broken::Pattern {
            regex: constraint
                .and_then(|c| c.pattern.clone())
                .unwrap_or_default(),
        },
        "min_length" => list_cell(format!(
            "is shorter than {} characters",
            constraint.and_then(|c| c.min_len).unwrap_or_default()
        )),
        "max_length" => list_cell(format!(
            "is longer than {} characters",
            constraint.and_then(|c| c.max_len).unwrap_or_default()
        )),
        "min" => list_cell(format!(
            "is below {}",
            constraint.and_then(|c| c.min).unwrap_or_default()
        )),
        "max" => list_cell(format!(
            "is above {}",
            constraint.and_then(|c| c.max).unwrap_or_default()
        )),
        "min_items" | "max_items" => list_cell(format!(
            "has {} rows; {} {} expected",
            error.params.get("actual").cloned().unwrap_or_default(),
            if code == "min_items" {
                "at least"
            } else {
                "at most"
            },
            error.params.get("expected").cloned().unwrap_or_default()
        )),
        "missing_field" => list_cell("is required in every row".into()),
        "entry_type" | "list_type" => list_cell("is not a list of rows".into()),
        other => list_cell(format!("breaks the rule {other}")),
    }
}

fn kind_words(kind: QuestionType) -> &'static str {
    match kind {
        QuestionType::String => "text",
        QuestionType::Boolean => "true or false",
        QuestionType::Integer => "a whole number",
        QuestionType::Number => "a number",
        QuestionType::Enum => "one of the choices",
        QuestionType::List => "a list of rows",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_stored_value_and_its_answer_are_one_answer_whichever_side_is_typed() {
        use QuestionType::{Boolean, Number, String as Text};
        assert!(same_answer(Text, &json!(true), &json!("true")));
        assert!(
            same_answer(Text, &json!(true), &json!("yes")),
            "a provider kept yes as true"
        );
        assert!(same_answer(Number, &json!(587), &json!(587.0)));
        assert!(same_answer(Number, &json!(587.0), &json!(587)));
        assert!(same_answer(Text, &json!(587), &json!("587")));
        assert!(same_answer(Boolean, &json!("on"), &json!(true)));
        assert!(!same_answer(Text, &json!(true), &json!("no")));
        assert!(!same_answer(Number, &json!(587), &json!(588.0)));
        assert!(
            !same_answer(Text, &json!("yes"), &json!("true")),
            "two texts"
        );
    }

    #[test]
    fn text_reads_as_the_questions_kind() {
        assert_eq!(coerce(QuestionType::Number, json!("587")), json!(587));
        assert_eq!(coerce(QuestionType::Number, json!("1.5")), json!(1.5));
        assert_eq!(coerce(QuestionType::Boolean, json!("yes")), json!(true));
        assert_eq!(coerce(QuestionType::String, json!(42)), json!("42"));
        assert_eq!(coerce(QuestionType::Number, json!("many")), json!("many"));
    }

    /// `mode` (default `simple`) shows `transport` (choices grpc/http, default grpc) only when
    /// `advanced`; `transport` shows the required `grpc_port` only when `grpc`.
    fn chain() -> FormSpec {
        let yaml = "questions:
  - {name: mode, kind: choice, choices: [simple, advanced], default: simple}
  - {name: transport, kind: choice, choices: [grpc, http], default: grpc,
     visible_if: {field: mode, eq: advanced}}
  - {name: grpc_port, kind: number, required: true, visible_if: {field: transport, eq: grpc}}
";
        let questions = super::super::parse_setup_spec(&crate::pack::manifest::PackText {
            entry: "assets/setup.yaml",
            text: yaml.to_string(),
        })
        .unwrap();
        form_spec("p", &questions)
    }

    fn answers(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn a_question_shown_by_a_hidden_one_is_hidden_and_neither_required_nor_checked() {
        let form = chain();
        let simple = answers(json!({"mode": "simple", "transport": "grpc"}));
        let shown = visibility(&form, &simple);
        assert_eq!((shown["transport"], shown["grpc_port"]), (false, false));
        assert_eq!(check(&form, &simple), [], "grpc_port is not required");
        let pigeon = answers(json!({"mode": "simple", "transport": "pigeon"}));
        assert_eq!(check(&form, &pigeon), [], "a hidden answer is not checked");
        let advanced = answers(json!({"mode": "advanced", "transport": "grpc"}));
        assert!(visibility(&form, &advanced)["grpc_port"]);
        assert_eq!(
            check(&form, &advanced),
            [("grpc_port".to_string(), Broken::Missing)]
        );
        let http = answers(json!({"mode": "advanced", "transport": "http"}));
        assert_eq!(check(&form, &http), []);
    }
}
