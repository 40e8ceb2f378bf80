//! `dev requirements`: what each planned provider needs before setup, read from its pack (its
//! questions and their rules, its secret requirements and the question covering each, the
//! public URL, a device-code login) and, with a tenant, which of it is already stored.

use crate::pack::domains::Action;
use crate::pack::manifest::PackInfo;
use crate::plan::contract;
use crate::plan::{Plan, PlannedPack, ProviderNeeds, QuestionNeed, ReadKeyNeed, SecretNeedState};
use crate::setup::answers::{self, FormError, PUBLIC_BASE_URL, Question, SetupForm};
use crate::setup::contract::host::{CallLimits, CallScope};
use crate::setup::secret_needs::pack_needs;
use crate::state::secrets::{DevSecrets, SecretScope, SecretsError, manager_or_empty, secret_uri};
use crate::state::state_layout::StateLayout;

/// Where stored answers are looked up; `None` without a tenant.
pub struct StoredLookup<'a> {
    pub layout: &'a StateLayout,
    pub secrets: Option<&'a DevSecrets>,
    pub scope: &'a SecretScope,
    /// Whether the project has a public URL for this tenant and team.
    pub public_base_url_known: bool,
}

/// Puts on each readable pack of `plan` what its provider needs: its questions as `dev setup`
/// asks them (its provider's `qa-spec` and config schema joined in, through the runner host,
/// with `secrets` as its store in `scope`).
pub fn attach_needs(
    plan: &mut Plan,
    stored: Option<&StoredLookup<'_>>,
    scope: &SecretScope,
    secrets: Option<&DevSecrets>,
) -> Result<(), SecretsError> {
    let call_scope = CallScope {
        tenant: scope.tenant.clone(),
        team: scope.team.clone(),
        // `dev requirements` has no --timeout: the defaults, as the doctor's.
        limits: CallLimits::default(),
    };
    let readable = |p: &PlannedPack| p.error.is_none();
    let mut hosts =
        contract::load_plan_hosts(plan, &readable, &call_scope, &manager_or_empty(secrets));
    for (index, pack) in plan.packs.iter_mut().enumerate() {
        if pack.error.is_some() {
            continue;
        }
        let Some(info) = pack.info.clone() else {
            continue;
        };
        let mut form = SetupForm::read(&info);
        let mut contract_error = None;
        if let (Ok(form), Some(host)) = (form.as_mut(), hosts.remove(&index)) {
            match contract::ask(host, &info, form, contract::contract_mode(Action::Setup)) {
                Ok(call) => pack.contract = call.map(|c| c.report),
                Err(err) => contract_error = Some(err.to_string()),
            }
        }
        let mut needs = needs_of(pack.domain, &pack.path, &info, form, stored)?;
        needs.contract_error = contract_error;
        pack.needs = Some(needs);
    }
    Ok(())
}

