//! Scheduling tests with a fake runner whose flows finish when the test says: plan-order
//! release, the parallel limit, timeouts, interrupts and grace periods, counts.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::mpsc::Receiver;

use chrono::Utc;

use super::*;
use crate::base::watch::Watched;
use crate::plan::fixtures::{pack, setup_plan};
use crate::plan::{Disposition, SkipReason};
use crate::run::outcome::FlowOutcome;

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
        domain: flow.pack.domain,
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
        withheld_artifacts: Vec::new(),
        outputs: Vec::new(),
        contract: None,
    }
}

/// One pack per name, each running its one flow.
fn plan(names: &[&str]) -> Plan {
    setup_plan(
        names
            .iter()
            .map(|name| pack(name, &[("setup_default", Disposition::Run)], None))
            .collect(),
    )
}

/// `plan(names)` with a pack whose flow is skipped and a pack in error.
fn plan_with_skip_and_error(names: &[&str]) -> Plan {
    let mut plan = plan(names);
    let skip = Disposition::Skip {
        reason: SkipReason::MissingSetupAllowed,
    };
    plan.packs
        .push(pack("skipped", &[("setup_default", skip)], None));
    plan.packs.push(pack("broken", &[], Some("bad manifest")));
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
        runner_status: crate::run::outcome::RunnerStatus::Failure,
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
