//! What is known of one question's answer after the merge, never its value: where it came
//! from, the rule it breaks, how it compares with the stored one.

use qa_spec::QuestionType;
use serde_json::Value;

use super::{Broken, same_answer};

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
