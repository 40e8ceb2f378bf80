//! Keeps secret values out of every file and line the operator writes.
//!
//! Two ways, because text and JSON differ. In any text, a secret value of [`MIN_LEN`] bytes or
//! more is replaced wherever it appears. In JSON (the run records, the runner's `.json` and
//! `.jsonl` files), whatever sits under a secret's key is replaced whatever its length, and so is
//! a string or key equal to a secret value, also inside a string that is JSON itself
//! (`answers_json`); longer values are replaced inside strings and keys too. JSON is never
//! redacted as text, so it stays JSON whatever a secret looks like (`true`, `2026`).

use std::collections::BTreeSet;

use greentic_secrets_lib::canonical_secret_name;

mod files;
mod json;
mod known;
#[cfg(test)]
mod tests;

pub use known::{note_secrets, redact_known};

/// What replaces a secret value: the same marker the runner writes.
pub const MARKER: &str = "__REDACTED__";

/// Secret values shorter than this are not searched for in free text: replacing one or two
/// characters everywhere would mangle every file. In JSON they are replaced by key and by
/// whole value instead.
pub const MIN_LEN: usize = 4;

/// Replaces known secret values in text and JSON.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    /// Values, longest first, so a secret containing another is replaced whole.
    values: Vec<String>,
    /// Every value, whatever its length: a JSON string equal to one is replaced.
    whole: BTreeSet<String>,
    /// The secrets' names, canonical (`bot_token`, `telegram_bot_token`): in JSON, what an
    /// object holds under one of them is replaced.
    keys: BTreeSet<String>,
}

impl Redactor {
    pub fn new(values: impl IntoIterator<Item = String>) -> Self {
        let whole: BTreeSet<String> = values.into_iter().filter(|v| !v.is_empty()).collect();
        let mut values: Vec<String> = whole
            .iter()
            .filter(|v| v.len() >= MIN_LEN)
            .cloned()
            .collect();
        // Also the JSON-escaped spellings, for values with quotes or backslashes: once (a
        // value in a JSON file) and twice (in `answers_json`, JSON inside a JSON string).
        let escape = |v: &String| {
            let json = serde_json::to_string(v).ok()?;
            let inner = json[1..json.len() - 1].to_string();
            (inner != *v).then_some(inner)
        };
        let once: Vec<String> = values.iter().filter_map(escape).collect();
        let twice: Vec<String> = once.iter().filter_map(escape).collect();
        values.extend(once);
        values.extend(twice);
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        values.dedup();
        Self {
            values,
            whole,
            keys: BTreeSet::new(),
        }
    }

    /// The same, also replacing in JSON whatever is held under one of `keys` (compared in
    /// greentic-secrets' canonical form: case, `-`, `.` and spaces do not matter).
    pub fn with_keys(mut self, keys: impl IntoIterator<Item = String>) -> Self {
        self.keys
            .extend(keys.into_iter().map(|k| canonical_secret_name(&k)));
        self
    }

    pub fn is_empty(&self) -> bool {
        self.whole.is_empty() && self.keys.is_empty()
    }

    /// `text` with every secret value of [`MIN_LEN`] bytes or more replaced.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for value in &self.values {
            if out.contains(value.as_str()) {
                out = out.replace(value.as_str(), MARKER);
            }
        }
        out
    }

    /// Whether `bytes` hold one of the secret values.
    pub fn found_in(&self, bytes: &[u8]) -> bool {
        self.values
            .iter()
            .any(|v| memchr::memmem::find(bytes, v.as_bytes()).is_some())
    }
}
