//! Greentic's dev secrets store (greentic-secrets-lib's `DevStore`): where setup keeps secret
//! answers, and the secrets manager the runner reads through during flows.

use std::path::Path;
use std::sync::Arc;

use greentic_secrets_lib::SecretsManager;
use greentic_secrets_lib::dev::DevBackend;
use greentic_secrets_lib::spec::{SecretUri, SecretsBackend};

mod error;
mod location;
mod naming;
mod runner_manager;
mod store_file;

pub use error::SecretsError;
pub use location::{MASTER_KEY_ENV, STORE_PATH_ENV, master_key_set, store_path};
pub use naming::{SecretScope, secret_uri, store_segment};
pub use runner_manager::SeenSecrets;
use runner_manager::{EmptyManager, StoreManager};
use store_file::{Put, StoreFile};

/// The secrets manager a provider reads through: `store`'s, or one over nothing when the
/// store does not exist yet.
pub fn manager_or_empty(store: Option<&DevSecrets>) -> Arc<dyn SecretsManager> {
    match store {
        Some(store) => store.manager(Arc::default()),
        None => Arc::new(EmptyManager),
    }
}

/// The dev store at one path. Cloning shares it. Reads see the file as it is now; every
/// change is made under the store's lock on a fresh read (see `store_file`).
#[derive(Clone)]
pub struct DevSecrets {
    file: StoreFile,
}

impl std::fmt::Debug for DevSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevSecrets")
            .field("path", &self.file.path())
            .finish()
    }
}

/// One key in the store (no value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredKey {
    /// The provider segment, as the store spells it (`messaging_telegram`).
    pub provider: String,
    pub key: String,
    pub uri: String,
}

impl DevSecrets {
    /// The store file at `path`. With `create`, its folder is made (owner-only) when missing
    /// and the file appears with the first secret written; without it, a missing file is
    /// `Ok(None)`: nothing is stored yet. A store in a folder others may write is refused
    /// ([`SecretsError::SharedFolder`]), to read as much as to write.
    pub fn open(path: &Path, create: bool) -> Result<Option<Self>, SecretsError> {
        if !create && !path.exists() {
            return Ok(None);
        }
        let file = StoreFile::new(path);
        if create {
            file.prepare_dir()?;
        } else {
            file.check_dir()?;
        }
        Ok(Some(Self { file }))
    }

    /// Whether a store at `path` would be refused for its folder (see [`DevSecrets::open`]),
    /// the store written yet or not.
    pub fn check_folder(path: &Path) -> Result<(), SecretsError> {
        StoreFile::new(path).check_dir()
    }

    pub fn path(&self) -> &Path {
        self.file.path()
    }

    /// The secret at `uri` as the store holds it now; `None` when absent. A store that
    /// cannot be read or decrypted (a wrong `GREENTIC_DEV_MASTER_KEY`) is an error.
    pub fn get(&self, uri: &str) -> Result<Option<Vec<u8>>, SecretsError> {
        self.file.get(uri)
    }

    /// Writes `value` at `uri` and reads it back (see [`DevSecrets::put_all_verified`]).
    pub fn put_verified(&self, uri: &str, value: &str) -> Result<(), SecretsError> {
        self.put_all_verified(&[(uri.to_string(), value.to_string())])
    }

    /// Writes every `(uri, value)` in one change of the store file, under its lock and on a
    /// fresh read of it, each read back before the file is replaced: all are stored, or none.
    pub fn put_all_verified(&self, values: &[(String, String)]) -> Result<(), SecretsError> {
        let puts: Vec<Put<'_>> = values
            .iter()
            .map(|(uri, value)| Put {
                uri,
                value: value.as_bytes(),
            })
            .collect();
        self.file.put_all(&puts)
    }

