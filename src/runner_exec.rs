//! The one place that calls greentic-runner-desktop: runs one flow of one pack, in-process.

use std::path::{Path, PathBuf};

use greentic_runner_desktop::{RunOptions, RunResult, TenantContext, run_pack_with_options};
use serde_json::Value;

/// The user id the operator runs flows as.
pub const OPERATOR_USER: &str = "operator";

/// One flow to run.
#[derive(Debug, Clone)]
pub struct FlowRunSpec<'a> {
    pub pack_path: &'a Path,
    pub flow_id: &'a str,
    pub tenant: &'a str,
    pub team: Option<&'a str>,
    pub input: Value,
    /// Where the runner writes its transcript, logs and its own run.json.
    pub artifacts_dir: PathBuf,
    /// `dist_offline`: never fetch remote components.
    pub offline: bool,
}

/// Runs `spec.flow_id` of the pack through the runner and returns its raw result.
///
/// `Err` means the pack could not be loaded or the run could not start; a flow that ran and
/// failed is an `Ok` whose status says so (see [`crate::outcome::FlowOutcome::from_run`]).
pub fn run_provider_pack_flow(spec: FlowRunSpec<'_>) -> anyhow::Result<RunResult> {
    let options = RunOptions {
        entry_flow: Some(spec.flow_id.to_string()),
        input: spec.input,
        ctx: TenantContext {
            tenant_id: Some(spec.tenant.to_string()),
            team_id: Some(spec.team.unwrap_or("default").to_string()),
            user_id: Some(OPERATOR_USER.to_string()),
            session_id: None,
        },
        artifacts_dir: Some(spec.artifacts_dir),
        dist_offline: spec.offline,
        ..RunOptions::default()
    };
    run_pack_with_options(spec.pack_path, options)
}
