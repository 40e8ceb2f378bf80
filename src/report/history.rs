//! Rendering of `dev runs` (a table, or JSON) and `dev show` (one run in detail).

use std::io::Write;

use serde_json::Value;

use super::document::history::{RunsDocument, ShowDocument};
use super::style::{Styles, paint};
use super::table::render_table;
use crate::base::command_line::CommandScope;
use crate::cli::request::ColorChoice;
use crate::cli::request::OutputFormat;
use crate::state::history::{RunEntry, RunStatus};

/// `dev show` was given a run id that is not recorded; returns the exit code.
pub fn no_such_run(run: &str, state_dir: &std::path::Path, format: OutputFormat) -> u8 {
    // `dev runs` reading the same state folder from where this was asked.
    let here = std::env::current_dir().map(|cwd| cwd.join("state"));
    let scope = CommandScope {
        env: "dev".to_string(),
        state_dir: (here.as_deref().ok() != Some(state_dir)).then(|| state_dir.to_path_buf()),
        ..CommandScope::default()
    };
    let message = format!(
        "no run {run:?} in {} (list them with `{}`)",
        state_dir.join("runs").display(),
        scope.command_with_state(&["dev", "runs"])
    );
    super::usage_error(format, &message)
}

/// `dev runs --provider` that no recorded run is of; returns the exit code.
pub fn unmatched_provider(
    unmatched: &str,
    state_dir: &std::path::Path,
    recorded: &std::collections::BTreeSet<&str>,
    format: OutputFormat,
) -> u8 {
    let available = if recorded.is_empty() {
        "none".to_string()
    } else {
        recorded.iter().copied().collect::<Vec<_>>().join(", ")
    };
    let message = format!(
        "--provider {unmatched} matches no recorded run in {} and no pack of the project; providers with runs: {available}",
        state_dir.join("runs").display()
    );
    super::usage_error(format, &message)
}

/// `dev show` of an id several runs share: each of them, by folder; returns the exit code.
pub fn ambiguous_run(run: &str, matches: &[&RunEntry], format: OutputFormat) -> u8 {
    let mut text = format!(
        "{} runs have the id {run:?}; show one by its folder (`greentic-operator dev show <folder>`):",
        matches.len()
    );
    for entry in matches {
        text.push_str(&format!(
            "\n  {} {} {}",
            entry.pack_id,
            entry.flow,
            entry.run_dir.display()
        ));
    }
    super::usage_error(format, &text)
}

/// What `dev runs` found: the runs kept, how many are recorded, the filters given.
pub struct RunsListing<'a> {
    pub runs: &'a [RunEntry],
    /// Every run recorded, before the filters.
    pub recorded: usize,
    /// The filters as typed (`messaging`, `--provider x`, `--failed`).
    pub filters: Vec<String>,
    pub state_dir: &'a std::path::Path,
}

/// `dev runs`: the recorded runs as a table, or as a JSON document.
pub fn runs(listing: &RunsListing<'_>, format: OutputFormat, color: ColorChoice) {
    let runs = listing.runs;
    if format == OutputFormat::Json {
        super::document::print(&RunsDocument::new(runs));
        return;
    }
    let mut out = std::io::stdout().lock();
    if runs.is_empty() {
        let runs_dir = listing.state_dir.join("runs");
        let _ = match listing.recorded {
            0 => writeln!(out, "no runs recorded in {}", runs_dir.display()),
            n => writeln!(
                out,
                "no runs match {} ({n} recorded in {})",
                listing.filters.join(", "),
                runs_dir.display()
            ),
        };
        return;
    }
    let styles = Styles::new(color.for_stdout());
    let rows: Vec<[String; 7]> = runs
        .iter()
        .map(|r| {
            [
                r.run_id.clone(),
                r.domain.name().to_string(),
                r.pack_id.clone(),
                r.flow.clone(),
                r.status.word().to_string(),
                r.started_at.clone(),
                r.duration_ms
                    .map_or("-".into(), |ms| format!("{:.3}s", ms as f64 / 1000.0)),
            ]
        })
        .collect();
    let header = [
        "RUN", "DOMAIN", "PACK", "FLOW", "STATUS", "STARTED", "DURATION",
    ];
    for line in render_table(header, &rows, |i, c, cell| {
        let style = match (i, c) {
            (0, _) => styles.header,
            (_, 4) if cell.trim_end() == "passed" => styles.pass,
            (_, 4) => styles.fail,
            _ => anstyle::Style::new(),
        };
        paint(style, cell)
    }) {
        let _ = writeln!(out, "{line}");
    }
    for run in runs {
        if let Some(why) = &run.unreadable {
            let _ = writeln!(out, "{}: {why}", run.run_dir.display());
        }
    }
}

