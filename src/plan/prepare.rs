//! What `dev setup` adds around a provider's `setup_default`: gathering its answers before the
//! run, and keeping them after a pass (public ones in `setup-answers.json`, secrets in the
//! dev secrets store). Also the secret-presence check of every domain's diagnostics.

use std::collections::BTreeMap;

use crate::base::prompter::Prompter;
use crate::pack::domains::Action;
use crate::pack::manifest::PackInfo;
use crate::plan::contract::{self, ContractError, ProviderCall, Rejection};
use crate::plan::{Disposition, PackError, Plan, PlannedPack, SecretPresence};
use crate::setup::answers::{
    self, AnswerChange, AnswerLayers, AnswerSource, AnswersFile, FormError, PUBLIC_BASE_URL,
    SetupForm, StoredAnswersError,
};
use crate::setup::contract::host::{CallLimits, CallScope, HostError, PackHost};
use crate::setup::keep::PackSetup;
use crate::setup::secret_needs::pack_needs;
use crate::state::redact::Redactor;
use crate::state::secrets::{DevSecrets, SecretScope, SecretsError, manager_or_empty, secret_uri};
use crate::state::state_layout::StateLayout;

/// Inputs of [`prepare`].
pub struct SetupSources<'a> {
    /// `dev setup` or `dev update` (which starts every prompt from the stored answer and
    /// calls the provider in mode `upgrade`).
    pub action: Action,
    pub layout: &'a StateLayout,
    /// `None` when the store file does not exist yet (nothing stored).
    pub secrets: Option<&'a DevSecrets>,
    pub scope: &'a SecretScope,
    pub answers_file: Option<&'a AnswersFile>,
    /// The project's public URL and where it came from (`--public-base-url`, tunnel file).
    pub public_base_url: Option<(String, AnswerSource)>,
    /// Who asks for missing or broken answers; `None` when nobody can be asked.
    pub prompter: Option<&'a dyn Prompter>,
    /// A dry run asks providers their questions but never calls `apply-answers`.
    pub dry_run: bool,
    /// The limits each provider op runs under (`--timeout`, the grace period).
    pub limits: CallLimits,
}

/// Gathers and checks the answers of every pack whose setup flow runs. A pack whose questions
/// cannot be read, that lacks a required answer, or whose answers break its rules is put in
/// error (only that pack), before anything runs.
///
/// The project's public URL is one value of the project, not of each provider: typed at the
/// prompt for the first pack that asks it, it answers every later pack too.
pub fn prepare(plan: &mut Plan, sources: &SetupSources<'_>) -> BTreeMap<usize, PackSetup> {
    let mut setups = BTreeMap::new();
    let mut typed_url: Option<String> = None;
    let mut hosts = load_contract_hosts(plan, sources);
    for (index, pack) in plan.packs.iter_mut().enumerate() {
        if !takes_answers(pack, sources.action) {
            continue;
        }
        let Some(info) = pack.info.clone() else {
            continue;
        };
        let host = hosts.remove(&index);
        match prepare_pack(pack, &info, host, sources, typed_url.as_deref()) {
            Ok(Some(setup)) => {
                if typed_url.is_none() {
                    typed_url = prompted_url(&setup);
                }
                setups.insert(index, setup);
            }
            Ok(None) => {}
            Err(error) => pack.fail(PackError::Setup(error.to_string())),
        }
    }
    setups
}

/// Whether `pack`'s answers are gathered (and so what an `--answers` file may answer): its
/// flow runs, its provider takes them through `apply-answers` without one, or (setup) it needs
/// no setup but asks optional questions, whose answers are kept as given.
pub fn takes_answers(pack: &PlannedPack, action: Action) -> bool {
    action.takes_answers()
        && pack.error.is_none()
        && pack.steps.iter().any(|s| match s.disposition {
            Disposition::Run | Disposition::Contract => true,
            Disposition::NothingToDo => pack
                .info
                .as_ref()
                .is_some_and(|i| i.setup_entries.setup_spec.is_some()),
            Disposition::Skip { .. } => false,
        })
}

