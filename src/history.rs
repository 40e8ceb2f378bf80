//! Recorded runs, read back from the state folder: the data behind `dev runs` and `dev show`.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

/// One recorded run, as its `run.json` tells it.
#[derive(Debug, Clone, Serialize)]
pub struct RunEntry {
    pub run_id: String,
    pub run_dir: PathBuf,
    pub domain: String,
    pub pack_id: String,
    pub flow: String,
    /// `passed`, `failed`, `timed_out`, `running` (never finished), ...
    pub status: String,
    pub started_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    #[serde(skip)]
    pub record: Value,
}

impl RunEntry {
    pub fn passed(&self) -> bool {
        self.status == "passed"
    }
}

/// Every run under `<state>/runs/<domain>/<pack>/<flow>/<run_id>/run.json`, newest first.
/// Folders without a readable `run.json` are skipped.
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
    let record: Value = serde_json::from_slice(&fs::read(dir.join("run.json")).ok()?).ok()?;
    let text = |key: &str| {
        record
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let domain = dir
        .ancestors()
        .nth(3)?
        .file_name()?
        .to_string_lossy()
        .into_owned();
    Some(RunEntry {
        run_id: text("run_id"),
        run_dir: dir.to_path_buf(),
        domain,
        pack_id: text("pack_id"),
        flow: text("flow"),
        status: record["outcome"]["status"]
            .as_str()
            .unwrap_or("unknown")
            .to_string(),
        started_at: text("started_at"),
        duration_ms: record.get("duration").and_then(Value::as_u64),
        record,
    })
}

/// The run named `id` (`latest` for the newest).
pub fn find_run<'a>(entries: &'a [RunEntry], id: &str) -> Option<&'a RunEntry> {
    if id == "latest" {
        return entries.first();
    }
    entries.iter().find(|e| e.run_id == id)
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
