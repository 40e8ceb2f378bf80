//! Where the dev secrets store is and which master key opens it: the environment variables
//! every Greentic tool reading the store honours.

use std::path::{Path, PathBuf};

/// The environment variable that moves the store file.
pub const STORE_PATH_ENV: &str = "GREENTIC_DEV_SECRETS_PATH";
/// The dev store's master key (greentic-secrets-provider-dev); unset, the key is derived from
/// the empty string.
pub const MASTER_KEY_ENV: &str = "GREENTIC_DEV_MASTER_KEY";

/// Whether this process has a master key of its own (a non-empty [`MASTER_KEY_ENV`]).
pub fn master_key_set() -> bool {
    std::env::var_os(MASTER_KEY_ENV).is_some_and(|k| !k.is_empty())
}

/// The store file: `GREENTIC_DEV_SECRETS_PATH`, else `<project>/.greentic/dev/.dev.secrets.env`.
/// A relative `GREENTIC_DEV_SECRETS_PATH` is taken from the current folder, as a shell would
/// (the person named that file), and made absolute so every message names it whole.
pub fn store_path(project_root: &Path) -> PathBuf {
    match std::env::var_os(STORE_PATH_ENV).filter(|p| !p.is_empty()) {
        Some(path) => {
            let path = PathBuf::from(path);
            std::path::absolute(&path).unwrap_or(path)
        }
        None => project_root.join(".greentic/dev/.dev.secrets.env"),
    }
}
