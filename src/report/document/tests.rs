//! The committed schemas against the document types: a type that changes without a new
//! `FORMAT_VERSION` (and its schemas) fails here.
//!
//! New schemas are written by running this test with `GREENTIC_WRITE_SCHEMAS=1`; it writes
//! only files that do not exist yet. A published version's files are also held to the
//! checksums committed in `schemas/B3SUMS`, so a rewrite by any other means fails too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{FORMAT_VERSION, schema_text, schemas};

fn schemas_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schemas")
}

fn version_dir() -> PathBuf {
    schemas_dir().join(format!("v{FORMAT_VERSION}"))
}

/// The list of published schema files: `<blake3 hex>  v<N>/<name>.schema.json` a line, as
/// `b3sum` prints them from inside `schemas/`.
const CHECKSUMS: &str = "B3SUMS";

/// Every `v<N>/<file>` under `schemas/`, with the BLAKE3 of its bytes.
fn published_files(dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    for version in std::fs::read_dir(dir).unwrap().flatten() {
        let version_name = version.file_name().to_string_lossy().into_owned();
        if !version.path().is_dir() {
            continue;
        }
        for file in std::fs::read_dir(version.path()).unwrap().flatten() {
            let name = file.file_name().to_string_lossy().into_owned();
            let bytes = std::fs::read(file.path()).unwrap();
            let hash = blake3::hash(&bytes).to_hex().to_string();
            files.insert(format!("{version_name}/{name}"), hash);
        }
    }
    files
}

/// `<hash>  <file>` lines read into a map; anything else is a broken list.
fn read_checksums(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let (hash, file) = line
                .split_once("  ")
                .unwrap_or_else(|| panic!("schemas/{CHECKSUMS}: `{line}` is not `<hash>  <file>`"));
            (file.to_string(), hash.to_string())
        })
        .collect()
}

/// What is wrong with the schema files against the published checksums: a file rewritten, a
/// published file gone, or a file nobody published.
fn checksum_problems(
    listed: &BTreeMap<String, String>,
    found: &BTreeMap<String, String>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (file, hash) in listed {
        match found.get(file) {
            Some(now) if now == hash => {}
            Some(_) => problems.push(format!(
                "schemas/{file} was rewritten after it was published: a version's schemas never \
                 change (restore it from git history, `git log --follow schemas/{file}`; a \
                 changed document is a new report::document::FORMAT_VERSION)"
            )),
            None => problems.push(format!(
                "schemas/{file} was published and is gone: restore it from git history"
            )),
        }
    }
    for (file, hash) in found {
        if !listed.contains_key(file) {
            problems.push(format!(
                "schemas/{file} is not in schemas/{CHECKSUMS}: publishing it is adding the line \
                 `{hash}  {file}`"
            ));
        }
    }
    problems
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

#[test]
fn no_published_schema_is_ever_rewritten() {
    let dir = schemas_dir();
    let listed = std::fs::read_to_string(dir.join(CHECKSUMS))
        .unwrap_or_else(|err| panic!("schemas/{CHECKSUMS}: {err}"));
    let problems = checksum_problems(&read_checksums(&listed), &published_files(&dir));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_rewritten_published_schema_is_named() {
    let listed = read_checksums("aaaa  v2/lifecycle.schema.json\nbbbb  v2/error.schema.json\n");
    let found = BTreeMap::from([
        ("v2/lifecycle.schema.json".to_string(), "cccc".to_string()),
        ("v3/error.schema.json".to_string(), "dddd".to_string()),
    ]);
    let problems = checksum_problems(&listed, &found);
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(problems[0].starts_with("schemas/v2/error.schema.json was published and is gone"));
    assert!(problems[1].starts_with("schemas/v2/lifecycle.schema.json was rewritten"));
    assert!(problems[2].contains("`dddd  v3/error.schema.json`"));
}
