//! JSON redacted by key and by value, so it stays JSON whatever a secret looks like: what an
//! object holds under a secret's key, a string or key equal to a secret value, JSON inside a
//! string (`answers_json`), a number that is a secret.

use std::io;

use greentic_secrets_lib::canonical_secret_name;
use serde_json::Value;

use super::{MARKER, MIN_LEN, Redactor};

impl Redactor {
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
}

/// The JSON a string holds (`answers_json`), when it holds an object or an array.
fn nested_json(text: &str) -> Option<Value> {
    if !text.trim_start().starts_with(['{', '[']) {
        return None;
    }
    serde_json::from_str(text).ok()
}
