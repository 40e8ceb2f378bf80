//! A folder of the runner's files copied into a run folder redacted: `.json` and `.jsonl` by
//! key and value, other text as text, a binary file holding a secret left out.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::Redactor;

impl Redactor {
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
                super::super::atomic_file::write_record(&target, &clean)?;
            }
        }
        withheld.sort();
        Ok(withheld)
    }
}
