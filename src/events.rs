//! What a command reports as it goes, and its counts: the one stream every reporter renders.

use std::time::Duration;

use crate::device_code::record::{ActionOutcome, ActionRecord, DeviceCodePrompt};
use crate::interrupt::Interrupt;
use crate::records::FlowRecord;

/// What happens while a plan runs.
#[derive(Debug)]
pub enum Event<'a> {
    /// A flow began (in whatever order workers pick flows up).
    FlowStarted { pack_label: &'a str, flow: &'a str },
    /// A flow ended; these arrive in plan order whatever `parallel` is.
    FlowFinished { record: &'a FlowRecord },
    /// (setup) A device-code login waits for a person: show the code and where to enter it.
    DeviceCode { prompt: &'a DeviceCodePrompt },
    /// (setup) A provider's device-code action ended (after every flow).
    ActionFinished { record: &'a ActionRecord },
}

/// Counts over the whole command, summarised once into the exit code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
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
    #[serde(serialize_with = "as_millis")]
    pub wall_time: Duration,
}

fn as_millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_millis() as u64)
}

impl RunStats {
    pub fn all_passed(&self) -> bool {
        self.failed == 0
            && self.pack_errors == 0
            && !self.interrupted
            && self.actions_pending == 0
            && self.actions_failed == 0
    }
}

/// The results of running a plan.
#[derive(Debug, Clone)]
pub struct Execution {
    /// One record per flow that started, in plan order.
    pub records: Vec<FlowRecord>,
    /// (setup) One record per device-code action, in plan order.
    pub actions: Vec<ActionRecord>,
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
}
