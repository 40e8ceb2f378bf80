//! Exclusive locks between operator processes on one project: a writer of a shared file holds
//! the lock of `<file>.lock` (a file that stays, since the shared file itself is replaced by
//! rename), re-reads the file under it, changes it and replaces it atomically.
//!
//! The locks are the operating system's (`flock` on Unix, through `std::fs::File::lock`): they
//! die with their process, so a holder killed with `kill -9` never blocks the next one. A wait
//! longer than [`NOTICE_AFTER`] is announced once through the notice the command installed
//! ([`set_wait_notice`]); Ctrl-C ends a wait, and so does [`WAIT_LIMIT`].

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::base::interrupt::PROCESS_INTERRUPT;

/// How long a wait goes unannounced.
pub const NOTICE_AFTER: Duration = Duration::from_secs(1);

/// The longest wait for a lock. Holders keep a lock for one read-modify-write of a file (a
/// few milliseconds), so a wait this long means a process is stuck while holding it.
pub const WAIT_LIMIT: Duration = Duration::from_secs(120);

/// Why a lock was not taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("failed to open the lock file {}: {source}", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("failed to lock {}: {source}", path.display())]
    Lock {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("interrupted while waiting for the lock {}; nothing was written", path.display())]
    Interrupted { path: PathBuf },
    #[error(
        "gave up after {}s waiting for the lock {}: another greentic-operator still holds it; \
         end that process (or let it finish) and run this again",
        waited.as_secs(), path.display()
    )]
    TimedOut { path: PathBuf, waited: Duration },
}

impl LockError {
    /// Whether the wait ended because the person pressed Ctrl-C (exit code 130).
    pub fn is_interrupted(&self) -> bool {
        matches!(self, Self::Interrupted { .. })
    }
}

/// A held exclusive lock; released when dropped (or when the process ends, however it ends).
#[derive(Debug)]
pub struct FileLock {
    _file: File,
    path: PathBuf,
}

impl FileLock {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Receives the lock file a process has waited for longer than [`NOTICE_AFTER`].
pub type WaitNotice = fn(&Path);

static WAIT_NOTICE: OnceLock<WaitNotice> = OnceLock::new();

/// Installs the announcement of a long wait (the report layer's; the core never prints). Set
/// once per process; later calls are ignored.
pub fn set_wait_notice(notice: WaitNotice) {
    let _ = WAIT_NOTICE.set(notice);
}

/// The lock file that guards `file`: `<file>.lock` beside it.
pub fn lock_path_for(file: &Path) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    file.with_file_name(name)
}

/// Takes the exclusive lock guarding `file`, waiting for another holder (visibly after
/// [`NOTICE_AFTER`], at most [`WAIT_LIMIT`], until Ctrl-C). Creates the folder if needed.
pub fn lock_for(file: &Path) -> Result<FileLock, LockError> {
    lock(&lock_path_for(file), WAIT_LIMIT)
}

/// Takes the lock guarding `file` only when nobody holds it: `None` when another holds it.
pub fn try_lock_for(file: &Path) -> Result<Option<FileLock>, LockError> {
    let path = lock_path_for(file);
    let handle = open(&path)?;
    match handle.try_lock() {
        Ok(()) => Ok(Some(FileLock {
            _file: handle,
            path,
        })),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(source)) => Err(LockError::Lock { path, source }),
    }
}

/// Takes the exclusive lock of the lock file `path`, waiting at most `limit`.
pub fn lock(path: &Path, limit: Duration) -> Result<FileLock, LockError> {
    let handle = open(path)?;
    let started = Instant::now();
    let mut announced = false;
    let mut pause = Duration::from_millis(1);
    loop {
        match handle.try_lock() {
            Ok(()) => {
                return Ok(FileLock {
                    _file: handle,
                    path: path.to_path_buf(),
                });
            }
            Err(TryLockError::WouldBlock) => {}
            Err(TryLockError::Error(source)) => {
                return Err(LockError::Lock {
                    path: path.to_path_buf(),
                    source,
                });
            }
        }
        if PROCESS_INTERRUPT.is_requested() {
            return Err(LockError::Interrupted {
                path: path.to_path_buf(),
            });
        }
        let waited = started.elapsed();
        if waited >= limit {
            return Err(LockError::TimedOut {
                path: path.to_path_buf(),
                waited,
            });
        }
        if !announced && waited >= NOTICE_AFTER {
            announced = true;
            if let Some(notice) = WAIT_NOTICE.get() {
                notice(path);
            }
        }
        // Short pauses at first (a holder usually lets go within milliseconds), then at most
        // 20 ms so that Ctrl-C and the holder's release are noticed at once.
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}

fn open(path: &Path) -> Result<File, LockError> {
    let fail = |source| LockError::Open {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(fail)?;
    }
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_file_sits_beside_the_file_it_guards() {
        assert_eq!(
            lock_path_for(Path::new("/p/.greentic/dev/.dev.secrets.env")),
            PathBuf::from("/p/.greentic/dev/.dev.secrets.env.lock")
        );
    }

    #[test]
    fn a_held_lock_is_not_taken_twice_and_is_free_once_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sub/answers.json");
        let held = lock_for(&file).unwrap();
        assert!(try_lock_for(&file).unwrap().is_none());
        let waited = lock(&lock_path_for(&file), Duration::from_millis(30)).unwrap_err();
        assert!(matches!(waited, LockError::TimedOut { .. }), "{waited}");
        drop(held);
        assert!(try_lock_for(&file).unwrap().is_some());
    }
}
