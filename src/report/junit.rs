//! `--junit PATH`: a JUnit XML report, so CI systems show lifecycle flows like tests:
//! one test suite per command, one test case per planned flow (and per device-code login).
//! The model and its XML come from quick-junit, the crate nextest writes its own reports with.

use std::path::Path;
use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::plan::{Disposition, FlowStep, Plan, PlannedPack};
use crate::run::events::Execution;
use crate::run::removal_record::{RemovalOutcome, RemovalRecord};
use crate::setup::device_code::record::{ActionOutcome, ActionRecord};
use crate::state::atomic_file::write_atomic;

/// Writes the report of `plan` (and its `execution`, when flows ran) to `path`.
pub fn write_junit(path: &Path, plan: &Plan, execution: Option<&Execution>) -> std::io::Result<()> {
    let xml = report(plan, execution)
        .to_string()
        .map_err(std::io::Error::other)?;
    write_atomic(path, xml.as_bytes())
}

/// One test suite per domain of the plan (one for a single domain).
fn report(plan: &Plan, execution: Option<&Execution>) -> Report {
    let mut report = Report::new("greentic-operator");
    for section in &plan.sections {
        let mut suite = TestSuite::new(format!(
            "greentic-operator dev {} {}",
            plan.action, section.domain
        ));
        for pack in plan.section_packs(section.domain) {
            let classname = format!("{}.{}", section.domain, pack.label);
            suite.add_test_cases(pack_cases(&classname, pack, execution));
        }
        // A dry run still gets a time (zero), so every suite reads the same to CI tools.
        suite.set_time(execution.map_or(Duration::ZERO, |e| e.stats.wall_time));
        report.add_test_suite(suite);
    }
    report
}

/// One pack's cases in the order things happen: its planning error, its flows, then its
/// device-code login (which runs after every flow).
fn pack_cases(classname: &str, pack: &PlannedPack, execution: Option<&Execution>) -> Vec<TestCase> {
    let error = pack.error.as_ref().map(|error| {
        let detail = format!("{}: {error}", pack.path.display());
        let status = not_passed(TestCaseStatus::non_success(NonSuccessKind::Error), &detail);
        case("(pack)", status, Duration::ZERO)
    });
    let flows = pack
        .steps
        .iter()
        .map(|step| flow_case(pack, step, execution));
    let login = execution
        .and_then(|e| e.actions.iter().find(|a| a.pack_path == pack.path))
        .map(login_case);
    let removal = execution
        .and_then(|e| e.removals.iter().find(|r| r.pack_path == pack.path))
        .map(removal_case);
    error
        .into_iter()
        .chain(flows)
        .chain(login)
        .chain(removal)
        .map(|mut case| {
            case.set_classname(classname);
            case
        })
        .collect()
}

fn flow_case(pack: &PlannedPack, step: &FlowStep, execution: Option<&Execution>) -> TestCase {
    let record = execution.and_then(|e| {
        e.records
            .iter()
            .find(|r| r.pack_path == pack.path && r.flow == step.flow)
    });
    let status = match (&step.disposition, record) {
        (Disposition::Skip { reason }, _) => skipped(reason.describe()),
        // Its removal's own case says what the cleanup plan deleted.
        (Disposition::Contract, _) if step.step == "remove" && execution.is_some() => {
            TestCaseStatus::success()
        }
        (Disposition::Contract, _) => contract_status(pack, execution.is_some()),
        (Disposition::NothingToDo, _) => TestCaseStatus::success(),
        (Disposition::Run, Some(record)) if record.outcome.is_success() => {
            TestCaseStatus::success()
        }
        (Disposition::Run, Some(record)) => failure(&format!(
            "{}\nrun folder: {}",
            record.outcome.headline().unwrap_or_default(),
            record.run_dir.display()
        )),
        // Flows ran but this one has no record: the command stopped before it started.
        (Disposition::Run, None) if execution.is_some() => {
            skipped("not started: the command was interrupted")
        }
        (Disposition::Run, None) => skipped("dry run"),
    };
    case(
        &step.flow,
        status,
        record.map_or(Duration::ZERO, |r| r.duration),
    )
}

/// (update) A step the provider's `apply-answers` did: passes once it configured the provider
/// (a refusal is the pack's error case); a dry run only says it would.
fn contract_status(pack: &PlannedPack, ran: bool) -> TestCaseStatus {
    let configured = pack.contract.as_ref().is_some_and(|c| c.configured());
    match (configured, ran) {
        (true, _) => TestCaseStatus::success(),
        (false, false) => skipped("dry run: its provider's apply-answers would do it"),
        (false, true) => skipped("not done: its provider's apply-answers was not called"),
    }
}

