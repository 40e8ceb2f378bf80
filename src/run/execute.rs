//! The real [`FlowRunner`]: one planned flow through greentic-runner-desktop
//! ([`crate::run::runner_exec`]), recorded in its own run folder ([`crate::run::records`]), a passing
//! setup's answers kept ([`crate::setup::keep`]). [`execute`] schedules a plan with it.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use greentic_runner_desktop::RunResult;
use serde_json::Value;

use crate::base::interrupt::Interrupt;
use crate::base::watch::{Watch, Watched};
use crate::pack::domains::Action;
use crate::plan::Plan;
use crate::run::events::{Event, Execution};
use crate::run::input::{FlowContext, FlowSubject, flow_input};
use crate::run::outcome::{FlowOutcome, runner_wall_limit};
use crate::run::records::{FlowRecord, write_run_end, write_run_start};
use crate::run::runner_exec::{FlowRunSpec, run_provider_pack_flow};
use crate::run::schedule::{FlowRunner, PlannedFlow, ScheduleSettings, schedule};
use crate::run::scratch::Scratch;
use crate::setup::contract::apply::ContractVerdict;
use crate::setup::keep::{PackSetup, persist};
use crate::state::history::flow_outputs;
use crate::state::redact::Redactor;
use crate::state::secrets::{DevSecrets, SecretScope, SeenSecrets};
use crate::state::state_layout::{RunPaths, StateLayout};

/// How to run the plan's flows.
#[derive(Debug, Clone)]
pub struct ExecSettings {
    pub layout: StateLayout,
    pub ctx: FlowContext,
    pub parallel: NonZeroUsize,
    /// `dist_offline` for the runner.
    pub offline: bool,
    /// Longest a flow may run before it is abandoned as timed out.
    pub timeout: Duration,
    /// After an interrupt, how long running flows may take to finish before they are abandoned.
    pub grace: Duration,
    /// The dev secrets store, shared with the runner (`None`: the runner's default manager).
    pub secrets: Option<DevSecrets>,
    pub scope: SecretScope,
    /// (setup) Each pack's answers, by pack index.
    pub setups: BTreeMap<usize, PackSetup>,
    /// Where the runner writes its own files until they are copied, redacted, to the run folder.
    pub scratch: Arc<Scratch>,
}

/// Runs every runnable flow of `plan` through greentic-runner-desktop; stops starting flows
/// once `interrupt` is requested.
pub fn execute(
    plan: &Plan,
    settings: &ExecSettings,
    interrupt: &Interrupt,
    on_event: impl FnMut(Event<'_>),
) -> Execution {
    let schedule_settings = ScheduleSettings {
        parallel: settings.parallel,
        timeout: settings.timeout,
        grace: settings.grace,
    };
    let runner = DesktopRunner { settings };
    schedule(plan, &runner, &schedule_settings, interrupt, on_event)
}

/// Runs flows in-process through greentic-runner-desktop and records each one.
pub struct DesktopRunner<'a> {
    pub settings: &'a ExecSettings,
}

