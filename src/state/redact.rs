//! Keeps secret values out of every file and line the operator writes.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::RwLock;

/// What replaces a secret value: the same marker the runner writes.
pub const MARKER: &str = "__REDACTED__";

/// Secret values shorter than this are not searched for in text: replacing one or two
/// characters everywhere would mangle every file, and such values protect nothing.
const MIN_LEN: usize = 4;

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
    if fresh.iter().all(|v| current.originals.contains(v)) {
        return;
    }
    let mut all = current.originals.clone();
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

/// Replaces known secret values in text.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    /// Values, longest first, so a secret containing another is replaced whole.
    values: Vec<String>,
    /// The values as given (before their JSON spellings were added), to add more later.
    originals: Vec<String>,
}

impl Redactor {
    pub fn new(values: impl IntoIterator<Item = String>) -> Self {
        let mut values: Vec<String> = values.into_iter().filter(|v| v.len() >= MIN_LEN).collect();
        values.sort();
        values.dedup();
        let originals = values.clone();
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
        Self { values, originals }
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

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

    /// Copies every file under `from` to the same place under `to`: text through
    /// [`Redactor::redact`]; a binary file as it is, unless it holds a secret value, when it
    /// is left out (never rewritten lossily). Returns those left out, relative to `from`.
    pub fn copy_redacted(&self, from: &Path, to: &Path) -> io::Result<Vec<PathBuf>> {
        let mut withheld = Vec::new();
        let mut stack = vec![from.to_path_buf()];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                let relative = path.strip_prefix(from).unwrap_or(&path).to_path_buf();
                let kind = entry.file_type()?;
                if kind.is_dir() {
                    fs::create_dir_all(to.join(&relative))?;
                    stack.push(path);
                    continue;
                }
                if !kind.is_file() {
                    continue;
                }
                let bytes = fs::read(&path)?;
                let clean = match std::str::from_utf8(&bytes) {
                    Ok(text) => self.redact(text).into_bytes(),
                    Err(_) if self.found_in(&bytes) => {
                        withheld.push(relative);
                        continue;
                    }
                    Err(_) => bytes,
                };
                let target = to.join(&relative);
                if let Some(parent) = target.parent() {
                    fs::create_dir_all(parent)?;
                }
                super::atomic_file::write_record(&target, &clean)?;
            }
        }
        withheld.sort();
        Ok(withheld)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_copied_redacted_and_a_binary_file_holding_a_secret_is_left_out() {
        let from = tempfile::tempdir().unwrap();
        let to = tempfile::tempdir().unwrap();
        fs::create_dir(from.path().join("logs")).unwrap();
        fs::write(from.path().join("logs/a.log"), "token s3cret-1\n").unwrap();
        fs::write(from.path().join("blob.bin"), b"\xff\x00s3cret-1\xfe").unwrap();
        fs::write(from.path().join("clean.bin"), b"\xff\x00\xfe").unwrap();
        let r = Redactor::new(["s3cret-1".to_string()]);
        let withheld = r.copy_redacted(from.path(), to.path()).unwrap();
        assert_eq!(withheld, [PathBuf::from("blob.bin")]);
        assert_eq!(
            fs::read_to_string(to.path().join("logs/a.log")).unwrap(),
            format!("token {MARKER}\n")
        );
        assert_eq!(
            fs::read(to.path().join("clean.bin")).unwrap(),
            b"\xff\x00\xfe"
        );
        assert!(!to.path().join("blob.bin").exists());
    }

    #[test]
    fn noted_values_are_replaced_in_every_later_line() {
        assert_eq!(
            redact_known("nothing noted: hunter2-x"),
            "nothing noted: hunter2-x"
        );
        note_secrets(["hunter2-x"]);
        note_secrets(vec!["tok\"en-9".to_string(), "ab".to_string()]);
        assert_eq!(
            redact_known(r#"a hunter2-x b tok"en-9 c {"t":"tok\"en-9"} ab"#),
            format!(r#"a {MARKER} b {MARKER} c {{"t":"{MARKER}"}} ab"#)
        );
    }

    #[test]
    fn values_and_their_json_spelling_are_replaced() {
        let r = Redactor::new(["s3cr\"et".to_string(), "ab".to_string()]);
        assert_eq!(
            r.redact(r#"{"a":"s3cr\"et"} s3cr"et ab"#),
            format!(r#"{{"a":"{MARKER}"}} {MARKER} ab"#)
        );
    }
}
