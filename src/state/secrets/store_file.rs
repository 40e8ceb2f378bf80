//! The dev store's file, shared by every operator process on a project: read as it is on disk
//! now, and changed only under the store's lock, by writing a complete new file beside it and
//! renaming it over the old one.
//!
//! greentic-secrets' `DevStore` reads its file once when opened and writes its whole in-memory
//! state back on every `put`: two processes that opened the store before either wrote would
//! each write back a state without the other's secret. So a [`StoreFile`] never writes
//! through a store opened earlier: a change takes the lock of `<store>.lock`, copies the store
//! as it is now into a private temporary file, applies this process's change there, reads it
//! back, flushes it, and renames it over the store. A reader sees the old file or the new one.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use futures_util::FutureExt;
use greentic_secrets_lib::{DevStore, SecretFormat, SecretsStore};
use tempfile::TempPath;

use super::SecretsError;
use crate::state::atomic_file::{create_private_dir, parent_of, shared_dir, sync_dir};
use crate::state::file_lock;

/// The store file at one path.
#[derive(Clone)]
pub(super) struct StoreFile {
    path: PathBuf,
}

/// One value to write.
pub(super) struct Put<'a> {
    pub uri: &'a str,
    pub value: &'a [u8],
}

/// Runs one of the store's calls. They are `async` in greentic-secrets' trait but never wait
/// (the dev store reads and writes its file synchronously), so one poll finishes them, from any
/// thread, inside the runner's runtime or outside any.
fn now<T>(call: impl Future<Output = T>) -> Result<T, SecretsError> {
    call.now_or_never().ok_or(SecretsError::Pending)
}

impl StoreFile {
    pub(super) fn new(path: &Path) -> Self {
        Self {
            path: path.to_path_buf(),
        }
    }

    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// Creates the store's folder (owner-only) when missing; an existing one is left as it is,
    /// and refused when others may replace files in it.
    pub(super) fn prepare_dir(&self) -> Result<(), SecretsError> {
        create_private_dir(parent_of(&self.path)).map_err(|e| self.open_error(e))?;
        self.check_dir()
    }

    /// Refuses a store in a folder others may write: they could swap the file (its secrets
    /// then theirs) or the lock beside it.
    pub(super) fn check_dir(&self) -> Result<(), SecretsError> {
        let dir = parent_of(&self.path);
        match shared_dir(dir) {
            None => Ok(()),
            Some(why) => Err(SecretsError::SharedFolder {
                path: self.path.clone(),
                dir: dir.to_path_buf(),
                why: why.to_string(),
            }),
        }
    }

    fn open_error(&self, message: impl ToString) -> SecretsError {
        SecretsError::Open {
            path: self.path.clone(),
            message: message.to_string(),
        }
    }

    /// The secret at `uri` in the store as it is on disk now; `None` when absent.
    ///
    /// Each read opens the file afresh. Besides seeing other processes' writes, this keeps
    /// clear of the dev store's key cache: it keeps one data key per provider and scope for
    /// decrypting, while records written by different processes carry different keys, so one
    /// store instance that decrypts a record of one process then fails ("message
    /// authentication failed") on a record of another.
    pub(super) fn get(&self, uri: &str) -> Result<Option<Vec<u8>>, SecretsError> {
        if !self.path.exists() {
            return Ok(None);
        }
        let store = DevStore::with_path(&self.path).map_err(|e| self.open_error(e))?;
        match now(store.get(uri))? {
            Ok(bytes) => {
                // A value read is one this command knows: stderr is cleaned of it from now.
                crate::state::redact::note_secrets([String::from_utf8_lossy(&bytes)]);
                Ok(Some(bytes))
            }
            Err(greentic_secrets_lib::core::Error::NotFound { .. }) => Ok(None),
            Err(err) => Err(SecretsError::Read {
                uri: uri.to_string(),
                path: self.path.clone(),
                message: err.to_string(),
            }),
        }
    }