impl FlowRunner for DesktopRunner<'_> {
    /// Runs one flow and records it; whatever goes wrong becomes that flow's outcome.
    fn run_flow(&self, flow: PlannedFlow<'_>, watch: &Watch<'_>) -> FlowRecord {
        let settings = self.settings;
        let setup = settings.setups.get(&flow.pack_index);
        let answered: Vec<String> = setup
            .map(|s| s.answers.secret_values())
            .unwrap_or_default()
            .into_iter()
            .map(|(_, value)| value)
            .collect();
        let secret_keys = setup.map(|s| s.form.secret_names()).unwrap_or_default();
        let redactor = Redactor::new(answered.clone()).with_keys(secret_keys.clone());
        let subject = FlowSubject {
            domain: flow.pack.domain,
            action: flow.plan.action,
            pack_id: flow
                .pack
                .info
                .as_ref()
                .map_or(flow.pack.label.as_str(), |i| &i.pack_id),
            flow: flow.flow,
            setup_answers: setup.map(|s| &s.answers.values),
            applied_config: setup.and_then(|s| s.committed.as_ref()),
        };
        let input = flow_input(&subject, &settings.ctx);
        let started_at = Utc::now();
        let clock = Instant::now();
        let mut record = self.blank_record(flow, started_at);
        let paths = match self.open_run_dir(flow, &mut record, &input, &redactor) {
            Ok(paths) => paths,
            Err(outcome) => {
                record.outcome = outcome;
                return record;
            }
        };
        let seen = Arc::new(SeenSecrets::default());
        let runner_dir = settings.scratch.flow_dir(&paths.run_id);
        let spec = self.spec(flow, input, &runner_dir, watch.timeout(), &seen);
        let (mut outcome, result) = run_watched(spec, watch);
        if let Some(info) = &flow.pack.info {
            outcome = outcome.explain_runner_mismatch(&flow.pack.path, info, flow.flow);
        }
        outcome = self.keep_answers(setup, outcome);
        // Every value the flow was given or read through the store, known only now.
        let redactor =
            Redactor::new(answered.into_iter().chain(seen.values())).with_keys(secret_keys);
        record.duration = clock.elapsed();
        record.outcome = outcome.redacted(&redactor);
        record.runner_result = result;
        let mut record = close_run_dir(&paths, &runner_dir, record, &redactor);
        if flow.plan.action == Action::Requirements {
            record.outputs = flow_outputs(&record.run_dir);
        }
        record
    }
}

impl DesktopRunner<'_> {
    /// The record of a flow that has not run yet.
    fn blank_record(&self, flow: PlannedFlow<'_>, started_at: DateTime<Utc>) -> FlowRecord {
        let (pack, ctx) = (flow.pack, &self.settings.ctx);
        FlowRecord {
            run_id: String::new(),
            run_dir: Default::default(),
            domain: flow.pack.domain,
            action: flow.plan.action,
            pack_id: pack
                .info
                .as_ref()
                .map_or_else(|| pack.label.clone(), |i| i.pack_id.clone()),
            pack_path: pack.path.clone(),
            flow: flow.flow.to_string(),
            tenant: ctx.tenant.clone(),
            team: ctx.team.clone(),
            env: ctx.env.clone(),
            started_at,
            duration: Duration::ZERO,
            outcome: FlowOutcome::Passed,
            runner_result: None,
            withheld_artifacts: Vec::new(),
            outputs: Vec::new(),
            contract: flow.plan.action.takes_answers().then(|| {
                pack.contract
                    .as_ref()
                    .and_then(|c| c.verdict.clone())
                    .unwrap_or(ContractVerdict::NotDeclared)
            }),
        }
    }

    /// Creates the flow's run folder and writes what is known before it runs; a failure is the
    /// flow's outcome.
    fn open_run_dir(
        &self,
        flow: PlannedFlow<'_>,
        record: &mut FlowRecord,
        input: &Value,
        redactor: &Redactor,
    ) -> Result<RunPaths, FlowOutcome> {
        let layout = &self.settings.layout;
        let paths = layout
            .create_run_dir(
                flow.pack.domain,
                &flow.pack.label,
                flow.flow,
                record.started_at,
            )
            .map_err(|err| FlowOutcome::LoadError {
                message: format!(
                    "failed to create a run folder under {}: {err}",
                    layout.root().display()
                ),
            })?;
        record.run_id = paths.run_id.clone();
        record.run_dir = paths.dir.clone();
        write_run_start(&paths, input, record, redactor).map_err(|err| FlowOutcome::LoadError {
            message: format!("failed to write {}: {err}", paths.dir.display()),
        })?;
        Ok(paths)
    }

    fn spec(
        &self,
        flow: PlannedFlow<'_>,
        input: Value,
        runner_dir: &std::path::Path,
        timeout: Duration,
        seen: &Arc<SeenSecrets>,
    ) -> FlowRunSpec {
        let settings = self.settings;
        FlowRunSpec {
            pack_path: flow.pack.path.clone(),
            flow_id: flow.flow.to_string(),
            tenant: settings.ctx.tenant.clone(),
            team: settings.ctx.team.clone(),
            input,
            artifacts_dir: runner_dir.to_path_buf(),
            offline: settings.offline,
            // The same limit as the scheduler's, so that an abandoned run stops on its own.
            wall_limit: timeout,
            secrets_manager: settings
                .secrets
                .as_ref()
                .map(|store| store.manager(Arc::clone(seen))),
        }
    }

    /// Keeps a passing setup's answers; a flow whose answers cannot be kept has not passed.
    /// What the provider's contract already committed is not kept again.
    fn keep_answers(&self, setup: Option<&PackSetup>, outcome: FlowOutcome) -> FlowOutcome {
        let settings = self.settings;
        let setup = setup.filter(|s| s.committed.is_none());
        if outcome.is_success()
            && let (Some(setup), Some(secrets)) = (setup, &settings.secrets)
            && let Err(err) = persist(setup, secrets, &settings.scope)
        {
            return FlowOutcome::LoadError {
                message: format!("the flow passed but its answers could not be kept: {err}"),
            };
        }
        outcome
    }
}

