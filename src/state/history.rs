//! Recorded runs, read back from the state folder: the data behind `dev runs` and `dev show`.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::pack::domains::Domain;
use serde_json::Value;

/// One recorded run, as its `run.json` tells it.
#[derive(Debug, Clone)]
pub struct RunEntry {
    pub run_id: String,
    pub run_dir: PathBuf,
    pub domain: Domain,
    pub pack_id: String,
    pub flow: String,
    /// Whom the run was for (absent in records written before they said).
    pub tenant: Option<String>,
    pub team: Option<String>,
    pub env: Option<String>,
    /// The pack file the run came from, for `--provider` by file name or stem.
    pub pack_path: Option<PathBuf>,
    pub status: RunStatus,
    pub started_at: String,
    pub duration_ms: Option<u64>,
    /// `run.json` as recorded; `null` when it cannot be read.
    pub record: Value,
    /// Why `run.json` cannot be read (missing, truncated, not JSON): the run is listed with
    /// what its folder tells, status `unreadable`.
    pub unreadable: Option<String>,
}

/// How a recorded run ended: the outcome's `status` in `run.json`; `running` while the process
/// that writes it runs, `abandoned` once that process is gone without finishing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Passed,
    Failed,
    NoNodesRan,
    LoadError,
    TimedOut,
    Interrupted,
    Running,
    /// `running` in its `run.json`, but the process that wrote it is gone (killed, or ended
    /// at once by a second Ctrl-C): it will never finish. Never written, only read so.
    Abandoned,
    /// Its `run.json` cannot be read.
    Unreadable,
    /// Written by another version of the operator.
    #[serde(other)]
    Unknown,
}

impl RunStatus {
    pub fn word(self) -> &'static str {
        match self {
            RunStatus::Passed => "passed",
            RunStatus::Failed => "failed",
            RunStatus::NoNodesRan => "no_nodes_ran",
            RunStatus::LoadError => "load_error",
            RunStatus::TimedOut => "timed_out",
            RunStatus::Interrupted => "interrupted",
            RunStatus::Running => "running",
            RunStatus::Abandoned => "abandoned",
            RunStatus::Unreadable => "unreadable",
            RunStatus::Unknown => "unknown",
        }
    }
}

/// The part of `run.json` the history reads.
#[derive(Deserialize)]
struct RunFile {
    #[serde(default)]
    run_id: String,
    #[serde(default)]
    pack_id: String,
    #[serde(default)]
    flow: String,
    tenant: Option<String>,
    team: Option<String>,
    env: Option<String>,
    pack_path: Option<PathBuf>,
    pid: Option<u64>,
    pid_started: Option<u64>,
    host: Option<String>,
    #[serde(default)]
    started_at: String,
    duration: Option<u64>,
    outcome: Option<OutcomeStatus>,
}

#[derive(Deserialize)]
struct OutcomeStatus {
    status: RunStatus,
}

impl RunEntry {
    /// The host of a `running` record written on another host (a container sharing the state
    /// folder): whether its process still runs cannot be told from here.
    pub fn running_elsewhere(&self) -> Option<&str> {
        let host = self.record["host"].as_str()?;
        (self.status == RunStatus::Running && host_name().is_some_and(|here| here != host))
            .then_some(host)
    }

    /// `--provider` as the lifecycle commands take it: the pack id, the pack's file name, or
    /// its stem.
    pub fn is_of_provider(&self, wanted: &str) -> bool {
        crate::pack::names_pack(wanted, Some(&self.pack_id), self.pack_path.as_deref())
    }

    pub fn passed(&self) -> bool {
        self.status == RunStatus::Passed
    }
}

/// Every run under `<state>/runs/<domain>/<pack>/<flow>/<run_id>/run.json`, newest first.
/// A run folder whose `run.json` cannot be read is listed as `unreadable`, dated by the
/// folder's modification time.
pub fn list_runs(state_dir: &Path) -> Vec<RunEntry> {
    let mut entries = Vec::new();
    let mut dirs = vec![(state_dir.join("runs"), 0)];
    while let Some((dir, depth)) = dirs.pop() {
        let Ok(children) = fs::read_dir(&dir) else {
            continue;
        };
        for child in children.flatten() {
            let path = child.path();
            if !child.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            if depth < 3 {
                dirs.push((path, depth + 1));
            } else if let Some(entry) = read_entry(&path) {
                entries.push(entry);
            }
        }
    }
    entries.sort_by(|a, b| {
        (b.started_at.as_str(), b.run_id.as_str()).cmp(&(a.started_at.as_str(), a.run_id.as_str()))
    });
    entries
}

