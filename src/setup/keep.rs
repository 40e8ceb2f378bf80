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
    let mut puts = Vec::new();
    for (name, value) in setup.answers.secret_values() {
        for key in setup.form.secret_keys(&name) {
            puts.push((secret_uri(scope, &setup.provider_id, &key)?, value.clone()));
        }
    }
    // One change of the store for the whole provider, made on a fresh read under its lock.
    secrets.put_all_verified(&puts)?;
    Ok(())
}

/// Keeps what a provider's `apply-answers` accepted: the answers as [`persist`] does, and its
/// configuration beside them, each value a secret when its key is a secret question's (or
/// looks like one) or when it is a secret answer's value. Returns the configuration without
/// its secrets and the names of every value kept.
pub fn persist_configured(
    setup: &PackSetup,
    config: &Map<String, Value>,
    secrets: &DevSecrets,
    scope: &SecretScope,
) -> Result<(Map<String, Value>, Vec<String>), PersistError> {
    let secret_texts: Vec<String> = setup
        .answers
        .secret_values()
        .into_iter()
        .map(|(_, value)| value)
        .collect();
    let is_secret = |key: &str, value: &Value| {
        setup.form.question(key).is_some_and(|q| q.spec.secret)
            || answers::looks_secret(key)
            || secret_texts.contains(&value_text(value))
    };
    let mut public = setup.answers.public_values();
    let mut puts = Vec::new();
    let mut config_public = Map::new();
    for (key, value) in config {
        if is_secret(key, value) {
            for store_key in setup.form.secret_keys(key) {
                let uri = secret_uri(scope, &setup.provider_id, &store_key)?;
                puts.push((uri, value_text(value)));
            }
        } else {
            public.insert(key.clone(), value.clone());
            config_public.insert(key.clone(), value.clone());
        }
    }
    for (name, value) in setup.answers.secret_values() {
        for key in setup.form.secret_keys(&name) {
            puts.push((secret_uri(scope, &setup.provider_id, &key)?, value.clone()));
        }
    }
    puts.sort();
    puts.dedup_by(|a, b| a.0 == b.0);
    answers::save_stored(&setup.config_path, &public)?;
    secrets.put_all_verified(&puts)?;
    let mut kept: Vec<String> = public.keys().cloned().collect();
    kept.extend(
        setup
            .answers
            .secret_values()
            .into_iter()
            .map(|(name, _)| name),
    );
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
