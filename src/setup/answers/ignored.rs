//! An `--answers` key nothing of the pack reads (never its value), and the question it may
//! have meant.

use greentic_secrets_lib::canonical_secret_name;

use super::SetupForm;

/// An answer key no question asks (never its value), and the question it may have meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoredKey {
    pub key: String,
    pub nearest: Option<String>,
}

impl IgnoredKey {
    /// `key`, with the question (or read key) of `form` whose canonical name is closest to it,
    /// when close enough to be a typo (`bot_tokn` -> `bot_token`).
    pub(super) fn new(form: &SetupForm, key: &str) -> Self {
        let canonical = canonical_secret_name(key);
        let nearest = form
            .questions
            .iter()
            .map(|q| &q.spec.id)
            .chain(form.unasked_read_keys().map(|k| &k.key))
            .map(|id| {
                let score =
                    strsim::normalized_damerau_levenshtein(&canonical, &canonical_secret_name(id));
                (score, id)
            })
            .filter(|(score, _)| *score >= TYPO_SIMILARITY)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, id)| id.clone());
        Self {
            key: key.to_string(),
            nearest,
        }
    }
}

/// How alike (0 to 1) a key and a question's name must be for the key to read as its typo.
const TYPO_SIMILARITY: f64 = 0.7;
