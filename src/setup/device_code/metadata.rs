//! The `messaging.oauth_device_code.v1` manifest extension: what a provider declares about its
//! device-code login, read and checked once while planning, so a malformed declaration fails
//! that pack (naming the field) before anything runs.

use std::collections::BTreeMap;

use oauth2::url::Url;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::base::template::{Syntax, placeholders};

/// The manifest extension key.
pub const EXTENSION_KEY: &str = crate::pack::manifest::DEVICE_CODE_EXTENSION;

/// Token-answer fields that are always secret, mapped or not.
pub const TOKEN_FIELDS: [&str; 3] = ["access_token", "refresh_token", "id_token"];

/// The operation a provisioning entry must name for the operator to call it.
pub const APPLY_ANSWERS_OP: &str = "apply-answers";

/// A provider's device-code login, as declared in its manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceCodeMetadata {
    /// A human name for the provider ("Microsoft Teams"), shown with the code.
    #[serde(default)]
    pub label: Option<String>,
    pub device_code_url: String,
    pub token_url: String,
    /// Shown when the authorization server's answer carries no verification URI.
    #[serde(default)]
    pub verification_uri: Option<String>,
    /// The setup answer holding the OAuth client id (else `client_id`, `oauth_client_id`, or
    /// the secret `client_id_secret_key`, as greentic-setup looks).
    #[serde(default = "default_client_id_key")]
    pub client_id_config_key: String,
    /// The secret requirement holding the client id (Greentic's Teams Graph pack:
    /// `MS_GRAPH_CLIENT_ID`).
    #[serde(default)]
    pub client_id_secret_key: Option<String>,
    /// A list, or one space-separated string.
    #[serde(default, deserialize_with = "list_or_words")]
    pub scopes: Vec<String>,
    /// Token-response field -> setup answer key, kept in the dev secrets store.
    #[serde(default)]
    pub secrets_out: BTreeMap<String, String>,
    /// Token-response field -> setup answer key, kept in `setup-answers.json`.
    #[serde(default)]
    pub config_out: BTreeMap<String, String>,
    #[serde(default)]
    pub post_login_discovery: Vec<DiscoveryStep>,
    #[serde(default)]
    pub setup_modes: BTreeMap<String, SetupMode>,
    /// The mode used when the setup answers name none (`setup_mode`).
    #[serde(default)]
    pub default_mode: Option<String>,
    /// Things to check, shown when the login fails.
    #[serde(default)]
    pub error_checklist: Vec<String>,
    /// The published packs' name for the same list; merged into `error_checklist` on reading
    /// (a separate field, so a payload with both is not refused as a duplicate).
    #[serde(default, skip_serializing)]
    pub checklist: Vec<String>,
    /// Descriptive fields of the published packs (`provider`, `provider_id`, `tenant_alias`):
    /// read, shown nowhere, used by greentic-setup for nothing either.
    #[serde(default)]
    pub provider: Option<String>,
    #[serde(default)]
    pub provider_id: Option<String>,
    #[serde(default)]
    pub tenant_alias: Option<String>,
    /// What the person should do, when the mode does not say it itself.
    #[serde(default)]
    pub instructions: Option<String>,
    #[serde(default)]
    pub success_message: Option<String>,
    /// Display labels: `verification_uri`, `user_code`, `verification_uri_complete`.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

/// One way of setting a provider up (a bot/app, a channel subscription, ...).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SetupMode {
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub instructions: Option<String>,
    #[serde(default)]
    pub success_message: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// The answers this mode configures (informational in the published packs).
    #[serde(default)]
    pub config_keys: Vec<String>,
    /// Named provisioning steps run after the login.
    #[serde(default)]
    pub provisioning: BTreeMap<String, Provisioning>,
}

/// A provisioning step of a mode. Only `apply-answers` steps naming a component are the
/// operator's to run; others (e.g. ones a provider's own component reads) are left alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provisioning {
    #[serde(default)]
    pub component_ref: String,
    #[serde(default)]
    pub op: String,
    /// Key in the component's returned `config` -> setup answer key; keys not listed are kept
    /// under their own name (greentic-setup keeps everything the component returns).
    #[serde(default)]
    pub output_keys: BTreeMap<String, String>,
}

