//! Which secrets a project's packs need, and under which store keys each need is met: a
//! requirement's own canonical key, or the key of the setup question that answers it (see
//! `answers::requirements`). `dev secrets list` and `dev doctor` read the store against this.

use std::path::PathBuf;

use greentic_secrets_lib::canonical_secret_name;

use crate::pack::domains::{Domain, discover};
use crate::pack::manifest::{PackInfo, read_pack_info};
use crate::setup::answers::{Question, SetupForm, covers, secret_requirements};
use crate::state::secrets::{
    DevSecrets, SecretScope, SecretsError, StoredKey, secret_uri, store_segment,
};

/// One secret requirement of one pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretNeed {
    pub domain: Domain,
    pub pack_id: String,
    pub pack_file: PathBuf,
    /// The requirement as the pack spells it (`TELEGRAM_BOT_TOKEN`).
    pub requirement: String,
    pub required: bool,
    /// The setup question that asks for it under another name (`bot_token`).
    pub answered_by: Option<String>,
    /// The store keys that meet it, as the store spells them.
    pub keys: Vec<String>,
}

impl SecretNeed {
    /// Whether the store holds it for `scope`, under any of its keys; a store that cannot be
    /// read is an error, never "not stored".
    pub fn is_stored(
        &self,
        scope: &SecretScope,
        secrets: Option<&DevSecrets>,
    ) -> Result<bool, SecretsError> {
        let Some(secrets) = secrets else {
            return Ok(false);
        };
        for key in &self.keys {
            if secrets
                .get(&secret_uri(scope, &self.pack_id, key)?)?
                .is_some()
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Whether a stored `(provider, key)`, as the store spells them, meets this need.
    pub fn met_by(&self, provider: &str, key: &str) -> bool {
        store_segment(&self.pack_id) == provider && self.keys.iter().any(|k| k == key)
    }
}

/// One readable pack of a project.
#[derive(Debug, Clone)]
pub struct ProjectPack {
    pub domain: Domain,
    pub path: PathBuf,
    pub info: PackInfo,
}

/// Every readable pack of `domains`, in discovery order (unreadable packs are planning's to
/// report).
pub fn project_packs(project_root: &std::path::Path, domains: &[Domain]) -> Vec<ProjectPack> {
    let mut packs = Vec::new();
    for &domain in domains {
        let Ok(discovery) = discover(project_root, domain) else {
            continue;
        };
        for path in discovery.packs {
            if let Ok(info) = read_pack_info(&path) {
                packs.push(ProjectPack { domain, path, info });
            }
        }
    }
    packs
}

/// Every need of every readable pack of `domains`.
pub fn project_needs(project_root: &std::path::Path, domains: &[Domain]) -> Vec<SecretNeed> {
    needs_of(&project_packs(project_root, domains))
}

/// Every need of `packs`.
pub fn needs_of(packs: &[ProjectPack]) -> Vec<SecretNeed> {
    packs
        .iter()
        .flat_map(|p| pack_needs(p.domain, p.path.clone(), &p.info))
        .collect()
}

/// The needs of one pack. An unreadable setup file is setup's (or the doctor's) to report: the
/// requirements are then met only under their own keys.
pub fn pack_needs(domain: Domain, pack_file: PathBuf, info: &PackInfo) -> Vec<SecretNeed> {
    let questions = SetupForm::read(info)
        .map(|f| f.questions)
        .unwrap_or_default();
    needs_with_questions(domain, pack_file, info, &questions)
}

/// The needs of one pack whose setup questions are already read.
pub fn needs_with_questions(
    domain: Domain,
    pack_file: PathBuf,
    info: &PackInfo,
    questions: &[Question],
) -> Vec<SecretNeed> {
    let requirements =
        secret_requirements(info).unwrap_or_else(|_| info.secret_requirements.clone());
    requirements
        .into_iter()
        .map(|req| {
            let answered_by = questions
                .iter()
                .find(|q| q.spec.secret && covers(&q.spec.id, &req.key))
                .map(|q| q.spec.id.clone())
                .filter(|id| canonical_secret_name(id) != canonical_secret_name(&req.key));
            let mut keys = vec![store_segment(&canonical_secret_name(&req.key))];
            keys.extend(answered_by.iter().map(|q| store_segment(q)));
            SecretNeed {
                domain,
                pack_id: info.pack_id.clone(),
                pack_file: pack_file.clone(),
                requirement: req.key,
                required: req.required,
                answered_by,
                keys,
            }
        })
        .collect()
}

/// One stored key and the pack requirements it meets (`<pack id> <requirement>`).
#[derive(Debug)]
pub struct KeyRow {
    pub key: StoredKey,
    pub meets: Vec<String>,
}

/// What `dev secrets list` found: the stored keys with what each meets, and what is missing.
#[derive(Debug)]
pub struct Listing {
    pub store: PathBuf,
    pub scope: SecretScope,
    pub keys: Vec<KeyRow>,
    /// Requirements of the project's packs no stored key meets.
    pub missing: Vec<SecretNeed>,
}
