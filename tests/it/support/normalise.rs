//! Output made stable for snapshots: what differs between machines and runs (the temp folder,
//! durations, run ids, timestamps, a server's port) becomes a placeholder, the rest stays byte
//! for byte.

use std::path::Path;

/// Placeholders for one test's output: the project folder, plus literals the test adds.
pub struct Normaliser {
    literals: Vec<(String, &'static str)>,
}

/// JSON fields whose numbers are durations in milliseconds.
const MILLIS_FIELDS: [&str; 1] = ["duration_ms"];

impl Normaliser {
    /// Replaces `root` (the project's temp folder) with `[ROOT]`.
    pub fn new(root: &Path) -> Self {
        Self {
            literals: vec![(root.display().to_string(), "[ROOT]")],
        }
    }

    /// Also replaces `text` (a loopback server's address, say) with `placeholder`.
    pub fn literal(mut self, text: impl Into<String>, placeholder: &'static str) -> Self {
        self.literals.push((text.into(), placeholder));
        self
    }

    pub fn apply(&self, text: &str) -> String {
        let mut text = text.to_string();
        for (literal, placeholder) in &self.literals {
            text = text.replace(literal.as_str(), placeholder);
        }
        text.lines()
            .map(|line| {
                // Whole tokens only, the longer kinds first: a timestamp holds a clock, and a
                // run id holds what would read as a duration.
                let line = replace_tokens(line, "[TIME]", bracketed_seconds);
                let line = replace_tokens(&line, "[RUN_ID]", run_id);
                let line = replace_tokens(&line, "[TIMESTAMP]", timestamp);
                let line = replace_tokens(&line, "[CLOCK]", clock);
                let line = replace_tokens(&line, "[DURATION]", seconds);
                millis_field(&line)
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// A result or summary line's right-aligned `[   0.123s]`, padding and all, so that a slower
/// machine's wider number does not shift the line.
fn bracketed_seconds(text: &[u8]) -> Option<usize> {
    let inner = text.strip_prefix(b"[")?;
    let spaces = inner.iter().take_while(|&&b| b == b' ').count();
    let len = seconds(&inner[spaces..])?;
    (inner.get(spaces + len) == Some(&b']')).then_some(1 + spaces + len + 1)
}

/// `"duration_ms": 12` in a JSON document becomes `"duration_ms": "[MS]"`.
fn millis_field(line: &str) -> String {
    for field in MILLIS_FIELDS {
        let key = format!("\"{field}\": ");
        if let Some(at) = line.find(&key) {
            let start = at + key.len();
            let end = start + digits(&line.as_bytes()[start..]);
            if end > start {
                return format!("{}\"[MS]\"{}", &line[..start], &line[end..]);
            }
        }
    }
    line.to_string()
}

/// Every token `matcher` accepts that starts and ends on a word boundary becomes `placeholder`.
/// The matchers look at ASCII only, so a match always starts and ends on a character boundary.
fn replace_tokens(line: &str, placeholder: &str, matcher: fn(&[u8]) -> Option<usize>) -> String {
    let bytes = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let at_boundary = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        let matched = at_boundary
            .then(|| matcher(&bytes[i..]))
            .flatten()
            .filter(|&len| {
                bytes
                    .get(i + len)
                    .is_none_or(|b| !b.is_ascii_alphanumeric())
            });
        match matched {
            Some(len) => {
                out.push_str(&line[copied..i]);
                out.push_str(placeholder);
                i += len;
                copied = i;
            }
            None => i += 1,
        }
    }
    out.push_str(&line[copied..]);
    out
}

/// The length of `pattern` at the start of `text`, where `D` stands for any digit.
fn fixed(text: &[u8], pattern: &str) -> Option<usize> {
    let matches = pattern.len() <= text.len()
        && pattern.bytes().zip(text).all(|(p, &t)| match p {
            b'D' => t.is_ascii_digit(),
            _ => p == t,
        });
    matches.then_some(pattern.len())
}

/// How many digits `text` starts with.
fn digits(text: &[u8]) -> usize {
    text.iter().take_while(|b| b.is_ascii_digit()).count()
}

/// A run id: `20250102T030405.678Z-9f3a01c2` (the time, then 8 random hex digits).
fn run_id(text: &[u8]) -> Option<usize> {
    let len = fixed(text, "DDDDDDDDTDDDDDD.DDDZ")?;
    let hex = text[len..]
        .iter()
        .skip(1)
        .take_while(|b| b.is_ascii_hexdigit())
        .count();
    (text.get(len) == Some(&b'-') && hex == 8).then_some(len + 9)
}

/// RFC 3339 in UTC with as many fraction digits as chrono writes (`2025-01-02T03:04:05.1Z`),
/// or the plan's `2025-01-02 03:04:05 UTC`.
fn timestamp(text: &[u8]) -> Option<usize> {
    if let Some(len) = fixed(text, "DDDD-DD-DD DD:DD:DD UTC") {
        return Some(len);
    }
    let mut len = fixed(text, "DDDD-DD-DDTDD:DD:DD")?;
    if text.get(len) == Some(&b'.') {
        len += 1 + digits(&text[len + 1..]);
    }
    (text.get(len) == Some(&b'Z')).then_some(len + 1)
}

/// A time of day, as the device-code prompt says until when it waits.
fn clock(text: &[u8]) -> Option<usize> {
    fixed(text, "DD:DD:DD")
}

/// `0.123s`, as `dev runs` and `dev show` write a duration.
fn seconds(text: &[u8]) -> Option<usize> {
    let whole = digits(text);
    let len = fixed(text.get(whole..)?, ".DDDs")?;
    (whole > 0).then_some(whole + len)
}

/// A table whose cells changed width (a placeholder for a timestamp, say) lined up again as
/// `render_table` does: columns two spaces apart, each as wide as its widest cell. Cells are
/// what lies between runs of two or more spaces, so a cell must not hold two spaces itself.
pub fn realign(table: &str) -> String {
    let rows: Vec<Vec<&str>> = table
        .lines()
        .map(|line| {
            line.split("  ")
                .map(str::trim)
                .filter(|cell| !cell.is_empty())
                .collect()
        })
        .collect();
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|row| row.get(c))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    rows.iter()
        .map(|row| {
            let line: String = row
                .iter()
                .zip(&widths)
                .map(|(cell, width)| format!("{cell:<width$}  "))
                .collect();
            line.trim_end().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn volatile_tokens_become_placeholders_and_the_rest_stays() {
    let n = Normaliser::new(Path::new("/tmp/.tmpAbC")).literal("http://127.0.0.1:4242", "[SERVER]");
    let text = "       PASS [   0.012s] a setup_default\n\
                run folder: /tmp/.tmpAbC/state/runs/x/20250102T030405.678Z-9f3a01c2\n\
                started:  2025-01-02T03:04:05.123456789Z, since 2025-01-02 03:04:05 UTC\n\
                Open: http://127.0.0.1:4242/activate until 03:04:05 UTC; took 12.345s\n\
                  \"duration_ms\": 17,\n\
                pack 1.0.123 v0.123s2";
    assert_eq!(
        n.apply(text),
        "       PASS [TIME] a setup_default\n\
         run folder: [ROOT]/state/runs/x/[RUN_ID]\n\
         started:  [TIMESTAMP], since [TIMESTAMP]\n\
         Open: [SERVER]/activate until [CLOCK] UTC; took [DURATION]\n\
           \"duration_ms\": \"[MS]\",\n\
         pack 1.0.123 v0.123s2"
    );
    assert_eq!(
        realign("RUN  STARTED                    DURATION\nr1   [TIMESTAMP]                0.1s"),
        "RUN  STARTED      DURATION\nr1   [TIMESTAMP]  0.1s"
    );
}
