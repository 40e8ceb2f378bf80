//! `dev runs` and `dev show`: filter the recorded runs and hand them to the renderer.

use crate::base::exit_code;
use crate::cli::request::{RunsRequest, ShowRequest};
use crate::report::history as render;
use crate::state::history::{RunLookup, find_run, flow_outputs, list_runs};

/// `dev runs`: recent runs, newest first.
pub fn runs(request: &RunsRequest) -> u8 {
    let history = &request.history;
    let runs: Vec<_> = list_runs(&history.state_dir)
        .into_iter()
        .filter(|r| request.domain.is_none_or(|d| r.domain == d))
        .filter(|r| request.provider.as_ref().is_none_or(|p| r.pack_id == *p))
        .filter(|r| !request.failed || !r.passed())
        .take(request.last)
        .collect();
    render::runs(&runs, history.format, history.color);
    exit_code::SUCCESS
}

/// `dev show <run-id | latest>`.
pub fn show(request: &ShowRequest) -> u8 {
    let history = &request.history;
    let runs = list_runs(&history.state_dir);
    let run = match find_run(&runs, &request.run) {
        Ok(run) => run,
        Err(RunLookup::NotFound) => {
            render::no_such_run(&request.run, &history.state_dir);
            return exit_code::USAGE;
        }
        Err(RunLookup::Ambiguous(matches)) => {
            render::ambiguous_run(&request.run, &matches);
            return exit_code::USAGE;
        }
    };
    render::show(
        run,
        &flow_outputs(&run.run_dir),
        history.format,
        history.color,
    );
    exit_code::SUCCESS
}
