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
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use futures_executor::block_on;
use greentic_secrets_lib::{DevStore, SecretFormat, SecretsStore};
use tempfile::TempPath;

use super::SecretsError;
use crate::file_lock;

/// The store file at one path, with the store as this process last read it.
#[derive(Clone)]
pub(super) struct StoreFile {
    path: PathBuf,
    last_read: Arc<Mutex<Option<Snapshot>>>,
}

/// The store read from one version of the file.
struct Snapshot {
    identity: FileIdentity,
    store: DevStore,
}

/// What tells two versions of the store file apart: every change replaces the file (a new
/// inode), and the times and length are checked as well in case an inode number is reused.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileIdentity {
    device: u64,
    inode: u64,
    len: u64,
    modified: Option<SystemTime>,
    changed: i64,
}

impl FileIdentity {
    fn of(path: &Path) -> io::Result<Option<Self>> {
        let meta = match fs::metadata(path) {
            Ok(meta) => meta,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(err) => return Err(err),
        };
        #[cfg(unix)]
        let (device, inode, changed) = {
            use std::os::unix::fs::MetadataExt;
            (meta.dev(), meta.ino(), meta.ctime_nsec() + meta.ctime() * 1_000_000_000)
        };
        #[cfg(not(unix))]
        let (device, inode, changed) = (0, 0, 0);
        Ok(Some(Self {
            device,
            inode,
            len: meta.len(),
            modified: meta.modified().ok(),
            changed,
        }))
    }
}

/// One value to write.
pub(super) struct Put<'a> {
    pub uri: &'a str,
    pub value: &'a [u8],
}

impl StoreFile {
    pub(super) fn new(path: &Path) -> Self {
        Self {
            path: path.to_path_buf(),
            last_read: Arc::new(Mutex::new(None)),
        }
    }

    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// Creates the store's folder (owner-only) when missing.
    pub(super) fn prepare_dir(&self) -> Result<(), SecretsError> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        create_private_dir(dir).map_err(|e| self.open_error(e))
    }

    fn open_error(&self, message: impl ToString) -> SecretsError {
        SecretsError::Open {
            path: self.path.clone(),
            message: message.to_string(),
        }
    }

    /// The secret at `uri` in the store as it is on disk now (re-read when another process
    /// has replaced the file since the last read); `None` when absent.
    pub(super) fn get(&self, uri: &str) -> Result<Option<Vec<u8>>, SecretsError> {
        let guard = self.current()?;
        let Some(snapshot) = guard.as_ref() else {
            return Ok(None);
        };
        match block_on(snapshot.store.get(uri)) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(greentic_secrets_lib::core::Error::NotFound { .. }) => Ok(None),
            Err(err) => Err(SecretsError::Read {
                uri: uri.to_string(),
                path: self.path.clone(),
                message: err.to_string(),
            }),
        }
    }

    /// The last read store, refreshed first if the file changed since.
    fn current(&self) -> Result<MutexGuard<'_, Option<Snapshot>>, SecretsError> {
        let mut guard = self
            .last_read
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let identity = FileIdentity::of(&self.path).map_err(|e| self.open_error(e))?;
        let fresh = match (&*guard, &identity) {
            (Some(snapshot), Some(identity)) => snapshot.identity == *identity,
            (None, None) => true,
            _ => false,
        };
        if !fresh {
            *guard = match identity {
                Some(identity) => Some(Snapshot {
                    identity,
                    store: DevStore::with_path(&self.path).map_err(|e| self.open_error(e))?,
                }),
                None => None,
            };
        }
        Ok(guard)
    }

    /// Writes every value of `puts` in one replacement of the file, under the lock, after
    /// reading each back from the new file: either all are stored or none.
    pub(super) fn put_all(&self, puts: &[Put<'_>]) -> Result<(), SecretsError> {
        if puts.is_empty() {
            return Ok(());
        }
        self.replace(|staged| {
            copy_current(&self.path, staged).map_err(|e| self.open_error(e))?;
            let store = DevStore::with_path(staged).map_err(|e| self.open_error(e))?;
            for put in puts {
                block_on(store.put(put.uri, SecretFormat::Text, put.value)).map_err(|err| {
                    SecretsError::Write {
                        uri: put.uri.to_string(),
                        message: err.to_string(),
                    }
                })?;
            }
            // Read back from the file as written, not from the store's memory.
            let written = DevStore::with_path(staged).map_err(|e| self.open_error(e))?;
            for put in puts {
                match block_on(written.get(put.uri)) {
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
        let fail = |message: String| SecretsError::Write {
            uri: uri.to_string(),
            message,
        };
        let mut removed = false;
        self.replace(|staged| {
            if !self.path.exists() || self.get(uri)?.is_none() {
                return Ok(());
            }
            // The copy must create its destination itself.
            fs::remove_file(staged).map_err(|e| fail(e.to_string()))?;
            DevStore::copy_excluding(&self.path, staged, &[uri]).map_err(|e| fail(e.to_string()))?;
            removed = true;
            Ok(())
        })?;
        Ok(removed)
    }

    /// Under the store's lock: `change` prepares the new store at a private path beside it,
    /// which then replaces the store (flushed first, readable by its owner only). A change
    /// that leaves the staged file empty replaces nothing.
    fn replace(
        &self,
        change: impl FnOnce(&Path) -> Result<(), SecretsError>,
    ) -> Result<(), SecretsError> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        create_private_dir(dir).map_err(|e| self.open_error(e))?;
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
        Ok(())
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

/// Creates `dir` (and its parents) when missing; the folder that holds the store is readable
/// by its owner only when the operator creates it.
fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
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
