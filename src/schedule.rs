//! Schedules a plan's runnable flows: up to `parallel` at once, started in plan order, none
//! started after an interrupt, each under a [`Watch`], finished ones released in plan order.
//! Running and recording one flow is a [`FlowRunner`]'s job.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Sender};
use std::time::{Duration, Instant};

use crate::events::{Event, Execution, RunStats};
use crate::interrupt::Interrupt;
use crate::plan::{Plan, PlannedPack};
use crate::records::FlowRecord;
use crate::watch::Watch;

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
        stats,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Mutex;
    use std::sync::mpsc::Receiver;

    use chrono::Utc;

    use super::*;
    use crate::domains::{Action, Domain};
    use crate::outcome::FlowOutcome;
    use crate::plan::{Disposition, FlowStep, SkipReason};
    use crate::watch::Watched;

    /// Longer than any test runs: a limit that is never reached.
    const LONG: Duration = Duration::from_secs(600);
    /// How long the test's script waits for news of a flow before it calls the scheduler stuck.
    const STUCK: Duration = Duration::from_secs(30);

    /// A runner whose flows end when the test says so: each one waits, under the scheduler's
    /// watch, for the outcome the test sends through its gate, and tells the test when it
    /// starts and ends.
    struct Fake {
        gates: Mutex<HashMap<String, Receiver<FlowOutcome>>>,
        started: Sender<String>,
        ended: Sender<(String, Instant)>,
        running: AtomicUsize,
        /// The most flows that were ever running at once.
        peak: AtomicUsize,
    }

    impl FlowRunner for Fake {
        fn run_flow(&self, flow: PlannedFlow<'_>, watch: &Watch<'_>) -> FlowRecord {
            let name = flow.pack.label.clone();
            let running = self.running.fetch_add(1, Ordering::SeqCst) + 1;
            self.peak.fetch_max(running, Ordering::SeqCst);
            let gate = self.gates.lock().unwrap().remove(&name).expect("runs once");
            let _ = self.started.send(name.clone());
            let outcome = match watch.run(name.clone(), move || gate.recv()) {
                Watched::Done(Ok(outcome)) => outcome,
                Watched::TimedOut => FlowOutcome::TimedOut {
                    limit_ms: watch.timeout().as_millis() as u64,
                },
                Watched::Interrupted => FlowOutcome::Interrupted,
                other => panic!("the gate of {name} broke: {other:?}"),
            };
            self.running.fetch_sub(1, Ordering::SeqCst);
            let _ = self.ended.send((name, Instant::now()));
            record(flow, outcome)
        }
    }

    /// The test's side of a [`Fake`]: the gates that end its flows, the news of its flows.
    struct Control {
        gates: HashMap<String, Sender<FlowOutcome>>,
        started: Receiver<String>,
        ended: Receiver<(String, Instant)>,
    }

    impl Control {
        /// Lets `flow` end with `outcome`, now if it runs, as soon as it starts if not.
        fn end(&self, flow: &str, outcome: FlowOutcome) {
            self.gates[flow].send(outcome).unwrap();
        }

        /// Ends `flow` and waits until it has ended, so that whatever ends next ends after it.
        fn end_now(&self, flow: &str, outcome: FlowOutcome) {
            self.end(flow, outcome);
            let (ended, _) = self.ended.recv_timeout(STUCK).expect("a flow to end");
            assert_eq!(ended, flow);
        }

        fn next_started(&self) -> String {
            self.started.recv_timeout(STUCK).expect("a flow to start")
        }
    }

    fn fake_for(plan: &Plan) -> (Fake, Control) {
        let (started_tx, started) = mpsc::channel();
        let (ended_tx, ended) = mpsc::channel();
        let (mut senders, mut receivers) = (HashMap::new(), HashMap::new());
        for (p, _) in plan.runnable() {
            let (tx, rx) = mpsc::channel();
            senders.insert(plan.packs[p].label.clone(), tx);
            receivers.insert(plan.packs[p].label.clone(), rx);
        }
        let fake = Fake {
            gates: Mutex::new(receivers),
            started: started_tx,
            ended: ended_tx,
            running: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
        };
        let control = Control {
            gates: senders,
            started,
            ended,
        };
        (fake, control)
    }

    fn record(flow: PlannedFlow<'_>, outcome: FlowOutcome) -> FlowRecord {
        FlowRecord {
            run_id: String::new(),
            run_dir: Default::default(),
            domain: flow.plan.domain,
            action: flow.plan.action,
            pack_id: flow.pack.label.clone(),
            pack_path: flow.pack.path.clone(),
            flow: flow.flow.to_string(),
            tenant: "acme".into(),
            team: None,
            env: "dev".into(),
            started_at: Utc::now(),
            duration: Duration::ZERO,
            outcome,
            runner_result: None,
        }
    }

    fn pack(label: &str, steps: Vec<FlowStep>, error: Option<&str>) -> PlannedPack {
        PlannedPack {
            path: format!("/p/providers/messaging/{label}.gtpack").into(),
            file_name: format!("{label}.gtpack"),
            label: label.into(),
            info: None,
            steps,
            error: error.map(str::to_string),
            answers: Vec::new(),
            secrets: Vec::new(),
            device_code: None,
            login: None,
        }
    }

    /// One pack per name, each running its one flow.
    fn plan(names: &[&str]) -> Plan {
        let run = |flow: &str| FlowStep {
            flow: flow.into(),
            disposition: Disposition::Run,
        };
        Plan {
            domain: Domain::Messaging,
            action: Action::Setup,
            providers_dir: "/p/providers/messaging".into(),
            providers_dir_exists: true,
            packs: names
                .iter()
                .map(|name| pack(name, vec![run("setup_default")], None))
                .collect(),
        }
    }

    /// `plan(names)` with a pack whose flow is skipped and a pack in error.
    fn plan_with_skip_and_error(names: &[&str]) -> Plan {
        let mut plan = plan(names);
        let skip = FlowStep {
            flow: "setup_default".into(),
            disposition: Disposition::Skip {
                reason: SkipReason::MissingSetupAllowed,
            },
        };
        plan.packs.push(pack("skipped", vec![skip], None));
        plan.packs
            .push(pack("broken", Vec::new(), Some("bad manifest")));
        plan
    }

    fn settings(parallel: usize, timeout: Duration, grace: Duration) -> ScheduleSettings {
        ScheduleSettings {
            parallel: NonZeroUsize::new(parallel).unwrap(),
            timeout,
            grace,
        }
    }

    fn failed() -> FlowOutcome {
        FlowOutcome::Failed {
            runner_status: "Failure".into(),
            error: None,
            failed_nodes: Vec::new(),
        }
    }

    struct Played {
        execution: Execution,
        /// Each event as "start <pack>" or "end <pack>", in the order the consumer saw them.
        events: Vec<String>,
        peak: usize,
        control: Control,
    }

    impl Played {
        fn ends(&self) -> Vec<&str> {
            let ends = self.events.iter().filter_map(|e| e.strip_prefix("end "));
            ends.collect()
        }

        fn outcomes(&self) -> Vec<(&str, &FlowOutcome)> {
            let records = self.execution.records.iter();
            records.map(|r| (r.pack_id.as_str(), &r.outcome)).collect()
        }

        fn stats(&self) -> RunStats {
            self.execution.stats
        }
    }

    /// Schedules `plan` over the fake while `script` plays the test's part on a thread of its
    /// own. The control outlives the run, so a gate left shut stays shut until the end.
    fn play(
        plan: &Plan,
        settings: ScheduleSettings,
        interrupt: &Interrupt,
        script: impl FnOnce(&Control) + Send,
    ) -> Played {
        let (fake, control) = fake_for(plan);
        let mut events = Vec::new();
        let (execution, control) = std::thread::scope(|scope| {
            let script = scope.spawn(move || {
                script(&control);
                control
            });
            let execution = schedule(plan, &fake, &settings, interrupt, |event| {
                events.push(match event {
                    Event::FlowStarted { pack_label, .. } => format!("start {pack_label}"),
                    Event::FlowFinished { record } => format!("end {}", record.pack_id),
                    other => panic!("unexpected event {other:?}"),
                })
            });
            (execution, script.join().expect("the test's script"))
        });
        let peak = fake.peak.into_inner();
        Played {
            execution,
            events,
            peak,
            control,
        }
    }

    fn stats(passed: usize, failed: usize, not_started: usize, interrupted: bool) -> RunStats {
        RunStats {
            passed,
            failed,
            not_started,
            interrupted,
            ..RunStats::default()
        }
    }

    /// `played`'s stats without the wall time, which no test can know.
    fn counts(played: &Played) -> RunStats {
        RunStats {
            wall_time: Duration::ZERO,
            ..played.stats()
        }
    }

    #[test]
    fn finished_flows_are_released_in_plan_order_whatever_ends_first() {
        let plan = plan(&["f0", "f1", "f2", "f3", "f4"]);
        let played = play(&plan, settings(3, LONG, LONG), &Interrupt::new(), |c| {
            let mut first: Vec<String> = (0..3).map(|_| c.next_started()).collect();
            first.sort();
            assert_eq!(first, ["f0", "f1", "f2"]);
            c.end_now("f2", FlowOutcome::Passed);
            assert_eq!(c.next_started(), "f3");
            c.end_now("f1", failed());
            assert_eq!(c.next_started(), "f4");
            c.end_now("f4", FlowOutcome::Passed);
            c.end_now("f3", FlowOutcome::Passed);
            c.end_now("f0", FlowOutcome::Passed);
        });
        // The first flow of the plan ended last: nothing was released before it.
        assert!(played.events[..5].iter().all(|e| e.starts_with("start ")));
        assert_eq!(played.ends(), ["f0", "f1", "f2", "f3", "f4"]);
        let order: Vec<&str> = played.outcomes().into_iter().map(|(p, _)| p).collect();
        assert_eq!(order, ["f0", "f1", "f2", "f3", "f4"]);
        assert_eq!(counts(&played), stats(4, 1, 0, false));
    }

    #[test]
    fn never_more_than_parallel_flows_run_at_once() {
        let names = ["f0", "f1", "f2", "f3", "f4", "f5", "f6"];
        let played = play(
            &plan(&names),
            settings(2, LONG, LONG),
            &Interrupt::new(),
            |c| {
                // Ends the newest flow once two run, so that flows end out of plan order too.
                let (mut running, mut started) = (Vec::new(), 0);
                loop {
                    while running.len() < 2 && started < names.len() {
                        running.push(c.next_started());
                        started += 1;
                    }
                    let Some(newest) = running.pop() else { break };
                    c.end_now(&newest, FlowOutcome::Passed);
                }
            },
        );
        assert_eq!(played.peak, 2);
        assert_eq!(played.ends(), names);
        assert_eq!(counts(&played), stats(7, 0, 0, false));
    }

    #[test]
    fn a_flow_over_its_timeout_is_timed_out_and_the_next_flows_run() {
        let plan = plan(&["f0", "f1", "f2"]);
        let timeout = Duration::from_millis(50);
        let played = play(&plan, settings(1, timeout, LONG), &Interrupt::new(), |c| {
            // f0's gate stays shut; the others end as soon as they start.
            c.end("f1", FlowOutcome::Passed);
            c.end("f2", FlowOutcome::Passed);
            let started: Vec<String> = (0..3).map(|_| c.next_started()).collect();
            assert_eq!(started, ["f0", "f1", "f2"]);
        });
        let timed_out = FlowOutcome::TimedOut { limit_ms: 50 };
        let expected = [
            ("f0", &timed_out),
            ("f1", &FlowOutcome::Passed),
            ("f2", &FlowOutcome::Passed),
        ];
        assert_eq!(played.outcomes(), expected);
        assert_eq!(played.ends(), ["f0", "f1", "f2"]);
        assert_eq!(counts(&played), stats(2, 1, 0, false));
    }

    #[test]
    fn after_an_interrupt_no_flow_starts_and_running_ones_get_the_grace_period() {
        let plan = plan(&["f0", "f1", "f2", "f3"]);
        let interrupt = Interrupt::new();
        let grace = Duration::from_millis(300);
        let played = play(&plan, settings(2, LONG, grace), &interrupt, |c| {
            let mut running = [c.next_started(), c.next_started()];
            running.sort();
            assert_eq!(running, ["f0", "f1"]);
            interrupt.request();
            // Within the grace period f0 still ends as it would have; f1 never does.
            c.end_now("f0", FlowOutcome::Passed);
        });
        let expected = [
            ("f0", &FlowOutcome::Passed),
            ("f1", &FlowOutcome::Interrupted),
        ];
        assert_eq!(played.outcomes(), expected);
        assert_eq!(played.events.len(), 4, "{:?}", played.events);
        assert_eq!(played.ends(), ["f0", "f1"]);
        let (flow, ended) = played.control.ended.try_recv().expect("f1 to end");
        assert_eq!(flow, "f1");
        assert!(ended - interrupt.requested_at().unwrap() >= grace);
        assert_eq!(counts(&played), stats(1, 1, 2, true));
    }

    #[test]
    fn an_interrupt_before_the_start_runs_nothing_and_counts_every_flow_not_started() {
        let plan = plan_with_skip_and_error(&["f0", "f1", "f2"]);
        let interrupt = Interrupt::new();
        interrupt.request();
        let played = play(&plan, settings(2, LONG, LONG), &interrupt, |_| {});
        assert!(played.events.is_empty());
        assert_eq!(played.peak, 0);
        let expected = RunStats {
            skipped: 1,
            pack_errors: 1,
            ..stats(0, 0, 3, true)
        };
        assert_eq!(counts(&played), expected);
    }

    #[test]
    fn a_run_counts_passed_failed_skipped_and_pack_errors() {
        let plan = plan_with_skip_and_error(&["f0", "f1", "f2"]);
        let played = play(&plan, settings(2, LONG, LONG), &Interrupt::new(), |c| {
            c.end("f0", FlowOutcome::Passed);
            c.end("f1", failed());
            let message = "no such pack".to_string();
            c.end("f2", FlowOutcome::LoadError { message });
        });
        assert_eq!(played.ends(), ["f0", "f1", "f2"]);
        let expected = RunStats {
            skipped: 1,
            pack_errors: 1,
            ..stats(1, 2, 0, false)
        };
        assert_eq!(counts(&played), expected);
    }
}
