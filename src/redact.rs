//! Keeps secret values out of every file and line the operator writes.

/// What replaces a secret value: the same marker the runner writes.
pub const MARKER: &str = "__REDACTED__";

/// Secret values shorter than this are not searched for in text: replacing one or two
/// characters everywhere would mangle every file, and such values protect nothing.
const MIN_LEN: usize = 4;

/// Replaces known secret values in text.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    /// Values, longest first, so a secret containing another is replaced whole.
    values: Vec<String>,
}

impl Redactor {
    pub fn new(values: impl IntoIterator<Item = String>) -> Self {
        let mut values: Vec<String> = values.into_iter().filter(|v| v.len() >= MIN_LEN).collect();
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
        Self { values }
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

    /// Rewrites, atomically, every file under `dir` that contains a secret value.
    pub fn scrub_dir(&self, dir: &std::path::Path) -> std::io::Result<()> {
        if self.is_empty() {
            return Ok(());
        }
        let mut stack = vec![dir.to_path_buf()];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                let kind = entry.file_type()?;
                if kind.is_dir() {
                    stack.push(path);
                } else if kind.is_file() {
                    let bytes = std::fs::read(&path)?;
                    let text = String::from_utf8_lossy(&bytes);
                    let clean = self.redact(&text);
                    if clean != text {
                        crate::atomic_file::write_record(&path, clean.as_bytes())?;
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_their_json_spelling_are_replaced() {
        let r = Redactor::new(["s3cr\"et".to_string(), "ab".to_string()]);
        assert_eq!(
            r.redact(r#"{"a":"s3cr\"et"} s3cr"et ab"#),
            format!(r#"{{"a":"{MARKER}"}} {MARKER} ab"#)
        );
    }
}
