//! Where the operator keeps things under the state folder, and safe path parts for names.
//!
//! ```text
//! <state>/runs/<domain>/<pack_label>/<flow>/<run_id>/   one folder per flow run
//!     input.json  run.json  summary.txt  artifacts_dir  artifacts/ (the runner's own files)
//! <state>/config/<env>/<tenant>/<team or _>/<provider_id>/setup-answers.json
//!                                                       one scope's non-secret setup answers
//! <state>/actions/<env>/<tenant>/<team or _>/<provider_id>/oauth-device-code.json
//!                                                       a device-code login's state
//! <state>/config/<provider_id>/setup-answers.json      the unscoped file of earlier versions:
//!                                                       never read, only pointed out
//! <state>/runtime/<tenant>.<team or default>/public_base_url.txt   written by the tunnel
//! ```

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

#[cfg(test)]
use crate::base::names::MAX_SEGMENT_LEN;
pub use crate::base::names::path_segment;
use crate::pack::domains::Domain;

/// The paths of one state folder.
#[derive(Debug, Clone)]
pub struct StateLayout {
    root: PathBuf,
}

/// Whose state a file holds: the env, tenant and team a command runs for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope<'a> {
    pub env: &'a str,
    pub tenant: &'a str,
    pub team: Option<&'a str>,
}

/// The files of one run folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunPaths {
    pub run_id: String,
    pub dir: PathBuf,
}

impl RunPaths {
    pub fn input_json(&self) -> PathBuf {
        self.dir.join("input.json")
    }
    pub fn run_json(&self) -> PathBuf {
        self.dir.join("run.json")
    }
    pub fn summary_txt(&self) -> PathBuf {
        self.dir.join("summary.txt")
    }
    /// The file holding the path of the runner's artifacts.
    pub fn artifacts_dir_file(&self) -> PathBuf {
        self.dir.join("artifacts_dir")
    }
    /// The folder given to the runner as `artifacts_dir` (it writes its own run.json there).
    pub fn artifacts(&self) -> PathBuf {
        self.dir.join("artifacts")
    }
}

impl StateLayout {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn runs_root(&self) -> PathBuf {
        self.root.join("runs")
    }

    /// A provider's non-secret setup answers for one env, tenant and team: one file per
    /// scope, so one tenant's setup never changes what another tenant reads.
    pub fn setup_answers_file(&self, scope: &Scope<'_>, provider_id: &str) -> PathBuf {
        self.scoped("config", scope, provider_id)
            .join("setup-answers.json")
    }

    /// The unscoped `setup-answers.json` that earlier versions (and greentic-setup's single
    /// bundle) kept: no tenant can be told from it, so it is never read.
    pub fn unscoped_setup_answers_file(&self, provider_id: &str) -> PathBuf {
        self.root
            .join("config")
            .join(path_segment(provider_id))
            .join("setup-answers.json")
    }

    /// The state of a provider's device-code login for one env, tenant and team.
    pub fn device_code_action_file(&self, scope: &Scope<'_>, provider_id: &str) -> PathBuf {
        self.scoped("actions", scope, provider_id)
            .join("oauth-device-code.json")
    }

    /// `<state>/<kind>/<env>/<tenant>/<team or _>/<provider_id>`.
    fn scoped(&self, kind: &str, scope: &Scope<'_>, provider_id: &str) -> PathBuf {
        self.root
            .join(kind)
            .join(path_segment(scope.env))
            .join(path_segment(scope.tenant))
            .join(scope.team.map_or_else(|| "_".to_string(), path_segment))
            .join(path_segment(provider_id))
    }

    /// Where the tunnels write their files: `runtime/<tenant>.<team or default>/`.
    pub fn runtime_dir(&self) -> PathBuf {
        self.root.join("runtime")
    }

    /// The tunnel's file, as the existing Greentic operator writes it.
    pub fn public_base_url_file(&self, tenant: &str, team: Option<&str>) -> PathBuf {
        self.root
            .join("runtime")
            .join(format!("{tenant}.{}", team.unwrap_or("default")))
            .join("public_base_url.txt")
    }

    /// The folder holding every run of one flow of one pack.
    pub fn flow_runs_dir(&self, domain: Domain, pack_label: &str, flow: &str) -> PathBuf {
        self.runs_root()
            .join(domain.name())
            .join(path_segment(pack_label))
            .join(path_segment(flow))
    }

    /// Creates a new run folder for one flow run started at `started`, under an id unique in
    /// the whole state folder.
    ///
    /// The id is the start time to the millisecond (so ids sort by time) and 32 random bits
    /// (`20250102T030405.678Z-9f3a01c2`), so two packs' runs in one millisecond, in one process
    /// or two, never share an id; `create_dir` is atomic, so a folder is never shared even then.
    pub fn create_run_dir(
        &self,
        domain: Domain,
        pack_label: &str,
        flow: &str,
        started: DateTime<Utc>,
    ) -> io::Result<RunPaths> {
        let parent = self.flow_runs_dir(domain, pack_label, flow);
        fs::create_dir_all(&parent)?;
        let stamp = started.format("%Y%m%dT%H%M%S%.3fZ").to_string();
        loop {
            let mut salt = [0u8; 4];
            getrandom::fill(&mut salt).map_err(io::Error::other)?;
            let run_id = format!("{stamp}-{:08x}", u32::from_be_bytes(salt));
            let dir = parent.join(&run_id);
            match fs::create_dir(&dir) {
                Ok(()) => return Ok(RunPaths { run_id, dir }),
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(err) => return Err(err),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_never_name_another_folder() {
        assert_eq!(path_segment("messaging-slack"), "messaging-slack");
        assert_eq!(path_segment("a/b"), "a%2Fb");
        assert_eq!(path_segment(".."), "_..");
        assert_eq!(path_segment(""), "_");
        assert_eq!(path_segment("a\\b\0"), "a%5Cb%00");
        assert_ne!(path_segment("a/b"), path_segment("a%2Fb"));
        let long = path_segment(&"x".repeat(500));
        assert!(long.len() <= MAX_SEGMENT_LEN);
        assert_ne!(long, path_segment(&"x".repeat(501)));
    }

    #[test]
    fn two_runs_in_one_millisecond_get_two_folders_and_two_ids() {
        let state = tempfile::tempdir().unwrap();
        let layout = StateLayout::new(state.path());
        let now = Utc::now();
        let a = layout
            .create_run_dir(Domain::Messaging, "p", "setup_default", now)
            .unwrap();
        let b = layout
            .create_run_dir(Domain::Messaging, "p", "setup_default", now)
            .unwrap();
        assert_ne!(a.dir, b.dir);
        assert_ne!(a.run_id, b.run_id);
        assert_eq!(a.run_id[..20], b.run_id[..20], "both start with the time");
        assert!(
            a.dir
                .starts_with(state.path().join("runs/messaging/p/setup_default"))
        );
    }
}
