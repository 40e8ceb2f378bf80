//! A provider's `qa-spec` answer read in every shape Greentic's providers return: greentic-types'
//! `ComponentQaSpec`, with the looser spellings greentic-operator 1.2.1 also reads (a label
//! as plain text, no `mode`, `title`, `defaults` or `required`, a kind as a bare word, the
//! answer wrapped in `{"ok": true, "output": ...}`), and a refusal (`{"ok": false, "error"}`)
//! named in the provider's own words.

use greentic_types::schemas::component::v0_6_0::ComponentQaSpec;
use serde_json::{Map, Value, json};

/// Why a provider's `qa-spec` answer gives no questions.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QaSpecError {
    /// The provider answered with an error of its own (`{"ok": false, "error": ...}`).
    #[error("it declares qa-spec but refuses it: {0}")]
    Refused(String),
    /// An answer of no shape a reader knows, with what is wrong and the answer's start.
    #[error("its qa-spec answer is not a question list greentic-types reads ({reason}): {start}")]
    Shape { reason: String, start: String },
}

/// How much of an unreadable answer its error quotes.
const QUOTED_CHARS: usize = 200;

/// Reads a `qa-spec` answer to a call in `mode`.
pub fn parse_qa_spec(output: Value, mode: &str) -> Result<ComponentQaSpec, QaSpecError> {
    let start = quote(&output);
    let mut output = unwrap_output(output);
    if let Some(error) = refusal(&output) {
        return Err(QaSpecError::Refused(error));
    }
    if let Value::Object(map) = &mut output {
        normalise_spec(map, mode);
    }
    serde_json::from_value(output).map_err(|err| QaSpecError::Shape {
        reason: err.to_string(),
        start,
    })
}

/// `{"ok": true, "output": {...}}` (or `"spec"`, `"result"`) around the spec.
fn unwrap_output(output: Value) -> Value {
    let wrapped = output.get("questions").is_none()
        && output.get("ok").and_then(Value::as_bool) == Some(true);
    if !wrapped {
        return output;
    }
    ["output", "spec", "result"]
        .iter()
        .find_map(|field| output.get(*field).filter(|v| v.is_object()).cloned())
        .unwrap_or(output)
}

/// The provider's own words when it refused: `ok: false` with an error, and no questions.
fn refusal(output: &Value) -> Option<String> {
    if output.get("questions").is_some() || output.get("ok").and_then(Value::as_bool) != Some(false)
    {
        return None;
    }
    let error = output.get("error").or_else(|| output.get("message"));
    Some(match error {
        Some(Value::String(text)) => text.clone(),
        Some(other) if !other.is_null() => other.to_string(),
        _ => "no reason given".to_string(),
    })
}

/// Fills what greentic-types requires and the looser answers leave out.
fn normalise_spec(map: &mut Map<String, Value>, mode: &str) {
    map.entry("mode").or_insert_with(|| json!(mode));
    if let Some(title) = map.get_mut("title") {
        normalise_text(title);
    }
    map.entry("title")
        .or_insert_with(|| json!({"key": format!("qa.{mode}.title")}));
    if let Some(description) = map.get_mut("description") {
        normalise_text(description);
    }
    if map.get("defaults").is_none_or(Value::is_null) {
        map.insert("defaults".into(), json!({}));
    }
    if let Some(Value::Array(questions)) = map.get_mut("questions") {
        for question in questions.iter_mut().filter_map(Value::as_object_mut) {
            normalise_question(question);
        }
    }
}

fn normalise_question(question: &mut Map<String, Value>) {
    let id = question
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    match question.get_mut("label") {
        Some(label) if !label.is_null() => normalise_text(label),
        _ => {
            question.insert("label".into(), json!({"key": id}));
        }
    }
    for field in ["help", "error"] {
        if let Some(text) = question.get_mut(field) {
            normalise_text(text);
        }
    }
    question.entry("required").or_insert(json!(false));
    match question.get("kind") {
        Some(Value::String(word)) => {
            let kind = kind_of_word(word);
            question.insert("kind".into(), kind);
        }
        None | Some(Value::Null) => {
            question.insert("kind".into(), json!({"type": "text"}));
        }
        _ => {}
    }
}

