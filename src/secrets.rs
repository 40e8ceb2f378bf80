//! Greentic's dev secrets store (greentic-secrets-lib's `DevStore`): where setup keeps secret
//! answers, and the secrets manager the runner reads through during flows.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use greentic_secrets_lib::dev::DevBackend;
use greentic_secrets_lib::spec::{SecretUri, SecretsBackend};
use greentic_secrets_lib::{
    DevStore, SecretFormat, SecretsManager, SecretsStore, canonical_secret_uri,
};

/// The environment variable that moves the store file.
pub const STORE_PATH_ENV: &str = "GREENTIC_DEV_SECRETS_PATH";

/// Why the store could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error("failed to open the dev secrets store {}: {message}", path.display())]
    Open { path: PathBuf, message: String },
    #[error("{key} of provider {provider} cannot name a secret: {message}")]
    Uri {
        provider: String,
        key: String,
        message: String,
    },
    #[error("failed to write secret {uri}: {message}")]
    Write { uri: String, message: String },
    #[error("secret {uri} reads back differently from what was written")]
    Mismatch { uri: String },
}

/// The store file: `GREENTIC_DEV_SECRETS_PATH`, else `<project>/.greentic/dev/.dev.secrets.env`.
pub fn store_path(project_root: &Path) -> PathBuf {
    std::env::var_os(STORE_PATH_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|| project_root.join(".greentic/dev/.dev.secrets.env"))
}

/// Who a secret belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretScope {
    pub env: String,
    pub tenant: String,
    pub team: Option<String>,
}

/// The dev store at one path. Cloning shares it.
#[derive(Clone)]
pub struct DevSecrets {
    store: Arc<DevStore>,
    path: PathBuf,
    /// One runtime for every synchronous read and write of the store, built when it opens.
    runtime: Arc<tokio::runtime::Runtime>,
}

impl std::fmt::Debug for DevSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevSecrets")
            .field("path", &self.path)
            .finish()
    }
}

/// `secrets://<env>/<tenant>/<team or _>/<provider>/<key>`, with provider and key in the
/// canonical form every Greentic tool uses (greentic-secrets-lib's `canonical_secret_uri`).
pub fn secret_uri(scope: &SecretScope, provider: &str, key: &str) -> Result<String, SecretsError> {
    let category = canonical_segment(provider);
    let name = canonical_segment(key);
    canonical_secret_uri(
        &scope.env,
        &scope.tenant,
        scope.team.as_deref(),
        &category,
        &name,
    )
    .map(|uri| uri.to_string())
    .map_err(|err| SecretsError::Uri {
        provider: provider.to_string(),
        key: key.to_string(),
        message: err.to_string(),
    })
}

/// Lower case, with `-`, `.`, `/` and spaces turned into `_` (the store's rule for the
/// provider and key segments).
fn canonical_segment(raw: &str) -> String {
    raw.trim()
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            '-' | '.' | '/' | ' ' => '_',
            c => c,
        })
        .collect()
}

/// One key in the store (no value).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StoredKey {
    /// The provider segment, as the store spells it (`messaging_telegram`).
    pub provider: String,
    pub key: String,
    pub uri: String,
}

/// The store's spelling of a provider id or key (see [`secret_uri`]).
pub fn store_segment(raw: &str) -> String {
    canonical_segment(raw)
}

impl DevSecrets {
    /// Opens the store file at `path`, creating it (and its folder) when `create` is set.
    /// Without `create`, a missing file is `Ok(None)`: nothing is stored yet.
    pub fn open(path: &Path, create: bool) -> Result<Option<Self>, SecretsError> {
        if !create && !path.exists() {
            return Ok(None);
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|err| SecretsError::Open {
                path: path.to_path_buf(),
                message: err.to_string(),
            })?;
        }
        let store = DevStore::with_path(path).map_err(|err| SecretsError::Open {
            path: path.to_path_buf(),
            message: err.to_string(),
        })?;
        let runtime = store_runtime().map_err(|err| SecretsError::Open {
            path: path.to_path_buf(),
            message: format!("cannot start the store's runtime: {err}"),
        })?;
        Ok(Some(Self {
            store: Arc::new(store),
            path: path.to_path_buf(),
            runtime: Arc::new(runtime),
        }))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The secret at `uri`, or `None` when absent or unreadable.
    pub fn get(&self, uri: &str) -> Option<Vec<u8>> {
        self.runtime.block_on(self.store.get(uri)).ok()
    }

    /// Writes `value` at `uri`, then reads it back: a mismatch is an error.
    pub fn put_verified(&self, uri: &str, value: &str) -> Result<(), SecretsError> {
        self.runtime
            .block_on(self.store.put(uri, SecretFormat::Text, value.as_bytes()))
            .map_err(|err| SecretsError::Write {
                uri: uri.to_string(),
                message: err.to_string(),
            })?;
        match self.get(uri) {
            Some(bytes) if bytes == value.as_bytes() => Ok(()),
            _ => Err(SecretsError::Mismatch {
                uri: uri.to_string(),
            }),
        }
    }

