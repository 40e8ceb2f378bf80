//! The one place that calls greentic-runner-desktop: runs one flow of one pack, in-process.

use std::path::PathBuf;

use std::sync::Arc;
use std::time::Duration;

use greentic_secrets_lib::SecretsManager;

use greentic_runner_desktop::{
    DevProfile, Profile, RunOptions, RunResult, TenantContext, run_pack_with_options,
};
use serde_json::Value;

/// The user id the operator runs flows as.
pub const OPERATOR_USER: &str = "operator";

/// One flow to run.
#[derive(Clone)]
pub struct FlowRunSpec {
    pub pack_path: PathBuf,
    pub flow_id: String,
    pub tenant: String,
    pub team: Option<String>,
    pub input: Value,
    /// Where the runner writes its transcript, logs and its own run.json.
    pub artifacts_dir: PathBuf,
    /// `dist_offline`: never fetch remote components.
    pub offline: bool,
    /// The runner's own wall-clock limit for the run.
    pub wall_limit: Duration,
    /// Where flows read and write secrets; `None` leaves the runner's default.
    pub secrets_manager: Option<Arc<dyn SecretsManager>>,
}

/// Runs `spec.flow_id` of the pack through the runner and returns its raw result.
///
/// `Err` means the pack could not be loaded or the run could not start; a flow that ran and
/// failed is an `Ok` whose status says so (see [`crate::run::outcome::FlowOutcome::from_run`]).
pub fn run_provider_pack_flow(spec: FlowRunSpec) -> anyhow::Result<RunResult> {
    let profile = DevProfile {
        tenant_id: spec.tenant.clone(),
        team_id: spec.team.clone().unwrap_or_else(|| "default".to_string()),
        user_id: OPERATOR_USER.to_string(),
        // Zero would mean "no limit" to the runner; the operator never asks for that.
        max_run_wall_time_ms: u64::try_from(spec.wall_limit.as_millis())
            .unwrap_or(u64::MAX)
            .max(1),
        ..DevProfile::default()
    };
    let options = RunOptions {
        profile: Profile::Dev(profile),
        entry_flow: Some(spec.flow_id),
        input: spec.input,
        ctx: TenantContext {
            tenant_id: Some(spec.tenant),
            team_id: Some(spec.team.unwrap_or_else(|| "default".to_string())),
            user_id: Some(OPERATOR_USER.to_string()),
            session_id: None,
        },
        artifacts_dir: Some(spec.artifacts_dir),
        dist_offline: spec.offline,
        secrets_manager: spec.secrets_manager,
        ..RunOptions::default()
    };
    run_pack_with_options(&spec.pack_path, options)
}
