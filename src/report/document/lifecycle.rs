//! The document of `dev setup | diagnostics | verify --format json`: the command, its plan,
//! each flow's result, each device-code action, the counts and the exit code.

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::Serialize;

use super::history::NodeOutputsView;
use super::plan::PlanView;
use super::{ActionName, DomainChoice, DomainName, FormatVersion, millis};
use crate::cli::request::Request;
use crate::plan::Plan;
use crate::run::events::{Execution, FinalStatus, RunStats};
use crate::run::outcome::{FlowOutcome, NodeFailureInfo, RunnerStatus};
use crate::run::records::FlowRecord;
use crate::run::removal_record::{RemovalOutcome, RemovalRecord};
use crate::setup::device_code::record::{ActionOutcome, ActionRecord, ChosenBy, Selection};

#[derive(Debug, Serialize, JsonSchema)]
pub struct LifecycleDocument {
    pub format_version: FormatVersion,
    pub command: CommandView,
    pub plan: PlanView,
    /// One per flow that ran, in plan order (empty for a dry run).
    pub results: Vec<ResultView>,
    /// (setup) One per device-code login.
    pub actions: Vec<ActionView>,
    /// (remove) One per provider whose stored data was to be deleted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removals: Vec<RemovalView>,
    /// The counts; absent for a dry run.
    pub summary: Option<SummaryView>,
    pub status: StatusView,
    /// The process's exit code: 0 passed, 1 failed, 130 interrupted.
    pub exit_code: u8,
}

/// What the command was asked.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CommandView {
    pub action: ActionName,
    pub domain: DomainChoice,
    pub tenant: Option<String>,
    pub team: Option<String>,
    pub env: String,
    pub providers: Vec<String>,
    pub dry_run: bool,
    pub project_root: PathBuf,
    pub state_dir: PathBuf,
}

impl From<&Request> for CommandView {
    fn from(request: &Request) -> Self {
        Self {
            action: request.action.into(),
            domain: request.domain.into(),
            tenant: request.tenant.clone(),
            team: request.team.clone(),
            env: request.env.clone(),
            providers: request.providers.clone(),
            dry_run: request.dry_run,
            project_root: request.project_root.clone(),
            state_dir: request.state_dir.clone(),
        }
    }
}

/// One flow that ran.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ResultView {
    pub domain: DomainName,
    pub pack_id: String,
    pub pack_path: PathBuf,
    pub flow: String,
    pub run_id: String,
    pub run_dir: PathBuf,
    pub duration_ms: u64,
    pub outcome: OutcomeView,
    /// (requirements) Each node's outputs, as `dev show` gives them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outputs: Vec<NodeOutputsView>,
}

impl From<&FlowRecord> for ResultView {
    fn from(record: &FlowRecord) -> Self {
        Self {
            domain: record.domain.into(),
            pack_id: record.pack_id.clone(),
            pack_path: record.pack_path.clone(),
            flow: record.flow.clone(),
            run_id: record.run_id.clone(),
            run_dir: record.run_dir.clone(),
            duration_ms: millis(record.duration),
            outcome: (&record.outcome).into(),
            outputs: record
                .outputs
                .iter()
                .map(|(node, value)| NodeOutputsView {
                    node_id: node.clone(),
                    outputs: value.clone(),
                })
                .collect(),
        }
    }
}

/// How a flow ended.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum OutcomeView {
    Passed,
    /// A node failed, or the runner gave up on the flow.
    Failed {
        runner_status: RunnerStatusView,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<String>,
        failed_nodes: Vec<NodeFailureView>,
    },
    /// The runner said success but ran no node.
    NoNodesRan,
    /// The pack could not be loaded, or the run could not be set up.
    LoadError {
        message: String,
    },
    /// Still running after `--timeout` (its limit, in milliseconds).
    TimedOut {
        limit_ms: u64,
    },
    /// The command was interrupted and the flow outlived the grace period.
    Interrupted,
}

