//! `dev runs` and `dev show`: filter the recorded runs and hand them to the renderer.

use crate::cli::{RunsArgs, ShowArgs};
use crate::exit_code;
use crate::history::{find_run, flow_outputs, list_runs};
use crate::report::history as render;
use crate::request::ColorChoice;

/// `dev runs`: recent runs, newest first.
pub fn runs(args: &RunsArgs, color: ColorChoice) -> u8 {
    let runs: Vec<_> = list_runs(&args.state.state_dir())
        .into_iter()
        .filter(|r| args.domain.is_none_or(|d| r.domain == d.name()))
        .filter(|r| args.provider.as_ref().is_none_or(|p| r.pack_id == *p))
        .filter(|r| !args.failed || !r.passed())
        .take(args.last)
        .collect();
    render::runs(&runs, args.state.format(), color);
    exit_code::SUCCESS
}

/// `dev show <run-id | latest>`.
pub fn show(args: &ShowArgs, color: ColorChoice) -> u8 {
    let runs = list_runs(&args.state.state_dir());
    let Some(run) = find_run(&runs, &args.run) else {
        eprintln!(
            "error: no run {:?} in {} (list them with `greentic-operator dev runs`)",
            args.run,
            args.state.state_dir().join("runs").display()
        );
        return exit_code::USAGE;
    };
    render::show(run, &flow_outputs(&run.run_dir), args.state.format(), color);
    exit_code::SUCCESS
}
