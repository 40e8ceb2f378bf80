//! The answers one provider's setup gets, secrets included (in memory only), and what is asked
//! of them: what is missing or broken, what is secret, what `setup-answers.json` keeps.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{AnswerSource, AnswerStatus, Broken, IgnoredKey, SetupForm, check, visibility};

/// The answers one provider's setup gets.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MergedAnswers {
    /// Every answer, secrets included (kept in memory only).
    pub values: Map<String, Value>,
    /// Names of the answers that are secrets.
    pub secret_names: Vec<String>,
    pub statuses: Vec<AnswerStatus>,
    /// Keys of the `--answers` file that nothing of the pack reads: neither kept nor passed on.
    pub ignored: Vec<IgnoredKey>,
}

impl MergedAnswers {
    /// Required questions nobody answered.
    pub fn missing_required(&self) -> Vec<&str> {
        self.statuses
            .iter()
            .filter(|s| s.broken == Some(Broken::Missing))
            .map(|s| s.name.as_str())
            .collect()
    }

    /// Answers that break one of the provider's rules (other than being missing).
    pub fn invalid(&self) -> impl Iterator<Item = &AnswerStatus> {
        self.statuses
            .iter()
            .filter(|s| s.broken.as_ref().is_some_and(|b| *b != Broken::Missing))
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

    /// The public questions hidden by `visible_if`: an answer stored for one earlier is
    /// removed, as a hidden question's answer is not kept.
    pub fn hidden_names(&self) -> Vec<String> {
        self.statuses
            .iter()
            .filter(|s| s.hidden && !s.secret)
            .map(|s| s.name.clone())
            .collect()
    }

    /// Records an answer given after the merge (a prompt).
    pub fn answer(&mut self, name: &str, value: Value, source: AnswerSource) {
        self.values.insert(name.to_string(), value);
        if let Some(status) = self.statuses.iter_mut().find(|s| s.name == name) {
            status.source = Some(source);
        }
    }

    /// Checks every answer against the form's rules and records each verdict in `statuses`.
    pub fn check(&mut self, form: &SetupForm) {
        let spec = form.spec();
        let broken: BTreeMap<String, Broken> = check(&spec, &self.values).into_iter().collect();
        let shown = visibility(&spec, &self.values);
        for status in &mut self.statuses {
            status.hidden = !shown.get(&status.name).copied().unwrap_or(true);
            status.broken = broken.get(&status.name).cloned();
        }
    }

    /// Forgets the answers of hidden questions: a question nobody is shown is not kept, nor
    /// passed to the provider or its flows (its default or stored value included).
    pub fn drop_hidden(&mut self) {
        for status in self.statuses.iter().filter(|s| s.hidden) {
            self.values.remove(&status.name);
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
