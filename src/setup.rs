//! What `dev setup` adds around a provider's `setup_default`: gathering its answers before the
//! run, and keeping them after a pass (public ones in `setup-answers.json`, secrets in the
//! dev secrets store). Also the secret-presence check of every domain's diagnostics.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::answers::{self, AnswersFile, MergedAnswers};
use crate::plan::{Plan, SecretPresence};
use crate::secrets::{DevSecrets, SecretScope, secret_uri};
use crate::state_layout::StateLayout;

/// One provider's answers, ready for its setup run.
#[derive(Debug, Clone)]
pub struct PackSetup {
    pub provider_id: String,
    pub answers: MergedAnswers,
    pub config_path: PathBuf,
}

/// Inputs of [`prepare`].
pub struct SetupSources<'a> {
    pub layout: &'a StateLayout,
    /// `None` when the store file does not exist yet (nothing stored).
    pub secrets: Option<&'a DevSecrets>,
    pub scope: &'a SecretScope,
    pub answers_file: Option<&'a AnswersFile>,
    pub interactive: bool,
}

/// Gathers the answers of every pack whose setup flow runs. A pack whose questions cannot be
/// read, or that still lacks a required answer, is put in error (only that pack).
pub fn prepare(plan: &mut Plan, sources: &SetupSources<'_>) -> BTreeMap<usize, PackSetup> {
    let mut setups = BTreeMap::new();
    for (index, pack) in plan.packs.iter_mut().enumerate() {
        if !pack.runs_anything() {
            continue;
        }
        let Some(info) = pack.info.clone() else {
            continue;
        };
        let questions = match answers::read_questions(&pack.path, &info.secret_requirements) {
            Ok(questions) => questions,
            Err(err) => {
                pack.fail(err.to_string());
                continue;
            }
        };
        let config_path = sources.layout.setup_answers_file(&info.pack_id);
        let stored = match answers::load_stored(&config_path) {
            Ok(stored) => stored,
            Err(err) => {
                pack.fail(err.to_string());
                continue;
            }
        };
        let mut stored_secrets = BTreeMap::new();
        for question in questions.iter().filter(|q| q.secret) {
            let value = secret_uri(sources.scope, &info.pack_id, &question.name)
                .ok()
                .and_then(|uri| sources.secrets?.get(&uri));
            if let Some(bytes) = value {
                stored_secrets.insert(
                    question.name.clone(),
                    String::from_utf8_lossy(&bytes).into_owned(),
                );
            }
        }
        let from_file = sources
            .answers_file
            .and_then(|file| file.per_provider.get(&info.pack_id));
        let mut merged = answers::merge(&questions, &stored, &stored_secrets, from_file);
        if !merged.missing_required().is_empty() && sources.interactive {
            answers::prompt_missing(&info.pack_id, &questions, &mut merged);
        }
        pack.answers = merged.statuses.clone();
        let missing = merged.missing_required();
        if !missing.is_empty() {
            pack.fail(format!(
                "lacks required setup answers: {}; give them in an --answers file \
                 (e.g. {{\"{}\": {{\"{}\": \"...\"}}}}) or run in a terminal to be asked",
                missing.join(", "),
                info.pack_id,
                missing[0]
            ));
            continue;
        }
        setups.insert(
            index,
            PackSetup {
                provider_id: info.pack_id.clone(),
                answers: merged,
                config_path,
            },
        );
    }
    setups
}

/// Keeps a passing setup's answers: public ones merged into `setup-answers.json`, each secret
/// written to the store and read back.
pub fn persist(setup: &PackSetup, secrets: &DevSecrets, scope: &SecretScope) -> Result<(), String> {
    answers::save_stored(&setup.config_path, &setup.answers.public_values())
        .map_err(|e| e.to_string())?;
    for (name, value) in setup.answers.secret_values() {
        let uri = secret_uri(scope, &setup.provider_id, &name).map_err(|e| e.to_string())?;
        secrets
            .put_verified(&uri, &value)
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Fills each runnable pack's [`SecretPresence`] list: whether the store holds each of its
/// secret requirements for this tenant and team.
pub fn check_secret_presence(plan: &mut Plan, secrets: Option<&DevSecrets>, scope: &SecretScope) {
    for pack in plan.packs.iter_mut().filter(|p| p.error.is_none()) {
        let Some(info) = &pack.info else { continue };
        pack.secrets = info
            .secret_requirements
            .iter()
            .map(|(key, required)| SecretPresence {
                key: key.clone(),
                required: *required,
                present: secret_uri(scope, &info.pack_id, key)
                    .ok()
                    .and_then(|uri| secrets?.get(&uri))
                    .is_some(),
            })
            .collect();
    }
}
