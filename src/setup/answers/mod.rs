//! Setup answers: what each provider asks (`setup.yaml` and its secret requirements, read into
//! qa-spec's form model), what the user gave (`--answers`, stored answers, the secrets store,
//! the project's public URL, a prompt), their merge, and the check against the provider's rules.

mod check;
mod fetch;
mod file;
mod form;
mod merge;
mod prompt;
mod read_keys;
mod requirements;
mod stored;

pub use check::{Broken, check, check_one, coerce, form_spec, same_answer, visibility};
pub use fetch::{FetchError, MAX_ANSWERS_BYTES, is_url, redacted, shown_source};
pub use file::{AnswersFile, AnswersFileError, load_answers_file};
pub use form::{SetupSpecError, looks_secret, parse_setup_spec, provider_question};
pub use merge::{AnswerLayers, merge};
pub use prompt::{prompt_all_from_current, prompt_until_valid};
pub use read_keys::{ReadKey, device_code_keys};
pub use requirements::{RequirementsError, covers, secret_requirements};
pub use stored::{StoredAnswersError, load_stored, save_stored, save_stored_without};

use std::collections::BTreeMap;

use greentic_secrets_lib::canonical_secret_name;
use qa_spec::{FormSpec, QuestionSpec, QuestionType};
use serde_json::{Map, Value};

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

/// Where an answer came from (later sources win).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerSource {
    Default,
    Stored,
    SecretsStore,
    /// `public_base_url`, from `--public-base-url`.
    PublicBaseUrlFlag,
    /// `public_base_url`, from the project's tunnel file.
    TunnelFile,
    AnswersFile,
    Prompt,
    /// `public_base_url`, typed at the prompt for an earlier pack of the same run.
    SharedPrompt,
}

impl AnswerSource {
    /// The short word the plan shows.
    pub fn label(self) -> &'static str {
        match self {
            AnswerSource::Default => "default",
            AnswerSource::Stored => "stored",
            AnswerSource::SecretsStore => "secretsstore",
            AnswerSource::PublicBaseUrlFlag => "--public-base-url",
            AnswerSource::TunnelFile => "tunnel file",
            AnswerSource::AnswersFile => "answersfile",
            AnswerSource::Prompt => "prompt",
            AnswerSource::SharedPrompt => "prompt, shared",
        }
    }

    /// Where the value came from, in a sentence.
    pub fn describe(self) -> &'static str {
        match self {
            AnswerSource::Default => "the question's default",
            AnswerSource::Stored => "the stored setup-answers.json",
            AnswerSource::SecretsStore => "the dev secrets store",
            AnswerSource::PublicBaseUrlFlag => "--public-base-url",
            AnswerSource::TunnelFile => "the tunnel file",
            AnswerSource::AnswersFile => "the --answers file",
            AnswerSource::Prompt => "the prompt",
            AnswerSource::SharedPrompt => "the prompt, for an earlier pack of this run",
        }
    }
}

/// The state of one question after merging and checking: never its value.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerStatus {
    pub name: String,
    pub kind: QuestionType,
    pub secret: bool,
    pub required: bool,
    /// `None` when no source answered it.
    pub source: Option<AnswerSource>,
    /// Secret requirements this question also answers.
    pub covers: Vec<String>,
    /// Hidden by `visible_if`: neither asked nor required.
    pub hidden: bool,
    /// The rule its value breaks (never the value).
    pub broken: Option<Broken>,
    /// (update) How its answer compares with what is stored (never either value).
    pub change: Option<AnswerChange>,
}

/// (`dev update`) An answer against the stored one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerChange {
    Unchanged,
    Changed,
    /// Nothing was stored for it.
    New,
}

impl AnswerChange {
    /// `previous` and `next` are the stored and the new answer to a question of `kind`, compared
    /// as one answer ([`same_answer`]).
    pub fn of(kind: QuestionType, previous: Option<&Value>, next: Option<&Value>) -> Option<Self> {
        match (previous, next) {
            (_, None) => None,
            (None, Some(_)) => Some(AnswerChange::New),
            (Some(a), Some(b)) if same_answer(kind, a, b) => Some(AnswerChange::Unchanged),
            (Some(_), Some(_)) => Some(AnswerChange::Changed),
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            AnswerChange::Unchanged => "unchanged",
            AnswerChange::Changed => "changed",
            AnswerChange::New => "new",
        }
    }
}

