//! A pack's setup questions in the lifecycle document: each answer's kind, source, rule and
//! change, ignored keys and secret presence. Never a value.

use schemars::JsonSchema;
use serde::Serialize;

use qa_spec::QuestionType;

use crate::plan::SecretPresence;
use crate::setup::answers::{AnswerChange, AnswerSource, AnswerStatus, Broken, IgnoredKey};

/// One setup question: its kind, whether it is secret or required, where its answer comes
/// from, and the rule it breaks. Never the value.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AnswerView {
    pub name: String,
    pub kind: QuestionKind,
    pub secret: bool,
    pub required: bool,
    /// Absent when nothing answered it.
    pub source: Option<AnswerSourceView>,
    /// Secret requirements this question also answers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub covers: Vec<String>,
    /// Hidden by `visible_if`: neither asked nor required.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hidden: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broken: Option<BrokenView>,
    /// (update) Its answer against the stored one; never either value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<AnswerChangeView>,
}

#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnswerChangeView {
    Unchanged,
    Changed,
    /// Nothing was stored for it.
    New,
}

impl From<AnswerChange> for AnswerChangeView {
    fn from(change: AnswerChange) -> Self {
        match change {
            AnswerChange::Unchanged => AnswerChangeView::Unchanged,
            AnswerChange::Changed => AnswerChangeView::Changed,
            AnswerChange::New => AnswerChangeView::New,
        }
    }
}

impl From<&AnswerStatus> for AnswerView {
    fn from(status: &AnswerStatus) -> Self {
        Self {
            name: status.name.clone(),
            kind: status.kind.into(),
            secret: status.secret,
            required: status.required,
            source: status.source.map(Into::into),
            covers: status.covers.clone(),
            hidden: status.hidden,
            broken: status.broken.as_ref().map(BrokenView::from),
            change: status.change.map(Into::into),
        }
    }
}

/// A question's kind, as Greentic's form model (qa-spec) names it.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    String,
    Boolean,
    Integer,
    Number,
    Enum,
    List,
}

impl From<QuestionType> for QuestionKind {
    fn from(kind: QuestionType) -> Self {
        match kind {
            QuestionType::String => QuestionKind::String,
            QuestionType::Boolean => QuestionKind::Boolean,
            QuestionType::Integer => QuestionKind::Integer,
            QuestionType::Number => QuestionKind::Number,
            QuestionType::Enum => QuestionKind::Enum,
            QuestionType::List => QuestionKind::List,
        }
    }
}

/// Where an answer came from.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnswerSourceView {
    Default,
    Stored,
    SecretsStore,
    PublicBaseUrlFlag,
    TunnelFile,
    AnswersFile,
    Prompt,
    /// Typed at the prompt for an earlier pack of the same run.
    SharedPrompt,
}

impl From<AnswerSource> for AnswerSourceView {
    fn from(source: AnswerSource) -> Self {
        match source {
            AnswerSource::Default => AnswerSourceView::Default,
            AnswerSource::Stored => AnswerSourceView::Stored,
            AnswerSource::SecretsStore => AnswerSourceView::SecretsStore,
            AnswerSource::PublicBaseUrlFlag => AnswerSourceView::PublicBaseUrlFlag,
            AnswerSource::TunnelFile => AnswerSourceView::TunnelFile,
            AnswerSource::AnswersFile => AnswerSourceView::AnswersFile,
            AnswerSource::Prompt => AnswerSourceView::Prompt,
            AnswerSource::SharedPrompt => AnswerSourceView::SharedPrompt,
        }
    }
}

/// The rule an answer breaks (never the value).
#[derive(Debug, Serialize, JsonSchema)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum BrokenView {
    Missing,
    Kind { expected: String },
    Choice { choices: Vec<String> },
    Pattern { regex: String },
    Limit { detail: String },
}

impl From<&Broken> for BrokenView {
    fn from(broken: &Broken) -> Self {
        match broken {
            Broken::Missing => BrokenView::Missing,
            Broken::Kind { expected } => BrokenView::Kind {
                expected: expected.to_string(),
            },
            Broken::Choice { choices } => BrokenView::Choice {
                choices: choices.clone(),
            },
            Broken::Pattern { regex } => BrokenView::Pattern {
                regex: regex.clone(),
            },
            Broken::Limit { detail } => BrokenView::Limit {
                detail: detail.clone(),
            },
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct IgnoredAnswerView {
    pub key: String,
    /// The question it may have meant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nearest: Option<String>,
}

impl From<&IgnoredKey> for IgnoredAnswerView {
    fn from(key: &IgnoredKey) -> Self {
        Self {
            key: key.key.clone(),
            nearest: key.nearest.clone(),
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SecretPresenceView {
    pub key: String,
    pub required: bool,
    pub present: bool,
    /// The setup question answering it under another name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_by: Option<String>,
}

impl From<&SecretPresence> for SecretPresenceView {
    fn from(presence: &SecretPresence) -> Self {
        Self {
            key: presence.key.clone(),
            required: presence.required,
            present: presence.present,
            answered_by: presence.answered_by.clone(),
        }
    }
}
