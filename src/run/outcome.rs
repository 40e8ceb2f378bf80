//! The operator's verdict on one flow run, derived from what the runner returned.

use greentic_runner_desktop::{RunResult, RunStatus};
use serde::Serialize;

use std::path::Path;

use crate::pack::manifest::{ExportVerdict, PackInfo, component_exports};

/// What the runner host says of a component whose exports it does not know.
const UNSUPPORTED_WORLD: &str = "component exports neither";

/// What greentic-runner-desktop says when its own wall limit ends a run: `run exceeded
/// max_run_wall_time_ms (1500 ms) and was aborted` (`run_with_wall_limit`).
const RUNNER_WALL_LIMIT: &str = "exceeded max_run_wall_time_ms (";

/// The limit, in milliseconds, of a runner error saying its own wall limit ended the run. The
/// operator sets that limit to `--timeout`, so such a run timed out: whether the runner's limit
/// or the operator's watch fires first is a race, and both are the same verdict.
pub fn runner_wall_limit(error: &str) -> Option<u64> {
    let (_, rest) = error.split_once(RUNNER_WALL_LIMIT)?;
    rest.split_once(" ms)")?.0.trim().parse().ok()
}

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
    ///
    /// A run the runner's own wall limit ended is [`FlowOutcome::TimedOut`] with that limit.
    pub fn from_run(result: &RunResult) -> Self {
        if let Some(limit_ms) = result.error.as_deref().and_then(runner_wall_limit) {
            return FlowOutcome::TimedOut { limit_ms };
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn run(status: RunStatus, error: Option<&str>) -> RunResult {
        RunResult {
            session_id: String::new(),
            pack_id: "messaging-endless".into(),
            pack_version: "1.0.0".into(),
            flow_id: "setup_default".into(),
            started_at_utc: String::new(),
            finished_at_utc: String::new(),
            status,
            error: error.map(str::to_string),
            node_summaries: Vec::new(),
            failures: Default::default(),
            artifacts_dir: Default::default(),
        }
    }

    #[test]
    fn a_run_the_runners_own_wall_limit_ended_timed_out_with_that_limit() {
        // greentic-runner-desktop 1.2.2's words (`run_with_wall_limit`).
        let ended = "run exceeded max_run_wall_time_ms (1500 ms) and was aborted";
        assert_eq!(
            FlowOutcome::from_run(&run(RunStatus::Failure, Some(ended))),
            FlowOutcome::TimedOut { limit_ms: 1500 }
        );
        assert_eq!(
            runner_wall_limit(&format!("failed to run the flow: {ended}")),
            Some(1500)
        );
        let other = run(RunStatus::Failure, Some("component trapped"));
        assert!(matches!(
            FlowOutcome::from_run(&other),
            FlowOutcome::Failed { .. }
        ));
    }
}
