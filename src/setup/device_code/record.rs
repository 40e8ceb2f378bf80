//! What one device-code action did, for the reporters: its outcome, and the prompt shown to
//! the person logging in.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};

/// One item chosen by a `select`, and why it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    pub step: String,
    pub label: String,
    pub value: String,
    pub chosen_by: ChosenBy,
    /// How many items there were to choose from.
    pub candidates: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChosenBy {
    DefaultLabel,
    DefaultFilter,
    FirstItem,
}

/// The action's name in plans and results.
pub const ACTION_NAME: &str = "oauth_device_code";

/// How one device-code action ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionOutcome {
    /// Logged in, outputs stored and read back, provider finalized. `already`: done by an
    /// earlier run and still in place, so nothing was asked.
    Complete { already: bool },
    /// Not finished, resumable by running setup again (the code is still valid, or the
    /// provider's finalization answered ok:false).
    Pending { reason: String },
    Failed {
        message: String,
        /// The provider's `error_checklist`.
        checklist: Vec<String>,
    },
    /// Not attempted (its setup flow did not pass, or the command was interrupted first).
    Skipped { reason: String },
}

impl ActionOutcome {
    pub fn is_success(&self) -> bool {
        matches!(self, ActionOutcome::Complete { .. })
    }

    pub fn label(&self) -> &'static str {
        match self {
            ActionOutcome::Complete { .. } => "DONE",
            ActionOutcome::Pending { .. } => "PENDING",
            ActionOutcome::Failed { .. } => "FAIL",
            ActionOutcome::Skipped { .. } => "SKIP",
        }
    }

    pub fn headline(&self) -> Option<&str> {
        match self {
            ActionOutcome::Complete { .. } => None,
            ActionOutcome::Pending { reason } | ActionOutcome::Skipped { reason } => Some(reason),
            ActionOutcome::Failed { message, .. } => Some(message),
        }
    }
}

/// One provider's device-code action.
#[derive(Debug, Clone)]
pub struct ActionRecord {
    pub pack_id: String,
    pub pack_path: PathBuf,
    pub action: &'static str,
    pub mode: Option<String>,
    /// The persisted state (`state/actions/...`).
    pub state_file: PathBuf,
    pub duration: Duration,
    pub outcome: ActionOutcome,
    /// The provider's `success_message` for its mode, on completion.
    pub success_message: Option<String>,
    pub selections: Vec<Selection>,
    /// Names (never values) of what was stored.
    pub stored_secrets: Vec<String>,
    pub stored_config: Vec<String>,
}

impl ActionRecord {
    /// A record with `outcome` and nothing else yet.
    pub fn new(
        pack_id: &str,
        pack_path: &std::path::Path,
        state_file: PathBuf,
        outcome: ActionOutcome,
    ) -> Self {
        Self {
            pack_id: pack_id.to_string(),
            pack_path: pack_path.to_path_buf(),
            action: ACTION_NAME,
            mode: None,
            state_file,
            duration: Duration::ZERO,
            outcome,
            success_message: None,
            selections: Vec::new(),
            stored_secrets: Vec::new(),
            stored_config: Vec::new(),
        }
    }

    /// An action that was not attempted.
    pub fn skipped(
        pack_id: &str,
        pack_path: &std::path::Path,
        state_file: PathBuf,
        reason: String,
    ) -> Self {
        Self::new(
            pack_id,
            pack_path,
            state_file,
            ActionOutcome::Skipped { reason },
        )
    }
}

/// What the person has to do to log in.
#[derive(Debug, Clone)]
pub struct DeviceCodePrompt {
    pub pack_id: String,
    /// The provider's display name, when it declares one.
    pub provider_label: Option<String>,
    pub mode: Option<String>,
    /// The provider's instructions for its mode.
    pub instructions: Option<String>,
    pub verification_uri: String,
    pub user_code: String,
    pub verification_uri_complete: Option<String>,
    pub expires_at: DateTime<Utc>,
    /// True when polling resumes a code issued by an earlier run.
    pub resumed: bool,
    /// The provider's display labels (`verification_uri`, `user_code`, ...).
    pub labels: BTreeMap<String, String>,
    /// Said when the mode was picked without anyone choosing it.
    pub mode_note: Option<String>,
}

impl DeviceCodePrompt {
    pub fn label_for<'a>(&'a self, key: &str, default: &'a str) -> &'a str {
        self.labels.get(key).map_or(default, String::as_str)
    }
}