    /// The keys stored for `scope` (provider and key as the store spells them), sorted; never
    /// a value (records are listed, not decrypted).
    pub fn list(&self, scope: &SecretScope) -> Result<Vec<StoredKey>, SecretsError> {
        let fail = |message: String| SecretsError::Open {
            path: self.path.clone(),
            message,
        };
        let probe = secret_uri(scope, "probe", "probe")?;
        let probe = SecretUri::parse(&probe).map_err(|e| fail(e.to_string()))?;
        let backend =
            DevBackend::with_persistence(self.path.clone()).map_err(|e| fail(e.to_string()))?;
        let items = backend
            .list(probe.scope(), None, None)
            .map_err(|e| fail(e.to_string()))?;
        Ok(items
            .into_iter()
            .map(|item| StoredKey {
                provider: item.uri.category().to_string(),
                key: item.uri.name().to_string(),
                uri: item.uri.to_string(),
            })
            .collect())
    }

    /// Removes the secret at `uri`, leaving no ciphertext of it in the store file (a copy
    /// without it replaces the file). False when there was nothing to remove.
    pub fn delete(&self, uri: &str) -> Result<bool, SecretsError> {
        if self.get(uri).is_none() {
            return Ok(false);
        }
        let fail = |message: String| SecretsError::Write {
            uri: uri.to_string(),
            message,
        };
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let staged = tempfile::Builder::new()
            .prefix(".dev.secrets.")
            .tempfile_in(dir)
            .map_err(|e| fail(e.to_string()))?
            .into_temp_path();
        // The staging path must not exist yet for the store's copy.
        std::fs::remove_file(&staged).map_err(|e| fail(e.to_string()))?;
        DevStore::copy_excluding(&self.path, &staged, &[uri]).map_err(|e| fail(e.to_string()))?;
        std::fs::rename(&staged, &self.path).map_err(|e| fail(e.to_string()))?;
        Ok(true)
    }

    /// A secrets manager for the runner, reading and writing this store.
    pub fn manager(&self) -> Arc<dyn SecretsManager> {
        Arc::new(StoreManager(self.clone()))
    }
}

/// The runtime the store's synchronous calls run on. Never entered from inside the runner's
/// runtime: the manager below awaits the store directly. A current-thread runtime may be
/// blocked on from several flows' threads at once; they take turns.
fn store_runtime() -> io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// The runner names a pack's secret `secrets://<env>/<tenant>/<team>/<pack id>/<key>` with its
/// own segment rules (it keeps `-` in a pack id); the store's canonical form turns `-` into
/// `_`. Paths are rewritten to the canonical form so flows find what setup wrote.
struct StoreManager(DevSecrets);

fn canonical_path(path: &str) -> String {
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
        self.0
            .store
            .get(&canonical_path(path))
            .await
            .map_err(|err| greentic_secrets_lib::SecretError::NotFound(format!("{path}: {err}")))
    }

    async fn write(&self, path: &str, bytes: &[u8]) -> greentic_secrets_lib::Result<()> {
        self.0
            .store
            .put(&canonical_path(path), SecretFormat::Text, bytes)
            .await
            .map_err(|err| greentic_secrets_lib::SecretError::Backend(err.to_string().into()))
    }

    async fn delete(&self, path: &str) -> greentic_secrets_lib::Result<()> {
        Err(greentic_secrets_lib::SecretError::Permission(format!(
            "{path}: flows run by the operator cannot delete secrets"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(team: Option<&str>) -> SecretScope {
        SecretScope {
            env: "dev".into(),
            tenant: "acme".into(),
            team: team.map(String::from),
        }
    }

    #[test]
    fn uris_follow_the_canonical_form() {
        assert_eq!(
            secret_uri(&scope(None), "messaging-slack", "Bot.Token").unwrap(),
            "secrets://dev/acme/_/messaging_slack/bot_token"
        );
        assert_eq!(
            secret_uri(&scope(Some("blue")), "p", "k").unwrap(),
            "secrets://dev/acme/blue/p/k"
        );
        assert_eq!(
            canonical_path("secrets://dev/acme/_/messaging-slack/bot_token"),
            "secrets://dev/acme/_/messaging_slack/bot_token"
        );
    }

    #[test]
    fn a_written_secret_reads_back_through_the_store_and_the_runner_manager() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = DevSecrets::open(&dir.path().join("s.env"), true)
            .unwrap()
            .unwrap();
        let uri = secret_uri(&scope(None), "messaging-slack", "bot_token").unwrap();
        secrets.put_verified(&uri, "xoxb-123").unwrap();
        let reopened = DevSecrets::open(&dir.path().join("s.env"), false)
            .unwrap()
            .unwrap();
        assert_eq!(reopened.get(&uri).unwrap(), b"xoxb-123");
        let manager = reopened.manager();
        let via_runner = store_runtime()
            .unwrap()
            .block_on(manager.read("secrets://dev/acme/_/messaging-slack/bot_token"));
        assert_eq!(via_runner.unwrap(), b"xoxb-123");
        let raw = std::fs::read(dir.path().join("s.env")).unwrap();
        assert!(
            !raw.windows(8).any(|w| w == b"xoxb-123"),
            "the store file holds the value in clear"
        );
    }
}
