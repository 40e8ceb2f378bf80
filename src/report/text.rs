//! Human output: the plan as a table, a line per finished flow, a summary with every failure.

use std::io::{IsTerminal, Write};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::time::Duration;

use super::progress::SharedProgress;
use super::style::{Styles, paint};
use super::table::render_table;
use super::{Reporter, plan_warnings};
use crate::device_code::record::ChosenBy;
use crate::device_code::record::{ACTION_NAME, ActionOutcome};
use crate::events::{Event, Execution};
use crate::outcome::FlowOutcome;
use crate::plan::{Disposition, Plan};
use crate::request::ColorChoice;
use crate::request::Request;

/// Prints to stdout as things happen; a progress bar on stderr when it is a terminal.
pub struct TextReporter {
    styles: Styles,
    /// Shown only on an interactive stderr, never in CI; shared with the prompter.
    progress: SharedProgress,
    running: Vec<String>,
}

impl TextReporter {
    pub fn new(color: ColorChoice, progress: SharedProgress) -> Self {
        Self {
            styles: Styles::new(color.for_stdout()),
            progress,
            running: Vec::new(),
        }
    }

    fn println(&self, line: &str) {
        let write = || {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{line}");
        };
        self.progress.suspend(write);
    }
}

/// A live progress bar only where a person watches: stderr is a terminal and not in CI.
fn wants_progress() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("CI").is_none()
}

impl Reporter for TextReporter {
    fn report_event(&mut self, event: &Event<'_>) {
        match event {
            Event::PlanReady { plan, request } => self.plan(plan, request),
            Event::RunFinished {
                plan, execution, ..
            } => self.finish(plan, *execution),
            Event::UsageError { .. } | Event::Fatal { .. } | Event::Warning { .. } => {
                self.progress.suspend(|| super::report_common(event));
            }
            _ => self.progress_event(event),
        }
    }
}

impl TextReporter {
    fn plan(&mut self, plan: &Plan, request: &Request) {
        for line in plan_warnings(plan, request) {
            eprintln!("{line}");
        }
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(render_plan(plan, request, &self.styles).as_bytes());
        drop(out);
        let total = plan.count_runnable() as u64;
        if !request.dry_run && total > 0 && wants_progress() {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(100));
            self.progress.set(Some(bar));
        }
    }

    fn progress_event(&mut self, event: &Event<'_>) {
        match event {
            Event::FlowStarted { pack_label, flow } => {
                self.running.push(format!("{pack_label} {flow}"));
            }
            Event::FlowFinished { record } => {
                let name = format!("{} {}", record.pack_id, record.flow);
                self.running.retain(|r| *r != name);
                let style = if record.outcome.is_success() {
                    self.styles.pass
                } else {
                    self.styles.fail
                };
                self.println(&format!(
                    "{} [{}] {name}",
                    paint(style, &format!("{:>11}", record.outcome.label())),
                    seconds(record.duration),
                ));
                if let Some(bar) = self.progress.get() {
                    bar.inc(1);
                }
            }
            Event::DeviceCode { prompt } => {
                self.running
                    .push(format!("{} login (waiting)", prompt.pack_id));
                let text = super::render_device_code(prompt);
                let write = || eprint!("{text}");
                self.progress.suspend(write);
            }
            Event::ActionFinished { record } => {
                let waiting = format!("{} login (waiting)", record.pack_id);
                self.running.retain(|r| *r != waiting);
                let style = if record.outcome.is_success() {
                    self.styles.pass
                } else {
                    self.styles.fail
                };
                self.println(&format!(
                    "{} [{}] {} {}",
                    paint(style, &format!("{:>11}", record.outcome.label())),
                    seconds(record.duration),
                    record.pack_id,
                    record.action,
                ));
                for selection in &record.selections {
                    self.println(&format!(
                        "{:24}selected `{}` from {} ({} of {})",
                        "",
                        selection.label,
                        selection.step,
                        match selection.chosen_by {
                            ChosenBy::DefaultLabel => "its default label",
                            ChosenBy::DefaultFilter => "its default filter",
                            ChosenBy::FirstItem => "the first item",
                        },
                        selection.candidates
                    ));
                }
                if let ActionOutcome::Complete { already } = record.outcome {
                    if already {
                        self.println(&format!(
                            "{:24}already complete (--relogin logs in again)",
                            ""
                        ));
                    }
                    if let Some(message) = &record.success_message {
                        self.println(&format!("{:24}{message}", ""));
                    }
                }
            }
            _ => {}
        }
        if let Some(bar) = self.progress.get() {
            bar.set_message(format!("running: {}", self.running.join(", ")));
        }
    }

    fn finish(&mut self, plan: &Plan, execution: Option<&Execution>) {
        if let Some(bar) = self.progress.set(None) {
            bar.finish_and_clear();
        }
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(render_summary(plan, execution, &self.styles).as_bytes());
    }
}

