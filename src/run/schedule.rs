//! Schedules a plan's runnable flows: up to `parallel` at once, started in plan order, none
//! started after an interrupt, each under a [`Watch`], finished ones released in plan order.
//! Running and recording one flow is a [`FlowRunner`]'s job.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Sender};
use std::time::{Duration, Instant};

use crate::base::interrupt::Interrupt;
use crate::base::watch::Watch;
use crate::plan::{Plan, PlannedPack};
use crate::run::events::{Event, Execution, RunStats};
use crate::run::records::FlowRecord;

/// Runs and records one planned flow at a time; the scheduler may call it from several threads.
pub trait FlowRunner: Sync {
    /// Runs `flow` and returns its record; whatever goes wrong becomes the record's outcome.
    /// The blocking part of the run goes through [`Watch::run`]: the timeout and the grace
    /// period after an interrupt are the scheduler's limits, the verdict and the record are the
    /// runner's.
    fn run_flow(&self, flow: PlannedFlow<'_>, watch: &Watch<'_>) -> FlowRecord;
}

/// One runnable flow of a plan.
#[derive(Debug, Clone, Copy)]
pub struct PlannedFlow<'a> {
    pub plan: &'a Plan,
    /// The pack's index in `plan.packs` (a setup's answers are kept by it).
    pub pack_index: usize,
    pub pack: &'a PlannedPack,
    pub flow: &'a str,
}

/// How the flows are scheduled.
#[derive(Debug, Clone, Copy)]
pub struct ScheduleSettings {
    pub parallel: NonZeroUsize,
    /// Longest a flow may run before it is abandoned as timed out.
    pub timeout: Duration,
    /// After an interrupt, how long running flows may take to finish before they are abandoned.
    pub grace: Duration,
}

/// What a worker tells the scheduling thread, by the flow's place among the runnable flows.
enum Message {
    Started(usize),
    Finished(usize, Box<FlowRecord>),
}

/// Runs every runnable flow of `plan` through `runner`; stops starting flows once `interrupt`
/// is requested. `on_event` is only called from the calling thread, so its consumer sees one
/// stream however many workers run.
pub fn schedule(
    plan: &Plan,
    runner: &impl FlowRunner,
    settings: &ScheduleSettings,
    interrupt: &Interrupt,
    mut on_event: impl FnMut(Event<'_>),
) -> Execution {
    let wall = Instant::now();
    let queue = Queue::new(plan);
    let planned = queue.jobs.len();
    let workers = settings.parallel.get().min(planned.max(1));
    let mut release = InOrder::new(planned);

    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel::<Message>();
        for _ in 0..workers {
            let (tx, queue) = (tx.clone(), &queue);
            scope.spawn(move || work(queue, runner, settings, interrupt, tx));
        }
        // The loop below ends once every worker has dropped its sender.
        drop(tx);
        for message in rx {
            match message {
                Message::Started(index) => {
                    let flow = queue.flow(index);
                    on_event(Event::FlowStarted {
                        pack_label: &flow.pack.label,
                        flow: flow.flow,
                    });
                }
                Message::Finished(index, record) => release.finish(index, *record, &mut on_event),
            }
        }
    });

    let records = release.into_records(&mut on_event);
    tally(plan, records, planned, interrupt, wall)
}

/// One worker: runs the next flow until none is left or the command is interrupted.
fn work(
    queue: &Queue<'_>,
    runner: &impl FlowRunner,
    settings: &ScheduleSettings,
    interrupt: &Interrupt,
    tx: Sender<Message>,
) {
    while !interrupt.is_requested() {
        let Some((index, flow)) = queue.take() else {
            break;
        };
        if tx.send(Message::Started(index)).is_err() {
            break;
        }
        let watch = Watch::new(settings.timeout, settings.grace, interrupt);
        let record = runner.run_flow(flow, &watch);
        if tx.send(Message::Finished(index, Box::new(record))).is_err() {
            break;
        }
    }
}

/// The runnable flows, handed out in plan order to whichever worker asks next.
struct Queue<'a> {
    plan: &'a Plan,
    /// (pack index, step index) of each runnable flow.
    jobs: Vec<(usize, usize)>,
    next: AtomicUsize,
}

impl<'a> Queue<'a> {
    fn new(plan: &'a Plan) -> Self {
        Self {
            plan,
            jobs: plan.runnable().collect(),
            next: AtomicUsize::new(0),
        }
    }

    fn take(&self) -> Option<(usize, PlannedFlow<'a>)> {
        let index = self.next.fetch_add(1, Ordering::SeqCst);
        (index < self.jobs.len()).then(|| (index, self.flow(index)))
    }

    fn flow(&self, index: usize) -> PlannedFlow<'a> {
        let (p, s) = self.jobs[index];
        let pack = &self.plan.packs[p];
        PlannedFlow {
            plan: self.plan,
            pack_index: p,
            pack,
            flow: &pack.steps[s].flow,
        }
    }
}

/// Finished flows held back until every earlier flow has finished, so that they are released
/// in plan order whatever order they end in.
struct InOrder {
    finished: Vec<Option<FlowRecord>>,
    released: usize,
}

impl InOrder {
    fn new(planned: usize) -> Self {
        Self {
            finished: vec![None; planned],
            released: 0,
        }
    }

    /// Keeps `record` and releases every flow now finished without a gap before it.
    fn finish(&mut self, index: usize, record: FlowRecord, on_event: &mut impl FnMut(Event<'_>)) {
        self.finished[index] = Some(record);
        while let Some(Some(record)) = self.finished.get(self.released) {
            on_event(Event::FlowFinished { record });
            self.released += 1;
        }
    }

    /// The records of the flows that ran, in plan order. After an interrupt some slots stay
    /// empty for good; a flow held back behind one is released now.
    fn into_records(self, on_event: &mut impl FnMut(Event<'_>)) -> Vec<FlowRecord> {
        let mut records = Vec::new();
        for (index, slot) in self.finished.into_iter().enumerate() {
            if let Some(record) = slot {
                if index >= self.released {
                    on_event(Event::FlowFinished { record: &record });
                }
                records.push(record);
            }
        }
        records
    }
}

/// The counts of a run whose flows are over: `planned` runnable flows, `records` of those that
/// started.
fn tally(
    plan: &Plan,
    records: Vec<FlowRecord>,
    planned: usize,
    interrupt: &Interrupt,
    wall: Instant,
) -> Execution {
    let passed = records.iter().filter(|r| r.outcome.is_success()).count();
    let stats = RunStats {
        passed,
        failed: records.len() - passed,
        skipped: plan.count_skipped(),
        pack_errors: plan.count_errors(),
        not_started: planned - records.len(),
        interrupted: interrupt.is_requested(),
        wall_time: wall.elapsed(),
        ..RunStats::default()
    };
    Execution {
        records,
        actions: Vec::new(),
        removals: Vec::new(),
        stats,
    }
}

#[cfg(test)]
#[path = "schedule_tests.rs"]
mod tests;
