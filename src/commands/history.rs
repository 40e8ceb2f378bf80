//! `dev runs` and `dev show`: filter the recorded runs and hand them to the renderer.

use std::collections::BTreeSet;

use crate::base::exit_code;
use crate::cli::request::{RunsRequest, ShowRequest};
use crate::pack::domains::Domain;
use crate::pack::names_pack;
use crate::report::history as render;
use crate::setup::secret_needs::project_packs;
use crate::state::history::{RunEntry, RunLookup, find_run, flow_outputs, list_runs};

/// `dev runs`: recent runs, newest first. A `--provider` that names neither a recorded run's
/// pack nor a pack of the project is a usage error naming the providers that have runs, as on
/// the lifecycle commands; one naming a pack that never ran simply matches no run.
pub fn runs(request: &RunsRequest) -> u8 {
    let history = &request.history;
    let all = list_runs(&history.state_dir);
    let project = project_packs(&request.project_root, &Domain::ALL);
    let project_ids = |wanted: &str| -> Vec<String> {
        project
            .iter()
            .filter(|p| names_pack(wanted, Some(&p.info.pack_id), Some(&p.path)))
            .map(|p| p.info.pack_id.clone())
            .collect()
    };
    if let Some(unmatched) = request
        .providers
        .iter()
        .find(|p| !all.iter().any(|r| r.is_of_provider(p)) && project_ids(p).is_empty())
    {
        let recorded: BTreeSet<&str> = all.iter().map(|r| r.pack_id.as_str()).collect();
        return render::unmatched_provider(
            unmatched,
            &history.state_dir,
            &recorded,
            history.format,
        );
    }
    let of_provider = |r: &RunEntry, wanted: &str| {
        r.is_of_provider(wanted) || project_ids(wanted).contains(&r.pack_id)
    };
    let same = |wanted: &Option<String>, has: &Option<String>| wanted.is_none() || wanted == has;
    let recorded = all.len();
    let runs: Vec<_> = all
        .into_iter()
        .filter(|r| request.domains.contains(&r.domain))
        .filter(|r| {
            request.providers.is_empty() || request.providers.iter().any(|p| of_provider(r, p))
        })
        .filter(|r| same(&request.tenant, &r.tenant) && same(&request.team, &r.team))
        .filter(|r| same(&request.env, &r.env))
        .filter(|r| !request.failed || !r.passed())
        .take(request.last)
        .collect();
    let listing = render::RunsListing {
        runs: &runs,
        recorded,
        filters: filters(request),
        state_dir: &history.state_dir,
    };
    render::runs(&listing, history.format, history.color);
    exit_code::SUCCESS
}

/// The filters a request gives, as typed (to say what matched nothing).
fn filters(request: &RunsRequest) -> Vec<String> {
    let mut filters = Vec::new();
    if !Domain::ALL.iter().all(|d| request.domains.contains(d)) {
        filters.extend(request.domains.iter().map(|d| d.name().to_string()));
    }
    filters.extend(request.providers.iter().map(|p| format!("--provider {p}")));
    for (flag, value) in [
        ("--tenant", &request.tenant),
        ("--team", &request.team),
        ("--env", &request.env),
    ] {
        if let Some(value) = value {
            filters.push(format!("{flag} {value}"));
        }
    }
    if request.failed {
        filters.push("--failed".to_string());
    }
    filters
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
