//! `--answers FILE|URL`: JSON or YAML (told apart by content), in the shapes Greentic tools
//! write, the shape decided by the file's own structure.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::fetch::shown_source;

#[derive(Debug, thiserror::Error)]
pub enum AnswersFileError {
    #[error("failed to read answers file {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("answers file {} is not valid {format}: {message}", shown_source(path))]
    Parse {
        path: PathBuf,
        format: &'static str,
        message: String,
    },
    #[error("answers file {} must hold an object, not {found}", shown_source(path))]
    NotAnObject { path: PathBuf, found: &'static str },
    #[error(
        "answers file {} is a flat object, which fits exactly one provider, but {count} are selected; \
         key it by provider id or pick one with --provider",
        shown_source(path)
    )]
    FlatNeedsOneProvider { path: PathBuf, count: usize },
    #[error(
        "answers file {} mixes answers keyed by provider ({}) with answers outside any provider ({}); \
         which provider those are for cannot be told, so nothing of it is used: put each under its \
         provider's id (e.g. {{\"{}\": {{\"{}\": ...}}}})",
        path.display(),
        sections.join(", "),
        loose.join(", "),
        sections[0],
        loose[0]
    )]
    Mixed {
        path: PathBuf,
        sections: Vec<String>,
        loose: Vec<String>,
    },
    #[error(transparent)]
    Fetch(#[from] super::fetch::FetchError),
}

/// The answers a file gives, per provider id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AnswersFile {
    pub path: PathBuf,
    pub per_provider: BTreeMap<String, Map<String, Value>>,
}

impl AnswersFile {
    /// Provider ids the file answers that are not among `known`.
    pub fn unknown_providers<'a>(&'a self, known: &[&str]) -> Vec<&'a str> {
        self.per_provider
            .keys()
            .map(String::as_str)
            .filter(|id| !known.contains(id))
            .collect()
    }
}

/// Loads `path`, a file or an `http(s)://` URL (as greentic-setup's `--answers` takes).
/// The shape comes from the document alone, never from which packs the project has:
/// greentic-setup's document (`{"tenant","team","env","setup_answers":{"<provider_id>":{...}}}`),
/// a map keyed by provider id (every value an object: `gtc setup --answers`, greentic-setup's
/// `tenant`, `team` and `env` beside them), or a flat object of answers, which fits only when
/// exactly one provider (`providers`) is selected.
///
/// No answer is an object, so an object value is a provider's section: a file with sections and
/// loose answers beside them is refused, naming both, rather than guessing whose the loose
/// ones are (a secret given to the wrong provider is worse than a clear error).
pub fn load_answers_file(path: &Path, providers: &[&str]) -> Result<AnswersFile, AnswersFileError> {
    let text = match path.to_str().filter(|p| super::fetch::is_url(p)) {
        Some(url) => super::fetch::fetch_text(url)?,
        None => std::fs::read_to_string(path).map_err(|source| AnswersFileError::Read {
            path: path.to_path_buf(),
            source,
        })?,
    };
    let doc = parse(path, &text)?;
    let Value::Object(mut doc) = doc else {
        return Err(AnswersFileError::NotAnObject {
            path: path.to_path_buf(),
            found: kind(&doc),
        });
    };
    let keyed = |map: Map<String, Value>| -> BTreeMap<String, Map<String, Value>> {
        map.into_iter()
            .filter_map(|(id, answers)| match answers {
                Value::Object(answers) => Some((id, answers)),
                _ => None,
            })
            .collect()
    };
    // greentic-setup's own parts of its document: never an answer, nor a provider's section.
    for key in SETUP_DOCUMENT_PARTS {
        doc.remove(key);
    }
    let per_provider = if let Some(Value::Object(setup)) = doc.remove("setup_answers") {
        keyed(setup)
    } else if doc.values().any(Value::is_object) {
        let names = |keep: &dyn Fn(&String, &Value) -> bool| -> Vec<String> {
            doc.iter()
                .filter(|(k, v)| keep(k, v))
                .map(|(k, _)| k.clone())
                .collect()
        };
        // A key without a value (`messaging-telegram:` left empty in YAML) is neither an answer
        // nor a section: it is no answer in either shape.
        let loose =
            names(&|k, v| !v.is_object() && !v.is_null() && !DOCUMENT_KEYS.contains(&k.as_str()));
        if !loose.is_empty() {
            return Err(AnswersFileError::Mixed {
                path: path.to_path_buf(),
                sections: names(&|_, v| v.is_object()),
                loose,
            });
        }
        keyed(doc)
    } else if providers.len() == 1 {
        BTreeMap::from([(providers[0].to_string(), doc)])
    } else {
        return Err(AnswersFileError::FlatNeedsOneProvider {
            path: path.to_path_buf(),
            count: providers.len(),
        });
    };
    Ok(AnswersFile {
        path: path.to_path_buf(),
        per_provider,
    })
}

/// greentic-setup's document keys that may sit beside providers' sections: where the answers
/// are for, never an answer.
const DOCUMENT_KEYS: [&str; 3] = ["tenant", "team", "env"];

