//! What a command reports as it goes, and its counts: the one stream every reporter renders.

use std::time::Duration;

use crate::base::exit_code;
use crate::base::interrupt::Interrupt;
use crate::cli::request::Request;
use crate::plan::Plan;
use crate::run::records::FlowRecord;
use crate::run::removal_record::{RemovalOutcome, RemovalRecord};
use crate::run::warmup::{WarmStats, WarmStep};
use crate::setup::device_code::record::{ActionOutcome, ActionRecord, DeviceCodePrompt};

/// Everything a command has to say, in order: all a reporter receives (nextest's
/// `report_event`). Warnings and errors travel in the same stream, so a reporter can keep a
/// progress bar out of their way.
#[derive(Debug)]
pub enum Event<'a> {
    /// The command line asked for something impossible (the command ends with exit code 2).
    UsageError { message: &'a str },
    /// The command could not go on at all (exit code 1).
    Fatal { error: &'a dyn std::error::Error },
    /// Something worth knowing that does not stop the command.
    Warning { message: &'a str },
    /// A component the command loads is compiled into the cache, or found there (before the
    /// plan is shown: the provider contract loads its component while the plan is prepared).
    Warmup { step: &'a WarmStep },
    /// Every component the command loads is compiled (or could not be).
    WarmupFinished { stats: WarmStats },
    /// The plan, before anything runs (also the end of a dry run's stream but for
    /// `RunFinished`).
    PlanReady {
        plan: &'a Plan,
        request: &'a Request,
    },
    /// A flow began (in whatever order workers pick flows up).
    FlowStarted { pack_label: &'a str, flow: &'a str },
    /// A flow ended; these arrive in plan order whatever `parallel` is.
    FlowFinished { record: &'a FlowRecord },
    /// (setup) A device-code login waits for a person: show the code and where to enter it.
    DeviceCode { prompt: &'a DeviceCodePrompt },
    /// (setup) A provider's device-code action ended (after every flow).
    ActionFinished { record: &'a ActionRecord },
    /// (remove) A provider's stored data was deleted, or kept (after every flow).
    RemovalFinished { record: &'a RemovalRecord },
    /// The end: results when flows ran (`None` for a dry run) and the verdict.
    RunFinished {
        plan: &'a Plan,
        execution: Option<&'a Execution>,
        status: FinalStatus,
    },
}

/// The command's verdict, which owns the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FinalStatus {
    /// Every planned flow and login passed (or nothing was planned).
    Passed,
    /// A flow or login failed or is pending, or a pack was in error.
    Failed,
    /// Ctrl-C or SIGTERM.
    Interrupted,
}

impl FinalStatus {
    /// A dry run's verdict: whether every pack could be planned.
    pub fn of_plan(plan: &Plan) -> Self {
        if plan.count_errors() == 0 {
            FinalStatus::Passed
        } else {
            FinalStatus::Failed
        }
    }

    pub fn exit_code(self) -> u8 {
        match self {
            FinalStatus::Passed => exit_code::SUCCESS,
            FinalStatus::Failed => exit_code::FAILURE,
            FinalStatus::Interrupted => exit_code::INTERRUPTED,
        }
    }
}

/// Counts over the whole command, summarised once into the exit code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunStats {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    /// Packs that could not be planned (bad manifest, duplicate id, missing setup flow).
    pub pack_errors: usize,
    /// Planned flows that never started because the command was interrupted.
    pub not_started: usize,
    pub interrupted: bool,
    /// (setup) Device-code actions completed, left pending, failed.
    pub actions_complete: usize,
    pub actions_pending: usize,
    pub actions_failed: usize,
    /// (remove) Providers whose stored data was deleted, kept (a failed flow), or whose
    /// deletion failed.
    pub removals_done: usize,
    pub removals_kept: usize,
    pub removals_failed: usize,
    pub wall_time: Duration,
}

impl RunStats {
    /// The verdict these counts make, computed once at the end.
    pub fn final_status(&self) -> FinalStatus {
        if self.interrupted {
            FinalStatus::Interrupted
        } else if self.all_passed() {
            FinalStatus::Passed
        } else {
            FinalStatus::Failed
        }
    }

    pub fn all_passed(&self) -> bool {
        self.failed == 0
            && self.pack_errors == 0
            && !self.interrupted
            && self.actions_pending == 0
            && self.actions_failed == 0
            && self.removals_kept == 0
            && self.removals_failed == 0
    }
}

/// The results of running a plan.
#[derive(Debug, Clone)]
pub struct Execution {
    /// One record per flow that started, in plan order.
    pub records: Vec<FlowRecord>,
    /// (setup) One record per device-code action, in plan order.
    pub actions: Vec<ActionRecord>,
    /// (remove) One record per provider whose data was to be removed, in plan order.
    pub removals: Vec<RemovalRecord>,
    pub stats: RunStats,
}

impl Execution {
    /// Adds the device-code actions that ran after the flows.
    pub fn add_actions(&mut self, actions: Vec<ActionRecord>, interrupt: &Interrupt) {
        for action in &actions {
            match action.outcome {
                ActionOutcome::Complete { .. } => self.stats.actions_complete += 1,
                ActionOutcome::Pending { .. } => self.stats.actions_pending += 1,
                ActionOutcome::Failed { .. } => self.stats.actions_failed += 1,
                ActionOutcome::Skipped { .. } => {}
            }
            self.stats.wall_time += action.duration;
        }
        self.actions.extend(actions);
        self.stats.interrupted |= interrupt.is_requested();
    }

    /// Adds the removals made after the flows.
    pub fn add_removals(&mut self, removals: Vec<RemovalRecord>, interrupt: &Interrupt) {
        for removal in &removals {
            match removal.outcome {
                RemovalOutcome::Removed { .. } => self.stats.removals_done += 1,
                RemovalOutcome::Kept { .. } => self.stats.removals_kept += 1,
                RemovalOutcome::Failed { .. } => self.stats.removals_failed += 1,
            }
        }
        self.removals.extend(removals);
        self.stats.interrupted |= interrupt.is_requested();
    }
}
