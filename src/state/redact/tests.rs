//! The redactor held to what it promises: text, JSON, files, and the process's known values.

use std::fs;
use std::path::PathBuf;

use serde_json::Value;

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
