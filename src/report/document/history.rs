//! The documents of `dev runs` (recorded runs, newest first) and `dev show` (one run, its
//! record, its nodes' outputs).

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use super::{DomainName, FormatVersion};
use crate::state::history::{RunEntry, RunStatus};

#[derive(Debug, Serialize, JsonSchema)]
pub struct RunsDocument {
    pub format_version: FormatVersion,
    pub runs: Vec<RunView>,
}

impl RunsDocument {
    pub fn new(runs: &[RunEntry]) -> Self {
        Self {
            format_version: FormatVersion,
            runs: runs.iter().map(RunView::from).collect(),
        }
    }
}

/// One recorded run.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RunView {
    pub run_id: String,
    pub run_dir: PathBuf,
    pub domain: DomainName,
    pub pack_id: String,
    pub flow: String,
    /// Whom it ran for (absent in records of operators before 0.1 that did not say).
    pub tenant: Option<String>,
    pub team: Option<String>,
    pub env: Option<String>,
    pub status: RunStatusView,
    /// When it started (RFC 3339, UTC), as recorded.
    pub started_at: String,
    /// Absent while it runs.
    pub duration_ms: Option<u64>,
    /// Why its `run.json` cannot be read (status `unreadable`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unreadable: Option<String>,
}

impl From<&RunEntry> for RunView {
    fn from(run: &RunEntry) -> Self {
        Self {
            run_id: run.run_id.clone(),
            run_dir: run.run_dir.clone(),
            domain: run.domain.into(),
            pack_id: run.pack_id.clone(),
            flow: run.flow.clone(),
            tenant: run.tenant.clone(),
            team: run.team.clone(),
            env: run.env.clone(),
            status: run.status.into(),
            started_at: run.started_at.clone(),
            duration_ms: run.duration_ms,
            unreadable: run.unreadable.clone(),
        }
    }
}

/// How a recorded run ended; `running` for one whose process has not finished it.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RunStatusView {
    Passed,
    Failed,
    NoNodesRan,
    LoadError,
    TimedOut,
    Interrupted,
    Running,
    /// `running` in its `run.json`, but the process that wrote it is gone: it will never
    /// finish.
    Abandoned,
    /// Its `run.json` cannot be read.
    Unreadable,
    /// Written by another version of the operator.
    Unknown,
}

impl From<RunStatus> for RunStatusView {
    fn from(status: RunStatus) -> Self {
        match status {
            RunStatus::Passed => RunStatusView::Passed,
            RunStatus::Failed => RunStatusView::Failed,
            RunStatus::NoNodesRan => RunStatusView::NoNodesRan,
            RunStatus::LoadError => RunStatusView::LoadError,
            RunStatus::TimedOut => RunStatusView::TimedOut,
            RunStatus::Interrupted => RunStatusView::Interrupted,
            RunStatus::Running => RunStatusView::Running,
            RunStatus::Abandoned => RunStatusView::Abandoned,
            RunStatus::Unreadable => RunStatusView::Unreadable,
            RunStatus::Unknown => RunStatusView::Unknown,
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ShowDocument {
    pub format_version: FormatVersion,
    pub run: RunView,
    /// The run's `run.json` as recorded: a file format of its own, with its own
    /// `format_version`.
    pub record: Value,
    /// Each node's outputs, in the order the transcript has them.
    pub outputs: Vec<NodeOutputsView>,
    pub artifacts_dir: PathBuf,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct NodeOutputsView {
    pub node_id: String,
    pub outputs: Value,
}

impl ShowDocument {
    pub fn new(run: &RunEntry, outputs: &[(String, Value)]) -> Self {
        Self {
            format_version: FormatVersion,
            run: run.into(),
            record: run.record.clone(),
            outputs: outputs
                .iter()
                .map(|(node, value)| NodeOutputsView {
                    node_id: node.clone(),
                    outputs: value.clone(),
                })
                .collect(),
            artifacts_dir: run.run_dir.join("artifacts"),
        }
    }
}
