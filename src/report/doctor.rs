//! `dev doctor` output: one line per finding (severity, file, message, fix), then a summary;
//! or one JSON document.

use std::io::Write;

use super::document::doctor::DoctorDocument;
use super::style::{Styles, paint};
use crate::cli::request::{DoctorRequest, OutputFormat};
use crate::doctor::{Diagnosis, Finding, Severity};

/// The findings and counts; `exit_code` is what the command exits with.
pub fn diagnosis(diagnosis: &Diagnosis, request: &DoctorRequest, exit_code: u8) {
    if request.format == OutputFormat::Json {
        super::document::print(&DoctorDocument::new(diagnosis, request, exit_code));
        return;
    }
    let mut out = std::io::stdout().lock();
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
