//! Findings about the project rather than one pack: lock files beside the packs, which the
//! runner would read, and run folders left `running` by a process that died.

use std::path::Path;

use super::{Finding, Severity};
use crate::pack::domains::Domain;
use crate::state::history::{RunStatus, list_runs};

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

/// Run folders whose `run.json` still says `running` though the process that wrote it is gone.
pub fn stale_runs(state_dir: &Path) -> Vec<Finding> {
    list_runs(state_dir)
        .into_iter()
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
