//! Findings about the project rather than one pack: lock files beside the packs, which the
//! runner would read, run folders left `running` by a process that died or whose `run.json`
//! cannot be read.

use std::path::Path;

use super::{Finding, Severity};
use crate::pack::domains::Domain;
use crate::plan::Plan;
use crate::state::history::{RunEntry, RunStatus};

/// `pack.lock` / `pack.lock.json` in a providers folder: the runner reads such a file and
/// replaces every pack's component table with it.
pub fn lock_files(domain: Domain, dir: &Path) -> Vec<Finding> {
    ["pack.lock", "pack.lock.json"]
        .iter()
        .map(|name| dir.join(name))
        .filter(|path| path.exists())
        .map(|path| {
            Finding::new(
                Severity::Warning,
                "the runner reads this lock file and replaces the component table of every pack in the folder with it",
            )
            .about(domain, &path)
            .fix(format!("remove {}", path.display()))
        })
        .collect()
}

/// A project folder that does not exist, or where no domain examined has its providers
/// folder: most likely a mistyped `--project-root`, which would otherwise pass with 0 packs.
pub fn missing_folders(project_root: &Path, plans: &[Plan]) -> Option<Finding> {
    let fix = "check --project-root: it names the folder holding providers/<domain>/*.gtpack";
    if !project_root.is_dir() {
        let message = format!(
            "the project folder {} does not exist",
            project_root.display()
        );
        return Some(Finding::new(Severity::Warning, message).fix(fix));
    }
    let sections: Vec<_> = plans.iter().flat_map(|p| &p.sections).collect();
    if sections.is_empty() || sections.iter().any(|s| s.providers_dir_exists) {
        return None;
    }
    let dirs: Vec<String> = sections
        .iter()
        .map(|s| {
            let dir = s
                .providers_dir
                .strip_prefix(project_root)
                .unwrap_or(&s.providers_dir);
            dir.display().to_string()
        })
        .collect();
    let message = format!(
        "{} has no providers folder of the domains examined ({} do not exist)",
        project_root.display(),
        dirs.join(", ")
    );
    Some(Finding::new(Severity::Warning, message).fix(fix))
}

/// Run folders whose `run.json` still says `running` though the process that wrote it is gone.
pub fn stale_runs(runs: &[RunEntry]) -> Vec<Finding> {
    runs.iter()
        .filter(|run| run.status == RunStatus::Abandoned)
        .map(|run| {
            Finding::new(
                Severity::Warning,
                format!(
                    "run {} of {} {} was left `running` by a process that no longer runs",
                    run.run_id, run.pack_id, run.flow
                ),
            )
            .about(run.domain, &run.run_dir)
            .fix(format!(
                "run the flow again; remove {} when done with it",
                run.run_dir.display()
            ))
        })
        .collect()
}

/// Run folders whose `run.json` cannot be read: `dev runs` lists them as `unreadable`.
pub fn unreadable_runs(runs: &[RunEntry]) -> Vec<Finding> {
    runs.iter()
        .filter_map(|run| Some((run, run.unreadable.as_ref()?)))
        .map(|(run, why)| {
            Finding::new(
                Severity::Warning,
                format!("run {} of {} {}: {why}", run.run_id, run.pack_id, run.flow),
            )
            .about(run.domain, &run.run_dir)
            .fix(format!(
                "remove {} if the run does not matter, else restore its run.json",
                run.run_dir.display()
            ))
        })
        .collect()
}
