//! What a provider asks at setup: each question (qa-spec's plus what qa-spec has no place for)
//! and the whole form, read from the pack, with the keys its declarations read unasked.

use greentic_secrets_lib::canonical_secret_name;
use qa_spec::{FormSpec, QuestionSpec, QuestionType};
use serde_json::Value;

use super::{
    ReadKey, RequirementsError, SetupSpecError, device_code_keys, form_spec, parse_setup_spec,
    requirements, secret_requirements,
};
use crate::pack::manifest::PackInfo;

/// One thing a provider asks for at setup: qa-spec's question plus what qa-spec has no place
/// for.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    /// Id, kind, title, help, required, secret, choices, `visible_if`, `validate` rules.
    pub spec: QuestionSpec,
    /// The default as written (qa-spec keeps only its text).
    pub default: Option<Value>,
    pub placeholder: Option<String>,
    pub group: Option<String>,
    /// Secret requirements (as the pack spells them) this question answers besides its own
    /// name: after setup the value is stored under each of them too.
    pub covers: Vec<String>,
}

impl Question {
    /// A plain question: `id` asked as `kind` under `title`, optional, not secret, with no
    /// rule, default or choice; callers set what they know.
    pub fn plain(id: &str, kind: QuestionType, title: String) -> Self {
        Self {
            spec: QuestionSpec {
                id: id.to_string(),
                kind,
                title,
                description: None,
                title_i18n: None,
                description_i18n: None,
                required: false,
                choices: None,
                default_value: None,
                secret: false,
                visible_if: None,
                constraint: None,
                list: None,
                computed: None,
                policy: Default::default(),
                computed_overridable: false,
            },
            default: None,
            placeholder: None,
            group: None,
            covers: Vec::new(),
        }
    }
}

/// Why a pack's setup questions could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    #[error(transparent)]
    Spec(#[from] SetupSpecError),
    #[error(transparent)]
    Requirements(#[from] RequirementsError),
}

/// Everything a provider asks at setup, each secret once, and the other answer keys its pack
/// reads.
#[derive(Debug, Clone, PartialEq)]
pub struct SetupForm {
    pub provider_id: String,
    pub questions: Vec<Question>,
    /// Keys no question asks that the pack's declarations read (its device-code login's
    /// `client_id`, a `{desired_channel_name}` placeholder): an answer to one is kept and
    /// passed on, never asked for.
    pub read_keys: Vec<ReadKey>,
}

impl SetupForm {
    /// The questions of the pack `info` describes: its `setup.yaml`, then each secret
    /// requirement no question covers.
    pub fn read(info: &PackInfo) -> Result<Self, FormError> {
        let mut questions = match &info.setup_entries.setup_spec {
            Some(spec) => parse_setup_spec(spec)?,
            None => Vec::new(),
        };
        requirements::attach_requirements(&mut questions, &secret_requirements(info)?);
        let mut form = Self {
            provider_id: info.pack_id.clone(),
            questions,
            read_keys: Vec::new(),
        };
        let declared = info.oauth_device_code.as_ref().map(device_code_keys);
        form.read_keys = declared
            .into_iter()
            .flatten()
            .filter(|k| form.question_for_key(&k.key).is_none())
            .collect();
        Ok(form)
    }

    /// The keys the pack reads that no question asks (a provider's question may have been
    /// joined since the form was read).
    pub fn unasked_read_keys(&self) -> impl Iterator<Item = &ReadKey> {
        self.read_keys
            .iter()
            .filter(|k| self.question_for_key(&k.key).is_none())
    }

    /// The read key an answer key names: its own spelling, else the same canonical name.
    pub fn read_key_for(&self, key: &str) -> Option<&ReadKey> {
        let canonical = canonical_secret_name(key);
        self.unasked_read_keys()
            .find(|k| k.key == key || canonical_secret_name(&k.key) == canonical)
    }

    /// Whether the answer or configuration value under `key` is a secret: a secret question's,
    /// or a secret key the pack reads.
    pub fn is_secret(&self, key: &str) -> bool {
        self.question(key).is_some_and(|q| q.spec.secret)
            || self.read_key_for(key).is_some_and(|k| k.secret)
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.spec.id == id)
    }

    /// The question an answer key answers: its id, else the same canonical name, else a
    /// secret requirement it covers (`SLACK_SIGNING_SECRET` answers `slack_signing_secret`,
    /// `EMAIL_PASSWORD` answers `password`).
    pub fn question_for_key(&self, key: &str) -> Option<&Question> {
        self.question(key).or_else(|| {
            let canonical = canonical_secret_name(key);
            self.questions.iter().find(|q| {
                canonical_secret_name(&q.spec.id) == canonical
                    || q.covers
                        .iter()
                        .any(|c| canonical_secret_name(c) == canonical)
            })
        })
    }

    pub fn spec(&self) -> FormSpec {
        form_spec(&self.provider_id, &self.questions)
    }

    /// Every name a secret of this form goes by: each secret question's id and the
    /// requirements it covers (for the redactor, which replaces what JSON holds under them).
    pub fn secret_names(&self) -> Vec<String> {
        self.questions
            .iter()
            .filter(|q| q.spec.secret)
            .flat_map(|q| self.secret_keys(&q.spec.id))
            .collect()
    }

    /// The store keys a secret answer is kept under: the question's own and each covered
    /// requirement's canonical name.
    pub fn secret_keys(&self, id: &str) -> Vec<String> {
        let mut keys = vec![id.to_string()];
        if let Some(question) = self.question(id) {
            keys.extend(question.covers.iter().map(|c| canonical_secret_name(c)));
        }
        keys.dedup();
        keys
    }
}
