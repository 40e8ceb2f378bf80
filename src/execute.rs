//! Runs a plan: up to `parallel` flows at once, each recorded in its own run folder, each
//! bounded by `--timeout`, all stopping on an interrupt. Never prints: it hands [`Event`]s to
//! one consumer, finished flows always in plan order.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use chrono::Utc;
use greentic_runner_desktop::RunResult;

use crate::events::{Event, Execution, RunStats};
use crate::input::{FlowContext, FlowSubject, flow_input};
use crate::interrupt::Interrupt;
use crate::outcome::FlowOutcome;
use crate::plan::Plan;
use crate::records::{FlowRecord, write_run_end, write_run_start};
use crate::redact::Redactor;
use crate::runner_exec::{FlowRunSpec, run_provider_pack_flow};
use crate::secrets::{DevSecrets, SecretScope};
use crate::setup_store::{PackSetup, persist};
use crate::state_layout::StateLayout;

/// How often a waiting worker looks at the clock and the interrupt flag.
const TICK: Duration = Duration::from_millis(25);

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
}

enum Message {
    Started(usize),
    Finished(usize, Box<FlowRecord>),
}

/// Runs every runnable flow of `plan`; stops starting flows once `interrupt` is requested.
pub fn execute(
    plan: &Plan,
    settings: &ExecSettings,
    interrupt: &Interrupt,
    mut on_event: impl FnMut(Event<'_>),
) -> Execution {
    let wall = Instant::now();
    let jobs: Vec<(usize, usize)> = plan.runnable().collect();
    let next = AtomicUsize::new(0);
    let workers = settings.parallel.get().min(jobs.len().max(1));
    let mut finished: Vec<Option<FlowRecord>> = vec![None; jobs.len()];
    let mut reported = 0;

    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel::<Message>();
        for _ in 0..workers {
            let tx = tx.clone();
            let (jobs, next) = (&jobs, &next);
            scope.spawn(move || {
                while !interrupt.is_requested() {
                    let index = next.fetch_add(1, Ordering::SeqCst);
                    let Some(&(p, s)) = jobs.get(index) else {
                        break;
                    };
                    if tx.send(Message::Started(index)).is_err() {
                        break;
                    }
                    let record = run_one(plan, p, s, settings, interrupt);
                    if tx.send(Message::Finished(index, Box::new(record))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for message in rx {
            match message {
                Message::Started(index) => {
                    let (p, s) = jobs[index];
                    let pack = &plan.packs[p];
                    on_event(Event::FlowStarted {
                        pack_label: &pack.label,
                        flow: &pack.steps[s].flow,
                    });
                }
                Message::Finished(index, record) => {
                    finished[index] = Some(*record);
                    // Report in plan order; after an interrupt some slots stay empty for good.
                    while reported < finished.len() {
                        match &finished[reported] {
                            Some(record) => on_event(Event::FlowFinished { record }),
                            None => break,
                        }
                        reported += 1;
                    }
                }
            }
        }
    });

    let mut records = Vec::new();
    for (index, slot) in finished.into_iter().enumerate() {
        if let Some(record) = slot {
            if index >= reported {
                on_event(Event::FlowFinished { record: &record });
            }
            records.push(record);
        }
    }
    let passed = records.iter().filter(|r| r.outcome.is_success()).count();
    let stats = RunStats {
        passed,
        failed: records.len() - passed,
        skipped: plan.count_skipped(),
        pack_errors: plan.count_errors(),
        not_started: jobs.len() - records.len(),
        interrupted: interrupt.is_requested(),
        wall_time: wall.elapsed(),
        ..RunStats::default()
    };
    Execution {
        records,
        actions: Vec::new(),
        stats,
    }
}

/// Runs one flow and records it; whatever goes wrong becomes that flow's outcome.
fn run_one(
    plan: &Plan,
    p: usize,
    s: usize,
    settings: &ExecSettings,
    interrupt: &Interrupt,
) -> FlowRecord {
    let pack = &plan.packs[p];
    let flow = &pack.steps[s].flow;
    let ctx = &settings.ctx;
    let setup = settings.setups.get(&p);
    let redactor = Redactor::new(
        setup
            .map(|s| s.answers.secret_values())
            .unwrap_or_default()
            .into_iter()
            .map(|(_, value)| value),
    );
    let subject = FlowSubject {
        domain: plan.domain,
        action: plan.action,
        pack_id: pack
            .info
            .as_ref()
            .map_or(pack.label.as_str(), |i| &i.pack_id),
        flow,
        setup_answers: setup.map(|s| &s.answers.values),
    };
    let input = flow_input(&subject, ctx);
    let started_at = Utc::now();
    let clock = Instant::now();
    let mut record = FlowRecord {
        run_id: String::new(),
        run_dir: Default::default(),
        domain: plan.domain,
        action: plan.action,
        pack_id: pack
            .info
            .as_ref()
            .map_or_else(|| pack.label.clone(), |i| i.pack_id.clone()),
        pack_path: pack.path.clone(),
        flow: flow.clone(),
        tenant: ctx.tenant.clone(),
        team: ctx.team.clone(),
        env: ctx.env.clone(),
        started_at,
        duration: Duration::ZERO,
        outcome: FlowOutcome::Passed,
        runner_result: None,
    };

    let paths = match settings
        .layout
        .create_run_dir(plan.domain, &pack.label, flow, started_at)
    {
        Ok(paths) => paths,
        Err(err) => {
            record.outcome = FlowOutcome::LoadError {
                message: format!(
                    "failed to create a run folder under {}: {err}",
                    settings.layout.root().display()
                ),
            };
            return record;
        }
    };
    record.run_id = paths.run_id.clone();
    record.run_dir = paths.dir.clone();
    if let Err(err) = write_run_start(&paths, &input, &record, &redactor) {
        record.outcome = FlowOutcome::LoadError {
            message: format!("failed to write {}: {err}", paths.dir.display()),
        };
        return record;
    }

    let spec = FlowRunSpec {
        pack_path: pack.path.clone(),
        flow_id: flow.clone(),
        tenant: ctx.tenant.clone(),
        team: ctx.team.clone(),
        input,
        artifacts_dir: paths.artifacts(),
        offline: settings.offline,
        wall_limit: settings.timeout,
        secrets_manager: settings.secrets.as_ref().map(DevSecrets::manager),
    };
    let (mut outcome, result) = supervise(spec, clock, settings, interrupt);
    if let Some(info) = &pack.info {
        outcome = outcome.explain_runner_mismatch(info, flow);
    }
    if outcome.is_success()
        && let (Some(setup), Some(secrets)) = (setup, &settings.secrets)
        && let Err(err) = persist(setup, secrets, &settings.scope)
    {
        outcome = FlowOutcome::LoadError {
            message: format!("the flow passed but its answers could not be kept: {err}"),
        };
    }
    record.duration = clock.elapsed();
    record.outcome = outcome.redacted(&redactor);
    record.runner_result = result;
    if let Err(err) = redactor.scrub_dir(&paths.artifacts()) {
        tracing::warn!(
            "failed to scrub secrets from {}: {err}",
            paths.artifacts().display()
        );
    }
    if let Err(err) = write_run_end(&paths, &record, &redactor) {
        record.outcome = FlowOutcome::LoadError {
            message: format!(
                "the flow ended but {} could not be written: {err}",
                paths.dir.display()
            ),
        };
    }
    record
}

/// Runs the flow on its own thread and waits for it, its timeout, or the end of the grace
/// period after an interrupt. The runner offers no way to cancel a run, so a flow that
/// overstays is abandoned: its thread ends when the runner's own limits stop it (the
/// operator sets those to the same timeout), or with the process.
fn supervise(
    spec: FlowRunSpec,
    clock: Instant,
    settings: &ExecSettings,
    interrupt: &Interrupt,
) -> (FlowOutcome, Option<RunResult>) {
    let (tx, rx) = mpsc::sync_channel(1);
    let spawned = std::thread::Builder::new()
        .name(format!("flow {}", spec.flow_id))
        .spawn(move || {
            // A panic inside the runner must cost one flow, not the whole command.
            let result = catch_unwind(AssertUnwindSafe(|| run_provider_pack_flow(spec)));
            let _ = tx.send(result);
        });
    if let Err(err) = spawned {
        let message = format!("failed to start a thread for the flow: {err}");
        return (FlowOutcome::LoadError { message }, None);
    }
    loop {
        match rx.recv_timeout(TICK) {
            Ok(Ok(Ok(result))) => return (FlowOutcome::from_run(&result), Some(result)),
            // The runner's own wall limit is the same timeout and may fire first.
            Ok(Ok(Err(_))) if clock.elapsed() >= settings.timeout => {
                let limit_ms = settings.timeout.as_millis() as u64;
                return (FlowOutcome::TimedOut { limit_ms }, None);
            }
            Ok(Ok(Err(err))) => {
                let message = format!("{err:#}");
                return (FlowOutcome::LoadError { message }, None);
            }
            Ok(Err(panic)) => {
                let message = format!("the runner panicked: {}", panic_message(&panic));
                return (FlowOutcome::LoadError { message }, None);
            }
            Err(RecvTimeoutError::Disconnected) => {
                let message = "the runner's thread ended without a result".to_string();
                return (FlowOutcome::LoadError { message }, None);
            }
            Err(RecvTimeoutError::Timeout) => {
                if clock.elapsed() >= settings.timeout {
                    let limit_ms = settings.timeout.as_millis() as u64;
                    return (FlowOutcome::TimedOut { limit_ms }, None);
                }
                if interrupt
                    .requested_at()
                    .is_some_and(|at| at.elapsed() >= settings.grace)
                {
                    return (FlowOutcome::Interrupted, None);
                }
            }
        }
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}