/// A text as a plain string: its own text when it reads as words, else an i18n key.
fn normalise_text(text: &mut Value) {
    if let Value::String(plain) = text {
        let looks_like_key = !plain.contains(' ') && plain.contains('.');
        *text = if looks_like_key {
            json!({"key": plain})
        } else {
            json!({"key": plain, "fallback": plain})
        };
    } else if let Value::Object(map) = text {
        map.entry("fallback").or_insert(Value::Null);
    }
}

/// `"text"`, `"bool"`, `"boolean"`, `"number"`, `"integer"` as greentic-types' tagged kind.
fn kind_of_word(word: &str) -> Value {
    let kind = match word.trim().to_ascii_lowercase().as_str() {
        "bool" | "boolean" => "bool",
        "number" | "integer" | "int" | "float" => "number",
        _ => "text",
    };
    json!({"type": kind})
}

fn quote(output: &Value) -> String {
    let text = output.to_string();
    match text.char_indices().nth(QUOTED_CHARS) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape of Greentic's real providers (email, slack, teams, telegram, webchat-gui,
    /// webex, whatsapp): text kinds, i18n-key labels, `defaults: {}`.
    #[test]
    fn the_real_providers_shape_is_read() {
        let spec = parse_qa_spec(
            json!({"mode": "setup", "title": {"key": "t.qa.setup.title"},
                   "description": {"key": "t.qa.setup.description"},
                   "questions": [{"id": "enabled", "kind": {"type": "text"},
                                  "label": {"key": "t.qa.setup.enabled"}, "required": true}],
                   "defaults": {}}),
            "setup",
        )
        .unwrap();
        assert_eq!(spec.questions[0].label.key, "t.qa.setup.enabled");
    }

    /// webchat's real provider: `{"error": "unsupported op: qa-spec", "ok": false}`.
    #[test]
    fn a_refusal_is_named_in_the_providers_words() {
        let err = parse_qa_spec(
            json!({"error": "unsupported op: qa-spec", "ok": false}),
            "setup",
        )
        .unwrap_err();
        assert_eq!(err, QaSpecError::Refused("unsupported op: qa-spec".into()));
        assert_eq!(
            err.to_string(),
            "it declares qa-spec but refuses it: unsupported op: qa-spec"
        );
    }

    /// greentic-operator 1.2.1's reading: a label as text or key, no mode, title, required or
    /// defaults, a bare kind word, the answer wrapped in `ok`/`output`.
    #[test]
    fn the_looser_spellings_are_read() {
        let spec = parse_qa_spec(
            json!({"ok": true, "output": {"questions": [
                {"id": "enabled", "kind": "bool", "label": "Enable it"},
                {"id": "url", "label": "x.qa.setup.url", "required": true},
                {"id": "note"}
            ]}}),
            "upgrade",
        )
        .unwrap();
        assert_eq!(
            spec.mode,
            greentic_types::schemas::component::v0_6_0::QaMode::Update
        );
        let [enabled, url, note] = &spec.questions[..] else {
            panic!("{spec:?}")
        };
        assert_eq!(enabled.label.fallback.as_deref(), Some("Enable it"));
        assert!(!enabled.required);
        assert_eq!(url.label.key, "x.qa.setup.url");
        assert_eq!(url.label.fallback, None);
        assert!(url.required);
        assert_eq!(note.label.key, "note");
    }

    #[test]
    fn an_answer_of_another_shape_is_quoted() {
        let err = parse_qa_spec(json!({"questions": "none"}), "setup").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("its qa-spec answer"), "{text}");
        assert!(text.contains("{\"questions\":\"none\"}"), "{text}");
    }
}
