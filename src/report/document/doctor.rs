//! The document of `dev doctor --format json`: every finding, the counts, the exit code.

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::Serialize;

use super::{DomainName, FormatVersion, millis};
use crate::cli::request::DoctorRequest;
use crate::doctor::{Diagnosis, Finding, Severity};

#[derive(Debug, Serialize, JsonSchema)]
pub struct DoctorDocument {
    pub format_version: FormatVersion,
    /// The domains examined.
    pub domains: Vec<DomainName>,
    pub project_root: PathBuf,
    /// How many packs were examined.
    pub packs: usize,
    pub findings: Vec<FindingView>,
    pub summary: DoctorSummaryView,
    /// 1 when any finding is an error, else 0.
    pub exit_code: u8,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct FindingView {
    pub severity: SeverityView,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<DomainName>,
    /// The pack or other file it is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<PathBuf>,
    pub message: String,
    /// What to do about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SeverityView {
    Error,
    Warning,
    Info,
}

impl From<&Finding> for FindingView {
    fn from(finding: &Finding) -> Self {
        Self {
            severity: match finding.severity {
                Severity::Error => SeverityView::Error,
                Severity::Warning => SeverityView::Warning,
                Severity::Info => SeverityView::Info,
            },
            domain: finding.domain.map(Into::into),
            file: finding.file.clone(),
            message: finding.message.clone(),
            fix: finding.fix.clone(),
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct DoctorSummaryView {
    pub errors: usize,
    pub warnings: usize,
    pub info: usize,
    pub duration_ms: u64,
}

impl DoctorDocument {
    pub fn new(diagnosis: &Diagnosis, request: &DoctorRequest, exit_code: u8) -> Self {
        Self {
            format_version: FormatVersion,
            domains: request.domains.iter().map(|&d| d.into()).collect(),
            project_root: request.project_root.clone(),
            packs: diagnosis.packs,
            findings: diagnosis.findings.iter().map(FindingView::from).collect(),
            summary: DoctorSummaryView {
                errors: diagnosis.count(Severity::Error),
                warnings: diagnosis.count(Severity::Warning),
                info: diagnosis.count(Severity::Info),
                duration_ms: millis(diagnosis.elapsed),
            },
            exit_code,
        }
    }
}
