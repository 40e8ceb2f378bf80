//! Where a passing setup's answers are kept: public ones in `setup-answers.json`, secrets in
//! the dev secrets store under every name a component may look them up by.

use std::path::PathBuf;

use serde_json::{Map, Value};

use crate::setup::answers::{self, MergedAnswers, SetupForm, StoredAnswersError, value_text};
use crate::state::secrets::{DevSecrets, SecretScope, SecretsError, secret_uri};

/// One provider's answers, ready for its setup run.
#[derive(Debug, Clone)]
pub struct PackSetup {
    pub provider_id: String,
    pub form: SetupForm,
    pub answers: MergedAnswers,
    pub config_path: PathBuf,
    /// Set once the provider's `apply-answers` accepted the answers and they were kept: its
    /// configuration without secrets, for the flow's input. The flow's pass then keeps
    /// nothing more.
    pub committed: Option<Map<String, Value>>,
}

/// Keeps a passing setup's answers: public ones merged into `setup-answers.json`, each secret
/// written to the store under its question's key and under every requirement the question
/// covers (so a component finds it by either name), and read back.
pub fn persist(
    setup: &PackSetup,
    secrets: &DevSecrets,
    scope: &SecretScope,
) -> Result<(), PersistError> {
    answers::save_stored(&setup.config_path, &setup.answers.public_values())?;
    // One change of the store for the whole provider, made on a fresh read under its lock.
    secrets.put_all_verified(&answer_puts(setup, scope)?)?;
    Ok(())
}

/// Each secret answer under its question's key and every requirement it covers.
fn answer_puts(
    setup: &PackSetup,
    scope: &SecretScope,
) -> Result<Vec<(String, String)>, SecretsError> {
    let mut puts = Vec::new();
    for (name, value) in setup.answers.secret_values() {
        for key in setup.form.secret_keys(&name) {
            puts.push((secret_uri(scope, &setup.provider_id, &key)?, value.clone()));
        }
    }
    Ok(puts)
}

/// Keeps what a provider's `apply-answers` accepted: the answers as [`persist`] does, and its
/// configuration beside them, each value a secret when its key is a secret question's (or
/// looks like one, or is among `redacted`: the config schema's `x-redact` fields) or when it
/// is a secret answer's value. Returns the configuration without its secrets and the names of
/// every value kept.
pub fn persist_configured(
    setup: &PackSetup,
    config: &Map<String, Value>,
    redacted: &[String],
    secrets: &DevSecrets,
    scope: &SecretScope,
) -> Result<(Map<String, Value>, Vec<String>), PersistError> {
    let answered = setup.answers.secret_values();
    let is_secret = |key: &str, value: &Value| {
        setup.form.is_secret(key)
            || redacted.iter().any(|r| r == key)
            || answers::looks_secret(key)
            || answered
                .iter()
                .any(|(_, secret)| *secret == value_text(value))
    };
    let mut public = setup.answers.public_values();
    // The answers' secrets, then the provider's: where both name one key, the provider's
    // accepted value wins.
    let mut puts: std::collections::BTreeMap<String, String> =
        answer_puts(setup, scope)?.into_iter().collect();
    let mut config_public = Map::new();
    for (key, value) in config {
        if is_secret(key, value) {
            for store_key in setup.form.secret_keys(key) {
                let uri = secret_uri(scope, &setup.provider_id, &store_key)?;
                puts.insert(uri, value_text(value));
            }
        } else {
            public.insert(key.clone(), value.clone());
            config_public.insert(key.clone(), value.clone());
        }
    }
    answers::save_stored(&setup.config_path, &public)?;
    secrets.put_all_verified(&puts.into_iter().collect::<Vec<_>>())?;
    let mut kept: Vec<String> = public.keys().cloned().collect();
    kept.extend(answered.iter().map(|(name, _)| name.clone()));
    kept.extend(config.keys().cloned());
    kept.sort();
    kept.dedup();
    Ok((config_public, kept))
}

/// Why a passing setup's answers could not be kept.
#[derive(Debug, thiserror::Error)]
pub enum PersistError {
    #[error(transparent)]
    Answers(#[from] StoredAnswersError),
    #[error(transparent)]
    Secrets(#[from] SecretsError),
}
