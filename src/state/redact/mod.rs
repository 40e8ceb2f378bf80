//! Keeps secret values out of every file and line the operator writes.
//!
//! Two ways, because text and JSON differ. In any text, a secret value of [`MIN_LEN`] bytes or
//! more is replaced wherever it appears. In JSON (the run records, the runner's `.json` and
//! `.jsonl` files), whatever sits under a secret's key is replaced whatever its length, and so is
//! a string or key equal to a secret value, also inside a string that is JSON itself
//! (`answers_json`); longer values are replaced inside strings and keys too. JSON is never
//! redacted as text, so it stays JSON whatever a secret looks like (`true`, `2026`).

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::RwLock;

use greentic_secrets_lib::canonical_secret_name;
use serde_json::Value;

/// What replaces a secret value: the same marker the runner writes.
pub const MARKER: &str = "__REDACTED__";

/// Secret values shorter than this are not searched for in free text: replacing one or two
/// characters everywhere would mangle every file. In JSON they are replaced by key and by
/// whole value instead.
pub const MIN_LEN: usize = 4;

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

    /// Replaces, in `value`, what an object holds under a secret's key, every string (or key)
    /// equal to a secret value, a secret value of [`MIN_LEN`] bytes or more inside a string or
    /// key, and a number that is one; also in a string holding JSON, rewritten compact. The
    /// result is JSON still: booleans, `null` and other numbers are never touched. Whether it
    /// changed.
    pub fn redact_value(&self, value: &mut Value) -> bool {
        match value {
            Value::Object(map) => {
                let mut changed = false;
                for (key, mut inner) in std::mem::take(map) {
                    let marked = inner.as_str() == Some(MARKER);
                    if !inner.is_null()
                        && !marked
                        && self.keys.contains(&canonical_secret_name(&key))
                    {
                        inner = Value::String(MARKER.to_string());
                        changed = true;
                    } else {
                        changed |= self.redact_value(&mut inner);
                    }
                    let key = match self.redact_str(&key) {
                        Some(clean) => {
                            changed = true;
                            clean
                        }
                        None => key,
                    };
                    map.insert(key, inner);
                }
                changed
            }
            Value::Array(items) => items
                .iter_mut()
                .fold(false, |changed, item| self.redact_value(item) | changed),
            Value::String(text) => {
                if !self.whole.contains(text.as_str())
                    && let Some(mut inner) = nested_json(text)
                {
                    if !self.redact_value(&mut inner) {
                        return false;
                    }
                    *text = inner.to_string();
                    return true;
                }
                match self.redact_str(text) {
                    Some(clean) => {
                        *text = clean;
                        true
                    }
                    None => false,
                }
            }
            Value::Number(number) => {
                let digits = number.to_string();
                if digits.len() < MIN_LEN || !self.whole.contains(&digits) {
                    return false;
                }
                *value = Value::String(MARKER.to_string());
                true
            }
            Value::Bool(_) | Value::Null => false,
        }
    }

    /// `text` redacted as a JSON string or key: the marker when it is a secret value, else its
    /// secret values of [`MIN_LEN`] bytes or more replaced. `None` when nothing is.
    fn redact_str(&self, text: &str) -> Option<String> {
        if self.whole.contains(text) {
            return Some(MARKER.to_string());
        }
        let clean = self.redact(text);
        (clean != text).then_some(clean)
    }

    /// `value` as pretty JSON (and a newline), redacted by key and value. Never redacted as
    /// text after: a secret such as `true` or `2426` would break the JSON (`"ok": true`,
    /// `"duration_ms": 24261`) that the operator reads back.
    pub fn redact_json(&self, value: &impl serde::Serialize) -> io::Result<Vec<u8>> {
        let mut value = serde_json::to_value(value).map_err(io::Error::other)?;
        self.redact_value(&mut value);
        let mut bytes = serde_json::to_vec_pretty(&value).map_err(io::Error::other)?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    /// A file's text redacted: a `.json` file (a document) or each line of a `.jsonl` file
    /// that parses, by key and value only (so it stays JSON); anything else as text.
    fn redact_file(&self, path: &Path, text: &str) -> String {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        // The document redacted, rewritten only when it changed; `None` when it is not JSON.
        let by_json = |doc: &str| -> Option<String> {
            let mut value: Value = serde_json::from_str(doc).ok()?;
            if !self.redact_value(&mut value) {
                return Some(doc.to_string());
            }
            let pretty = doc.trim_end().contains('\n');
            if pretty {
                serde_json::to_string_pretty(&value).ok()
            } else {
                Some(value.to_string())
            }
        };
        match ext {
            "json" => match by_json(text) {
                Some(doc) if doc == text => doc,
                Some(doc) => {
                    let end = if text.ends_with('\n') { "\n" } else { "" };
                    format!("{doc}{end}")
                }
                None => self.redact(text),
            },
            "jsonl" => {
                let mut out = String::with_capacity(text.len());
                for line in text.split_inclusive('\n') {
                    let body = line.trim_end_matches(['\r', '\n']);
                    match by_json(body) {
                        Some(doc) => {
                            out.push_str(&doc);
                            out.push_str(&line[body.len()..]);
                        }
                        None => out.push_str(&self.redact(line)),
                    }
                }
                out
            }
            _ => self.redact(text),
        }
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

    /// Copies every file under `from` to the same place under `to`: text redacted (JSON by key
    /// and value too); a binary file as it is, unless it holds a secret value, when it
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
                    Ok(text) => self.redact_file(&path, text).into_bytes(),
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

/// The JSON a string holds (`answers_json`), when it holds an object or an array.
fn nested_json(text: &str) -> Option<Value> {
    if !text.trim_start().starts_with(['{', '[']) {
        return None;
    }
    serde_json::from_str(text).ok()
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

    #[test]
    fn in_json_a_short_secret_goes_by_its_key_and_by_its_whole_value_also_inside_json_text() {
        let r = Redactor::new(["k9Z".to_string()]).with_keys(["bot_token".to_string()]);
        let mut input = serde_json::json!({
            "setup_answers": {"bot_token": "k9Z", "region": "k9Zone"},
            "answers_json": r#"{"bot_token":"k9Z","region":"eu"}"#,
            "TELEGRAM-Bot.Token": null,
            "seen": ["k9Z", "k9"],
            "Bot-Token": 12,
        });
        assert!(r.redact_value(&mut input));
        assert_eq!(
            input,
            serde_json::json!({
                "setup_answers": {"bot_token": MARKER, "region": "k9Zone"},
                "answers_json": format!(r#"{{"bot_token":"{MARKER}","region":"eu"}}"#),
                "TELEGRAM-Bot.Token": null,
                "seen": [MARKER, "k9"],
                "Bot-Token": MARKER,
            })
        );
        // Free text keeps a short value: it would match everywhere.
        assert_eq!(r.redact("k9Zone"), "k9Zone");
    }

    #[test]
    fn the_runners_json_lines_are_redacted_by_key_and_other_text_as_text() {
        let from = tempfile::tempdir().unwrap();
        let to = tempfile::tempdir().unwrap();
        fs::write(
            from.path().join("transcript.jsonl"),
            "{\"input\":{\"bot_token\":\"k9Z\"}}\nnot json k9Z\n",
        )
        .unwrap();
        fs::write(from.path().join("run.json"), "{\n  \"token\": \"k9Z\"\n}\n").unwrap();
        let r = Redactor::new(["k9Z".to_string()]).with_keys(["bot_token".to_string()]);
        r.copy_redacted(from.path(), to.path()).unwrap();
        assert_eq!(
            fs::read_to_string(to.path().join("transcript.jsonl")).unwrap(),
            format!("{{\"input\":{{\"bot_token\":\"{MARKER}\"}}}}\nnot json k9Z\n")
        );
        assert_eq!(
            fs::read_to_string(to.path().join("run.json")).unwrap(),
            format!("{{\n  \"token\": \"{MARKER}\"\n}}\n")
        );
    }

    #[test]
    fn a_json_record_stays_json_whatever_the_secret_looks_like() {
        let r = Redactor::new(["true".to_string(), "2426".to_string()])
            .with_keys(["bot_token".to_string()]);
        let record = serde_json::json!({
            "ok": true,
            "duration_ms": 24261,
            "pin": 2426,
            "url": "https://x/2426/in",
            "2426": "keyed",
        });
        let bytes = r.redact_json(&record).unwrap();
        let back: Value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&bytes)));
        // A boolean or another number is not the secret, and stays what it was.
        assert_eq!(back["ok"], true);
        assert_eq!(back["duration_ms"], 24261);
        assert_eq!(back["pin"], MARKER);
        assert_eq!(back["url"], format!("https://x/{MARKER}/in"));
        assert_eq!(back[MARKER], "keyed");

        let from = tempfile::tempdir().unwrap();
        let to = tempfile::tempdir().unwrap();
        let doc = "{\"ok\": true, \"n\": 24261, \"pin\": 2426, \"url\": \"x/2426\"}\n";
        fs::write(from.path().join("run.json"), doc).unwrap();
        fs::write(from.path().join("t.jsonl"), doc).unwrap();
        r.copy_redacted(from.path(), to.path()).unwrap();
        for name in ["run.json", "t.jsonl"] {
            let text = fs::read_to_string(to.path().join(name)).unwrap();
            let back: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
            assert_eq!(back["ok"], true, "{name}");
            assert_eq!(back["n"], 24261, "{name}");
            assert_eq!(back["pin"], MARKER, "{name}");
            assert_eq!(back["url"], format!("x/{MARKER}"), "{name}");
        }
    }
}