/// The runner host of every runnable pack whose provider declares a contract.
fn load_contract_hosts(
    plan: &Plan,
    sources: &SetupSources<'_>,
) -> BTreeMap<usize, Result<PackHost, HostError>> {
    let scope = CallScope {
        tenant: sources.scope.tenant.clone(),
        team: sources.scope.team.clone(),
        limits: sources.limits,
    };
    let wanted = |p: &PlannedPack| takes_answers(p, sources.action);
    contract::load_plan_hosts(plan, &wanted, &scope, &manager_or_empty(sources.secrets))
}

/// One pack's setup: its questions (with its provider's, asked through `host`), its answers,
/// and where its provider declares `apply-answers`, the provider's verdict on them. `None`
/// when the pack was put in error.
fn prepare_pack(
    pack: &mut PlannedPack,
    info: &PackInfo,
    host: Option<Result<PackHost, HostError>>,
    sources: &SetupSources<'_>,
    typed_url: Option<&str>,
) -> Result<Option<PackSetup>, PrepareError> {
    let mut form = SetupForm::read(info)?;
    let call = match host {
        Some(host) => contract::ask(
            host,
            info,
            &mut form,
            contract::contract_mode(sources.action),
        ),
        None => Ok(None),
    };
    let mut call = match call {
        Ok(call) => call,
        Err(error) => {
            pack.fail(PackError::Contract(error.to_string()));
            return Ok(None);
        }
    };
    let mut setup = gather_answers(info, form, sources, typed_url)?;
    // Known before any provider op or flow sees them: every later stderr line is cleaned.
    crate::state::redact::note_secrets(setup.answers.secret_values().into_iter().map(|(_, v)| v));
    pack.answers = setup.answers.statuses.clone();
    pack.ignored_answers = setup.answers.ignored.clone();
    if let Some(error) = answers_verdict(&setup) {
        pack.contract = call.map(|c| c.report);
        pack.fail(PackError::Setup(error));
        return Ok(None);
    }
    let outcome = match call.as_mut() {
        Some(call) if call.declares_apply() && !sources.dry_run => {
            apply_contract(call, &mut setup, sources)
        }
        _ if needs_nothing(pack) && !sources.dry_run => keep_as_given(&mut setup, sources),
        _ => Ok(Ok(())),
    };
    pack.contract = call.map(|c| c.report);
    let redactor = Redactor::new(setup.answers.secret_values().into_iter().map(|(_, v)| v));
    match outcome {
        Ok(Ok(())) => Ok(Some(setup)),
        Ok(Err(rejection)) => {
            let reason = rejected_line(pack, &rejection);
            pack.fail(PackError::Rejected(redactor.redact(&reason)));
            Ok(None)
        }
        Err(error) => {
            pack.fail(PackError::Contract(redactor.redact(&error.to_string())));
            Ok(None)
        }
    }
}

/// `apply-answers`, with the store the accepted values go to.
fn apply_contract(
    call: &mut ProviderCall,
    setup: &mut PackSetup,
    sources: &SetupSources<'_>,
) -> Result<Result<(), Rejection>, ContractError> {
    let Some(secrets) = sources.secrets else {
        unreachable!("a real setup opens the store before it prepares");
    };
    call.apply_and_keep(setup, secrets, sources.scope)
}

/// (setup) A pack whose step is nothing to do: no flow or provider takes its answers.
fn needs_nothing(pack: &PlannedPack) -> bool {
    pack.steps
        .iter()
        .any(|s| s.disposition == Disposition::NothingToDo)
}

