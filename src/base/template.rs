//! `{key}` templates: the one scanner of placeholders in provider-declared text (discovery URL
//! templates, `{{ bundle_name }}` in selection defaults), listing them and filling them in.

/// Which placeholders a template uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// `{key}`, `{{ key }}` or any run of braces around a key (URL templates).
    Braces,
    /// `{{ key }}` only (any spacing inside); a single-brace `{key}` is plain text.
    DoubleBraces,
}

/// One placeholder: its key (spaces trimmed) and its text as written, braces included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Placeholder<'a> {
    key: &'a str,
    raw: &'a str,
}

impl Syntax {
    /// The first placeholder of `text`: the text before it, the placeholder, the text after.
    /// `None` when no placeholder opens, or one opens and never closes.
    fn next<'a>(self, text: &'a str) -> Option<(&'a str, Placeholder<'a>, &'a str)> {
        let (open, close) = match self {
            Syntax::Braces => ("{", "}"),
            Syntax::DoubleBraces => ("{{", "}}"),
        };
        let start = text.find(open)?;
        let mut inner = start + open.len();
        if self == Syntax::Braces {
            inner = text.len() - text[inner..].trim_start_matches('{').len();
        }
        let end = inner + text[inner..].find(close)?;
        let mut after = end + close.len();
        if self == Syntax::Braces {
            after = text.len() - text[after..].trim_start_matches('}').len();
        }
        let placeholder = Placeholder {
            key: text[inner..end].trim(),
            raw: &text[start..after],
        };
        Some((&text[..start], placeholder, &text[after..]))
    }
}

/// The keys of `template`'s placeholders, in order (empty ones left out).
pub fn placeholders(template: &str, syntax: Syntax) -> Vec<&str> {
    let mut keys = Vec::new();
    let mut rest = template;
    while let Some((_, placeholder, after)) = syntax.next(rest) {
        if !placeholder.key.is_empty() {
            keys.push(placeholder.key);
        }
        rest = after;
    }
    keys
}

/// `template` with every placeholder whose key `lookup` knows replaced by `encode` of its
/// value; the others are kept as written.
pub fn fill(
    template: &str,
    syntax: Syntax,
    lookup: impl Fn(&str) -> Option<String>,
    encode: impl Fn(&str) -> String,
) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some((before, placeholder, after)) = syntax.next(rest) {
        out.push_str(before);
        match lookup(placeholder.key) {
            Some(value) => out.push_str(&encode(&value)),
            None => out.push_str(placeholder.raw),
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// A value as it is: for text that is not a URL.
pub fn verbatim(value: &str) -> String {
    value.to_string()
}

/// Percent-encodes what may not appear in a URL path segment (RFC 3986 `pchar`).
pub fn encode_path_segment(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_accept_both_brace_styles() {
        assert_eq!(
            placeholders("https://x/{a}/b/{{ c }}", Syntax::Braces),
            vec!["a", "c"]
        );
        // Empty keys are left out; an unclosed brace (`\u{7b}`) is text.
        assert_eq!(
            placeholders("{}/{ }/\u{7b}a", Syntax::Braces),
            Vec::<&str>::new()
        );
        assert_eq!(
            placeholders("{a}/{{ b }}/{{{c}}}", Syntax::DoubleBraces),
            vec!["b", "\u{7b}c"]
        );
    }

    #[test]
    fn templates_fill_and_encode() {
        let lookup = |k: &str| (k == "team_id").then(|| "a b/c:d@e".to_string());
        assert_eq!(
            fill(
                "https://g.example/teams/{team_id}/x/{{ team_id }}/{other}/\u{7b}\u{7b}team_id",
                Syntax::Braces,
                lookup,
                encode_path_segment
            ),
            "https://g.example/teams/a%20b%2Fc:d@e/x/a%20b%2Fc:d@e/{other}/\u{7b}\u{7b}team_id"
        );
        let bundle = |k: &str| (k == "bundle_name").then(|| "Acme".to_string());
        assert_eq!(
            fill(
                "Team {{bundle_name}} x {{ other }} {bundle_name} {{ bundle_name }}",
                Syntax::DoubleBraces,
                bundle,
                verbatim
            ),
            "Team Acme x {{ other }} {bundle_name} Acme"
        );
    }
}
