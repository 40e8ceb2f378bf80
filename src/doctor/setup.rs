//! A pack's setup side, as far as it can be known before setup runs: its questions parse, their
//! defaults and the answers already stored keep the pack's own rules, its secrets are in the
//! dev store, `public_base_url` has an answer, and its device-code login is well declared.

use std::path::Path;

use super::{Finding, PublicUrl, Severity};
use crate::base::command_line::CommandScope;
use crate::pack::domains::Domain;
use crate::pack::manifest::PackInfo;
use crate::plan::LoginStatus;
use crate::run::logins::login_state;
use crate::setup::answers::{PUBLIC_BASE_URL, SetupForm, check_one, load_stored};
use crate::setup::device_code::metadata::DeviceCodeMetadata;
use crate::setup::secret_needs::needs_with_questions;
use crate::state::secrets::{DevSecrets, SecretScope};
use crate::state::state_layout::StateLayout;

/// What the setup checks read besides the pack.
pub struct Context<'a> {
    pub domain: Domain,
    pub state_dir: &'a Path,
    pub scope: Option<&'a SecretScope>,
    /// `None` when the store cannot be read; `Some(None)` when there is none yet.
    pub secrets: Option<Option<&'a DevSecrets>>,
    pub public_base_urls: &'a [PublicUrl],
    /// The scope every printed command carries.
    pub commands: &'a CommandScope,
}

pub fn check(info: &PackInfo, context: &Context<'_>) -> Vec<Finding> {
    let form = match SetupForm::read(info) {
        Ok(form) => form,
        Err(err) => {
            let finding = Finding::new(Severity::Error, format!("pack {err}"))
                .fix("fix the file in the pack's sources and rebuild it");
            return vec![finding];
        }
    };
    let mut findings = default_findings(&form);
    let layout = StateLayout::new(context.state_dir);
    findings.extend(unscoped_finding(info, &layout, context.scope));
    if let Some(scope) = context.scope {
        findings.extend(stored_findings(info, &form, &layout, scope, context));
    }
    findings.extend(public_url_findings(&form, info, context));
    findings.extend(device_code_finding(info));
    if let Some(scope) = context.scope {
        if let Some(secrets) = context.secrets {
            findings.extend(secret_findings(info, &form, context, secrets, scope));
        }
        findings.extend(login_finding(info, context, scope));
    }
    findings
}

/// Where the pack's device-code login stands for the tenant and team.
fn login_finding(info: &PackInfo, context: &Context<'_>, scope: &SecretScope) -> Option<Finding> {
    info.oauth_device_code.as_ref()?;
    let state = login_state(&StateLayout::new(context.state_dir), scope, &info.pack_id);
    let setup = setup_command(info, context);
    let detail = state.detail.map(|d| format!(" ({d})")).unwrap_or_default();
    let message = format!(
        "device-code login for tenant {}: {}{detail}",
        scope.tenant,
        state.status.word()
    );
    Some(match state.status {
        LoginStatus::Complete => Finding::new(Severity::Info, message),
        LoginStatus::NotStarted => {
            Finding::new(Severity::Info, message).fix(format!("run `{setup}`"))
        }
        _ => Finding::new(Severity::Warning, message).fix(format!(
            "run `{setup}` again (it resumes or restarts the login)"
        )),
    })
}

/// `dev setup` of this one pack, in the doctor's scope.
fn setup_command(info: &PackInfo, context: &Context<'_>) -> String {
    let words = [
        "dev",
        "setup",
        context.domain.name(),
        "--provider",
        info.pack_id.as_str(),
    ];
    context.commands.command_with_state(&words)
}

/// Where a public URL comes from: `dev setup` of the pack given one, or the tunnel's file in
/// this state folder (for the doctor's tenant and team when it was given one).
fn public_url_fix(info: &PackInfo, context: &Context<'_>) -> String {
    let layout = StateLayout::new(context.state_dir);
    let file = match context.scope {
        Some(scope) => layout.public_base_url_file(&scope.tenant, scope.team.as_deref()),
        None => layout
            .runtime_dir()
            .join("<tenant>.<team or default>")
            .join("public_base_url.txt"),
    };
    format!(
        "run `{} --public-base-url https://...`, or start a tunnel that writes {}",
        setup_command(info, context),
        file.display()
    )
}

/// Defaults that break their own question's rules.
fn default_findings(form: &SetupForm) -> Vec<Finding> {
    let mut findings = Vec::new();
    for question in &form.questions {
        if let Some(default) = &question.default
            && let Some(broken) = check_one(&question.spec, default)
        {
            let message = format!(
                "the default of setup question {} {broken}",
                question.spec.id
            );
            findings.push(
                Finding::new(Severity::Error, message)
                    .fix("fix the default in the pack's setup.yaml"),
            );
        }
    }
    findings
}