/// The answers of a provider that needs no setup, kept as given (public ones in
/// `setup-answers.json`, secrets in the store) for its runtime to read.
fn keep_as_given(
    setup: &mut PackSetup,
    sources: &SetupSources<'_>,
) -> Result<Result<(), Rejection>, ContractError> {
    let Some(secrets) = sources.secrets else {
        unreachable!("a real setup opens the store before it prepares");
    };
    if setup.answers.values.is_empty() {
        return Ok(Ok(()));
    }
    let provider = setup.provider_id.clone();
    crate::setup::keep::persist(setup, secrets, sources.scope)
        .map_err(|source| ContractError::Keep { provider, source })?;
    Ok(Ok(()))
}

/// The pack's error line for a refusal, in the provider's words.
fn rejected_line(pack: &PlannedPack, rejection: &Rejection) -> String {
    let provider = pack
        .contract
        .as_ref()
        .map_or("its provider", |c| c.provider_type.as_str());
    let mut line = format!(
        "provider {provider} rejected the setup answers: {}",
        rejection.error
    );
    if !rejection.diagnostics.is_empty() {
        line.push_str(&format!(" ({})", rejection.diagnostics.join("; ")));
    }
    line.push_str("; nothing was kept");
    line
}

/// The public URL a person typed at this pack's prompt, if they did.
fn prompted_url(setup: &PackSetup) -> Option<String> {
    let typed = setup
        .answers
        .statuses
        .iter()
        .any(|s| s.name == PUBLIC_BASE_URL && s.source == Some(AnswerSource::Prompt));
    let value = setup.answers.values.get(PUBLIC_BASE_URL)?.as_str()?;
    typed.then(|| value.to_string())
}

/// Why one provider's answers could not be prepared; the pack's step fails with it.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    #[error(transparent)]
    Form(#[from] FormError),
    #[error(transparent)]
    StoredAnswers(#[from] StoredAnswersError),
    #[error(transparent)]
    Secrets(#[from] SecretsError),
    /// (update) Nothing of the provider is stored in this tenant and team: there is nothing
    /// to update, and its setup flow never ran.
    #[error(
        "nothing is stored for it in this tenant and team yet (set it up with `dev setup` first); \
         dev update changes a provider that is set up"
    )]
    NeverSetUp,
}

/// Merges one provider's answers from every source and asks for what is missing;
/// `typed_url` is the public URL typed for an earlier pack of this run.
fn gather_answers(
    info: &PackInfo,
    form: SetupForm,
    sources: &SetupSources<'_>,
    typed_url: Option<&str>,
) -> Result<PackSetup, PrepareError> {
    let config_path = sources
        .layout
        .setup_answers_file(&sources.scope.state_scope(), &info.pack_id);
    let stored = answers::load_stored(&config_path)?;
    let mut stored_secrets = BTreeMap::new();
    for question in form.questions.iter().filter(|q| q.spec.secret) {
        let found = form
            .secret_keys(&question.spec.id)
            .iter()
            .map(|key| read_secret(sources, &info.pack_id, key))
            .find_map(Result::transpose)
            .transpose()?;
        if let Some(value) = found {
            stored_secrets.insert(question.spec.id.clone(), value);
        }
    }
    for read in form.unasked_read_keys().filter(|k| k.secret) {
        if let Some(value) = read_secret(sources, &info.pack_id, &read.key)? {
            stored_secrets.insert(read.key.clone(), value);
        }
    }
    let nothing_stored = stored.is_empty() && stored_secrets.is_empty() && !config_path.exists();
    // A provider without questions keeps nothing, so whether it was set up cannot be told.
    if sources.action == Action::Update && nothing_stored && !form.questions.is_empty() {
        return Err(PrepareError::NeverSetUp);
    }
    let layers = AnswerLayers {
        stored: Some(&stored),
        stored_secrets,
        public_base_url: sources
            .public_base_url
            .clone()
            .or_else(|| typed_url.map(|url| (url.to_string(), AnswerSource::SharedPrompt))),
        from_file: sources
            .answers_file
            .and_then(|file| file.per_provider.get(&info.pack_id)),
    };
    let mut merged = answers::merge(&form, &layers);
    let unsettled = merged
        .statuses
        .iter()
        .any(|s| !s.hidden && s.broken.is_some());
    match sources.prompter {
        Some(prompter) if sources.action == Action::Update => {
            answers::prompt_all_from_current(&form, &mut merged, prompter);
        }
        Some(prompter) if unsettled => {
            answers::prompt_until_valid(&form, &mut merged, prompter);
        }
        _ => {}
    }
    merged.drop_hidden();
    if sources.action == Action::Update {
        mark_changes(&mut merged, &stored, &layers.stored_secrets);
    }
    Ok(PackSetup {
        provider_id: info.pack_id.clone(),
        form,
        answers: merged,
        config_path,
        committed: None,
    })
}