/// The answers one provider's setup gets.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MergedAnswers {
    /// Every answer, secrets included (kept in memory only).
    pub values: Map<String, Value>,
    /// Names of the answers that are secrets.
    pub secret_names: Vec<String>,
    pub statuses: Vec<AnswerStatus>,
    /// Keys of the `--answers` file that nothing of the pack reads: neither kept nor passed on.
    pub ignored: Vec<IgnoredKey>,
}

/// An answer key no question asks (never its value), and the question it may have meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoredKey {
    pub key: String,
    pub nearest: Option<String>,
}

impl IgnoredKey {
    /// `key`, with the question (or read key) of `form` whose canonical name is closest to it,
    /// when close enough to be a typo (`bot_tokn` -> `bot_token`).
    fn new(form: &SetupForm, key: &str) -> Self {
        let canonical = canonical_secret_name(key);
        let nearest = form
            .questions
            .iter()
            .map(|q| &q.spec.id)
            .chain(form.unasked_read_keys().map(|k| &k.key))
            .map(|id| {
                let score =
                    strsim::normalized_damerau_levenshtein(&canonical, &canonical_secret_name(id));
                (score, id)
            })
            .filter(|(score, _)| *score >= TYPO_SIMILARITY)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, id)| id.clone());
        Self {
            key: key.to_string(),
            nearest,
        }
    }
}

/// How alike (0 to 1) a key and a question's name must be for the key to read as its typo.
const TYPO_SIMILARITY: f64 = 0.7;

impl MergedAnswers {
    /// Required questions nobody answered.
    pub fn missing_required(&self) -> Vec<&str> {
        self.statuses
            .iter()
            .filter(|s| s.broken == Some(Broken::Missing))
            .map(|s| s.name.as_str())
            .collect()
    }

    /// Answers that break one of the provider's rules (other than being missing).
    pub fn invalid(&self) -> impl Iterator<Item = &AnswerStatus> {
        self.statuses
            .iter()
            .filter(|s| s.broken.as_ref().is_some_and(|b| *b != Broken::Missing))
    }

    /// The secret values, as text, for redaction and the store.
    pub fn secret_values(&self) -> Vec<(String, String)> {
        self.secret_names
            .iter()
            .filter_map(|name| Some((name.clone(), value_text(self.values.get(name)?))))
            .collect()
    }

    /// The answers without secrets: what `setup-answers.json` holds.
    pub fn public_values(&self) -> Map<String, Value> {
        self.values
            .iter()
            .filter(|(k, _)| !self.secret_names.contains(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// The public questions hidden by `visible_if`: an answer stored for one earlier is
    /// removed, as a hidden question's answer is not kept.
    pub fn hidden_names(&self) -> Vec<String> {
        self.statuses
            .iter()
            .filter(|s| s.hidden && !s.secret)
            .map(|s| s.name.clone())
            .collect()
    }

    /// Records an answer given after the merge (a prompt).
    pub fn answer(&mut self, name: &str, value: Value, source: AnswerSource) {
        self.values.insert(name.to_string(), value);
        if let Some(status) = self.statuses.iter_mut().find(|s| s.name == name) {
            status.source = Some(source);
        }
    }

    /// Checks every answer against the form's rules and records each verdict in `statuses`.
    pub fn check(&mut self, form: &SetupForm) {
        let spec = form.spec();
        let broken: BTreeMap<String, Broken> = check(&spec, &self.values).into_iter().collect();
        let shown = visibility(&spec, &self.values);
        for status in &mut self.statuses {
            status.hidden = !shown.get(&status.name).copied().unwrap_or(true);
            status.broken = broken.get(&status.name).cloned();
        }
    }

    /// Forgets the answers of hidden questions: a question nobody is shown is not kept, nor
    /// passed to the provider or its flows (its default or stored value included).
    pub fn drop_hidden(&mut self) {
        for status in self.statuses.iter().filter(|s| s.hidden) {
            self.values.remove(&status.name);
        }
    }
}

/// A value as the text stored in the secrets store.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The question id `public_base_url` the project answers for every provider that asks it.
pub const PUBLIC_BASE_URL: &str = "public_base_url";
