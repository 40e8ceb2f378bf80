//! `--format json`: one document on stdout at the end, stable for scripts.

use std::io::Write;
use std::path::PathBuf;

use serde::Serialize;

use super::{Reporter, plan_warnings};
use crate::cli::request::Request;
use crate::pack::domains::{Action, Domain, Domains};
use crate::plan::Plan;
use crate::run::events::{Event, Execution, RunStats};
use crate::run::outcome::FlowOutcome;
use crate::setup::device_code::record::ActionRecord;

#[derive(Default)]
pub struct JsonReporter {
    command: Option<CommandView>,
}

#[derive(Serialize, Clone)]
struct CommandView {
    action: Action,
    domain: Domains,
    tenant: Option<String>,
    team: Option<String>,
    env: String,
    dry_run: bool,
    project_root: PathBuf,
    state_dir: PathBuf,
}

#[derive(Serialize)]
struct ResultView<'a> {
    domain: Domain,
    pack_id: &'a str,
    pack_path: &'a PathBuf,
    flow: &'a str,
    run_id: &'a str,
    run_dir: &'a PathBuf,
    duration_ms: u64,
    outcome: &'a FlowOutcome,
}

#[derive(Serialize)]
struct Document<'a> {
    format_version: u32,
    command: Option<CommandView>,
    plan: &'a Plan,
    results: Vec<ResultView<'a>>,
    /// (setup) Device-code actions.
    #[serde(skip_serializing_if = "<[ActionRecord]>::is_empty")]
    actions: &'a [ActionRecord],
    summary: Option<RunStats>,
    exit_code: u8,
}

impl Reporter for JsonReporter {
    fn report_event(&mut self, event: &Event<'_>) {
        match event {
            Event::PlanReady { plan, request } => self.plan(plan, request),
            Event::DeviceCode { prompt } => eprint!("{}", super::render_device_code(prompt)),
            Event::RunFinished {
                plan,
                execution,
                status,
            } => self.finish(plan, *execution, status.exit_code()),
            other => {
                super::report_common(other);
            }
        }
    }
}

impl JsonReporter {
    fn plan(&mut self, plan: &Plan, request: &Request) {
        for line in plan_warnings(plan, request) {
            eprintln!("{line}");
        }
        self.command = Some(CommandView {
            action: request.action,
            domain: request.domain,
            tenant: request.tenant.clone(),
            team: request.team.clone(),
            env: request.env.clone(),
            dry_run: request.dry_run,
            project_root: request.project_root.clone(),
            state_dir: request.state_dir.clone(),
        });
    }

    fn finish(&mut self, plan: &Plan, execution: Option<&Execution>, exit_code: u8) {
        let results = execution
            .map(|e| {
                e.records
                    .iter()
                    .map(|r| ResultView {
                        domain: r.domain,
                        pack_id: &r.pack_id,
                        pack_path: &r.pack_path,
                        flow: &r.flow,
                        run_id: &r.run_id,
                        run_dir: &r.run_dir,
                        duration_ms: r.duration.as_millis() as u64,
                        outcome: &r.outcome,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let document = Document {
            format_version: super::FORMAT_VERSION,
            command: self.command.take(),
            plan,
            results,
            actions: execution.map_or(&[][..], |e| &e.actions),
            summary: execution.map(|e| e.stats),
            exit_code,
        };
        let mut out = std::io::stdout().lock();
        let _ = serde_json::to_writer_pretty(&mut out, &document);
        let _ = writeln!(out);
    }
}