impl From<&FlowOutcome> for OutcomeView {
    fn from(outcome: &FlowOutcome) -> Self {
        match outcome {
            FlowOutcome::Passed => OutcomeView::Passed,
            FlowOutcome::Failed {
                runner_status,
                error,
                failed_nodes,
            } => OutcomeView::Failed {
                runner_status: (*runner_status).into(),
                error: error.clone(),
                failed_nodes: failed_nodes.iter().map(NodeFailureView::from).collect(),
            },
            FlowOutcome::NoNodesRan => OutcomeView::NoNodesRan,
            FlowOutcome::LoadError { message } => OutcomeView::LoadError {
                message: message.clone(),
            },
            FlowOutcome::TimedOut { limit_ms } => OutcomeView::TimedOut {
                limit_ms: *limit_ms,
            },
            FlowOutcome::Interrupted => OutcomeView::Interrupted,
        }
    }
}

/// The runner's own status word, as greentic-runner-desktop spells it.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
pub enum RunnerStatusView {
    Success,
    PartialFailure,
    Failure,
}

impl From<RunnerStatus> for RunnerStatusView {
    fn from(status: RunnerStatus) -> Self {
        match status {
            RunnerStatus::Success => RunnerStatusView::Success,
            RunnerStatus::PartialFailure => RunnerStatusView::PartialFailure,
            RunnerStatus::Failure => RunnerStatusView::Failure,
        }
    }
}

/// A node that failed.
#[derive(Debug, Serialize, JsonSchema)]
pub struct NodeFailureView {
    pub node_id: String,
    pub code: String,
    pub message: String,
}

impl From<&NodeFailureInfo> for NodeFailureView {
    fn from(node: &NodeFailureInfo) -> Self {
        Self {
            node_id: node.node_id.clone(),
            code: node.code.clone(),
            message: node.message.clone(),
        }
    }
}

/// One provider's device-code login.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ActionView {
    pub pack_id: String,
    pub pack_path: PathBuf,
    /// `oauth_device_code`.
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// The login's state file under `state/actions/`.
    pub state_file: PathBuf,
    pub duration_ms: u64,
    #[serde(flatten)]
    pub outcome: ActionOutcomeView,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_message: Option<String>,
    pub selections: Vec<SelectionView>,
    /// Names (never values) of the secrets and answers the login stored.
    pub stored_secrets: Vec<String>,
    pub stored_config: Vec<String>,
}

impl From<&ActionRecord> for ActionView {
    fn from(record: &ActionRecord) -> Self {
        Self {
            pack_id: record.pack_id.clone(),
            pack_path: record.pack_path.clone(),
            action: record.action.to_string(),
            mode: record.mode.clone(),
            state_file: record.state_file.clone(),
            duration_ms: millis(record.duration),
            outcome: (&record.outcome).into(),
            success_message: record.success_message.clone(),
            selections: record.selections.iter().map(SelectionView::from).collect(),
            stored_secrets: record.stored_secrets.clone(),
            stored_config: record.stored_config.clone(),
        }
    }
}

/// How a login ended.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ActionOutcomeView {
    /// Logged in and stored; `already`: by an earlier run, still in place.
    Complete { already: bool },
    /// Not finished; setup run again resumes it.
    Pending { reason: String },
    Failed {
        message: String,
        /// The provider's checklist for a failed login.
        checklist: Vec<String>,
    },
    /// Not attempted.
    Skipped { reason: String },
}

impl From<&ActionOutcome> for ActionOutcomeView {
    fn from(outcome: &ActionOutcome) -> Self {
        match outcome {
            ActionOutcome::Complete { already } => {
                ActionOutcomeView::Complete { already: *already }
            }
            ActionOutcome::Pending { reason } => ActionOutcomeView::Pending {
                reason: reason.clone(),
            },
            ActionOutcome::Failed { message, checklist } => ActionOutcomeView::Failed {
                message: message.clone(),
                checklist: checklist.clone(),
            },
            ActionOutcome::Skipped { reason } => ActionOutcomeView::Skipped {
                reason: reason.clone(),
            },
        }
    }
}

/// An item a post-login discovery chose.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SelectionView {
    pub step: String,
    pub label: String,
    pub value: String,
    pub chosen_by: ChosenByView,
    pub candidates: usize,
}

