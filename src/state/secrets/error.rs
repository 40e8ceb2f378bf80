//! Why the dev secrets store could not be used (`SecretsError`): each message names the store
//! file and what to do.

use std::path::PathBuf;

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
    #[error("failed to read secret {uri} from the dev secrets store {}: {message}; if the store was written with another GREENTIC_DEV_MASTER_KEY, set that key", path.display())]
    Read {
        uri: String,
        path: PathBuf,
        message: String,
    },
    #[error(
        "the dev secrets store {} cannot be decrypted with {}: {message}; it was written with \
         another key: set GREENTIC_DEV_MASTER_KEY to that key (every Greentic tool reading this \
         store needs the same one), or move the file away to start a new store",
        path.display(),
        if *key_set { "the GREENTIC_DEV_MASTER_KEY set" } else { "the dev store's default key (GREENTIC_DEV_MASTER_KEY is unset)" }
    )]
    WrongKey {
        path: PathBuf,
        key_set: bool,
        message: String,
    },
    #[error(
        "refusing the dev secrets store {}: its folder {} is not private ({why}), so another \
         user could replace the store or its lock; keep the store in a folder only you can \
         write, e.g. `mkdir -m 700 ~/.greentic-dev` and \
         `export GREENTIC_DEV_SECRETS_PATH=~/.greentic-dev/dev.secrets.env`",
        path.display(),
        dir.display()
    )]
    SharedFolder {
        path: PathBuf,
        dir: PathBuf,
        why: String,
    },
    #[error(transparent)]
    Lock(#[from] crate::state::file_lock::LockError),
    #[error(
        "a dev secrets store call did not finish at once (greentic-secrets' dev store changed?)"
    )]
    Pending,
    #[error("failed to write secret {uri}: {message}")]
    Write { uri: String, message: String },
    #[error("secret {uri} reads back differently from what was written")]
    Mismatch { uri: String },
}

impl SecretsError {
    /// Whether the person pressed Ctrl-C while the store's lock was awaited.
    pub fn is_interrupted(&self) -> bool {
        matches!(self, Self::Lock(lock) if lock.is_interrupted())
    }
}
