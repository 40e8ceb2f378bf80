//! The operator's verdict on one flow run, derived from what the runner returned.

use greentic_runner_desktop::{RunResult, RunStatus};
use serde::Serialize;

use std::path::Path;

use crate::pack::manifest::{ExportVerdict, PackInfo, component_exports};

/// What the runner host says of a component whose exports it does not know.
const UNSUPPORTED_WORLD: &str = "component exports neither";

/// A failing node, as the runner reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeFailureInfo {
    pub node_id: String,
    pub code: String,
    pub message: String,
}

/// The runner's own status for a run that did not pass, as greentic-runner-desktop names it
/// (and as `run.json` and `--format json` spell it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RunnerStatus {
    Success,
    PartialFailure,
    Failure,
}

impl From<&RunStatus> for RunnerStatus {
    fn from(status: &RunStatus) -> Self {
        match status {
            RunStatus::Success => RunnerStatus::Success,
            RunStatus::PartialFailure => RunnerStatus::PartialFailure,
            RunStatus::Failure => RunnerStatus::Failure,
        }
    }
}

impl std::fmt::Display for RunnerStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self, f)
    }
}

/// How one planned flow ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum FlowOutcome {
    /// The runner said `Success` and at least one node ran.
    Passed,
    /// The flow ran and failed: a node failed, or the runner gave up on the flow.
    Failed {
        /// The runner's status (`PartialFailure` or `Failure`).
        runner_status: RunnerStatus,
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<String>,
        failed_nodes: Vec<NodeFailureInfo>,
    },
    /// The runner said `Success` but ran no node: the flow did not really execute.
    NoNodesRan,
    /// The pack could not be loaded, or the run could not be set up.
    LoadError { message: String },
    /// The flow did not finish within `--timeout`.
    TimedOut { limit_ms: u64 },
    /// The command was interrupted while the flow ran, and the flow outlived the grace period.
    Interrupted,
}

impl FlowOutcome {
    pub fn is_success(&self) -> bool {
        matches!(self, FlowOutcome::Passed)
    }

    /// A short word for tables and summaries.
    pub fn label(&self) -> &'static str {
        match self {
            FlowOutcome::Passed => "PASS",
            FlowOutcome::Failed { .. } => "FAIL",
            FlowOutcome::NoNodesRan => "EMPTY",
            FlowOutcome::LoadError { .. } => "ERROR",
            FlowOutcome::TimedOut { .. } => "TIMEOUT",
            FlowOutcome::Interrupted => "INTERRUPTED",
        }
    }

    /// One line saying what went wrong, or `None` for a pass.
    pub fn headline(&self) -> Option<String> {
        match self {
            FlowOutcome::Passed => None,
            FlowOutcome::Failed {
                runner_status,
                error,
                failed_nodes,
            } => Some(match (error, failed_nodes.first()) {
                (Some(error), _) => error.clone(),
                (None, Some(node)) => format!("node {}: {}", node.node_id, node.message),
                (None, None) => format!("the runner reported {runner_status}"),
            }),
            FlowOutcome::NoNodesRan => Some(
                "the runner reported success but executed no node (is the flow really in the pack?)"
                    .to_string(),
            ),
            FlowOutcome::LoadError { message } => Some(message.clone()),
            FlowOutcome::TimedOut { limit_ms } => Some(format!(
                "did not finish within {} (--timeout)",
                humantime::format_duration(std::time::Duration::from_millis(*limit_ms))
            )),
            FlowOutcome::Interrupted => {
                Some("interrupted before it finished (Ctrl-C or SIGTERM)".to_string())
            }
        }
    }

    /// The same outcome with every secret value in its messages replaced.
    pub fn redacted(self, redactor: &crate::state::redact::Redactor) -> Self {
        if redactor.is_empty() {
            return self;
        }
        match self {
            FlowOutcome::Failed {
                runner_status,
                error,
                failed_nodes,
            } => FlowOutcome::Failed {
                runner_status,
                error: error.map(|e| redactor.redact(&e)),
                failed_nodes: failed_nodes
                    .into_iter()
                    .map(|n| NodeFailureInfo {
                        message: redactor.redact(&n.message),
                        ..n
                    })
                    .collect(),
            },
            FlowOutcome::LoadError { message } => FlowOutcome::LoadError {
                message: redactor.redact(&message),
            },
            other => other,
        }
    }

    /// The same outcome with each node that failed because the runner could not instantiate
    /// its component explained in plain words, from the component's real exports (read from
    /// the pack at `pack`): one of another Greentic version (the pack was built for another
    /// runner), or none usable (the pack ships a broken component). Still a failure.
    pub fn explain_runner_mismatch(self, pack: &Path, info: &PackInfo, flow: &str) -> Self {
        let FlowOutcome::Failed {
            runner_status,
            error,
            failed_nodes,
        } = self
        else {
            return self;
        };
        let failed_nodes = failed_nodes
            .into_iter()
            .map(|node| {
                if !node.message.contains(UNSUPPORTED_WORLD) {
                    return node;
                }
                let component = info.node_component(flow, &node.node_id).unwrap_or("?");
                let world = info
                    .component_world(component)
                    .unwrap_or("no world (the pack does not list it)");
                let problem = component_exports(pack, component)
                    .map(ExportVerdict::of)
                    .ok()
                    .and_then(|verdict| verdict.problem(component, world));
                let Some((why, fix)) = problem else {
                    return node;
                };
                let message = format!("{why}; {fix} (runner: {})", node.message);
                NodeFailureInfo { message, ..node }
            })
            .collect();
        FlowOutcome::Failed {
            runner_status,
            error,
            failed_nodes,
        }
    }

    /// The verdict on a run the runner completed.
    ///
    /// The runner's traps are handled here: `Success` with zero nodes is not a pass (it is what
    /// an undeclared flow yields), and a failed node gives `PartialFailure` with `error: None`,
    /// its details only in `failures`.
    pub fn from_run(result: &RunResult) -> Self {
        let failed_nodes: Vec<NodeFailureInfo> = result
            .failures
            .iter()
            .map(|(node_id, failure)| NodeFailureInfo {
                node_id: node_id.clone(),
                code: failure.code.clone(),
                message: failure.message.clone(),
            })
            .collect();
        match result.status {
            RunStatus::Success if failed_nodes.is_empty() && result.error.is_none() => {
                if result.node_summaries.is_empty() {
                    FlowOutcome::NoNodesRan
                } else {
                    FlowOutcome::Passed
                }
            }
            ref status => FlowOutcome::Failed {
                runner_status: RunnerStatus::from(status),
                error: result.error.clone(),
                failed_nodes,
            },
        }
    }
}