impl From<&Selection> for SelectionView {
    fn from(selection: &Selection) -> Self {
        Self {
            step: selection.step.clone(),
            label: selection.label.clone(),
            value: selection.value.clone(),
            chosen_by: match selection.chosen_by {
                ChosenBy::DefaultLabel => ChosenByView::DefaultLabel,
                ChosenBy::DefaultFilter => ChosenByView::DefaultFilter,
                ChosenBy::FirstItem => ChosenByView::FirstItem,
            },
            candidates: selection.candidates,
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChosenByView {
    DefaultLabel,
    DefaultFilter,
    FirstItem,
}

/// One provider's removal: what was deleted (file paths, secret URIs), or why nothing was.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RemovalView {
    pub pack_id: String,
    pub pack_path: PathBuf,
    #[serde(flatten)]
    pub outcome: RemovalOutcomeView,
    /// What the provider's `apply-answers` (mode `remove`) named in its `remove` field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provider_named: Vec<String>,
    /// What it asked that the operator does not do (`best_effort_revoke_webhooks`, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub left_to_provider: Vec<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum RemovalOutcomeView {
    /// Deleted (what was already gone is not named).
    Removed {
        files: Vec<PathBuf>,
        secrets: Vec<String>,
    },
    /// Nothing deleted: its `remove` flow did not pass (without `--force`), or an interrupt.
    Kept { reason: String },
    /// Deleting stopped part way: what is gone, and why.
    Failed {
        files: Vec<PathBuf>,
        secrets: Vec<String>,
        message: String,
    },
}

impl From<&RemovalRecord> for RemovalView {
    fn from(record: &RemovalRecord) -> Self {
        let outcome = match &record.outcome {
            RemovalOutcome::Removed { files, secrets } => RemovalOutcomeView::Removed {
                files: files.clone(),
                secrets: secrets.clone(),
            },
            RemovalOutcome::Kept { reason } => RemovalOutcomeView::Kept {
                reason: reason.clone(),
            },
            RemovalOutcome::Failed {
                files,
                secrets,
                message,
            } => RemovalOutcomeView::Failed {
                files: files.clone(),
                secrets: secrets.clone(),
                message: message.clone(),
            },
        };
        Self {
            pack_id: record.pack_id.clone(),
            pack_path: record.pack_path.clone(),
            outcome,
            provider_named: record.provider_named.clone(),
            left_to_provider: record.left_to_provider.clone(),
        }
    }
}

/// The counts of a command that ran.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SummaryView {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    /// Packs that could not be planned or run.
    pub pack_errors: usize,
    /// Planned flows never started (the command was interrupted).
    pub not_started: usize,
    pub interrupted: bool,
    pub actions_complete: usize,
    pub actions_pending: usize,
    pub actions_failed: usize,
    /// (remove) Providers whose data was deleted, kept (a failed flow), or not all deleted.
    pub removals_done: usize,
    pub removals_kept: usize,
    pub removals_failed: usize,
    /// The whole command, from the first flow to the last login.
    pub duration_ms: u64,
}

impl From<&RunStats> for SummaryView {
    fn from(stats: &RunStats) -> Self {
        Self {
            passed: stats.passed,
            failed: stats.failed,
            skipped: stats.skipped,
            pack_errors: stats.pack_errors,
            not_started: stats.not_started,
            interrupted: stats.interrupted,
            actions_complete: stats.actions_complete,
            actions_pending: stats.actions_pending,
            actions_failed: stats.actions_failed,
            removals_done: stats.removals_done,
            removals_kept: stats.removals_kept,
            removals_failed: stats.removals_failed,
            duration_ms: millis(stats.wall_time),
        }
    }
}

/// The command's verdict.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusView {
    Passed,
    Failed,
    Interrupted,
}

impl From<FinalStatus> for StatusView {
    fn from(status: FinalStatus) -> Self {
        match status {
            FinalStatus::Passed => StatusView::Passed,
            FinalStatus::Failed => StatusView::Failed,
            FinalStatus::Interrupted => StatusView::Interrupted,
        }
    }
}

impl LifecycleDocument {
    pub fn new(
        command: CommandView,
        plan: &Plan,
        execution: Option<&Execution>,
        status: FinalStatus,
    ) -> Self {
        Self {
            format_version: FormatVersion,
            command,
            plan: plan.into(),
            results: execution
                .map(|e| e.records.iter().map(ResultView::from).collect())
                .unwrap_or_default(),
            actions: execution
                .map(|e| e.actions.iter().map(ActionView::from).collect())
                .unwrap_or_default(),
            removals: execution
                .map(|e| e.removals.iter().map(RemovalView::from).collect())
                .unwrap_or_default(),
            summary: execution.map(|e| SummaryView::from(&e.stats)),
            status: status.into(),
            exit_code: status.exit_code(),
        }
    }
}
