//! A pack's provider contract (`greentic.provider-extension.v1`): each provider's runtime
//! component is in the pack and exports the interface its declared world names (judged from
//! the exports the components check reads), its config
//! schema is in the pack and is a JSON Schema, and its `qa-spec` questions agree with
//! `setup.yaml` (the provider is asked in-process; nothing is written).

use std::path::Path;

use super::{Finding, Severity};
use crate::pack::domains::Action;
use crate::pack::manifest::{PackInfo, ProviderContract};
use crate::plan::contract::{ask, contract_mode};
use crate::setup::answers::SetupForm;
use crate::setup::contract::host::{CallLimits, CallScope, PackHost};
use crate::setup::contract::schema::ConfigSchema;
use crate::state::secrets::manager_or_empty;

/// The interfaces a schema-core provider may export: the world's own package, or the older
/// `greentic:provider-schema-core` package greentic-runner-host falls back to.
const SCHEMA_CORE_EXPORTS: [&str; 2] = [
    "greentic:provider/schema-core-api",
    "greentic:provider-schema-core/schema-core-api",
];

pub fn check(path: &Path, info: &PackInfo) -> Vec<Finding> {
    let mut findings = Vec::new();
    let (questions, joined) = question_findings(path, info);
    for provider in &info.providers {
        let runtime = &provider.runtime.component_ref;
        if info.component_world(runtime).is_none() {
            findings.push(
                Finding::new(
                    Severity::Error,
                    format!("{}: the pack does not list its component", who(provider)),
                )
                .fix("rebuild the pack with the provider's component"),
            );
        }
        findings.push(schema_finding(provider));
    }
    findings.extend(questions);
    if let Some(form) = joined.or_else(|| SetupForm::read(info).ok()) {
        let provider = crate::plan::contract::contract_provider(info)
            .or(info.providers.first())
            .map(|p| p.provider_type.as_str());
        findings.extend(super::conformance::check(info, &form, provider));
    }
    findings
}

fn who(provider: &ProviderContract) -> String {
    let runtime = &provider.runtime;
    format!(
        "provider {} (component {}, world {})",
        provider.provider_type, runtime.component_ref, runtime.world
    )
}

/// What a provider's runtime component exports, judged by the world its extension declares
/// (read by the components check, which opens the pack's archive once for all of them).
pub(super) fn runtime_finding(provider: &ProviderContract, exports: Vec<String>) -> Finding {
    let who = who(provider);
    if !provider.runtime.world.contains("schema-core") {
        return Finding::new(
            Severity::Warning,
            format!(
                "{who}: a world this operator does not call through the contract; it exports {}",
                exports.join(", ")
            ),
        );
    }
    let exported = exports
        .iter()
        .any(|e| SCHEMA_CORE_EXPORTS.iter().any(|s| e.starts_with(s)));
    if exported {
        Finding::new(
            Severity::Info,
            format!("{who} exports its contract's interface (called through the runner host)"),
        )
    } else {
        Finding::new(
            Severity::Error,
            format!(
                "{who} does not export schema-core-api (it exports {}): its contract cannot be called",
                if exports.is_empty() { "nothing".to_string() } else { exports.join(", ") }
            ),
        )
        .fix("rebuild the provider component for greentic:provider/schema-core@1.0.0")
    }
}

fn schema_finding(provider: &ProviderContract) -> Finding {
    match ConfigSchema::compile(&provider.config_schema_ref, &provider.config_schema) {
        Ok(schema) => Finding::new(
            Severity::Info,
            format!(
                "provider {}: config schema {} is a valid JSON Schema",
                provider.provider_type, schema.entry
            ),
        ),
        Err(problem) => Finding::new(
            Severity::Error,
            format!("provider {} {problem}", provider.provider_type),
        )
        .fix("rebuild the pack with its config schema"),
    }
}

/// The provider's `qa-spec` joined with `setup.yaml`: each difference a warning, a provider
/// that cannot be asked an error; and the questions as joined, when the provider was asked.
fn question_findings(path: &Path, info: &PackInfo) -> (Vec<Finding>, Option<SetupForm>) {
    let Some(provider) = crate::plan::contract::contract_provider(info) else {
        return (Vec::new(), None);
    };
    let Ok(mut form) = SetupForm::read(info) else {
        return (Vec::new(), None); // the setup check reports unreadable questions
    };
    let scope = CallScope {
        tenant: "doctor".to_string(),
        team: None,
        // The doctor has no --timeout: a provider's qa-spec gets a lifecycle command's default.
        limits: CallLimits::default(),
    };
    let component = &provider.runtime.component_ref;
    let host = PackHost::load(path, component, scope, manager_or_empty(None));
    match ask(host, info, &mut form, contract_mode(Action::Setup)) {
        Ok(Some(call)) => {
            let findings = call
                .report
                .disagreements
                .iter()
                .map(|d| {
                    Finding::new(
                        Severity::Warning,
                        format!(
                            "provider {} and setup.yaml differ: {d}",
                            call.report.provider_type
                        ),
                    )
                })
                .collect();
            (findings, Some(form))
        }
        Ok(None) => (Vec::new(), None),
        Err(err) => (
            vec![
                Finding::new(Severity::Error, format!("{err}"))
                    .fix("check the provider component with `greentic-component doctor`"),
            ],
            None,
        ),
    }
}
