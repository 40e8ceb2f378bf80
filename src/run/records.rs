//! The files of a run folder (`input.json`, `run.json`, `summary.txt`, `artifacts_dir`),
//! each written atomically.

use std::fmt::Write as _;
use std::io;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use greentic_runner_desktop::RunResult;
use serde::Serialize;
use serde_json::Value;

use crate::pack::domains::{Action, Domain};
use crate::run::outcome::FlowOutcome;
use crate::setup::contract::apply::ContractVerdict;
use crate::state::atomic_file::write_record;
use crate::state::history::{host_name, process_started};
use crate::state::redact::Redactor;
use crate::state::state_layout::RunPaths;

/// Version of the `run.json` layout; bumped when a field changes meaning or goes away.
pub const RUN_FORMAT_VERSION: u32 = 1;

/// Everything known about one flow run once it is over.
#[derive(Debug, Clone, Serialize)]
pub struct FlowRecord {
    pub run_id: String,
    pub run_dir: PathBuf,
    pub domain: Domain,
    pub action: Action,
    pub pack_id: String,
    pub pack_path: PathBuf,
    pub flow: String,
    pub tenant: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    pub env: String,
    pub started_at: DateTime<Utc>,
    #[serde(serialize_with = "as_millis")]
    pub duration: Duration,
    pub outcome: FlowOutcome,
    /// The runner's own result, when the run got that far.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runner_result: Option<RunResult>,
    /// The runner's files left out of `artifacts/`: binary, and holding a secret value.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub withheld_artifacts: Vec<PathBuf>,
    /// (requirements) Each node's outputs, from the runner's transcript, for the reporters.
    #[serde(skip)]
    pub outputs: Vec<(String, serde_json::Value)>,
    /// (setup) What the provider's contract came to before the flow ran: `configured` (its
    /// configuration was kept whatever the flow does) or `not_declared`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contract: Option<ContractVerdict>,
}

fn as_millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_millis() as u64)
}

/// `run.json` as written: a format version, then the record.
#[derive(Serialize)]
struct RunFile<'a> {
    format_version: u32,
    #[serde(flatten)]
    record: &'a FlowRecord,
}

fn pretty_json(value: &impl Serialize) -> io::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(io::Error::other)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Before the run: `input.json`, `artifacts_dir`, and a `run.json` saying `running`, so a
/// folder whose process died is never mistaken for a finished run.
pub fn write_run_start(
    paths: &RunPaths,
    input: &Value,
    started: &FlowRecord,
    redactor: &Redactor,
) -> io::Result<()> {
    write_record(&paths.input_json(), &redacted_json(input, redactor)?)?;
    let artifacts = paths.artifacts();
    write_record(
        &paths.artifacts_dir_file(),
        format!("{}\n", artifacts.display()).as_bytes(),
    )?;
    let running = serde_json::json!({
        "format_version": RUN_FORMAT_VERSION,
        "run_id": started.run_id,
        "pack_id": started.pack_id,
        "pack_path": started.pack_path,
        "flow": started.flow,
        "tenant": started.tenant,
        "team": started.team,
        "env": started.env,
        "started_at": started.started_at,
        "outcome": {"status": "running"},
        // Lets `dev runs`, `dev show` and `dev doctor` tell a run still going from one whose
        // process died; the process's start time tells a reused pid from the writer.
        "pid": std::process::id(),
        "pid_started": process_started(u64::from(std::process::id())),
        // A state folder shared between containers (or with the machine) holds runs whose pids
        // are another host's.
        "host": host_name(),
    });
    write_record(&paths.run_json(), &pretty_json(&running)?)
}

/// After the run: the final `run.json` and `summary.txt`.
pub fn write_run_end(paths: &RunPaths, record: &FlowRecord, redactor: &Redactor) -> io::Result<()> {
    let file = RunFile {
        format_version: RUN_FORMAT_VERSION,
        record,
    };
    write_record(&paths.run_json(), &redacted_record(&file, redactor)?)?;
    // The names of the run as they are (see `RUN_NAMES`); its messages redacted.
    let shown = FlowRecord {
        outcome: record.outcome.clone().redacted(redactor),
        ..record.clone()
    };
    write_record(&paths.summary_txt(), render_summary(&shown).as_bytes())
}

/// The fields of `run.json` that name the run: the operator's own values, spelled in the run
/// folder's path and the state folder's already, so no secret. A placeholder secret equal to
/// one (`acme`, `dev`) must not hide the run from `dev runs --tenant acme`.
const RUN_NAMES: [&str; 13] = [
    "format_version",
    "run_id",
    "run_dir",
    "domain",
    "action",
    "pack_id",
    "pack_path",
    "flow",
    "tenant",
    "team",
    "env",
    "started_at",
    "duration",
];

/// `run.json`: redacted but for the fields naming the run ([`RUN_NAMES`]).
fn redacted_record(file: &RunFile<'_>, redactor: &Redactor) -> io::Result<Vec<u8>> {
    if redactor.is_empty() {
        return pretty_json(file);
    }
    let names = serde_json::to_value(file).map_err(io::Error::other)?;
    let mut value = names.clone();
    redactor.redact_value(&mut value);
    if let (Value::Object(value), Value::Object(names)) = (&mut value, names) {
        for (key, name) in names {
            if RUN_NAMES.contains(&key.as_str()) {
                value.insert(key, name);
            }
        }
    }
    pretty_json(&value)
}

fn redacted_json(value: &impl Serialize, redactor: &Redactor) -> io::Result<Vec<u8>> {
    if redactor.is_empty() {
        return pretty_json(value);
    }
    redactor.redact_json(value)
}

/// `summary.txt`: the record in a few `key: value` lines a person can read with `cat`.
pub fn render_summary(record: &FlowRecord) -> String {
    let mut out = String::new();
    let status = match &record.outcome {
        FlowOutcome::Passed => "passed",
        FlowOutcome::Failed { .. } => "failed",
        FlowOutcome::NoNodesRan => "failed (no node ran)",
        FlowOutcome::LoadError { .. } => "error",
        FlowOutcome::TimedOut { .. } => "timed out",
        FlowOutcome::Interrupted => "interrupted",
    };
    let _ = writeln!(out, "status: {status}");
    let _ = writeln!(
        out,
        "pack: {} ({})",
        record.pack_id,
        record.pack_path.display()
    );
    let _ = writeln!(out, "flow: {}", record.flow);
    let _ = writeln!(out, "domain: {} {}", record.action, record.domain);
    let _ = writeln!(out, "tenant: {}", record.tenant);
    let _ = writeln!(out, "team: {}", record.team.as_deref().unwrap_or("-"));
    let _ = writeln!(out, "env: {}", record.env);
    let _ = writeln!(
        out,
        "started: {}",
        record
            .started_at
            .to_rfc3339_opts(SecondsFormat::Millis, true)
    );
    let _ = writeln!(out, "duration_ms: {}", record.duration.as_millis());
    if let Some(headline) = record.outcome.headline() {
        let _ = writeln!(out, "error: {headline}");
    }
    if let FlowOutcome::Failed { failed_nodes, .. } = &record.outcome {
        for node in failed_nodes {
            let _ = writeln!(
                out,
                "failed node: {} [{}] {}",
                node.node_id, node.code, node.message
            );
        }
    }
    for file in &record.withheld_artifacts {
        let _ = writeln!(
            out,
            "withheld: artifacts/{} (a binary file holding a secret value)",
            file.display()
        );
    }
    let _ = writeln!(out, "run_id: {}", record.run_id);
    out
}
