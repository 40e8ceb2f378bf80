//! A pack checked against its own conformance fixture (`assets/fixtures/requirements.expected.json`,
//! as Greentic's packs carry it): what setup would ask (`setup.yaml` joined with its provider's
//! `qa-spec` and config schema, the secret requirements and the question covering each) against
//! what the pack's author expects. Each disagreement is a warning for the pack's author.

use std::collections::BTreeSet;

use serde::Deserialize;

use super::{Finding, Severity};
use crate::pack::manifest::PackInfo;
use crate::setup::answers::SetupForm;

/// The fields of `requirements.expected.json` this check compares.
#[derive(Debug, Deserialize)]
struct Expected {
    #[serde(default)]
    provider: Option<String>,
    #[serde(default)]
    config_required: BTreeSet<String>,
    #[serde(default)]
    config_optional: BTreeSet<String>,
    #[serde(default)]
    secret_required: BTreeSet<String>,
    #[serde(default)]
    secret_optional: BTreeSet<String>,
    #[serde(default)]
    oauth_required: bool,
}

/// What setup would require of the provider, in the fixture's shape.
#[derive(Debug, Default)]
struct Asked {
    config_required: BTreeSet<String>,
    config_optional: BTreeSet<String>,
    secret_required: BTreeSet<String>,
    secret_optional: BTreeSet<String>,
}

/// `form` is the pack's questions as setup would ask them (its provider's joined in where it
/// could be asked); `provider` the provider type its contract declares.
pub fn check(info: &PackInfo, form: &SetupForm, provider: Option<&str>) -> Vec<Finding> {
    let Some(fixture) = &info.setup_entries.requirements_fixture else {
        return Vec::new();
    };
    let expected: Expected = match serde_json::from_str(&fixture.text) {
        Ok(expected) => expected,
        Err(err) => {
            return vec![Finding::new(
                Severity::Warning,
                format!("its {} cannot be read: {err}", fixture.entry),
            )];
        }
    };
    let asked = asked(form);
    let mut disagreements = Vec::new();
    if let (Some(want), Some(have)) = (&expected.provider, provider)
        && want != have
    {
        disagreements.push(format!(
            "provider: it says {want}, the pack declares {have}"
        ));
    }
    let sets = [
        (
            "config_required",
            &expected.config_required,
            &asked.config_required,
        ),
        (
            "config_optional",
            &expected.config_optional,
            &asked.config_optional,
        ),
        (
            "secret_required",
            &expected.secret_required,
            &asked.secret_required,
        ),
        (
            "secret_optional",
            &expected.secret_optional,
            &asked.secret_optional,
        ),
    ];
    disagreements.extend(
        sets.iter()
            .filter_map(|(field, want, have)| differ(field, want, have)),
    );
    let oauth = info.oauth_device_code.is_some();
    if expected.oauth_required != oauth {
        disagreements.push(format!(
            "oauth_required: it says {}, the pack {} a device-code login",
            expected.oauth_required,
            if oauth { "declares" } else { "declares no" }
        ));
    }
    let mut findings: Vec<Finding> = disagreements
        .iter()
        .map(|d| {
            Finding::new(
                Severity::Warning,
                format!("its {} and what setup asks differ: {d}", fixture.entry),
            )
            .fix("the pack's author updates the fixture or the pack's questions")
        })
        .collect();
    if findings.is_empty() {
        findings.push(Finding::new(
            Severity::Info,
            format!("setup asks what its {} expects", fixture.entry),
        ));
    }
    findings
}

/// The form in the fixture's shape: each question by whether it is secret and required; a
/// secret question under the requirements it covers (`TELEGRAM_BOT_TOKEN` for `bot_token`).
fn asked(form: &SetupForm) -> Asked {
    let mut asked = Asked::default();
    for question in &form.questions {
        let spec = &question.spec;
        let names: Vec<String> = match (spec.secret, question.covers.is_empty()) {
            (true, false) => question.covers.clone(),
            _ => vec![spec.id.clone()],
        };
        let set = match (spec.secret, spec.required) {
            (false, true) => &mut asked.config_required,
            (false, false) => &mut asked.config_optional,
            (true, true) => &mut asked.secret_required,
            (true, false) => &mut asked.secret_optional,
        };
        set.extend(names);
    }
    asked
}

/// One field's disagreement in words: what only the fixture names, what only setup asks.
fn differ(field: &str, want: &BTreeSet<String>, have: &BTreeSet<String>) -> Option<String> {
    let only_fixture: Vec<&str> = want.difference(have).map(String::as_str).collect();
    let only_setup: Vec<&str> = have.difference(want).map(String::as_str).collect();
    let mut parts = Vec::new();
    if !only_fixture.is_empty() {
        parts.push(format!(
            "only the fixture names {}",
            only_fixture.join(", ")
        ));
    }
    if !only_setup.is_empty() {
        parts.push(format!("only setup asks {}", only_setup.join(", ")));
    }
    (!parts.is_empty()).then(|| format!("{field}: {}", parts.join("; ")))
}
