//! The persisted state of one provider's device-code login: pending (with the device session
//! while the code is still valid, so a new run resumes polling), complete or failed, with
//! timestamps. Never a token: those live only in the secrets store.

use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::state::atomic_file::{create_private_dir, write_atomic};

/// Version of the state file; bumped when a field changes meaning.
pub const STATE_FORMAT_VERSION: u32 = 1;

/// Why the state file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("{} is not a device-code state file: {source}", path.display())]
    Invalid {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("failed to read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("failed to write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    Pending,
    Complete,
    Failed,
}

/// What is still to do while pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PendingStage {
    /// The person has not finished the login yet.
    Login,
    /// The login worked and its outputs are stored; the provider's finalization has not
    /// accepted them yet.
    Finalize,
}

/// A device authorization still being polled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceSession {
    pub client_id: String,
    /// The device code (RFC 8628 section 3.2): needed to resume polling; useless once expired.
    pub device_code: String,
    pub user_code: String,
    pub verification_uri: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_uri_complete: Option<String>,
    /// Seconds between polls, including any `slow_down` increase seen so far.
    pub interval_secs: u64,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl DeviceSession {
    pub fn is_valid_at(&self, now: DateTime<Utc>) -> bool {
        now < self.expires_at
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionState {
    pub format_version: u32,
    pub provider_id: String,
    pub status: ActionStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<PendingStage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<DateTime<Utc>>,
    /// Only while pending at the login stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<DeviceSession>,
    /// Why the last attempt did not complete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// Setup answer keys the login stored in the secrets store (names only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secret_keys: Vec<String>,
    /// Setup answer keys the login stored in `setup-answers.json`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub config_keys: Vec<String>,
    /// A keyed fingerprint of each value the login stored (secrets and config): the login is
    /// complete only while the store holds these very values. Never a value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprints: Option<Fingerprints>,
}

/// Keyed BLAKE3 hashes of stored values, with the random key (hex) they were made with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprints {
    pub key: String,
    pub values: std::collections::BTreeMap<String, String>,
}

impl Fingerprints {
    /// A new, empty set with a fresh random key.
    pub fn new() -> Result<Self, getrandom::Error> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key)?;
        Ok(Self {
            key: blake3::Hash::from_bytes(key).to_hex().to_string(),
            values: Default::default(),
        })
    }

    /// The fingerprint of `value` stored under `name`.
    pub fn of(&self, name: &str, value: &str) -> Option<String> {
        let key = blake3::Hash::from_hex(&self.key).ok()?;
        let mut hasher = blake3::Hasher::new_keyed(key.as_bytes());
        hasher.update(name.as_bytes());
        hasher.update(&[0]);
        hasher.update(value.as_bytes());
        Some(hasher.finalize().to_hex().to_string())
    }

    pub fn record(&mut self, name: &str, value: &str) {
        if let Some(print) = self.of(name, value) {
            self.values.insert(name.to_string(), print);
        }
    }

    /// Whether `value` is what was recorded under `name`.
    pub fn matches(&self, name: &str, value: &str) -> bool {
        self.values
            .get(name)
            .is_some_and(|p| self.of(name, value).as_ref() == Some(p))
    }
}

impl ActionState {
    pub fn new(provider_id: &str, now: DateTime<Utc>) -> Self {
        Self {
            format_version: STATE_FORMAT_VERSION,
            provider_id: provider_id.to_string(),
            status: ActionStatus::Pending,
            stage: Some(PendingStage::Login),
            mode: None,
            created_at: now,
            updated_at: now,
            completed_at: None,
            session: None,
            last_error: None,
            secret_keys: Vec::new(),
            config_keys: Vec::new(),
            fingerprints: None,
        }
    }

    /// Reads the state at `path`; `None` when there is none. A file that cannot be parsed is
    /// treated as absent (a fresh login is always safe) and reported as a warning by the caller.
    pub fn load(path: &Path) -> Result<Option<Self>, StateError> {
        match std::fs::read(path) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes)
                    .map(Some)
                    .map_err(|source| StateError::Invalid {
                        path: path.to_path_buf(),
                        source,
                    })
            }
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(StateError::Read {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// Writes the state to `path` (atomically), stamped with the time.
    pub fn save(&mut self, path: &Path) -> Result<(), StateError> {
        self.updated_at = Utc::now();
        self.write(path).map_err(|source| StateError::Write {
            path: path.to_path_buf(),
            source,
        })
    }

    fn write(&self, path: &Path) -> io::Result<()> {
        // It holds the device code while valid and the outputs' fingerprints: owner-only.
        if let Some(dir) = path.parent() {
            create_private_dir(dir)?;
        }
        let mut bytes = serde_json::to_vec_pretty(self).map_err(io::Error::other)?;
        bytes.push(b'\n');
        write_atomic(path, &bytes)
    }

    /// The session to resume: pending at the login stage, for this client, not yet expired.
    pub fn resumable_session(&self, client_id: &str, now: DateTime<Utc>) -> Option<&DeviceSession> {
        (self.status == ActionStatus::Pending && self.stage == Some(PendingStage::Login))
            .then_some(self.session.as_ref())
            .flatten()
            .filter(|s| s.client_id == client_id && s.is_valid_at(now))
    }

    pub fn mark_pending(&mut self, stage: PendingStage, error: Option<String>) {
        self.status = ActionStatus::Pending;
        self.stage = Some(stage);
        self.last_error = error;
        if stage != PendingStage::Login {
            self.session = None;
        }
    }

    pub fn mark_failed(&mut self, error: String) {
        self.status = ActionStatus::Failed;
        self.stage = None;
        self.session = None;
        self.last_error = Some(error);
    }

    pub fn mark_complete(&mut self, now: DateTime<Utc>) {
        self.status = ActionStatus::Complete;
        self.stage = None;
        self.session = None;
        self.last_error = None;
        self.completed_at = Some(now);
    }
}