    /// The keys stored for `scope` (provider and key as the store spells them), sorted; never
    /// a value (records are listed, not decrypted).
    pub fn list(&self, scope: &SecretScope) -> Result<Vec<StoredKey>, SecretsError> {
        let path = self.path().to_path_buf();
        let fail = |message: String| SecretsError::Open {
            path: path.clone(),
            message,
        };
        if !path.exists() {
            return Ok(Vec::new());
        }
        let probe = secret_uri(scope, "probe", "probe")?;
        let probe = SecretUri::parse(&probe).map_err(|e| fail(e.to_string()))?;
        let backend =
            DevBackend::with_persistence(path.clone()).map_err(|e| fail(e.to_string()))?;
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

    /// Whether this process's master key opens the store: one secret of `scope`, else any one
    /// of the store's, is decrypted. A store written with another `GREENTIC_DEV_MASTER_KEY` is
    /// [`SecretsError::WrongKey`], never "nothing stored" (and never written under a second key).
    pub fn check_key(&self, scope: &SecretScope) -> Result<(), SecretsError> {
        let in_scope = self.list(scope)?.into_iter().next().map(|key| key.uri);
        let Some(uri) = in_scope.or_else(|| self.file.any_uri()) else {
            return Ok(());
        };
        match self.get(&uri) {
            Err(SecretsError::Read { message, .. }) => Err(SecretsError::WrongKey {
                path: self.path().to_path_buf(),
                key_set: master_key_set(),
                message,
            }),
            other => other.map(|_| ()),
        }
    }

    /// Removes the secret at `uri`, leaving no ciphertext of it in the store file, under the
    /// store's lock. False when there was nothing to remove.
    pub fn delete(&self, uri: &str) -> Result<bool, SecretsError> {
        self.file.delete(uri)
    }

    /// Removes every secret of `uris` in one change of the store; returns those that were
    /// there.
    pub fn delete_all(&self, uris: &[String]) -> Result<Vec<String>, SecretsError> {
        self.file.delete_all(uris)
    }

    /// A secrets manager for the runner, reading and writing this store; every value it hands
    /// to a flow or takes from one is noted in `seen`, so that the flow's files can be kept
    /// clear of it.
    pub fn manager(&self, seen: Arc<SeenSecrets>) -> Arc<dyn SecretsManager> {
        Arc::new(StoreManager::new(self.clone(), seen))
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
            runner_manager::canonical_path("secrets://dev/acme/_/messaging-slack/bot_token"),
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
        assert_eq!(reopened.get(&uri).unwrap().unwrap(), b"xoxb-123");
        let seen = Arc::new(SeenSecrets::default());
        let manager = reopened.manager(Arc::clone(&seen));
        let via_runner = futures_util::FutureExt::now_or_never(
            manager.read("secrets://dev/acme/_/messaging-slack/bot_token"),
        )
        .unwrap();
        assert_eq!(via_runner.unwrap(), b"xoxb-123");
        assert_eq!(seen.values(), ["xoxb-123"], "noted for the redactor");
        let raw = std::fs::read(dir.path().join("s.env")).unwrap();
        assert!(
            !raw.windows(8).any(|w| w == b"xoxb-123"),
            "the store file holds the value in clear"
        );
    }

    #[test]
    fn two_handles_opened_before_either_writes_keep_both_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dev/s.env");
        let first = DevSecrets::open(&path, true).unwrap().unwrap();
        let second = DevSecrets::open(&path, true).unwrap().unwrap();
        let a = secret_uri(&scope(None), "p", "a").unwrap();
        let b = secret_uri(&scope(None), "p", "b").unwrap();
        first.put_verified(&a, "value-a").unwrap();
        second.put_verified(&b, "value-b").unwrap();
        // Each handle reads what the other wrote after it opened.
        assert_eq!(second.get(&a).unwrap().unwrap(), b"value-a");
        assert_eq!(first.get(&b).unwrap().unwrap(), b"value-b");
        assert!(first.delete(&a).unwrap());
        assert_eq!(second.get(&a).unwrap(), None);
        assert_eq!(second.get(&b).unwrap().unwrap(), b"value-b");
        assert!(!second.delete(&a).unwrap());
    }

    #[cfg(unix)]
    #[test]
    fn the_store_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dev/s.env");
        let store = DevSecrets::open(&path, true).unwrap().unwrap();
        store
            .put_verified(&secret_uri(&scope(None), "p", "k").unwrap(), "v1")
            .unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
    }

    #[cfg(unix)]
    #[test]
    fn a_write_of_the_store_flushes_its_folder_after_the_rename() {
        use crate::state::atomic_file::tests::synced;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.env");
        let store = DevSecrets::open(&path, true).unwrap().unwrap();
        synced();
        let uri = secret_uri(&scope(None), "p", "k").unwrap();
        store.put_verified(&uri, "v1").unwrap();
        assert_eq!(synced(), [dir.path().to_path_buf()]);
        assert!(store.delete(&uri).unwrap());
        assert_eq!(synced(), [dir.path().to_path_buf()], "a deletion too");
    }
}