fn read_entry(dir: &Path) -> Option<RunEntry> {
    let folder = dir.ancestors().nth(3)?.file_name()?.to_string_lossy();
    let domain = Domain::ALL.into_iter().find(|d| d.name() == folder)?;
    let file = dir.join("run.json");
    let read = fs::read(&file)
        .map_err(|e| e.to_string())
        .and_then(|bytes| {
            let parsed: RunFile = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
            let record: Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
            Ok((parsed, record))
        });
    let (file, record) = match read {
        Ok(read) => read,
        Err(reason) => return Some(unreadable_entry(dir, domain, reason)),
    };
    Some(RunEntry {
        run_id: file.run_id,
        run_dir: dir.to_path_buf(),
        domain,
        pack_id: file.pack_id,
        flow: file.flow,
        tenant: file.tenant,
        team: file.team,
        env: file.env,
        pack_path: file.pack_path,
        status: match file.outcome.map_or(RunStatus::Unknown, |o| o.status) {
            RunStatus::Running
                if !writer_alive(file.host.as_deref(), file.pid, file.pid_started) =>
            {
                RunStatus::Abandoned
            }
            status => status,
        },
        started_at: file.started_at,
        duration_ms: file.duration,
        record,
        unreadable: None,
    })
}

/// Linux's process file system, where a record's pid is looked up.
const PROC: &str = "/proc";

/// Whether the process that wrote a `running` record still runs (Linux `/proc`): its pid
/// exists and, where the record says when it started, started then (a pid is reused, in a
/// restarted container first of all). A record without a pid was written by an older
/// operator and is taken as gone. A record written on another host (another container or
/// machine sharing the state folder) cannot be told from here: its pids are not ours, so it is
/// taken as running; so is every record where there is no `/proc` to look in (macOS).
fn writer_alive(host: Option<&str>, pid: Option<u64>, started: Option<u64>) -> bool {
    writer_alive_under(Path::new(PROC), host, pid, started)
}

fn writer_alive_under(
    proc: &Path,
    host: Option<&str>,
    pid: Option<u64>,
    started: Option<u64>,
) -> bool {
    if host.is_some_and(|host| host_name_under(proc).is_some_and(|here| here != host)) {
        return true;
    }
    let Some(pid) = pid else {
        return false;
    };
    if !proc.join("self/stat").is_file() {
        return true;
    }
    match (started, process_started_under(proc, pid)) {
        (Some(recorded), Some(now)) => recorded == now,
        (None, _) => fs::metadata(proc.join(pid.to_string())).is_ok(),
        (Some(_), None) => false,
    }
}

/// This host's name (Linux `/proc/sys/kernel/hostname`): a container's own, so a run recorded
/// in a state folder shared between containers, or with the machine, names where its pid is.
pub fn host_name() -> Option<String> {
    host_name_under(Path::new(PROC))
}

fn host_name_under(proc: &Path) -> Option<String> {
    let name = fs::read_to_string(proc.join("sys/kernel/hostname")).ok()?;
    Some(name.trim().to_string()).filter(|n| !n.is_empty())
}

/// When process `pid` started, in clock ticks since boot (`/proc/<pid>/stat`'s 22nd field):
/// with the pid, it names one process for as long as the machine runs. `None` when there is
/// no such process (or no `/proc`).
pub fn process_started(pid: u64) -> Option<u64> {
    process_started_under(Path::new(PROC), pid)
}