/// `12.345s`, right-aligned so result lines line up.
fn seconds(d: Duration) -> String {
    format!("{:>8.3}s", d.as_secs_f64())
}

/// The plan header and table.
pub fn render_plan(plan: &Plan, request: &Request, styles: &Styles) -> String {
    let mut out = String::new();
    let who = match (&request.tenant, &request.team) {
        (Some(t), Some(team)) => format!("tenant {t}, team {team}"),
        (Some(t), None) => format!("tenant {t}"),
        (None, _) => "no tenant".to_string(),
    };
    let packs = plan.packs.len();
    out.push_str(&format!(
        "{} dev {} {} ({who}, env {}): {packs} pack{} in {}\n",
        paint(
            styles.header,
            if request.dry_run {
                "Plan (dry run):"
            } else {
                "Plan:"
            }
        ),
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
        if pack.device_code.is_some() && pack.error.is_none() {
            rows.push([
                pack.label.clone(),
                pack.file_name.clone(),
                ACTION_NAME.to_string(),
                "login after setup passes".to_string(),
            ]);
        }
    }
    if rows.is_empty() {
        out.push_str("  nothing to run\n");
        return out;
    }
    for line in render_table(["PACK", "FILE", "FLOW", "ACTION"], &rows, |i, _, cell| {
        if i == 0 {
            paint(styles.header, cell)
        } else {
            cell.to_string()
        }
    }) {
        out.push_str(&format!("  {line}\n"));
    }
    for pack in &plan.packs {
        if !pack.answers.is_empty() {
            let items: Vec<String> = pack
                .answers
                .iter()
                .map(|a| {
                    let source = match (&a.broken, a.source) {
                        _ if a.hidden => "hidden".to_string(),
                        (Some(crate::answers::Broken::Missing), _) => "MISSING".to_string(),
                        (Some(broken), Some(source)) => {
                            format!("{}, INVALID: {broken}", source.label())
                        }
                        (_, Some(source)) => source.label().to_string(),
                        (_, None) => "unset".to_string(),
                    };
                    let secret = match (a.secret, a.covers.is_empty()) {
                        (false, _) => String::new(),
                        (true, true) => "secret, ".to_string(),
                        (true, false) => format!("secret for {}, ", a.covers.join(", ")),
                    };
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
                    match &s.answered_by {
                        Some(question) => format!("{} {state} (setup answer {question})", s.key),
                        None => format!("{} {state}", s.key),
                    }
                })
                .collect();
            out.push_str(&format!(
                "  secrets for {}: {}\n",
                pack.label,
                items.join(", ")
            ));
        }
        if let Some(login) = &pack.login {
            let since = login
                .updated_at
                .map(|at| format!(" since {}", at.format("%Y-%m-%d %H:%M:%S UTC")))
                .unwrap_or_default();
            let detail = login
                .detail
                .as_ref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            out.push_str(&format!(
                "  device-code login for {}: {}{since}{detail}\n",
                pack.label,
                login.status.word()
            ));
        }
    }
    out
}

/// The summary line, then each failure and pack error with where to look.
pub fn render_summary(plan: &Plan, execution: Option<&Execution>, styles: &Styles) -> String {
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
        "{} [{}] {ran} flow{} run: {} passed, {} failed, {skipped} skipped, {errors} pack error{}\n",
        paint(styles.header, "Summary"),
        seconds(stats.wall_time),
        if ran == 1 { "" } else { "s" },
        stats.passed,
        stats.failed,
        if errors == 1 { "" } else { "s" },
    ));
    if !execution.actions.is_empty() {
        out.push_str(&format!(
            "Logins: {} complete, {} pending, {} failed\n",
            stats.actions_complete, stats.actions_pending, stats.actions_failed
        ));
    }
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
        out.push_str(&format!("\n{}\n", paint(styles.fail, "Failures:")));
        for record in failures {
            out.push_str(&format!(
                "  {} {} {}: {}\n",
                paint(styles.fail, record.outcome.label()),
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
            out.push_str(&format!(
                "  {} {} {}: {}\n",
                paint(styles.fail, action.outcome.label()),
                action.pack_id,
                action.action,
                action.outcome.headline().unwrap_or_default()
            ));
            if let ActionOutcome::Failed { checklist, .. } = &action.outcome {
                for item in checklist {
                    out.push_str(&format!("      check: {item}\n"));
                }
            }
            out.push_str(&format!("      state: {}\n", action.state_file.display()));
        }
    }
    if errors > 0 {
        out.push_str(&format!("\n{}\n", paint(styles.fail, "Pack errors:")));
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