fn login_case(action: &ActionRecord) -> TestCase {
    let status = match &action.outcome {
        ActionOutcome::Complete { .. } => TestCaseStatus::success(),
        ActionOutcome::Skipped { reason } => skipped(reason),
        // A pending login fails the case too: setup is not done until someone finishes it.
        ActionOutcome::Pending { .. } | ActionOutcome::Failed { .. } => failure(&format!(
            "{}\nstate: {}",
            action.outcome.headline().unwrap_or_default(),
            action.state_file.display()
        )),
    };
    case(action.action, status, action.duration)
}

/// (remove) `stored data`: passes when it was deleted; data kept or half deleted fails.
fn removal_case(removal: &RemovalRecord) -> TestCase {
    let status = match &removal.outcome {
        RemovalOutcome::Removed { .. } => TestCaseStatus::success(),
        RemovalOutcome::Kept { reason } => failure(&format!("nothing deleted: {reason}")),
        RemovalOutcome::Failed { message, .. } => failure(message),
    };
    case("stored data", status, Duration::ZERO)
}

fn case(name: &str, status: TestCaseStatus, time: Duration) -> TestCase {
    let mut case = TestCase::new(name, status);
    case.set_time(time);
    case
}

fn failure(detail: &str) -> TestCaseStatus {
    not_passed(TestCaseStatus::non_success(NonSuccessKind::Failure), detail)
}

fn skipped(detail: &str) -> TestCaseStatus {
    not_passed(TestCaseStatus::skipped(), detail)
}

/// CI tools list the `message` attribute on one line, so it gets the first line; the element's
/// text keeps the whole detail (the run folder or state file on the lines after it).
fn not_passed(mut status: TestCaseStatus, detail: &str) -> TestCaseStatus {
    status
        .set_message(detail.lines().next().unwrap_or_default())
        .set_description(detail);
    status
}

#[cfg(test)]
mod tests {

    use chrono::Utc;

    use super::*;
    use crate::pack::domains::{Action, Domain};
    use crate::plan::SkipReason;
    use crate::plan::fixtures::{pack, setup_plan};
    use crate::run::events::RunStats;
    use crate::run::outcome::FlowOutcome;
    use crate::run::records::FlowRecord;
    use crate::setup::device_code::record::ACTION_NAME;

    /// A setup plan: a pack in error, then a pack with a flow that fails, one that passes and
    /// one the pack does not declare.
    fn plan() -> Plan {
        let skip = Disposition::Skip {
            reason: SkipReason::NotDeclared,
        };
        setup_plan(vec![
            pack("broken", &[], Some("manifest.cbor is not CBOR")),
            pack(
                "slack",
                &[
                    ("setup_default", Disposition::Run),
                    ("verify_webhooks", Disposition::Run),
                    ("sync_subscriptions", skip),
                ],
                None,
            ),
        ])
    }

    fn record(flow: &str, outcome: FlowOutcome) -> FlowRecord {
        FlowRecord {
            run_id: format!("run-{flow}"),
            run_dir: format!("/state/runs/run-{flow}").into(),
            domain: Domain::Messaging,
            action: Action::Setup,
            pack_id: "slack".into(),
            pack_path: "/p/providers/messaging/slack.gtpack".into(),
            flow: flow.into(),
            tenant: "acme".into(),
            team: None,
            env: "dev".into(),
            started_at: Utc::now(),
            duration: Duration::from_millis(1500),
            outcome,
            runner_result: None,
            withheld_artifacts: Vec::new(),
            outputs: Vec::new(),
            contract: None,
        }
    }

    fn login(outcome: ActionOutcome) -> ActionRecord {
        ActionRecord {
            pack_id: "slack".into(),
            pack_path: "/p/providers/messaging/slack.gtpack".into(),
            action: ACTION_NAME,
            mode: None,
            state_file: "/state/actions/slack.json".into(),
            duration: Duration::from_secs(2),
            outcome,
            success_message: None,
            selections: vec![],
            stored_secrets: vec![],
            stored_config: vec![],
        }
    }

    fn execution(records: Vec<FlowRecord>, actions: Vec<ActionRecord>) -> Execution {
        let stats = RunStats {
            wall_time: Duration::from_secs(4),
            ..RunStats::default()
        };
        Execution {
            records,
            actions,
            removals: Vec::new(),
            stats,
        }
    }

