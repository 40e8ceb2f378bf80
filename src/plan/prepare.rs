//! What `dev setup` adds around a provider's `setup_default`: gathering its answers before the
//! run, and keeping them after a pass (public ones in `setup-answers.json`, secrets in the
//! dev secrets store). Also the secret-presence check of every domain's diagnostics.

use std::collections::BTreeMap;

use crate::base::prompter::Prompter;
use crate::pack::manifest::PackInfo;
use crate::plan::{PackError, Plan, SecretPresence};
use crate::setup::answers::{
    self, AnswerLayers, AnswerSource, AnswersFile, FormError, PUBLIC_BASE_URL, SetupForm,
    StoredAnswersError,
};
use crate::setup::keep::PackSetup;
use crate::setup::secret_needs::pack_needs;
use crate::state::secrets::{DevSecrets, SecretScope, SecretsError, secret_uri};
use crate::state::state_layout::StateLayout;

/// Inputs of [`prepare`].
pub struct SetupSources<'a> {
    pub layout: &'a StateLayout,
    /// `None` when the store file does not exist yet (nothing stored).
    pub secrets: Option<&'a DevSecrets>,
    pub scope: &'a SecretScope,
    pub answers_file: Option<&'a AnswersFile>,
    /// The project's public URL and where it came from (`--public-base-url`, tunnel file).
    pub public_base_url: Option<(String, AnswerSource)>,
    /// Who asks for missing or broken answers; `None` when nobody can be asked.
    pub prompter: Option<&'a dyn Prompter>,
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
    for (index, pack) in plan.packs.iter_mut().enumerate() {
        if !pack.runs_anything() {
            continue;
        }
        let Some(info) = pack.info.clone() else {
            continue;
        };
        match prepare_pack(&info, sources, typed_url.as_deref()) {
            Ok(setup) => {
                if typed_url.is_none() {
                    typed_url = prompted_url(&setup);
                }
                pack.answers = setup.answers.statuses.clone();
                pack.ignored_answers = setup.answers.ignored.clone();
                match answers_verdict(&setup) {
                    Some(error) => pack.fail(PackError::Setup(error)),
                    None => {
                        setups.insert(index, setup);
                    }
                }
            }
            Err(error) => pack.fail(PackError::Setup(error.to_string())),
        }
    }
    setups
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
}

/// Reads one provider's questions and merges its answers from every source; `typed_url` is
/// the public URL typed for an earlier pack of this run.
fn prepare_pack(
    info: &PackInfo,
    sources: &SetupSources<'_>,
    typed_url: Option<&str>,
) -> Result<PackSetup, PrepareError> {
    let form = SetupForm::read(info)?;
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
    if let Some(prompter) = sources.prompter.filter(|_| unsettled) {
        answers::prompt_until_valid(&form, &mut merged, prompter);
    }
    Ok(PackSetup {
        provider_id: info.pack_id.clone(),
        form,
        answers: merged,
        config_path,
    })
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
