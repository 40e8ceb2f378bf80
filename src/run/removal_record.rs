//! What one provider's removal did (`dev remove`), for the reporters: never a value.

use std::path::PathBuf;

/// How one provider's removal ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemovalOutcome {
    /// Everything listed is gone (what was already gone is not named).
    Removed {
        files: Vec<PathBuf>,
        secrets: Vec<String>,
    },
    /// Nothing was deleted: `reason` says why (its `remove` flow did not pass, say).
    Kept { reason: String },
    /// Deleting failed part way: what is gone, and the error.
    Failed {
        files: Vec<PathBuf>,
        secrets: Vec<String>,
        message: String,
    },
}

/// One provider's removal, for the reporters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovalRecord {
    pub pack_id: String,
    pub pack_path: PathBuf,
    pub outcome: RemovalOutcome,
    /// What the provider's `apply-answers` (mode `remove`) said it wants gone, by name.
    pub provider_named: Vec<String>,
    /// What it asked that the operator does not do (revoking webhooks and tokens is the
    /// provider's business).
    pub left_to_provider: Vec<String>,
}

impl RemovalRecord {
    pub fn is_failure(&self) -> bool {
        matches!(self.outcome, RemovalOutcome::Failed { .. })
    }
}
