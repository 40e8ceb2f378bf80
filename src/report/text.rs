//! Human output: the plan as a table, a line per finished flow, a summary with every failure.

use std::io::Write;
use std::time::Duration;

use super::{Reporter, plan_warnings};
use crate::execute::{Event, Execution};
use crate::outcome::FlowOutcome;
use crate::plan::{Disposition, Plan};
use crate::request::Request;

#[derive(Default)]
pub struct TextReporter;

impl Reporter for TextReporter {
    fn plan(&mut self, plan: &Plan, request: &Request) {
        for line in plan_warnings(plan, request) {
            eprintln!("{line}");
        }
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(render_plan(plan, request).as_bytes());
    }

    fn event(&mut self, event: &Event<'_>) {
        if let Event::FlowFinished { record } = event {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(
                out,
                "{:>9} [{}] {} {}",
                record.outcome.label(),
                seconds(record.duration),
                record.pack_id,
                record.flow
            );
        }
    }

    fn finish(&mut self, plan: &Plan, execution: Option<&Execution>, _exit_code: u8) {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(render_summary(plan, execution).as_bytes());
    }
}

/// `12.345s`, right-aligned so result lines line up.
fn seconds(d: Duration) -> String {
    format!("{:>8.3}s", d.as_secs_f64())
}

/// The plan header and table.
pub fn render_plan(plan: &Plan, request: &Request) -> String {
    let mut out = String::new();
    let who = match (&request.tenant, &request.team) {
        (Some(t), Some(team)) => format!("tenant {t}, team {team}"),
        (Some(t), None) => format!("tenant {t}"),
        (None, _) => "no tenant".to_string(),
    };
    let packs = plan.packs.len();
    out.push_str(&format!(
        "{} dev {} {} ({who}, env {}): {packs} pack{} in {}\n",
        if request.dry_run {
            "Plan (dry run):"
        } else {
            "Plan:"
        },
        plan.action,
        plan.domain,
        request.env,
        if packs == 1 { "" } else { "s" },
        plan.providers_dir.display()
    ));
    let mut rows: Vec<[String; 4]> = Vec::new();
    for pack in &plan.packs {
        if let Some(error) = &pack.error {
            rows.push([
                pack.label.clone(),
                pack.file_name.clone(),
                "-".into(),
                format!("error: pack {error}"),
            ]);
        }
        for step in &pack.steps {
            let what = match step.disposition {
                Disposition::Run => "run".to_string(),
                Disposition::Skip { reason } => format!("skip: {}", reason.describe()),
            };
            rows.push([
                pack.label.clone(),
                pack.file_name.clone(),
                step.flow.clone(),
                what,
            ]);
        }
    }
    if rows.is_empty() {
        out.push_str("  nothing to run\n");
        return out;
    }
    let header = ["PACK", "FILE", "FLOW", "ACTION"].map(String::from);
    let widths: Vec<usize> = (0..3)
        .map(|c| {
            rows.iter()
                .chain([&header])
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in [&header].into_iter().chain(&rows) {
        out.push_str(&format!(
            "  {:<w0$}  {:<w1$}  {:<w2$}  {}\n",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        ));
    }
    for pack in &plan.packs {
        if !pack.answers.is_empty() {
            let items: Vec<String> = pack
                .answers
                .iter()
                .map(|a| {
                    let source = match a.source {
                        Some(source) => format!("{source:?}").to_lowercase(),
                        None if a.required => "MISSING".to_string(),
                        None => "unset".to_string(),
                    };
                    let secret = if a.secret { "secret, " } else { "" };
                    format!("{} ({secret}{source})", a.name)
                })
                .collect();
            out.push_str(&format!(
                "  answers for {}: {}\n",
                pack.label,
                items.join(", ")
            ));
        }
        if !pack.secrets.is_empty() {
            let items: Vec<String> = pack
                .secrets
                .iter()
                .map(|s| {
                    let state = if s.present { "present" } else { "missing" };
                    format!("{} {state}", s.key)
                })
                .collect();
            out.push_str(&format!(
                "  secrets for {}: {}\n",
                pack.label,
                items.join(", ")
            ));
        }
    }
    out
}

/// The summary line, then each failure and pack error with where to look.
pub fn render_summary(plan: &Plan, execution: Option<&Execution>) -> String {
    let mut out = String::new();
    let skipped = plan.count_skipped();
    let errors = plan.count_errors();
    let Some(execution) = execution else {
        out.push_str(&format!(
            "Dry run: {} flow{} would run, {skipped} skipped, {errors} pack error{}\n",
            plan.count_runnable(),
            if plan.count_runnable() == 1 { "" } else { "s" },
            if errors == 1 { "" } else { "s" },
        ));
        return out;
    };
    let stats = &execution.stats;
    let ran = execution.records.len();
    out.push_str(&format!(
        "Summary [{}] {ran} flow{} run: {} passed, {} failed, {skipped} skipped, {errors} pack error{}\n",
        seconds(stats.wall_time),
        if ran == 1 { "" } else { "s" },
        stats.passed,
        stats.failed,
        if errors == 1 { "" } else { "s" },
    ));
    if stats.interrupted {
        out.push_str(&format!(
            "Interrupted: {} planned flow{} not started\n",
            stats.not_started,
            if stats.not_started == 1 { "" } else { "s" }
        ));
    }
    let failures: Vec<_> = execution
        .records
        .iter()
        .filter(|r| !r.outcome.is_success())
        .collect();
    if !failures.is_empty() {
        out.push_str("\nFailures:\n");
        for record in failures {
            out.push_str(&format!(
                "  {} {} {}: {}\n",
                record.outcome.label(),
                record.pack_id,
                record.flow,
                record.outcome.headline().unwrap_or_default()
            ));
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
        }
    }
    if errors > 0 {
        out.push_str("\nPack errors:\n");
        for pack in plan.packs.iter().filter(|p| p.error.is_some()) {
            out.push_str(&format!(
                "  {}: {}\n",
                pack.path.display(),
                pack.error.as_deref().unwrap_or_default()
            ));
        }
    }
    out
}
