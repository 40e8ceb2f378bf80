//! The committed JSON Schemas of the printed documents (`schemas/v<FORMAT_VERSION>/`), held
//! against what the binary prints.

use std::path::PathBuf;

use greentic_operator::report::FORMAT_VERSION;
use serde_json::Value;

/// The whole of `stdout` as exactly one JSON document (anything after it fails).
pub fn one_document(stdout: &str) -> Value {
    serde_json::from_str(stdout)
        .unwrap_or_else(|err| panic!("stdout is not one JSON document ({err}):\n{stdout}"))
}

/// Fails with every violation when `value` breaks the committed schema of `document`.
pub fn assert_valid(document: &str, value: &Value) {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("schemas/v{FORMAT_VERSION}/{document}.schema.json"));
    let text =
        std::fs::read_to_string(&file).unwrap_or_else(|err| panic!("{}: {err}", file.display()));
    let schema: Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "the `{document}` document breaks {}:\n{}\n{value:#}",
        file.display(),
        errors.join("\n")
    );
}

/// `stdout` as one document valid against `document`'s schema.
pub fn valid_document(document: &str, stdout: &str) -> Value {
    let value = one_document(stdout);
    assert_valid(document, &value);
    value
}
