//! `--format json`: one document on stdout at the end (`document::lifecycle`), or the error
//! document when the command stops on an error.

use super::document::error::ErrorKind;
use super::document::lifecycle::{CommandView, LifecycleDocument};
use super::{Reporter, plan_warnings};
use crate::cli::request::{OutputFormat, Request};
use crate::plan::Plan;
use crate::run::events::{Event, Execution, FinalStatus};

#[derive(Default)]
pub struct JsonReporter {
    command: Option<CommandView>,
}

impl Reporter for JsonReporter {
    fn report_event(&mut self, event: &Event<'_>) {
        match event {
            Event::PlanReady { plan, request } => self.plan(plan, request),
            Event::DeviceCode { prompt } => super::to_stderr(&super::render_device_code(prompt)),
            Event::RunFinished {
                plan,
                execution,
                status,
            } => self.finish(plan, *execution, *status),
            Event::UsageError { message } => {
                super::usage_error(OutputFormat::Json, message);
            }
            Event::Fatal { error } => {
                super::command_error(OutputFormat::Json, ErrorKind::Failure, *error);
            }
            other => {
                super::report_common(other);
            }
        }
    }
}

impl JsonReporter {
    fn plan(&mut self, plan: &Plan, request: &Request) {
        for line in plan_warnings(plan, request) {
            super::warn_line(&line);
        }
        self.command = Some(CommandView::from(request));
    }

    fn finish(&mut self, plan: &Plan, execution: Option<&Execution>, status: FinalStatus) {
        // The plan always comes first; a stream without one is a bug, said in the document.
        let Some(command) = self.command.take() else {
            let message = "the command finished without a plan".to_string();
            super::error_document(OutputFormat::Json, ErrorKind::Failure, message, Vec::new());
            return;
        };
        super::document::print(&LifecycleDocument::new(command, plan, execution, status));
    }
}
