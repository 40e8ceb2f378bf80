//! A provider's `setup-answers.json` (one per env, tenant and team): its non-secret answers,
//! read by the rest of the platform. Updated under the file's lock, on a fresh read of it,
//! and replaced atomically.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::state::atomic_file::write_atomic;
use crate::state::file_lock::{self, LockError};

#[derive(Debug, thiserror::Error)]
pub enum StoredAnswersError {
    #[error("failed to read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{} is not a JSON object ({message}); fix or delete it", path.display())]
    Invalid { path: PathBuf, message: String },
    #[error("failed to write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(transparent)]
    Lock(#[from] LockError),
}

/// The stored answers at `path`; empty when the file does not exist.
pub fn load_stored(path: &Path) -> Result<Map<String, Value>, StoredAnswersError> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(Map::new()),
        Err(source) => {
            return Err(StoredAnswersError::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(StoredAnswersError::Invalid {
            path: path.to_path_buf(),
            message: "not an object".into(),
        }),
        Err(err) => Err(StoredAnswersError::Invalid {
            path: path.to_path_buf(),
            message: err.to_string(),
        }),
    }
}

/// Merges `answers` into the file at `path` (keys not given are kept), holding the exclusive
/// lock of `<path>.lock` so two operators updating one provider lose nothing. Writes (and
/// flushes to disk) only when something changes: a repeated setup with the same answers costs
/// no disk flush. The file is written even when empty: it tells `dev update` that the provider
/// was set up.
pub fn save_stored(path: &Path, answers: &Map<String, Value>) -> Result<(), StoredAnswersError> {
    save_stored_without(path, answers, |_| false)
}

/// [`save_stored`], and each key for which `gone` holds taken out of the file: a value now kept
/// in the secrets store that an earlier setup (or an older tool) wrote here, or the answer of a
/// question now hidden.
pub fn save_stored_without(
    path: &Path,
    answers: &Map<String, Value>,
    gone: impl Fn(&str) -> bool,
) -> Result<(), StoredAnswersError> {
    let unchanged = |current: &Map<String, Value>| {
        answers.iter().all(|(k, v)| current.get(k) == Some(v))
            && current.keys().all(|k| answers.contains_key(k) || !gone(k))
    };
    if path.exists() && load_stored(path).is_ok_and(|current| unchanged(&current)) {
        return Ok(());
    }
    let write_err = |source| StoredAnswersError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(write_err)?;
    let _lock = file_lock::lock_for(path)?;
    // Read again under the lock: another operator may have written meanwhile.
    let mut current = load_stored(path)?;
    current.retain(|key, _| answers.contains_key(key) || !gone(key));
    for (key, value) in answers {
        current.insert(key.clone(), value.clone());
    }
    let mut bytes =
        serde_json::to_vec_pretty(&Value::Object(current)).map_err(|e| write_err(e.into()))?;
    bytes.push(b'\n');
    write_atomic(path, &bytes).map_err(write_err)
    // The lock is released when `_lock` is dropped.
}