/// The other parts of greentic-setup's answers document (`greentic-setup` 1.2's
/// `engine/answers.rs`): what it writes beside `setup_answers`, read by it alone.
const SETUP_DOCUMENT_PARTS: [&str; 5] = [
    "greentic_setup_version",
    "bundle_source",
    "platform_setup",
    "answers_schema",
    "providers",
];

/// JSON when the first non-blank character opens a JSON object or array, else YAML (a JSON
/// document is also YAML, but JSON's errors point better at JSON mistakes).
fn parse(path: &Path, text: &str) -> Result<Value, AnswersFileError> {
    let looks_json = matches!(text.trim_start().chars().next(), Some('{' | '['));
    let fail = |format, message: String| AnswersFileError::Parse {
        path: path.to_path_buf(),
        format,
        message,
    };
    if looks_json {
        serde_json::from_str(text).map_err(|e| fail("JSON", e.to_string()))
    } else {
        serde_yaml_gtc::from_str(text).map_err(|e| fail("YAML", e.to_string()))
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str, providers: &[&str]) -> Result<AnswersFile, AnswersFileError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("answers");
        std::fs::write(&path, text).unwrap();
        load_answers_file(&path, providers)
    }

    #[test]
    fn the_three_shapes_in_json_and_yaml() {
        let setup = load(
            r#"{"tenant":"acme","setup_answers":{"p":{"region":"eu"}}}"#,
            &["p", "q"],
        )
        .unwrap();
        assert_eq!(setup.per_provider["p"]["region"], "eu");
        let keyed = load("p:\n  region: eu\nq:\n  region: us\n", &["p", "q"]).unwrap();
        assert_eq!(keyed.per_provider["q"]["region"], "us");
        let flat = load("region: eu\n", &["p"]).unwrap();
        assert_eq!(flat.per_provider["p"]["region"], "eu");
        assert!(matches!(
            load("region: eu\n", &["p", "q"]),
            Err(AnswersFileError::FlatNeedsOneProvider { count: 2, .. })
        ));
    }

    #[test]
    fn a_keyed_file_stays_keyed_whatever_the_project_has() {
        // Names a provider the project lacks, and only one provider is selected.
        let keyed = load("p:\n  region: eu\nelsewhere:\n  x: 1\n", &["p"]).unwrap();
        assert_eq!(keyed.per_provider["p"]["region"], "eu");
        assert_eq!(keyed.unknown_providers(&["p"]), ["elsewhere"]);
        let keyed = load("elsewhere:\n  x: 1\n", &["p"]).unwrap();
        assert!(!keyed.per_provider.contains_key("p"));
    }

    #[test]
    fn a_file_mixing_provider_sections_and_loose_answers_is_refused_naming_both() {
        let mixed = "messaging-bot:\n  bot_token: t\n  region: eu\ngreeting: hi\n";
        let err = load(mixed, &["messaging-bot"]).unwrap_err();
        let AnswersFileError::Mixed {
            sections, loose, ..
        } = &err
        else {
            panic!("{err}");
        };
        assert_eq!(
            (sections.as_slice(), loose.as_slice()),
            (
                &["messaging-bot".to_string()][..],
                &["greeting".to_string()][..]
            )
        );
        assert!(
            err.to_string()
                .contains(r#"(e.g. {"messaging-bot": {"greeting": ...}})"#),
            "{err}"
        );
        // greentic-setup's document keys are not answers.
        let keyed = load(
            "tenant: acme\nmessaging-bot:\n  region: eu\n",
            &["messaging-bot"],
        )
        .unwrap();
        assert_eq!(keyed.per_provider["messaging-bot"]["region"], "eu");
    }

    #[test]
    fn a_provider_section_left_empty_is_not_a_loose_answer() {
        let keyed = load(
            "messaging-slack:\n  bot_token: t\nmessaging-telegram:\n",
            &["messaging-slack", "messaging-telegram"],
        )
        .unwrap();
        assert_eq!(keyed.per_provider["messaging-slack"]["bot_token"], "t");
        assert!(!keyed.per_provider.contains_key("messaging-telegram"));
    }

    #[test]
    fn greentic_setups_own_document_parts_are_neither_sections_nor_loose_answers() {
        let doc = "bundle_source: .\ngreentic_setup_version: \"1.0.0\"\nplatform_setup:\n  tunnel: {mode: null}\nmessaging-bot:\n  region: eu\n";
        let keyed = load(doc, &["messaging-bot"]).unwrap();
        assert_eq!(keyed.unknown_providers(&["messaging-bot"]), [] as [&str; 0]);
        assert_eq!(keyed.per_provider["messaging-bot"]["region"], "eu");
        let flat = load("bundle_source: .\nregion: eu\n", &["messaging-bot"]).unwrap();
        assert_eq!(
            flat.per_provider["messaging-bot"]
                .keys()
                .collect::<Vec<_>>(),
            ["region"]
        );
    }

    #[test]
    fn a_broken_file_names_the_position() {
        let err = load("{\"a\": 1,\n  oops}", &["p"]).unwrap_err().to_string();
        assert!(
            err.contains("is not valid JSON") && err.contains("line 2"),
            "{err}"
        );
        let err = load("a: [1, 2\nb: c", &["p"]).unwrap_err().to_string();
        assert!(
            err.contains("is not valid YAML") && err.contains("line"),
            "{err}"
        );
    }
}