/// Runs the flow under its watch and turns how that ended into the flow's outcome.
fn run_watched(spec: FlowRunSpec, watch: &Watch<'_>) -> (FlowOutcome, Option<RunResult>) {
    let limit_ms = watch.timeout().as_millis() as u64;
    let load_error = |message: String| (FlowOutcome::LoadError { message }, None);
    match watch.run(format!("flow {}", spec.flow_id), move || {
        run_provider_pack_flow(spec)
    }) {
        Watched::Done(Ok(result)) => (FlowOutcome::from_run(&result), Some(result)),
        // The runner's own wall limit is the same timeout and may fire first.
        Watched::Done(Err(err))
            if watch.past_deadline() || runner_wall_limit(&format!("{err:#}")).is_some() =>
        {
            (FlowOutcome::TimedOut { limit_ms }, None)
        }
        Watched::Done(Err(err)) => load_error(format!("{err:#}")),
        Watched::Panicked(message) => load_error(format!("the runner panicked: {message}")),
        Watched::NoThread(err) => {
            load_error(format!("failed to start a thread for the flow: {err}"))
        }
        Watched::Vanished => load_error("the runner's thread ended without a result".to_string()),
        Watched::TimedOut => (FlowOutcome::TimedOut { limit_ms }, None),
        Watched::Interrupted => (FlowOutcome::Interrupted, None),
    }
}

/// Copies the runner's files into the run folder through the redactor, removes its private
/// folder (an abandoned flow's later writes go nowhere), and writes the flow's end.
fn close_run_dir(
    paths: &RunPaths,
    runner_dir: &std::path::Path,
    mut record: FlowRecord,
    redactor: &Redactor,
) -> FlowRecord {
    match redactor.copy_redacted(runner_dir, &paths.artifacts()) {
        Ok(withheld) => record.withheld_artifacts = withheld,
        Err(err) => tracing::warn!(
            "failed to copy the runner's files from {} to {}: {err}",
            runner_dir.display(),
            paths.artifacts().display()
        ),
    }
    if let Err(err) = std::fs::remove_dir_all(runner_dir)
        && err.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!("failed to remove {}: {err}", runner_dir.display());
    }
    if let Err(err) = write_run_end(paths, &record, redactor) {
        record.outcome = FlowOutcome::LoadError {
            message: format!(
                "the flow ended but {} could not be written: {err}",
                paths.dir.display()
            ),
        };
    }
    record
}
