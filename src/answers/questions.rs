//! What a provider asks at setup: `assets/setup.yaml` inside its pack, plus the manifest's
//! `secret_requirements` (each a secret question).

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;
use zip::ZipArchive;

use super::Question;

/// The entry holding the setup questions.
pub const SETUP_SPEC: &str = "assets/setup.yaml";
/// Largest `setup.yaml` read.
const MAX_SPEC_BYTES: u64 = 1024 * 1024;

#[derive(Debug, thiserror::Error)]
#[error("pack {} has an unreadable {SETUP_SPEC}: {message}", path.display())]
pub struct QuestionsError {
    pub path: PathBuf,
    pub message: String,
}

#[derive(Deserialize)]
struct SetupSpec {
    #[serde(default)]
    questions: Vec<RawQuestion>,
}

#[derive(Deserialize)]
struct RawQuestion {
    #[serde(alias = "id", alias = "key")]
    name: String,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    secret: bool,
    #[serde(default)]
    default: Option<Value>,
    #[serde(default, alias = "description", alias = "title")]
    help: Option<String>,
}

/// The questions of the pack at `path`: its `setup.yaml` (if any) and the secret requirements
/// its manifest declares (`secret_keys`: name and whether required). A name in both is one
/// question, secret when either says so.
pub fn read_questions(
    path: &Path,
    secret_keys: &[(String, bool)],
) -> Result<Vec<Question>, QuestionsError> {
    let fail = |message: String| QuestionsError {
        path: path.to_path_buf(),
        message,
    };
    let file = File::open(path).map_err(|e| fail(e.to_string()))?;
    let mut archive = ZipArchive::new(file).map_err(|e| fail(e.to_string()))?;
    let mut questions = Vec::new();
    if let Ok(entry) = archive.by_name(SETUP_SPEC) {
        let mut text = String::new();
        entry
            .take(MAX_SPEC_BYTES)
            .read_to_string(&mut text)
            .map_err(|e| fail(e.to_string()))?;
        let spec: SetupSpec = serde_yaml_gtc::from_str(&text).map_err(|e| fail(e.to_string()))?;
        for raw in spec.questions {
            questions.push(Question {
                name: raw.name,
                required: raw.required,
                secret: raw.secret,
                default: raw.default,
                help: raw.help,
            });
        }
    }
    for (key, required) in secret_keys {
        match questions.iter_mut().find(|q| q.name == *key) {
            Some(q) => {
                q.secret = true;
                q.required |= *required;
            }
            None => questions.push(Question {
                name: key.clone(),
                required: *required,
                secret: true,
                default: None,
                help: None,
            }),
        }
    }
    Ok(questions)
}
