//! Human output as it happens: the plan (`plan`), a line per finished flow or login, the summary
//! (`summary`), and a progress bar on a terminal.

use std::io::{IsTerminal, Write};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::plan::render_plan;
use super::progress::SharedProgress;
use super::style::{Styles, paint};
use super::summary::{render_summary, seconds};
use super::{Reporter, plan_warnings};
use crate::cli::request::ColorChoice;
use crate::cli::request::Request;
use crate::plan::Plan;
use crate::run::events::{Event, Execution};
use crate::run::records::FlowRecord;
use crate::run::removal_record::{RemovalOutcome, RemovalRecord};
use crate::run::warmup::WarmStep;
use crate::setup::contract::apply::ContractVerdict;
use crate::setup::device_code::record::{ActionOutcome, ActionRecord, ChosenBy, Selection};

/// Prints to stdout as things happen; a progress bar on stderr when it is a terminal.
pub struct TextReporter {
    styles: Styles,
    /// Shown only on an interactive stderr, never in CI; shared with the prompter.
    progress: SharedProgress,
    running: Vec<String>,
    /// Components being compiled (the warm-up's bar says which).
    compiling: Vec<String>,
    /// Components settled so far (in the cache, compiled, or failed).
    warmed: u64,
}

impl TextReporter {
    pub fn new(color: ColorChoice, progress: SharedProgress) -> Self {
        Self {
            styles: Styles::new(color.for_stdout()),
            progress,
            running: Vec::new(),
            compiling: Vec::new(),
            warmed: 0,
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
    !super::quiet() && std::io::stderr().is_terminal() && std::env::var_os("CI").is_none()
}

impl Reporter for TextReporter {
    fn report_event(&mut self, event: &Event<'_>) {
        match event {
            Event::PlanReady { plan, request } => self.plan(plan, request),
            Event::RunFinished {
                plan, execution, ..
            } => self.finish(plan, *execution),
            Event::Warmup { step } => self.warmup(step),
            Event::WarmupFinished { .. } => {
                if let Some(bar) = self.progress.set(None) {
                    bar.finish_and_clear();
                }
            }
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
            super::warn_line(&line);
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

    /// On a terminal, a bar while components compile: how many of the command's components are
    /// ready, and which are compiling. Nothing when every one is in the cache already.
    fn warmup(&mut self, step: &WarmStep) {
        match step {
            WarmStep::Compiling { item, total } => {
                if self.progress.get().is_none() && wants_progress() {
                    let bar = ProgressBar::with_draw_target(
                        Some(*total as u64),
                        ProgressDrawTarget::stderr(),
                    );
                    bar.set_style(
                        ProgressStyle::with_template(
                            "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}",
                        )
                        .unwrap_or_else(|_| ProgressStyle::default_bar()),
                    );
                    bar.set_position(self.warmed);
                    bar.enable_steady_tick(std::time::Duration::from_millis(100));
                    self.progress.set(Some(bar));
                }
                self.compiling
                    .push(format!("{} ({})", item.component, item.pack));
            }
            WarmStep::Done { item, .. } => {
                let name = format!("{} ({})", item.component, item.pack);
                self.compiling.retain(|c| *c != name);
                self.warmed += 1;
                if let Some(bar) = self.progress.get() {
                    bar.set_position(self.warmed);
                }
            }
        }
        if let Some(bar) = self.progress.get() {
            bar.set_message(format!("compiling: {}", self.compiling.join(", ")));
        }
    }

    fn progress_event(&mut self, event: &Event<'_>) {
        match event {
            Event::FlowStarted { pack_label, flow } => {
                self.running.push(format!("{pack_label} {flow}"));
            }
            Event::FlowFinished { record } => self.flow_finished(record),
            Event::DeviceCode { prompt } => {
                self.running
                    .push(format!("{} login (waiting)", prompt.pack_id));
                let text = super::render_device_code(prompt);
                let write = || super::to_stderr(&text);
                self.progress.suspend(write);
            }
            Event::ActionFinished { record } => self.action_finished(record),
            Event::RemovalFinished { record } => self.removal_finished(record),
            _ => {}
        }
        if let Some(bar) = self.progress.get() {
            bar.set_message(format!("running: {}", self.running.join(", ")));
        }
    }

    /// `       PASS [   0.123s] messaging-a setup_default`, and one more tick on the bar.
    fn flow_finished(&mut self, record: &FlowRecord) {
        let name = format!("{} {}", record.pack_id, record.flow);
        self.running.retain(|r| *r != name);
        let style = if record.outcome.is_success() {
            self.styles.pass
        } else {
            self.styles.fail
        };
        let contract = match &record.contract {
            Some(ContractVerdict::Configured { .. }) if !record.outcome.is_success() => {
                " (provider configured: its configuration was kept)"
            }
            Some(ContractVerdict::Configured { .. }) => " (provider configured)",
            _ => "",
        };
        self.println(&format!(
            "{} [{}] {name}{contract}",
            paint(style, &format!("{:>11}", record.outcome.label())),
            seconds(record.duration),
        ));
        for (node, value) in &record.outputs {
            self.println(&format!("{:24}{node}: {value}", ""));
        }
        for file in &record.withheld_artifacts {
            let path = record.run_dir.join("artifacts").join(file);
            self.progress.suspend(|| {
                super::warn_line(&format!(
                    "warning: {name}: the runner's {} is a binary file holding a secret value; it was not kept",
                    path.display()
                ))
            });
        }
        if let Some(bar) = self.progress.get() {
            bar.inc(1);
        }
    }

    /// A login's result line, then (indented under it) what discovery selected and how the
    /// provider took it.
    fn action_finished(&mut self, record: &ActionRecord) {
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
            self.println(&format!("{:24}{}", "", selection_note(selection)));
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

    /// `    REMOVED           messaging-a stored data`, then each file and secret deleted (or
    /// why nothing was).
    fn removal_finished(&mut self, record: &RemovalRecord) {
        let (label, style) = match &record.outcome {
            RemovalOutcome::Removed { .. } => ("REMOVED", self.styles.pass),
            RemovalOutcome::Kept { .. } => ("KEPT", self.styles.fail),
            RemovalOutcome::Failed { .. } => ("FAIL", self.styles.fail),
        };
        self.println(&format!(
            "{} {:11} {} stored data",
            paint(style, &format!("{label:>11}")),
            "",
            record.pack_id,
        ));
        let (files, secrets, note) = match &record.outcome {
            RemovalOutcome::Removed { files, secrets } => (files, secrets, None),
            RemovalOutcome::Kept { reason } => (&Vec::new(), &Vec::new(), Some(reason)),
            RemovalOutcome::Failed {
                files,
                secrets,
                message,
            } => (files, secrets, Some(message)),
        };
        for file in files {
            self.println(&format!("{:24}deleted {}", "", file.display()));
        }
        for uri in secrets {
            self.println(&format!("{:24}deleted {uri}", ""));
        }
        if !record.provider_named.is_empty() {
            let named = record.provider_named.join(", ");
            self.println(&format!("{:24}its provider asked to remove: {named}", ""));
        }
        if !record.left_to_provider.is_empty() {
            let left = record.left_to_provider.join(", ");
            self.println(&format!(
                "{:24}left to the provider (the operator revokes nothing): {left}",
                ""
            ));
        }
        if let Some(note) = note {
            self.println(&format!("{:24}{note}", ""));
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

/// `selected `Alerts` from channels (its default label of 2)`.
fn selection_note(selection: &Selection) -> String {
    format!(
        "selected `{}` from {} ({} of {})",
        selection.label,
        selection.step,
        match selection.chosen_by {
            ChosenBy::DefaultLabel => "its default label",
            ChosenBy::DefaultFilter => "its default filter",
            ChosenBy::FirstItem => "the first item",
        },
        selection.candidates
    )
}