fn process_started_under(proc: &Path, pid: u64) -> Option<u64> {
    let stat = fs::read_to_string(proc.join(pid.to_string()).join("stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces or parentheses itself.
    let (_, after_name) = stat.rsplit_once(')')?;
    after_name.split_whitespace().nth(19)?.parse().ok()
}

/// A run folder whose `run.json` cannot be read: its id, pack and flow from its path
/// (`<pack>/<flow>/<run_id>`), its time from the folder's modification time.
fn unreadable_entry(dir: &Path, domain: Domain, reason: String) -> RunEntry {
    let name = |n: usize| {
        dir.ancestors()
            .nth(n)
            .and_then(Path::file_name)
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let modified = fs::metadata(dir).and_then(|m| m.modified()).ok();
    let started_at = modified
        .map(|t| {
            chrono::DateTime::<chrono::Utc>::from(t)
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        })
        .unwrap_or_default();
    RunEntry {
        run_id: name(0),
        run_dir: dir.to_path_buf(),
        domain,
        pack_id: name(2),
        flow: name(1),
        tenant: None,
        team: None,
        env: None,
        pack_path: None,
        status: RunStatus::Unreadable,
        started_at,
        duration_ms: None,
        record: Value::Null,
        unreadable: Some(format!("run.json is unreadable: {reason}")),
    }
}

/// Why [`find_run`] names no single run.
#[derive(Debug)]
pub enum RunLookup<'a> {
    /// No run has the id.
    NotFound,
    /// Several runs have it (folders of earlier versions, whose ids were only the time).
    Ambiguous(Vec<&'a RunEntry>),
}

/// The run named `id` (`latest` for the newest) or by its folder; never one of several that
/// share the id.
pub fn find_run<'a>(entries: &'a [RunEntry], id: &str) -> Result<&'a RunEntry, RunLookup<'a>> {
    if id == "latest" {
        return entries.first().ok_or(RunLookup::NotFound);
    }
    let folder = fs::canonicalize(id).ok();
    let matches: Vec<&RunEntry> = entries
        .iter()
        .filter(|e| {
            e.run_id == id
                || folder
                    .as_ref()
                    .is_some_and(|f| fs::canonicalize(&e.run_dir).ok().as_ref() == Some(f))
        })
        .collect();
    match matches.as_slice() {
        [] => Err(RunLookup::NotFound),
        [one] => Ok(one),
        _ => Err(RunLookup::Ambiguous(matches)),
    }
}

/// Each node's outputs, from the runner's `transcript.jsonl` (its `"phase":"end"` lines).
pub fn flow_outputs(run_dir: &Path) -> Vec<(String, Value)> {
    let Ok(text) = fs::read_to_string(run_dir.join("artifacts/transcript.jsonl")) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|event| event["phase"] == "end" && !event["outputs"].is_null())
        .map(|event| {
            let node = event["node_id"].as_str().unwrap_or("?").to_string();
            (node, event["outputs"].clone())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_running_record_is_its_writers_only_while_that_very_process_runs() {
        let me = u64::from(std::process::id());
        let here = host_name();
        let here = here.as_deref();
        let started = process_started(me);
        assert!(started.is_some(), "this process has a start time");
        assert!(writer_alive(here, Some(me), started));
        assert!(
            writer_alive(None, Some(me), None),
            "an older record: the pid alone"
        );
        let reused = started.map(|t| t + 1);
        assert!(
            !writer_alive(here, Some(me), reused),
            "another process with that pid"
        );
        assert!(!writer_alive(None, None, None));
    }

    #[test]
    fn a_running_record_of_another_host_is_not_judged_by_this_hosts_pids() {
        assert!(host_name().is_some(), "this host has a name");
        let gone = started_and_gone();
        assert!(!writer_alive(
            host_name().as_deref(),
            Some(gone.0),
            Some(gone.1)
        ));
        assert!(
            writer_alive(Some("another-container"), Some(gone.0), Some(gone.1)),
            "its pid is another pid namespace's"
        );
    }

    #[test]
    fn without_a_proc_file_system_a_running_record_stays_running() {
        // macOS: no `/proc` to tell a live writer from a gone one.
        let none = tempfile::tempdir().unwrap();
        let gone = started_and_gone();
        assert!(writer_alive_under(
            none.path(),
            None,
            Some(gone.0),
            Some(gone.1)
        ));
        assert!(!writer_alive(None, Some(gone.0), Some(gone.1)));
    }

    /// The pid and start time of a process that has ended.
    fn started_and_gone() -> (u64, u64) {
        let child = std::process::Command::new("true").spawn().unwrap();
        let pid = u64::from(child.id());
        let started = process_started(pid).unwrap_or(0);
        let mut child = child;
        child.wait().unwrap();
        (pid, started)
    }
}
