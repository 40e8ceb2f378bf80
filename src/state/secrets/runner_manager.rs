//! The dev store as the runner's secrets manager: the runner's secret paths in the store's
//! canonical form, and every value a flow reads or writes noted for the redactor.

use std::sync::Arc;

use async_trait::async_trait;
use greentic_secrets_lib::SecretsManager;

use super::{DevSecrets, SecretScope, secret_uri};

/// The secret values one flow read or wrote through its secrets manager.
#[derive(Debug, Default)]
pub struct SeenSecrets(std::sync::Mutex<Vec<String>>);

impl SeenSecrets {
    fn note(&self, bytes: &[u8]) {
        let value = String::from_utf8_lossy(bytes).into_owned();
        let mut seen = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if !seen.contains(&value) {
            seen.push(value);
        }
    }

    pub fn values(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

/// The runner names a pack's secret `secrets://<env>/<tenant>/<team>/<pack id>/<key>` with its
/// own segment rules (it keeps `-` in a pack id); the store's canonical form turns `-` into
/// `_`. Paths are rewritten to the canonical form so flows find what setup wrote.
pub(super) struct StoreManager {
    store: DevSecrets,
    seen: Arc<SeenSecrets>,
}

impl StoreManager {
    pub(super) fn new(store: DevSecrets, seen: Arc<SeenSecrets>) -> Self {
        Self { store, seen }
    }
}

pub(super) fn canonical_path(path: &str) -> String {
    let Some(rest) = path.strip_prefix("secrets://") else {
        return path.to_string();
    };
    let parts: Vec<&str> = rest.splitn(5, '/').collect();
    let [env, tenant, team, provider, key] = parts[..] else {
        return path.to_string();
    };
    let team = (team != "_").then(|| team.to_string());
    let scope = SecretScope {
        env: env.to_string(),
        tenant: tenant.to_string(),
        team,
    };
    secret_uri(&scope, provider, key).unwrap_or_else(|_| path.to_string())
}

#[async_trait]
impl SecretsManager for StoreManager {
    async fn read(&self, path: &str) -> greentic_secrets_lib::Result<Vec<u8>> {
        match self.store.get(&canonical_path(path)) {
            Ok(Some(bytes)) => {
                self.seen.note(&bytes);
                Ok(bytes)
            }
            Ok(None) => Err(greentic_secrets_lib::SecretError::NotFound(
                path.to_string(),
            )),
            Err(err) => Err(greentic_secrets_lib::SecretError::Backend(
                err.to_string().into(),
            )),
        }
    }

    async fn write(&self, path: &str, bytes: &[u8]) -> greentic_secrets_lib::Result<()> {
        self.seen.note(bytes);
        let value = String::from_utf8_lossy(bytes).into_owned();
        self.store
            .put_verified(&canonical_path(path), &value)
            .map_err(|err| greentic_secrets_lib::SecretError::Backend(err.to_string().into()))
    }

    async fn delete(&self, path: &str) -> greentic_secrets_lib::Result<()> {
        Err(greentic_secrets_lib::SecretError::Permission(format!(
            "{path}: flows run by the operator cannot delete secrets"
        )))
    }
}

/// A secrets manager over nothing: every read is "not found", every write refused. For
/// calling a provider before the store exists (a dry run creates no file).
pub(super) struct EmptyManager;

#[async_trait]
impl SecretsManager for EmptyManager {
    async fn read(&self, path: &str) -> greentic_secrets_lib::Result<Vec<u8>> {
        Err(greentic_secrets_lib::SecretError::NotFound(
            path.to_string(),
        ))
    }

    async fn write(&self, path: &str, _bytes: &[u8]) -> greentic_secrets_lib::Result<()> {
        Err(greentic_secrets_lib::SecretError::Permission(format!(
            "{path}: nothing is stored during a dry run"
        )))
    }

    async fn delete(&self, path: &str) -> greentic_secrets_lib::Result<()> {
        self.write(path, &[]).await
    }
}