/// A GET made with the access token after the login, saving values from its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscoveryStep {
    pub id: String,
    #[serde(default = "default_method")]
    pub method: String,
    #[serde(default)]
    pub url: Option<String>,
    /// A URL with `{key}` placeholders filled from earlier answers named in `requires`.
    #[serde(default)]
    pub url_template: Option<String>,
    #[serde(default)]
    pub requires: Vec<String>,
    /// Dotted JSON path in the answer -> setup answer key.
    #[serde(default)]
    pub save: BTreeMap<String, String>,
    #[serde(default)]
    pub select: Option<DiscoverySelect>,
}

/// Choosing one item of an array in a discovery answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscoverySelect {
    pub from: String,
    pub label: String,
    pub value: String,
    pub save_as: String,
    /// (`save_label_as` is accepted too: published packs use both spellings.)
    #[serde(default, alias = "save_label_as")]
    pub label_save_as: Option<String>,
    #[serde(default)]
    pub default_label: Option<String>,
    #[serde(default)]
    pub default_filter: Option<String>,
}

fn default_client_id_key() -> String {
    "client_id".to_string()
}

fn default_method() -> String {
    "GET".to_string()
}

/// Why a declaration is unusable: the field (a path like `post_login_discovery[0].url`) and
/// what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("declares {EXTENSION_KEY} with a bad field `{field}`: {problem}")]
pub struct MetadataError {
    pub field: String,
    pub problem: String,
}

/// `scopes: [a, b]` or `scopes: "a b"`.
fn list_or_words<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum ListOrWords {
        List(Vec<String>),
        Words(String),
    }
    Ok(match ListOrWords::deserialize(deserializer)? {
        ListOrWords::List(list) => list,
        ListOrWords::Words(words) => words.split_whitespace().map(String::from).collect(),
    })
}

fn bad(field: impl Into<String>, problem: impl Into<String>) -> MetadataError {
    MetadataError {
        field: field.into(),
        problem: problem.into(),
    }
}

impl DeviceCodeMetadata {
    /// Reads an extension payload, unwrapping `{"inline": ...}`, and checks it.
    pub fn from_payload(payload: &Value) -> Result<Self, MetadataError> {
        if payload.is_null() {
            return Err(bad(
                "inline",
                "is missing: the operator reads the declaration from the manifest's inline payload",
            ));
        }
        let mut payload = payload;
        // `{"inline": ...}`, possibly beside `kind`/`version` (the manifest's extension entry).
        while let Some(inner) = payload.as_object().and_then(|o| o.get("inline"))
            && payload.get("device_code_url").is_none()
        {
            payload = inner;
        }
        let mut metadata: Self = serde_path_to_error::deserialize(payload).map_err(|err| {
            let path = err.path().to_string();
            let field = if path == "." {
                "(top level)".into()
            } else {
                path
            };
            bad(field, err.into_inner().to_string())
        })?;
        let checklist = std::mem::take(&mut metadata.checklist);
        for item in checklist {
            if !metadata.error_checklist.contains(&item) {
                metadata.error_checklist.push(item);
            }
        }
        metadata.check()?;
        Ok(metadata)
    }

    /// The OAuth client id among the setup answers: `client_id_config_key`, else `client_id`,
    /// else `oauth_client_id` (greentic-setup's order), else the answer to the secret
    /// `client_id_secret_key` (by its canonical name).
    pub fn client_id(&self, answers: &BTreeMap<String, String>) -> Option<String> {
        let secret_key = self
            .client_id_secret_key
            .as_deref()
            .map(greentic_secrets_lib::canonical_secret_name);
        [
            self.client_id_config_key.as_str(),
            "client_id",
            "oauth_client_id",
        ]
        .into_iter()
        .chain(secret_key.as_deref())
        .find_map(|key| answers.get(key).filter(|v| !v.trim().is_empty()).cloned())
    }

    /// The chosen mode's instructions, else the provider's own, if any.
    pub fn instructions_for(&self, mode: Option<&str>) -> Option<&str> {
        mode.and_then(|m| self.setup_modes.get(m))
            .and_then(|m| m.instructions.as_deref())
            .or(self.instructions.as_deref())
    }

    pub fn success_message_for(&self, mode: Option<&str>) -> Option<&str> {
        mode.and_then(|m| self.setup_modes.get(m))
            .and_then(|m| m.success_message.as_deref())
            .or(self.success_message.as_deref())
    }

    /// Whether an output under `key` is secret: a token field, or a `secrets_out` target.
    pub fn is_secret_key(&self, key: &str) -> bool {
        TOKEN_FIELDS.contains(&key) || self.secrets_out.values().any(|k| k == key)
    }

