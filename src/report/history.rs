//! Rendering of `dev runs` (a table, or JSON) and `dev show` (one run in detail).

use std::io::Write;

use serde_json::{Value, json};

use super::style::{Styles, paint};
use super::table::render_table;
use crate::history::RunEntry;
use crate::request::ColorChoice;
use crate::request::OutputFormat;

/// `dev show` was given a run id that is not recorded.
pub fn no_such_run(run: &str, state_dir: &std::path::Path) {
    eprintln!(
        "error: no run {run:?} in {} (list them with `greentic-operator dev runs`)",
        state_dir.join("runs").display()
    );
}

pub fn runs(runs: &[RunEntry], format: OutputFormat, color: ColorChoice) {
    let mut out = std::io::stdout().lock();
    if format == OutputFormat::Json {
        let _ = serde_json::to_writer_pretty(&mut out, &json!({"format_version": 1, "runs": runs}));
        let _ = writeln!(out);
        return;
    }
    if runs.is_empty() {
        let _ = writeln!(out, "no runs recorded");
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
}

pub fn show(run: &RunEntry, outputs: &[(String, Value)], format: OutputFormat, color: ColorChoice) {
    let mut out = std::io::stdout().lock();
    let artifacts = run.run_dir.join("artifacts");
    if format == OutputFormat::Json {
        let doc = json!({
            "format_version": 1,
            "run": run,
            "record": run.record,
            "outputs": outputs.iter().map(|(node, value)| json!({"node_id": node, "outputs": value})).collect::<Vec<_>>(),
            "artifacts_dir": artifacts,
        });
        let _ = serde_json::to_writer_pretty(&mut out, &doc);
        let _ = writeln!(out);
        return;
    }
    let styles = Styles::new(color.for_stdout());
    let status_style = if run.passed() {
        styles.pass
    } else {
        styles.fail
    };
    let _ = writeln!(out, "{} {}", paint(styles.header, "Run"), run.run_id);
    let _ = writeln!(
        out,
        "  status:   {}",
        paint(status_style, run.status.word())
    );
    let _ = writeln!(
        out,
        "  pack:     {} ({})",
        run.pack_id,
        run.record["pack_path"].as_str().unwrap_or("?")
    );
    let _ = writeln!(out, "  flow:     {} ({})", run.flow, run.domain.name());
    let _ = writeln!(
        out,
        "  tenant:   {}",
        run.record["tenant"].as_str().unwrap_or("-")
    );
    let _ = writeln!(out, "  started:  {}", run.started_at);
    if let Some(ms) = run.duration_ms {
        let _ = writeln!(out, "  duration: {:.3}s", ms as f64 / 1000.0);
    }
    let outcome = &run.record["outcome"];
    for key in ["error", "message"] {
        if let Some(text) = outcome[key].as_str() {
            let _ = writeln!(out, "  error:    {text}");
        }
    }
    if let Some(nodes) = outcome["failed_nodes"].as_array() {
        for node in nodes {
            let _ = writeln!(
                out,
                "  failed node {}: [{}] {}",
                node["node_id"].as_str().unwrap_or("?"),
                node["code"].as_str().unwrap_or("?"),
                node["message"].as_str().unwrap_or("")
            );
        }
    }
    if !outputs.is_empty() {
        let _ = writeln!(out, "{}", paint(styles.header, "Outputs"));
        for (node, value) in outputs {
            let _ = writeln!(out, "  {node}: {value}");
        }
    }
    let _ = writeln!(out, "{}", paint(styles.header, "Files"));
    let _ = writeln!(out, "  run folder: {}", run.run_dir.display());
    let _ = writeln!(out, "  artifacts:  {}", artifacts.display());
    let _ = writeln!(
        out,
        "  transcript: {}",
        artifacts.join("transcript.jsonl").display()
    );
}
