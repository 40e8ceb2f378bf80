//! Names typed by the user that become parts of paths or secret names (tenant, team, env,
//! provider, key): validated once, at the edge.

use std::fmt;

/// Longest accepted name, in bytes. Greentic ids are short; a path part this long is a mistake.
pub const MAX_NAME_LEN: usize = 64;

/// Why a name was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameError(String);

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NameError {}

/// Accepts lower-case ASCII letters, digits, `-`, `_` and `.` (not leading), up to
/// [`MAX_NAME_LEN`] bytes: the secrets store's own rule for a scope (greentic-secrets'
/// `[a-z0-9._-]`), so a name the CLI accepts is never refused after flows have run.
///
/// Tenants and teams name folders under `state/` and appear in secret URIs, so anything that
/// could climb out of a folder (`..`, `/`, `\`), hide (NUL, control characters) or look like
/// another name (unicode look-alikes) is refused rather than silently rewritten.
pub fn validate_name(value: &str) -> Result<String, NameError> {
    check_name(
        value,
        |c| c.is_ascii_lowercase() || c.is_ascii_digit(),
        "use only lower-case ASCII letters, digits, `-`, `_` and `.` (the secrets store's rule)",
    )
}

/// Accepts a provider id or secret key as typed for the secrets store: ASCII letters (either
/// case), digits, `-`, `_` and `.` (not leading), up to [`MAX_NAME_LEN`] bytes. The store's
/// canonical name (lower case, `-` and `.` to `_`) is made from it; anything that form would
/// drop or rewrite silently (`/`, spaces, non-ASCII letters, an empty name) is refused.
pub fn validate_secret_part(value: &str) -> Result<String, NameError> {
    check_name(
        value,
        |c| c.is_ascii_alphanumeric(),
        "use only ASCII letters, digits, `-`, `_` and `.` (the secrets store names it in lower \
         case, with `-` and `.` as `_`)",
    )
}

/// `value` when it is non-empty, at most [`MAX_NAME_LEN`] bytes, does not start with `.`
/// (a hidden or parent folder) and holds only characters `letter` accepts, `-`, `_` and `.`;
/// else why not, with `rule` saying what is allowed.
fn check_name(value: &str, letter: fn(char) -> bool, rule: &str) -> Result<String, NameError> {
    if value.is_empty() {
        return Err(NameError("must not be empty".into()));
    }
    if value.len() > MAX_NAME_LEN {
        return Err(NameError(format!(
            "is {} bytes long; at most {MAX_NAME_LEN} are allowed",
            value.len()
        )));
    }
    if value.starts_with('.') {
        return Err(NameError(
            "must not start with `.` (it would name a hidden or parent folder)".into(),
        ));
    }
    match value
        .chars()
        .find(|&c| !(letter(c) || matches!(c, '-' | '_' | '.')))
    {
        Some(bad) => Err(NameError(format!("contains {bad:?}; {rule}"))),
        None => Ok(value.to_string()),
    }
}

/// Longest path part produced by [`path_segment`], in bytes.
pub const MAX_SEGMENT_LEN: usize = 96;

/// Turns any string (a pack id or flow id read from a pack) into one safe path part.
///
/// Letters, digits, `-`, `_` and `.` are kept; every other byte becomes `%XX`, so `a/b`, `..\x`
/// or a NUL can never name another folder, and distinct ids stay distinct. A result that would
/// be empty or start with `.` is prefixed with `_`. Long results are cut and suffixed with a hash.
pub fn path_segment(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for byte in raw.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    if out.is_empty() || out.starts_with('.') {
        out.insert(0, '_');
    }
    if out.len() > MAX_SEGMENT_LEN {
        let hash = fnv1a(raw.as_bytes());
        out.truncate(MAX_SEGMENT_LEN - 17);
        out.push_str(&format!("~{hash:016x}"));
    }
    out
}

/// FNV-1a: a stable hash (unlike std's, it never changes between Rust releases), enough to keep
/// two long ids apart in a folder name.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_pass() {
        for ok in ["acme", "team-1", "a_b", "v1.2", "dev"] {
            assert_eq!(validate_name(ok).as_deref(), Ok(ok));
        }
    }

    #[test]
    fn names_that_could_escape_or_deceive_are_refused() {
        let long = "a".repeat(500);
        for bad in [
            "",
            ".",
            "..",
            "../x",
            "a/b",
            "a\\b",
            "a\0b",
            "ac\u{0435}me",
            "a b",
            "Acme",
            "DEV",
            &long,
        ] {
            assert!(validate_name(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
