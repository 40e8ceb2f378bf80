//! (`dev requirements`, `dev remove`) What a provider needs before setup, and what the operator
//! keeps for it: their views in the lifecycle document.

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::Serialize;

use super::answers::QuestionKind;
use crate::plan::{ProviderNeeds, StoredData};

/// What a provider needs before setup, from its pack; `stored` fields only with a tenant.
#[derive(Debug, Serialize, JsonSchema)]
pub struct NeedsView {
    pub questions: Vec<QuestionNeedView>,
    pub secrets: Vec<SecretNeedView>,
    /// It asks for the project's public URL.
    pub public_base_url: bool,
    /// (with a tenant) Whether the project has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_base_url_known: Option<bool>,
    /// It declares a device-code login (where it stands: the pack's `login`).
    pub device_code: bool,
    /// Its setup questions cannot be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form_error: Option<String>,
    /// Answer keys its declarations read that no question asks (given in `--answers`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub read_keys: Vec<ReadKeyView>,
    /// Its provider's own questions could not be asked (`qa-spec`), in the provider's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract_error: Option<String>,
}

/// An answer key a provider's declarations read without asking it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ReadKeyView {
    pub key: String,
    pub secret: bool,
    /// Read as an input (`false`: a login output the declaration only writes).
    pub input: bool,
    /// The declaration's fields that read it (`post_login_discovery[2].url_template`).
    pub readers: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored: Option<bool>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct QuestionNeedView {
    pub name: String,
    pub title: String,
    pub kind: QuestionKind,
    pub required: bool,
    pub secret: bool,
    /// Its rule in words (choices, pattern, bounds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Asked only when another answer shows it.
    pub conditional: bool,
    /// Secret requirements its answer also meets.
    pub covers: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored: Option<bool>,
    /// The default offered, as text (never a secret's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SecretNeedView {
    pub key: String,
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored: Option<bool>,
}

impl From<&ProviderNeeds> for NeedsView {
    fn from(needs: &ProviderNeeds) -> Self {
        Self {
            questions: needs
                .questions
                .iter()
                .map(|q| QuestionNeedView {
                    name: q.name.clone(),
                    title: q.title.clone(),
                    kind: q.kind.into(),
                    required: q.required,
                    secret: q.secret,
                    rule: q.rule.clone(),
                    conditional: q.conditional,
                    covers: q.covers.clone(),
                    stored: q.stored,
                    default: q.default.clone(),
                })
                .collect(),
            secrets: needs
                .secrets
                .iter()
                .map(|s| SecretNeedView {
                    key: s.key.clone(),
                    required: s.required,
                    answered_by: s.answered_by.clone(),
                    stored: s.stored,
                })
                .collect(),
            public_base_url: needs.public_base_url,
            public_base_url_known: needs.public_base_url_known,
            device_code: needs.device_code,
            form_error: needs.form_error.clone(),
            read_keys: needs
                .read_keys
                .iter()
                .map(|r| ReadKeyView {
                    key: r.key.clone(),
                    secret: r.secret,
                    input: r.input,
                    readers: r.readers.clone(),
                    stored: r.stored,
                })
                .collect(),
            contract_error: needs.contract_error.clone(),
        }
    }
}

/// Files under the state folder and keys of the dev secrets store (URIs, never a value).
#[derive(Debug, Serialize, JsonSchema)]
pub struct StoredView {
    pub files: Vec<PathBuf>,
    pub secrets: Vec<String>,
}

impl From<&StoredData> for StoredView {
    fn from(stored: &StoredData) -> Self {
        Self {
            files: stored.files.clone(),
            secrets: stored.secrets.clone(),
        }
    }
}