fn needs_of(
    domain: crate::pack::domains::Domain,
    path: &std::path::Path,
    info: &PackInfo,
    form: Result<SetupForm, FormError>,
    stored: Option<&StoredLookup<'_>>,
) -> Result<ProviderNeeds, SecretsError> {
    let (form, form_error) = match form {
        Ok(form) => (Some(form), None),
        Err(err) => (None, Some(err.to_string())),
    };
    let (questions, read_keys) = match &form {
        Some(form) => (
            questions(form, info, stored)?,
            read_keys(form, info, stored)?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    let mut secrets = Vec::new();
    for need in pack_needs(domain, path.to_path_buf(), info) {
        let is_stored = match stored {
            Some(lookup) => Some(need.is_stored(lookup.scope, lookup.secrets)?),
            None => None,
        };
        secrets.push(SecretNeedState {
            key: need.requirement,
            required: need.required,
            answered_by: need.answered_by,
            stored: is_stored,
        });
    }
    let public_base_url = questions.iter().any(|q| q.name == PUBLIC_BASE_URL);
    Ok(ProviderNeeds {
        questions,
        secrets,
        public_base_url,
        public_base_url_known: stored.map(|s| s.public_base_url_known),
        device_code: info.oauth_device_code.is_some(),
        form_error,
        read_keys,
        contract_error: None,
    })
}

/// The answer keys the pack's declarations read that no question asks, with whether each is
/// stored (with a tenant): a public one in `setup-answers.json`, a secret one in the store.
fn read_keys(
    form: &SetupForm,
    info: &PackInfo,
    stored: Option<&StoredLookup<'_>>,
) -> Result<Vec<ReadKeyNeed>, SecretsError> {
    let mut needs = Vec::new();
    for read in form.unasked_read_keys() {
        let is_stored = match stored {
            Some(lookup) if read.secret => Some(match lookup.secrets {
                Some(secrets) => secrets
                    .get(&secret_uri(lookup.scope, &info.pack_id, &read.key)?)?
                    .is_some(),
                None => false,
            }),
            Some(lookup) => {
                let file = lookup
                    .layout
                    .setup_answers_file(&lookup.scope.state_scope(), &info.pack_id);
                let public = answers::load_stored(&file).unwrap_or_default();
                Some(public.contains_key(&read.key))
            }
            None => None,
        };
        needs.push(ReadKeyNeed {
            key: read.key.clone(),
            secret: read.secret,
            input: read.input,
            readers: read.readers.clone(),
            stored: is_stored,
        });
    }
    Ok(needs)
}

/// Each question of `form`, with whether its answer is stored (with a tenant).
fn questions(
    form: &SetupForm,
    info: &PackInfo,
    stored: Option<&StoredLookup<'_>>,
) -> Result<Vec<QuestionNeed>, SecretsError> {
    let public = match stored {
        Some(lookup) => {
            let file = lookup
                .layout
                .setup_answers_file(&lookup.scope.state_scope(), &info.pack_id);
            Some(answers::load_stored(&file).unwrap_or_default())
        }
        None => None,
    };
    let mut needs = Vec::new();
    for question in &form.questions {
        let is_stored = match (stored, &public) {
            (Some(lookup), Some(public)) => Some(if question.spec.secret {
                secret_stored(form, question, info, lookup)?
            } else {
                public.contains_key(&question.spec.id)
            }),
            _ => None,
        };
        needs.push(QuestionNeed {
            name: question.spec.id.clone(),
            title: question.spec.title.clone(),
            kind: question.spec.kind,
            required: question.spec.required,
            secret: question.spec.secret,
            rule: rule(question),
            conditional: question.spec.visible_if.is_some(),
            covers: question.covers.clone(),
            stored: is_stored,
            default: (!question.spec.secret)
                .then(|| question.default.as_ref().map(answers::value_text))
                .flatten(),
        });
    }
    Ok(needs)
}

/// Whether the store holds a secret question's answer under any key setup writes it to.
fn secret_stored(
    form: &SetupForm,
    question: &Question,
    info: &PackInfo,
    lookup: &StoredLookup<'_>,
) -> Result<bool, SecretsError> {
    let Some(secrets) = lookup.secrets else {
        return Ok(false);
    };
    for key in form.secret_keys(&question.spec.id) {
        if secrets
            .get(&secret_uri(lookup.scope, &info.pack_id, &key)?)?
            .is_some()
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// A question's rule in words: its choices, its pattern, its bounds.
fn rule(question: &Question) -> Option<String> {
    let spec = &question.spec;
    let mut parts = Vec::new();
    if let Some(choices) = spec.choices.as_ref().filter(|c| !c.is_empty()) {
        parts.push(format!("one of: {}", choices.join(", ")));
    }
    if let Some(constraint) = &spec.constraint {
        if let Some(pattern) = &constraint.pattern {
            parts.push(format!("matches {pattern}"));
        }
        if let Some(min) = constraint.min {
            parts.push(format!("at least {min}"));
        }
        if let Some(max) = constraint.max {
            parts.push(format!("at most {max}"));
        }
        if let Some(min) = constraint.min_len {
            parts.push(format!("{min} characters or more"));
        }
        if let Some(max) = constraint.max_len {
            parts.push(format!("{max} characters or fewer"));
        }
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}