    /// The mode used when nobody chose one: the first (by name) with a finalization step, else
    /// the first.
    pub fn fallback_mode(&self) -> Option<&str> {
        self.setup_modes
            .keys()
            .find(|m| !self.finalizers(Some(m)).is_empty())
            .or_else(|| self.setup_modes.keys().next())
            .map(String::as_str)
    }

    /// The `apply-answers` provisioning steps of `mode` that name a component, in name order.
    pub fn finalizers(&self, mode: Option<&str>) -> Vec<(&str, &Provisioning)> {
        mode.and_then(|m| self.setup_modes.get(m))
            .map(|m| {
                m.provisioning
                    .iter()
                    .filter(|(_, p)| p.op == APPLY_ANSWERS_OP && !p.component_ref.trim().is_empty())
                    .map(|(name, p)| (name.as_str(), p))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn check(&self) -> Result<(), MetadataError> {
        check_url("device_code_url", &self.device_code_url)?;
        check_url("token_url", &self.token_url)?;
        if let Some(uri) = &self.verification_uri {
            check_url("verification_uri", uri)?;
        }
        if self.client_id_config_key.trim().is_empty() {
            return Err(bad("client_id_config_key", "is empty"));
        }
        self.check_outputs()?;
        let mut ids = std::collections::BTreeSet::new();
        for (i, step) in self.post_login_discovery.iter().enumerate() {
            let at = |field: &str| format!("post_login_discovery[{i}].{field}");
            if step.id.trim().is_empty() {
                return Err(bad(at("id"), "is empty"));
            }
            if !ids.insert(step.id.as_str()) {
                return Err(bad(at("id"), format!("`{}` is used by two steps", step.id)));
            }
            step.check(&at)?;
        }
        if let Some(mode) = &self.default_mode
            && !self.setup_modes.contains_key(mode)
        {
            return Err(bad(
                "default_mode",
                format!("names `{mode}`, which setup_modes does not declare"),
            ));
        }
        Ok(())
    }

    /// `secrets_out` and `config_out` map non-empty names, and never to the same key.
    fn check_outputs(&self) -> Result<(), MetadataError> {
        for (name, map) in [
            ("secrets_out", &self.secrets_out),
            ("config_out", &self.config_out),
        ] {
            for (from, to) in map {
                if from.trim().is_empty() || to.trim().is_empty() {
                    return Err(bad(format!("{name}.{from}"), "maps an empty name"));
                }
            }
        }
        let in_config = |key: &&String| self.config_out.values().any(|c| c == *key);
        if let Some(key) = self.secrets_out.values().find(in_config) {
            let problem = format!(
                "writes `{key}`, which secrets_out also writes; a value is either secret or not"
            );
            return Err(bad("config_out", problem));
        }
        Ok(())
    }
}

impl DiscoveryStep {
    /// Checks a step's method, URL and selection; `at` names a field of it
    /// (`post_login_discovery[0].url`).
    fn check(&self, at: &dyn Fn(&str) -> String) -> Result<(), MetadataError> {
        if !self.method.eq_ignore_ascii_case("GET") {
            return Err(bad(
                at("method"),
                format!(
                    "`{}` is not supported; discovery only reads (GET)",
                    self.method
                ),
            ));
        }
        match (&self.url, &self.url_template) {
            (Some(url), None) => check_url(&at("url"), url)?,
            (None, Some(template)) => {
                for name in placeholders(template, Syntax::Braces) {
                    if !self.requires.iter().any(|r| r == name) {
                        return Err(bad(
                            at("url_template"),
                            format!("uses `{{{name}}}`, which `requires` does not list"),
                        ));
                    }
                }
            }
            (Some(_), Some(_)) => {
                return Err(bad(at("url"), "and url_template are both set; give one"));
            }
            (None, None) => {
                return Err(bad(at("url"), "is missing (give url or url_template)"));
            }
        }
        let Some(select) = &self.select else {
            return Ok(());
        };
        for (field, value) in [
            ("from", &select.from),
            ("label", &select.label),
            ("value", &select.value),
            ("save_as", &select.save_as),
        ] {
            if value.trim().is_empty() {
                return Err(bad(at(&format!("select.{field}")), "is empty"));
            }
        }
        Ok(())
    }
}

fn check_url(field: &str, value: &str) -> Result<(), MetadataError> {
    let url =
        Url::parse(value).map_err(|err| bad(field, format!("`{value}` is not a URL: {err}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad(field, format!("`{value}` is not an http(s) URL")));
    }
    Ok(())
}

#[cfg(test)]
#[path = "metadata_tests.rs"]
mod tests;
