//! The secret values this process has come to know (store reads and writes, secret answers,
//! login outputs, values a flow read or wrote), and every stderr line cleaned of them.

use std::sync::RwLock;

use super::{MIN_LEN, Redactor};

/// Every secret value this process has come to know (store reads and writes, secret answers,
/// login outputs, values a flow read or wrote): what stderr, log lines included, is cleaned
/// of. Values are only added; the process ends with the command.
static KNOWN: RwLock<Option<Redactor>> = RwLock::new(None);

/// Adds `values` to the secret values every stderr line is cleaned of ([`redact_known`]).
pub fn note_secrets<I, S>(values: I)
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let fresh: Vec<String> = values
        .into_iter()
        .map(|v| v.as_ref().to_string())
        .filter(|v| v.len() >= MIN_LEN)
        .collect();
    let mut known = KNOWN
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let current = known.get_or_insert_with(Redactor::default);
    if fresh.iter().all(|v| current.whole.contains(v)) {
        return;
    }
    let mut all: Vec<String> = current.whole.iter().cloned().collect();
    all.extend(fresh);
    *current = Redactor::new(all);
}

/// `text` with every secret value noted so far ([`note_secrets`]) replaced.
pub fn redact_known(text: &str) -> String {
    let known = KNOWN
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    match known.as_ref() {
        Some(redactor) => redactor.redact(text),
        None => text.to_string(),
    }
}
