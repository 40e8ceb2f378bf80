//! The committed schemas against the document types: a type that changes without a new
//! `FORMAT_VERSION` (and its schemas) fails here.
//!
//! New schemas are written by running this test with `GREENTIC_WRITE_SCHEMAS=1`; it writes
//! only files that do not exist yet, so a published version is never rewritten.

use std::path::PathBuf;

use super::{FORMAT_VERSION, schema_text, schemas};

fn version_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(format!("v{FORMAT_VERSION}"))
}

#[test]
fn every_document_matches_its_committed_schema_of_this_format_version() {
    let dir = version_dir();
    let write = std::env::var_os("GREENTIC_WRITE_SCHEMAS").is_some();
    let mut wrong = Vec::new();
    for (name, schema) in schemas() {
        let file = dir.join(format!("{name}.schema.json"));
        let generated = schema_text(&schema);
        match std::fs::read_to_string(&file) {
            Ok(committed) if committed == generated => {}
            Ok(_) => wrong.push(format!(
                "{} differs from the `{name}` document's type: a changed document needs a new \
                 report::document::FORMAT_VERSION (then run this test with GREENTIC_WRITE_SCHEMAS=1 \
                 and commit schemas/v<new>/)",
                file.display()
            )),
            Err(_) if write => {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&file, generated).unwrap();
            }
            Err(_) => wrong.push(format!(
                "{} is missing: run this test with GREENTIC_WRITE_SCHEMAS=1 and commit it",
                file.display()
            )),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_schema_folder_holds_only_documents_the_commands_print() {
    let known: Vec<String> = schemas()
        .into_iter()
        .map(|(name, _)| format!("{name}.schema.json"))
        .collect();
    let Ok(entries) = std::fs::read_dir(version_dir()) else {
        return; // reported by the test above
    };
    for entry in entries {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            known.contains(&name),
            "schemas/v{FORMAT_VERSION}/{name} describes no document"
        );
    }
}

#[test]
fn each_schema_pins_its_format_version() {
    for (name, schema) in schemas() {
        let value = schema.as_value();
        assert_eq!(
            value["properties"]["format_version"]["const"], FORMAT_VERSION,
            "the `{name}` document has no format_version fixed to {FORMAT_VERSION}"
        );
    }
}
