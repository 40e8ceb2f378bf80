//! Setup answers: what each provider asks (`assets/setup.yaml`, `secret_requirements`), what
//! the user gave (`--answers`, stored answers, the secrets store, a prompt), and their merge.

mod file;
mod prompt;
mod questions;
mod stored;

pub use file::{AnswersFile, AnswersFileError, load_answers_file};
pub use prompt::prompt_missing;
pub use questions::{QuestionsError, read_questions};
pub use stored::{StoredAnswersError, load_stored, save_stored};

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

/// One thing a provider asks for at setup.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Question {
    pub name: String,
    pub required: bool,
    /// Secret answers go to the secrets store, never to `setup-answers.json`.
    pub secret: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

/// Where an answer came from (later sources win).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerSource {
    Default,
    Stored,
    SecretsStore,
    AnswersFile,
    Prompt,
}

/// The state of one question after merging: never its value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnswerStatus {
    pub name: String,
    pub secret: bool,
    pub required: bool,
    /// `None` when no source answered it.
    pub source: Option<AnswerSource>,
}

/// The answers one provider's setup gets.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MergedAnswers {
    /// Every answer, secrets included (kept in memory only).
    pub values: Map<String, Value>,
    /// Names of the answers that are secrets.
    pub secret_names: Vec<String>,
    pub statuses: Vec<AnswerStatus>,
}

impl MergedAnswers {
    /// Required questions nobody answered.
    pub fn missing_required(&self) -> Vec<&str> {
        self.statuses
            .iter()
            .filter(|s| s.required && s.source.is_none())
            .map(|s| s.name.as_str())
            .collect()
    }

    /// The secret values, as text, for redaction and the store.
    pub fn secret_values(&self) -> Vec<(String, String)> {
        self.secret_names
            .iter()
            .filter_map(|name| Some((name.clone(), value_text(self.values.get(name)?))))
            .collect()
    }

    /// The answers without secrets: what `setup-answers.json` holds.
    pub fn public_values(&self) -> Map<String, Value> {
        self.values
            .iter()
            .filter(|(k, _)| !self.secret_names.contains(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// Records an answer given after the merge (a prompt).
    pub fn answer(&mut self, name: &str, value: Value, source: AnswerSource) {
        self.values.insert(name.to_string(), value);
        if let Some(status) = self.statuses.iter_mut().find(|s| s.name == name) {
            status.source = Some(source);
        }
    }
}

/// A value as the text stored in the secrets store.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Merges, later winning: question defaults, stored `setup-answers.json`, secrets already in
/// the store, then the `--answers` file. Keys nobody asked about are kept (a provider may read
/// more than its questions list).
pub fn merge(
    questions: &[Question],
    stored: &Map<String, Value>,
    stored_secrets: &BTreeMap<String, String>,
    from_file: Option<&Map<String, Value>>,
) -> MergedAnswers {
    let mut merged = MergedAnswers::default();
    let mut sources: BTreeMap<String, AnswerSource> = BTreeMap::new();
    for q in questions {
        if let Some(default) = &q.default {
            merged.values.insert(q.name.clone(), default.clone());
            sources.insert(q.name.clone(), AnswerSource::Default);
        }
        if q.secret {
            merged.secret_names.push(q.name.clone());
        }
    }
    let layers: [(Option<&Map<String, Value>>, AnswerSource); 2] = [
        (Some(stored), AnswerSource::Stored),
        (from_file, AnswerSource::AnswersFile),
    ];
    for (name, value) in stored_secrets {
        merged
            .values
            .insert(name.clone(), Value::String(value.clone()));
        sources.insert(name.clone(), AnswerSource::SecretsStore);
    }
    for (layer, source) in layers {
        for (name, value) in layer.into_iter().flatten() {
            if value.is_null() {
                continue;
            }
            // A secret in setup-answers.json (an older tool put it there) is not trusted over
            // the store; it is still used when the store has nothing.
            if source == AnswerSource::Stored && stored_secrets.contains_key(name) {
                continue;
            }
            merged.values.insert(name.clone(), value.clone());
            sources.insert(name.clone(), source);
        }
    }
    merged.statuses = questions
        .iter()
        .map(|q| AnswerStatus {
            name: q.name.clone(),
            secret: q.secret,
            required: q.required,
            source: sources.get(&q.name).copied(),
        })
        .collect();
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn q(name: &str, required: bool, secret: bool, default: Option<Value>) -> Question {
        Question {
            name: name.into(),
            required,
            secret,
            default,
            help: None,
        }
    }

    #[test]
    fn later_sources_win_and_missing_required_are_listed() {
        let questions = [
            q("region", true, false, Some(json!("eu"))),
            q("bot_token", true, true, None),
            q("channel", true, false, None),
        ];
        let stored = json!({"region": "us", "channel": "general"});
        let file = json!({"channel": "ops"});
        let merged = merge(
            &questions,
            stored.as_object().unwrap(),
            &BTreeMap::new(),
            file.as_object(),
        );
        assert_eq!(merged.values["region"], "us");
        assert_eq!(merged.values["channel"], "ops");
        assert_eq!(merged.missing_required(), ["bot_token"]);
        assert_eq!(merged.statuses[2].source, Some(AnswerSource::AnswersFile));
    }

    #[test]
    fn secrets_are_kept_apart_from_public_answers() {
        let questions = [
            q("bot_token", true, true, None),
            q("region", false, false, None),
        ];
        let file = json!({"bot_token": "xoxb-1", "region": "eu"});
        let merged = merge(&questions, &Map::new(), &BTreeMap::new(), file.as_object());
        assert_eq!(
            merged.public_values(),
            *json!({"region": "eu"}).as_object().unwrap()
        );
        assert_eq!(
            merged.secret_values(),
            [("bot_token".to_string(), "xoxb-1".to_string())]
        );
    }
}
