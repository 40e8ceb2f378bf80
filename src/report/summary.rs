//! The end of a run as text: the summary line, then every failure, unfinished login and pack
//! error with where to look.

use std::time::Duration;

use super::style::{Styles, paint};
use crate::plan::{Disposition, Plan};
use crate::run::events::Execution;
use crate::run::outcome::FlowOutcome;
use crate::run::records::FlowRecord;
use crate::setup::device_code::record::{ActionOutcome, ActionRecord};

/// `12.345s`, right-aligned so result lines line up.
pub fn seconds(d: Duration) -> String {
    format!("{:>8.3}s", d.as_secs_f64())
}

/// The summary line, then each failure and pack error with where to look.
pub fn render_summary(plan: &Plan, execution: Option<&Execution>, styles: &Styles) -> String {
    let Some(execution) = execution else {
        return dry_run_line(plan)
            + &contract_steps(plan, false)
            + &nothing_steps(plan)
            + &pack_errors(plan, styles);
    };
    let mut out = counts(plan, execution, styles);
    let failures: Vec<_> = execution
        .records
        .iter()
        .filter(|r| !r.outcome.is_success())
        .collect();
    if !failures.is_empty() {
        out.push_str(&format!("\n{}\n", paint(styles.fail, "Failures:")));
        for record in failures {
            out.push_str(&failure(record, styles));
        }
    }
    let unfinished: Vec<_> = execution
        .actions
        .iter()
        .filter(|a| {
            matches!(
                a.outcome,
                ActionOutcome::Pending { .. } | ActionOutcome::Failed { .. }
            )
        })
        .collect();
    if !unfinished.is_empty() {
        out.push_str(&format!(
            "\n{}\n",
            paint(styles.fail, "Logins not complete:")
        ));
        for action in unfinished {
            out.push_str(&unfinished_login(action, styles));
        }
    }
    out.push_str(&pack_errors(plan, styles));
    out
}

/// What a dry run would have done.
fn dry_run_line(plan: &Plan) -> String {
    let runnable = plan.count_runnable();
    let errors = plan.count_errors();
    format!(
        "Dry run: {runnable} flow{} would run, {} skipped, {errors} pack error{}\n",
        if runnable == 1 { "" } else { "s" },
        plan.count_skipped(),
        if errors == 1 { "" } else { "s" },
    )
}

/// The `Summary` line, then the logins' and an interrupt's counts when there are any.
fn counts(plan: &Plan, execution: &Execution, styles: &Styles) -> String {
    let stats = &execution.stats;
    let ran = execution.records.len();
    let errors = plan.count_errors();
    let mut out = format!(
        "{} [{}] {ran} flow{} run: {} passed, {} failed, {} skipped, {errors} pack error{}\n",
        paint(styles.header, "Summary"),
        seconds(stats.wall_time),
        if ran == 1 { "" } else { "s" },
        stats.passed,
        stats.failed,
        plan.count_skipped(),
        if errors == 1 { "" } else { "s" },
    );
    if !execution.actions.is_empty() {
        out.push_str(&format!(
            "Logins: {} complete, {} pending, {} failed\n",
            stats.actions_complete, stats.actions_pending, stats.actions_failed
        ));
    }
    if !execution.removals.is_empty() {
        out.push_str(&format!(
            "Removals: {} removed, {} kept, {} failed\n",
            stats.removals_done, stats.removals_kept, stats.removals_failed
        ));
    }
    out.push_str(&contract_steps(plan, true));
    out.push_str(&nothing_steps(plan));
    if stats.interrupted {
        out.push_str(&format!(
            "Interrupted: {} planned flow{} not started\n",
            stats.not_started,
            if stats.not_started == 1 { "" } else { "s" }
        ));
    }
    out
}

/// (setup) The providers that need no setup (`requires_setup: false`, no flow, no contract).
fn nothing_steps(plan: &Plan) -> String {
    let packs: Vec<&str> = plan
        .packs
        .iter()
        .filter(|p| p.error.is_none())
        .filter(|p| {
            p.steps
                .iter()
                .any(|s| s.disposition == Disposition::NothingToDo)
        })
        .map(|p| p.label.as_str())
        .collect();
    match packs.is_empty() {
        true => String::new(),
        false => format!(
            "Nothing to set up (their packs say requires_setup: false): {}\n",
            packs.join(", ")
        ),
    }
}

/// (update) The providers whose step their `apply-answers` did, having no flow for it: what
/// changed without a flow run.
fn contract_steps(plan: &Plan, ran: bool) -> String {
    let packs: Vec<&str> = plan
        .packs
        .iter()
        .filter(|p| {
            p.steps
                .iter()
                .any(|s| s.disposition == Disposition::Contract && s.step != "remove")
        })
        .filter(|p| !ran || p.contract.as_ref().is_some_and(|c| c.configured()))
        .map(|p| p.label.as_str())
        .collect();
    if packs.is_empty() {
        return String::new();
    }
    let lead = if ran {
        "Configured"
    } else {
        "Would be configured"
    };
    format!(
        "{lead} through the provider's apply-answers (no {} flow): {}\n",
        plan.action,
        packs.join(", ")
    )
}

/// One flow that did not pass: its headline, every failed node when the headline does not
/// already say it all (it names the runner's error, or only the first of several nodes), and
/// its run folder.
fn failure(record: &FlowRecord, styles: &Styles) -> String {
    let mut out = format!(
        "  {} {} {}: {}\n",
        paint(styles.fail, record.outcome.label()),
        record.pack_id,
        record.flow,
        record.outcome.headline().unwrap_or_default()
    );
    if let FlowOutcome::Failed {
        failed_nodes,
        error,
        ..
    } = &record.outcome
        && (error.is_some() || failed_nodes.len() > 1)
    {
        for node in failed_nodes {
            out.push_str(&format!("      node {}: {}\n", node.node_id, node.message));
        }
    }
    if !record.run_dir.as_os_str().is_empty() {
        out.push_str(&format!("      run folder: {}\n", record.run_dir.display()));
    }
    out
}

/// A login left pending or failed: why, the provider's checklist, and its state file.
fn unfinished_login(action: &ActionRecord, styles: &Styles) -> String {
    let mut out = format!(
        "  {} {} {}: {}\n",
        paint(styles.fail, action.outcome.label()),
        action.pack_id,
        action.action,
        action.outcome.headline().unwrap_or_default()
    );
    if let ActionOutcome::Failed { checklist, .. } = &action.outcome {
        for item in checklist {
            out.push_str(&format!("      check: {item}\n"));
        }
    }
    out.push_str(&format!("      state: {}\n", action.state_file.display()));
    out
}

/// Every pack that could not be planned, by path (empty when there are none).
fn pack_errors(plan: &Plan, styles: &Styles) -> String {
    if plan.count_errors() == 0 {
        return String::new();
    }
    let mut out = format!("\n{}\n", paint(styles.fail, "Pack errors:"));
    for pack in plan.packs.iter().filter(|p| p.error.is_some()) {
        out.push_str(&format!(
            "  {}: {}\n",
            pack.path.display(),
            pack.error
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default()
        ));
    }
    out
}
