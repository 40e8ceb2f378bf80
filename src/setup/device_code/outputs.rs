//! Where a device-code login's outputs are kept: secrets in the dev secrets store (written and
//! read back), the rest in the provider's `setup-answers.json` of the tenant and team; and the
//! check that everything the state file lists is still there with the value the login saved.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::state::{ActionState, Fingerprints};
use crate::setup::answers::{StoredAnswersError, load_stored, save_stored, value_text};
use crate::state::secrets::{DevSecrets, SecretScope, SecretsError, secret_uri};

/// Why an output could not be stored, or is not where it was stored.
#[derive(Debug, thiserror::Error)]
pub enum OutputsError {
    #[error(transparent)]
    Secrets(#[from] SecretsError),
    #[error(transparent)]
    Config(#[from] StoredAnswersError),
    #[error("`{key}` does not read back from {}", path.display())]
    ConfigMissing { key: String, path: PathBuf },
    #[error("secret `{key}` does not read back from the dev secrets store {}", store.display())]
    SecretMissing { key: String, store: PathBuf },
    #[error("`{key}` in {} is no longer the value the login saved", place.display())]
    Changed { key: String, place: PathBuf },
    #[error("cannot make a fingerprint key: {0}")]
    Random(#[from] getrandom::Error),
}

/// One provider's output places.
pub struct Outputs<'a> {
    pub scope: &'a SecretScope,
    pub secrets: &'a DevSecrets,
    /// The provider's `setup-answers.json`.
    pub config_file: &'a Path,
    pub pack_id: &'a str,
}

impl Outputs<'_> {
    /// Secrets into the store (written and read back), the rest into `setup-answers.json`;
    /// `state` lists the keys of both.
    pub fn store(
        &self,
        state: &mut ActionState,
        secrets: &BTreeMap<String, String>,
        config: &BTreeMap<String, String>,
    ) -> Result<(), OutputsError> {
        let mut puts = Vec::with_capacity(secrets.len());
        for (key, value) in secrets {
            puts.push((secret_uri(self.scope, self.pack_id, key)?, value.clone()));
        }
        self.secrets.put_all_verified(&puts)?;
        let prints = match &mut state.fingerprints {
            Some(prints) => prints,
            empty => empty.insert(Fingerprints::new()?),
        };
        for (key, value) in secrets.iter().chain(config) {
            prints.record(key, value);
        }
        for key in secrets.keys() {
            push_unique(&mut state.secret_keys, key);
        }
        if !config.is_empty() {
            let map: Map<String, Value> = config
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect();
            save_stored(self.config_file, &map, &[])?;
            for key in config.keys() {
                push_unique(&mut state.config_keys, key);
            }
        }
        Ok(())
    }

    /// Every output `state` lists is where it was stored, with the value the login saved (a
    /// state without fingerprints proves nothing, so it never reads back).
    pub fn read_back(&self, state: &ActionState) -> Result<(), OutputsError> {
        let stored = load_stored(self.config_file)?;
        let saved = |key: &str, value: &str| {
            state
                .fingerprints
                .as_ref()
                .is_some_and(|prints| prints.matches(key, value))
        };
        for key in &state.config_keys {
            let path = self.config_file.to_path_buf();
            let Some(value) = stored.get(key).filter(|v| !v.is_null()) else {
                return Err(OutputsError::ConfigMissing {
                    key: key.clone(),
                    path,
                });
            };
            if !saved(key, &value_text(value)) {
                let key = key.clone();
                return Err(OutputsError::Changed { key, place: path });
            }
        }
        for key in &state.secret_keys {
            let store = self.secrets.path().to_path_buf();
            let Some(value) = self.read_secret(key)? else {
                return Err(OutputsError::SecretMissing {
                    key: key.clone(),
                    store,
                });
            };
            if !saved(key, &value) {
                let key = key.clone();
                return Err(OutputsError::Changed { key, place: store });
            }
        }
        Ok(())
    }

    /// The stored non-secret answers; a file that cannot be read is an error.
    pub fn stored_config(&self) -> Result<Map<String, Value>, OutputsError> {
        Ok(load_stored(self.config_file)?)
    }

    /// The stored secret `key`; `None` when absent; a store that cannot be read is an error.
    pub fn read_secret(&self, key: &str) -> Result<Option<String>, OutputsError> {
        let uri = secret_uri(self.scope, self.pack_id, key)?;
        let bytes = self.secrets.get(&uri)?;
        Ok(bytes.map(|b| String::from_utf8_lossy(&b).into_owned()))
    }
}

fn push_unique(keys: &mut Vec<String>, key: &str) {
    if !keys.iter().any(|k| k == key) {
        keys.push(key.to_string());
    }
}