/// Stored answers of the tenant and team that no longer keep the pack's rules; a stored file
/// that `dev setup` would refuse.
fn stored_findings(
    info: &PackInfo,
    form: &SetupForm,
    layout: &StateLayout,
    scope: &SecretScope,
    context: &Context<'_>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let stored_file = layout.setup_answers_file(&scope.state_scope(), &info.pack_id);
    let stored = match load_stored(&stored_file) {
        Ok(stored) => stored,
        Err(err) => {
            let fix = "fix the file, or delete it and run dev setup again";
            return vec![Finding::new(Severity::Error, err.to_string()).fix(fix)];
        }
    };
    for (key, value) in &stored {
        let Some(question) = form.question_for_key(key) else {
            continue;
        };
        if let Some(broken) = check_one(&question.spec, value) {
            let message = format!(
                "the stored answer {key} ({}) {broken}",
                stored_file.display()
            );
            let fix = format!(
                "give a new value at the prompt of `{}`, or in a file given to it with --answers FILE",
                setup_command(info, context)
            );
            findings.push(Finding::new(Severity::Warning, message).fix(fix));
        }
    }
    findings
}

/// The unscoped `setup-answers.json` of an earlier version, which no setup reads any more.
fn unscoped_finding(
    info: &PackInfo,
    layout: &StateLayout,
    scope: Option<&SecretScope>,
) -> Option<Finding> {
    let old = layout.unscoped_setup_answers_file(&info.pack_id);
    if !old.is_file() {
        return None;
    }
    let message = format!(
        "{} is not scoped to a tenant and is no longer read",
        old.display()
    );
    let fix = match scope {
        Some(scope) => format!(
            "if it holds tenant {}'s answers, move it to {}",
            scope.tenant,
            layout
                .setup_answers_file(&scope.state_scope(), &info.pack_id)
                .display()
        ),
        None => "move it to state/config/<env>/<tenant>/<team or _>/<provider>/setup-answers.json of the tenant it belongs to".to_string(),
    };
    Some(Finding::new(Severity::Warning, message).fix(fix))
}

/// The project's public URLs against the pack's own rules for `public_base_url` (`^https://`
/// in most published packs), or the lack of one.
fn public_url_findings(form: &SetupForm, info: &PackInfo, context: &Context<'_>) -> Vec<Finding> {
    let urls = context.public_base_urls;
    let Some(question) = form.question(PUBLIC_BASE_URL) else {
        return Vec::new();
    };
    if urls.is_empty() {
        if question.default.is_some() {
            return Vec::new();
        }
        let severity = if question.spec.required {
            Severity::Warning
        } else {
            Severity::Info
        };
        let message = "asks for public_base_url and the project has none (no --public-base-url, no tunnel file)";
        return vec![Finding::new(severity, message).fix(public_url_fix(info, context))];
    }
    urls.iter()
        .filter_map(|public| {
            let value = serde_json::Value::String(public.url.clone());
            let broken = check_one(&question.spec, &value)?;
            let severity = match public.in_scope {
                true => Severity::Error,
                false => Severity::Warning,
            };
            let message = format!(
                "the public URL {} ({}) {broken}: its setup refuses it",
                public.url, public.from
            );
            let fix = format!(
                "give a URL the pack accepts, with --public-base-url or in {}",
                public.from
            );
            Some(Finding::new(severity, message).fix(fix))
        })
        .collect()
}

fn device_code_finding(info: &PackInfo) -> Option<Finding> {
    let payload = info.oauth_device_code.as_ref()?;
    match DeviceCodeMetadata::from_payload(payload) {
        Ok(_) => Some(Finding::new(
            Severity::Info,
            "declares a device-code login, well formed",
        )),
        Err(err) => Some(
            Finding::new(Severity::Error, format!("pack {err}"))
                .fix("fix the messaging.oauth_device_code.v1 extension and rebuild the pack"),
        ),
    }
}

/// Each secret requirement present in the store for the tenant and team, or what to do.
fn secret_findings(
    info: &PackInfo,
    form: &SetupForm,
    context: &Context<'_>,
    secrets: Option<&DevSecrets>,
    scope: &SecretScope,
) -> Vec<Finding> {
    let needs = needs_with_questions(context.domain, Default::default(), info, &form.questions);
    needs
        .iter()
        .map(|need| {
            match need.is_stored(scope, secrets) {
                Ok(true) => {
                    let message = format!("secret {} is in the dev store", need.requirement);
                    return Finding::new(Severity::Info, message);
                }
                Err(err) => return Finding::new(Severity::Error, err.to_string()),
                Ok(false) => {}
            }
            let severity = if need.required {
                Severity::Warning
            } else {
                Severity::Info
            };
            let key = need.answered_by.as_deref().unwrap_or(&need.requirement);
            let message = format!(
                "secret {} is not in the dev store for tenant {}",
                need.requirement, scope.tenant
            );
            let set = ["dev", "secrets", "set", info.pack_id.as_str(), key];
            let fix = format!(
                "run `{}` (it reads the value from a hidden prompt or standard input), or answer it in `{}`",
                context.commands.command(&set),
                setup_command(info, context)
            );
            Finding::new(severity, message).fix(fix)
        })
        .collect()
}