/// (update) Each answer against the stored one: the plan says which change, never a value.
/// The stored value and the answer are compared as one answer ([`answers::same_answer`]:
/// `"true"` and `true` to a text question, `587` and `587.0`, a `"yes"` the provider kept as
/// `true`), so an answer kept as it was reads `unchanged`.
fn mark_changes(
    merged: &mut answers::MergedAnswers,
    stored: &serde_json::Map<String, serde_json::Value>,
    stored_secrets: &BTreeMap<String, String>,
) {
    for status in &mut merged.statuses {
        let previous = match status.secret {
            true => stored_secrets
                .get(&status.name)
                .map(|v| serde_json::Value::String(v.clone())),
            false => stored.get(&status.name).cloned(),
        };
        let previous = previous.filter(|v| !v.is_null());
        status.change = AnswerChange::of(
            status.kind,
            previous.as_ref(),
            merged.values.get(&status.name),
        );
    }
}

/// A stored secret answer; a store that cannot be read is an error, never "not stored".
fn read_secret(
    sources: &SetupSources<'_>,
    provider: &str,
    key: &str,
) -> Result<Option<String>, SecretsError> {
    let Some(secrets) = sources.secrets else {
        return Ok(None);
    };
    let uri = secret_uri(sources.scope, provider, key)?;
    Ok(secrets
        .get(&uri)?
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned()))
}

/// Why a provider's answers keep its setup from running, in one line: each broken rule with
/// the key, the rule and where the value came from, then the required keys still missing.
fn answers_verdict(setup: &PackSetup) -> Option<String> {
    let provider = &setup.provider_id;
    let mut reasons: Vec<String> = setup
        .answers
        .invalid()
        .filter(|s| !s.hidden)
        .map(|s| {
            let rule = s
                .broken
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            let from = s.source.map(|src| src.describe()).unwrap_or("nowhere");
            format!("setup answer {} of {provider} (from {from}) {rule}", s.name)
        })
        .collect();
    let missing = setup.answers.missing_required();
    if !missing.is_empty() {
        reasons.push(format!(
            "lacks required setup answers: {}; give them in an --answers file \
             (e.g. {{\"{provider}\": {{\"{}\": \"...\"}}}}) or run in a terminal to be asked",
            missing.join(", "),
            missing[0]
        ));
    }
    (!reasons.is_empty()).then(|| reasons.join("; "))
}

/// Fills each runnable pack's [`SecretPresence`] list: whether the store holds each of its
/// secret requirements for this tenant and team, under the requirement's own key or under
/// the key of the setup question that answers it. A store that cannot be read is an error.
pub fn check_secret_presence(
    plan: &mut Plan,
    secrets: Option<&DevSecrets>,
    scope: &SecretScope,
) -> Result<(), SecretsError> {
    for pack in plan.packs.iter_mut().filter(|p| p.error.is_none()) {
        let Some(info) = &pack.info else { continue };
        let mut presence = Vec::new();
        for need in pack_needs(pack.domain, pack.path.clone(), info) {
            presence.push(SecretPresence {
                present: need.is_stored(scope, secrets)?,
                key: need.requirement,
                required: need.required,
                answered_by: need.answered_by,
            });
        }
        pack.secrets = presence;
    }
    Ok(())
}