/// One run in detail: as a JSON document, or as text.
pub fn show(run: &RunEntry, outputs: &[(String, Value)], format: OutputFormat, color: ColorChoice) {
    if format == OutputFormat::Json {
        super::document::print(&ShowDocument::new(run, outputs));
        return;
    }
    let mut out = std::io::stdout().lock();
    let styles = Styles::new(color.for_stdout());
    let _ = out.write_all(show_text(run, outputs, &styles).as_bytes());
}

/// The run's facts, why it failed, each node's outputs, and its files.
fn show_text(run: &RunEntry, outputs: &[(String, Value)], styles: &Styles) -> String {
    let status_style = if run.passed() {
        styles.pass
    } else {
        styles.fail
    };
    let mut out = format!("{} {}\n", paint(styles.header, "Run"), run.run_id);
    out.push_str(&format!(
        "  status:   {}\n",
        paint(status_style, run.status.word())
    ));
    out.push_str(&format!(
        "  pack:     {} ({})\n",
        run.pack_id,
        run.record["pack_path"].as_str().unwrap_or("?")
    ));
    out.push_str(&format!(
        "  flow:     {} ({})\n",
        run.flow,
        run.domain.name()
    ));
    let or_dash = |value: &Option<String>| value.clone().unwrap_or_else(|| "-".to_string());
    out.push_str(&format!("  tenant:   {}\n", or_dash(&run.tenant)));
    out.push_str(&format!("  team:     {}\n", or_dash(&run.team)));
    out.push_str(&format!("  env:      {}\n", or_dash(&run.env)));
    out.push_str(&format!("  started:  {}\n", run.started_at));
    if let Some(ms) = run.duration_ms {
        out.push_str(&format!("  duration: {:.3}s\n", ms as f64 / 1000.0));
    }
    if run.status == RunStatus::Abandoned {
        let pid = run.record["pid"]
            .as_u64()
            .map_or_else(|| "its process".to_string(), |pid| format!("process {pid}"));
        out.push_str(&format!(
            "  error:    {pid} ended without finishing it (killed, or a second Ctrl-C); it never will\n"
        ));
    }
    if let Some(limit) = run.record["outcome"]["limit_ms"].as_u64() {
        let limit = humantime::format_duration(std::time::Duration::from_millis(limit));
        out.push_str(&format!("  limit:    {limit} (--timeout)\n"));
    }
    if let Some(unreadable) = &run.unreadable {
        out.push_str(&format!("  error:    {unreadable}\n"));
    }
    if let Some(host) = run.running_elsewhere() {
        out.push_str(&format!(
            "  host:     {host}, not this one: whether its process still runs cannot be told here\n"
        ));
    }
    out.push_str(&errors(&run.record["outcome"]));
    if !outputs.is_empty() {
        out.push_str(&format!("{}\n", paint(styles.header, "Outputs")));
        for (node, value) in outputs {
            out.push_str(&format!("  {node}: {value}\n"));
        }
    }
    let artifacts = run.run_dir.join("artifacts");
    out.push_str(&format!("{}\n", paint(styles.header, "Files")));
    out.push_str(&format!("  run folder: {}\n", run.run_dir.display()));
    out.push_str(&format!("  artifacts:  {}\n", artifacts.display()));
    out.push_str(&format!(
        "  transcript: {}\n",
        artifacts.join("transcript.jsonl").display()
    ));
    out
}

/// The outcome's error or message, then each failed node with its code, as `run.json` has them.
fn errors(outcome: &Value) -> String {
    let mut out = String::new();
    for key in ["error", "message"] {
        if let Some(text) = outcome[key].as_str() {
            out.push_str(&format!("  error:    {text}\n"));
        }
    }
    if let Some(nodes) = outcome["failed_nodes"].as_array() {
        for node in nodes {
            out.push_str(&format!(
                "  failed node {}: [{}] {}\n",
                node["node_id"].as_str().unwrap_or("?"),
                node["code"].as_str().unwrap_or("?"),
                node["message"].as_str().unwrap_or("")
            ));
        }
    }
    out
}