    /// The URI of some secret the file holds, of any scope; `None` when it holds none or its
    /// layout is not greentic-secrets-provider-dev 1.2's (`SECRETS_BACKEND_STATE=<base64 of
    /// {"secrets":[{"key":<uri>,...}]}>`). The store's own API lists one scope at a time.
    pub(super) fn any_uri(&self) -> Option<String> {
        use base64::Engine as _;
        use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
        // The provider writes it without padding; either is read.
        const ENGINE: GeneralPurpose = GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
        );
        let text = fs::read_to_string(&self.path).ok()?;
        let encoded = text
            .lines()
            .find_map(|line| line.strip_prefix("SECRETS_BACKEND_STATE="))?;
        let json = ENGINE.decode(encoded.trim()).ok()?;
        let state: serde_json::Value = serde_json::from_slice(&json).ok()?;
        state["secrets"]
            .as_array()?
            .iter()
            .find_map(|entry| entry["key"].as_str().map(String::from))
    }

    /// Writes every value of `puts` in one replacement of the file, under the lock, after
    /// reading each back from the new file: either all are stored or none.
    pub(super) fn put_all(&self, puts: &[Put<'_>]) -> Result<(), SecretsError> {
        if puts.is_empty() {
            return Ok(());
        }
        let written = puts.iter().map(|put| String::from_utf8_lossy(put.value));
        crate::state::redact::note_secrets(written);
        self.replace(|staged| {
            copy_current(&self.path, staged).map_err(|e| self.open_error(e))?;
            let store = DevStore::with_path(staged).map_err(|e| self.open_error(e))?;
            for put in puts {
                now(store.put(put.uri, SecretFormat::Text, put.value))?.map_err(|err| {
                    SecretsError::Write {
                        uri: put.uri.to_string(),
                        message: err.to_string(),
                    }
                })?;
            }
            // Read back from the file as written, not from the store's memory.
            let written = DevStore::with_path(staged).map_err(|e| self.open_error(e))?;
            for put in puts {
                match now(written.get(put.uri))? {
                    Ok(bytes) if bytes == put.value => {}
                    _ => {
                        return Err(SecretsError::Mismatch {
                            uri: put.uri.to_string(),
                        });
                    }
                }
            }
            Ok(())
        })
    }

    /// Removes `uri` leaving no ciphertext of it (greentic-secrets' `copy_excluding` writes
    /// the store without it). False when the store does not hold it now.
    pub(super) fn delete(&self, uri: &str) -> Result<bool, SecretsError> {
        Ok(!self.delete_all(&[uri.to_string()])?.is_empty())
    }

    /// Removes every secret of `uris` in one change of the store (no ciphertext of them left
    /// in it); returns those that were there.
    pub(super) fn delete_all(&self, uris: &[String]) -> Result<Vec<String>, SecretsError> {
        let fail = |message: String| SecretsError::Write {
            uri: uris.join(", "),
            message,
        };
        let mut removed = Vec::new();
        self.replace(|staged| {
            if !self.path.exists() {
                return Ok(());
            }
            for uri in uris {
                if self.get(uri)?.is_some() {
                    removed.push(uri.clone());
                }
            }
            if removed.is_empty() {
                return Ok(());
            }
            // The copy must create its destination itself.
            fs::remove_file(staged).map_err(|e| fail(e.to_string()))?;
            let excluded: Vec<&str> = removed.iter().map(String::as_str).collect();
            DevStore::copy_excluding(&self.path, staged, &excluded)
                .map_err(|e| fail(e.to_string()))?;
            Ok(())
        })?;
        Ok(removed)
    }

    /// Under the store's lock: `change` prepares the new store at a private path beside it,
    /// which then replaces the store (flushed first, readable by its owner only; its folder
    /// flushed after). A change that leaves the staged file empty replaces nothing.
    fn replace(
        &self,
        change: impl FnOnce(&Path) -> Result<(), SecretsError>,
    ) -> Result<(), SecretsError> {
        let dir = parent_of(&self.path);
        self.prepare_dir()?;
        let _lock = file_lock::lock_for(&self.path)?;
        let staged: TempPath = tempfile::Builder::new()
            .prefix(".dev.secrets.")
            .tempfile_in(dir)
            .map_err(|e| self.open_error(e))?
            .into_temp_path();
        change(&staged)?;
        if !staged.exists() || fs::metadata(&staged).is_ok_and(|m| m.len() == 0) {
            return Ok(());
        }
        let flushed = fs::File::open(&staged).and_then(|file| {
            set_owner_only(&staged)?;
            file.sync_all()
        });
        flushed.map_err(|e| self.open_error(e))?;
        staged
            .persist(&self.path)
            .map_err(|e| self.open_error(e.error))?;
        // The rename made durable: "stored" means stored after a power loss too.
        sync_dir(dir).map_err(|e| self.open_error(e))
    }
}

/// Copies the store as it is now (if any) into the staged file.
fn copy_current(store: &Path, staged: &Path) -> io::Result<()> {
    let bytes = match fs::read(store) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(err),
    };
    let mut file = fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(staged)?;
    file.write_all(&bytes)
}

fn set_owner_only(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}