    /// Reads the written file back, so the test sees what CI sees.
    fn written(plan: &Plan, execution: Option<&Execution>) -> (String, TestSuite) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.xml");
        write_junit(&path, plan, execution).unwrap();
        let xml = std::fs::read_to_string(&path).unwrap();
        let mut report = Report::deserialize_from_str(&xml).unwrap();
        assert_eq!(report.test_suites.len(), 1, "{xml}");
        (xml, report.test_suites.remove(0))
    }

    fn summary(case: &TestCase) -> (String, &str, Option<&str>) {
        let (word, message) = match &case.status {
            TestCaseStatus::Success { .. } => ("passed", None),
            TestCaseStatus::NonSuccess { kind, message, .. } => match kind {
                NonSuccessKind::Failure => ("failure", message.as_deref()),
                NonSuccessKind::Error => ("error", message.as_deref()),
            },
            TestCaseStatus::Skipped { message, .. } => ("skipped", message.as_deref()),
        };
        let class = case.classname.as_deref().unwrap_or_default();
        (format!("{class} {}", case.name.as_str()), word, message)
    }

    #[test]
    fn every_planned_flow_pack_error_and_login_is_a_case() {
        let failed = FlowOutcome::LoadError {
            message: "no component absent.component".into(),
        };
        let pending = ActionOutcome::Pending {
            reason: "the app is not installed yet".into(),
        };
        let execution = execution(
            vec![
                record("setup_default", FlowOutcome::Passed),
                record("verify_webhooks", failed),
            ],
            vec![login(pending)],
        );
        let (xml, suite) = written(&plan(), Some(&execution));

        assert_eq!(suite.name.as_str(), "greentic-operator dev setup messaging");
        let cases: Vec<_> = suite.test_cases.iter().map(summary).collect();
        let expected = [
            (
                "messaging.broken (pack)",
                "error",
                Some("/p/providers/messaging/broken.gtpack: manifest.cbor is not CBOR"),
            ),
            ("messaging.slack setup_default", "passed", None),
            (
                "messaging.slack verify_webhooks",
                "failure",
                Some("no component absent.component"),
            ),
            (
                "messaging.slack sync_subscriptions",
                "skipped",
                Some("not declared by the pack"),
            ),
            (
                "messaging.slack oauth_device_code",
                "failure",
                Some("the app is not installed yet"),
            ),
        ];
        let expected: Vec<_> = expected
            .iter()
            .map(|(n, w, m)| (n.to_string(), *w, *m))
            .collect();
        assert_eq!(cases, expected, "{xml}");
        assert_eq!(
            (suite.tests, suite.failures, suite.errors, suite.skipped),
            (5, 2, 1, 1)
        );
        assert_eq!(suite.time, Some(Duration::from_secs(4)));
        assert_eq!(suite.test_cases[2].time, Some(Duration::from_millis(1500)));
        // The first line is the message; the body adds where to look.
        assert!(
            xml.contains("run folder: /state/runs/run-verify_webhooks"),
            "{xml}"
        );
        assert!(xml.contains("state: /state/actions/slack.json"), "{xml}");
    }

    #[test]
    fn unstarted_flows_are_skipped_with_the_reason() {
        let (_, dry) = written(&plan(), None);
        let (_, interrupted) = written(&plan(), Some(&execution(vec![], vec![])));
        let messages = |suite: &TestSuite| -> Vec<_> {
            let cases = suite.test_cases.iter().map(summary);
            cases
                .filter(|c| c.1 == "skipped")
                .map(|c| c.2.unwrap().to_string())
                .collect()
        };
        assert_eq!(messages(&dry)[..2], ["dry run", "dry run"]);
        assert_eq!(dry.time, Some(Duration::ZERO));
        let not_started = "not started: the command was interrupted";
        assert_eq!(messages(&interrupted)[..2], [not_started, not_started]);
    }

    #[test]
    fn a_login_passes_only_when_complete() {
        for (outcome, word) in [
            (ActionOutcome::Complete { already: false }, "passed"),
            (
                ActionOutcome::Skipped {
                    reason: "setup failed".into(),
                },
                "skipped",
            ),
            (
                ActionOutcome::Failed {
                    message: "denied".into(),
                    checklist: vec![],
                },
                "failure",
            ),
        ] {
            let (xml, suite) = written(&plan(), Some(&execution(vec![], vec![login(outcome)])));
            let last = summary(suite.test_cases.last().unwrap());
            assert_eq!(
                (last.0.as_str(), last.1),
                ("messaging.slack oauth_device_code", word),
                "{xml}"
            );
        }
    }
}
