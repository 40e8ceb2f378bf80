//! Where a passing setup's answers are kept: public ones in `setup-answers.json`, secrets in
//! the dev secrets store under every name a component may look them up by.

use std::path::PathBuf;

use crate::setup::answers::{self, MergedAnswers, SetupForm, StoredAnswersError};
use crate::state::secrets::{DevSecrets, SecretScope, SecretsError, secret_uri};

/// One provider's answers, ready for its setup run.
#[derive(Debug, Clone)]
pub struct PackSetup {
    pub provider_id: String,
    pub form: SetupForm,
    pub answers: MergedAnswers,
    pub config_path: PathBuf,
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

/// Why a passing setup's answers could not be kept.
#[derive(Debug, thiserror::Error)]
pub enum PersistError {
    #[error(transparent)]
    Answers(#[from] StoredAnswersError),
    #[error(transparent)]
    Secrets(#[from] SecretsError),
}
