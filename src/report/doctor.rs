//! `dev doctor` output: one line per finding (severity, file, message, fix), then a summary;
//! or one JSON document.

use std::io::Write;

use serde_json::json;

use super::style::{Styles, paint};
use crate::cli::request::{DoctorRequest, OutputFormat};
use crate::doctor::{Diagnosis, Finding, Severity};

/// A `dev doctor` command line that names nothing to examine.
pub fn usage_error(message: &str) {
    eprintln!("error: {message}");
}

pub fn diagnosis(diagnosis: &Diagnosis, request: &DoctorRequest) {
    let mut out = std::io::stdout().lock();
    if request.format == OutputFormat::Json {
        let doc = json!({
            "format_version": super::FORMAT_VERSION,
            "domains": request.domains,
            "project_root": request.project_root,
            "packs": diagnosis.packs,
            "findings": diagnosis.findings,
            "summary": {
                "errors": diagnosis.count(Severity::Error),
                "warnings": diagnosis.count(Severity::Warning),
                "info": diagnosis.count(Severity::Info),
                "elapsed_ms": diagnosis.elapsed.as_millis() as u64,
            },
        });
        let _ = serde_json::to_writer_pretty(&mut out, &doc);
        let _ = writeln!(out);
        return;
    }
    let styles = Styles::new(request.color.for_stdout());
    for finding in &diagnosis.findings {
        let _ = writeln!(out, "{}", line(finding, request, &styles));
    }
    let _ = writeln!(
        out,
        "Doctor [{:>8.3}s] {} packs: {} errors, {} warnings, {} info",
        diagnosis.elapsed.as_secs_f64(),
        diagnosis.packs,
        diagnosis.count(Severity::Error),
        diagnosis.count(Severity::Warning),
        diagnosis.count(Severity::Info),
    );
}

/// `error   providers/messaging/x.gtpack: message (fix: ...)`, the file relative to the project.
fn line(finding: &Finding, request: &DoctorRequest, styles: &Styles) -> String {
    let (word, style) = match finding.severity {
        Severity::Error => ("error", styles.fail),
        Severity::Warning => ("warning", styles.skip),
        Severity::Info => ("info", styles.dim),
    };
    let file = finding
        .file
        .as_ref()
        .map(|f| f.strip_prefix(&request.project_root).unwrap_or(f))
        .map(|f| format!("{}: ", f.display()))
        .unwrap_or_default();
    let fix = finding
        .fix
        .as_ref()
        .map(|fix| format!(" (fix: {fix})"))
        .unwrap_or_default();
    format!(
        "{} {file}{}{fix}",
        paint(style, &format!("{word:<7}")),
        finding.message
    )
}
