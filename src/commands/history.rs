//! `dev runs` and `dev show`: filter the recorded runs and hand them to the renderer.

use std::collections::BTreeSet;

use crate::base::exit_code;
use crate::cli::request::{RunsRequest, ShowRequest};
use crate::report::history as render;
use crate::state::history::{RunLookup, find_run, flow_outputs, list_runs};

/// `dev runs`: recent runs, newest first. A `--provider` that no recorded run is of is a usage
/// error naming the providers that have runs, as on the lifecycle commands.
pub fn runs(request: &RunsRequest) -> u8 {
    let history = &request.history;
    let all = list_runs(&history.state_dir);
    if let Some(unmatched) = request
        .providers
        .iter()
        .find(|p| !all.iter().any(|r| r.is_of_provider(p)))
    {
        let recorded: BTreeSet<&str> = all.iter().map(|r| r.pack_id.as_str()).collect();
        return render::unmatched_provider(
            unmatched,
            &history.state_dir,
            &recorded,
            history.format,
        );
    }
    let same = |wanted: &Option<String>, has: &Option<String>| wanted.is_none() || wanted == has;
    let runs: Vec<_> = all
        .into_iter()
        .filter(|r| request.domains.contains(&r.domain))
        .filter(|r| {
            request.providers.is_empty() || request.providers.iter().any(|p| r.is_of_provider(p))
        })
        .filter(|r| same(&request.tenant, &r.tenant) && same(&request.team, &r.team))
        .filter(|r| same(&request.env, &r.env))
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
            return render::no_such_run(&request.run, &history.state_dir, history.format);
        }
        Err(RunLookup::Ambiguous(matches)) => {
            return render::ambiguous_run(&request.run, &matches, history.format);
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
