//! A provider's own questions (its `qa-spec` answer, read as greentic-types'
//! `ComponentQaSpec`) joined with its pack's `setup.yaml` questions into one form: one question
//! per id, and each place where the two sides disagree.

use std::collections::BTreeMap;

use greentic_types::i18n_text::I18nText;
use greentic_types::schemas::component::v0_6_0::{ComponentQaSpec, Question, QuestionKind};
use qa_spec::QuestionType;
use serde_json::Value;

use super::labels::Labels;
use crate::setup::answers::{SetupForm, provider_question};

/// Where the provider's questions and `setup.yaml`'s differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    pub question: String,
    pub kind: DisagreementKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DisagreementKind {
    /// The provider asks it and `setup.yaml` does not: it is asked all the same.
    OnlyProvider { required: bool },
    /// `setup.yaml` asks it and the provider's `qa-spec` does not.
    OnlySetupYaml,
    /// One side requires it and the other does not: it is required.
    Required { provider: bool, setup_yaml: bool },
    /// The two sides give it different kinds: `setup.yaml`'s is used.
    Kind {
        provider: String,
        setup_yaml: String,
    },
}

impl std::fmt::Display for Disagreement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let q = &self.question;
        match &self.kind {
            DisagreementKind::OnlyProvider { required } => write!(
                f,
                "{q}: asked by the provider ({}), not by setup.yaml",
                if *required { "required" } else { "optional" }
            ),
            DisagreementKind::OnlySetupYaml => {
                write!(f, "{q}: asked by setup.yaml, not by the provider")
            }
            DisagreementKind::Required {
                provider,
                setup_yaml,
            } => write!(
                f,
                "{q}: the provider says {}, setup.yaml says {}; it is required",
                required_word(*provider),
                required_word(*setup_yaml)
            ),
            DisagreementKind::Kind {
                provider,
                setup_yaml,
            } => write!(
                f,
                "{q}: the provider asks a {provider}, setup.yaml a {setup_yaml}; setup.yaml's kind is used"
            ),
        }
    }
}

fn required_word(required: bool) -> &'static str {
    if required { "required" } else { "optional" }
}

/// Joins the provider's questions into `form` and returns where the two sides disagree. A
/// question both ask takes the provider's own text, help and default where it gives them
/// (through `labels`; never a raw i18n key), else keeps `setup.yaml`'s; it keeps `setup.yaml`'s
/// rules, is required when either side requires it, and takes the provider's choices where
/// `setup.yaml` gives none. A question only the provider asks is added, labelled by its text or,
/// lacking one, its field name.
pub fn join(form: &mut SetupForm, spec: &ComponentQaSpec, labels: &Labels) -> Vec<Disagreement> {
    let mut disagreements = Vec::new();
    let pack_side: Vec<String> = form.questions.iter().map(|q| q.spec.id.clone()).collect();
    for asked in &spec.questions {
        let default = asked
            .default
            .as_ref()
            .or_else(|| spec.defaults.get(&asked.id))
            .and_then(json_of);
        let note = |kind| Disagreement {
            question: asked.id.clone(),
            kind,
        };
        match form.questions.iter_mut().find(|q| q.spec.id == asked.id) {
            Some(question) => {
                if question.spec.required != asked.required {
                    disagreements.push(note(DisagreementKind::Required {
                        provider: asked.required,
                        setup_yaml: question.spec.required,
                    }));
                    question.spec.required = true;
                }
                let theirs = question_type(&asked.kind);
                if !kinds_agree(theirs, question.spec.kind) {
                    disagreements.push(note(DisagreementKind::Kind {
                        provider: kind_name(theirs).to_string(),
                        setup_yaml: kind_name(question.spec.kind).to_string(),
                    }));
                }
                // The provider's own word first: its text, help and default.
                if let Some(title) = labels.resolved(&asked.label) {
                    question.spec.title = title;
                }
                if let Some(help) = asked.help.as_ref().and_then(|h| labels.resolved(h)) {
                    question.spec.description = Some(help);
                }
                if let Some(value) = default {
                    question.spec.default_value = Some(crate::setup::answers::value_text(&value));
                    question.default = Some(value);
                }
                if question.spec.choices.is_none() {
                    question.spec.choices = choices(&asked.kind);
                }
            }
            None => {
                disagreements.push(note(DisagreementKind::OnlyProvider {
                    required: asked.required,
                }));
                form.questions.push(asked_question(asked, default, labels));
            }
        }
    }
    for id in pack_side {
        if !spec.questions.iter().any(|q| q.id == id) {
            disagreements.push(Disagreement {
                question: id,
                kind: DisagreementKind::OnlySetupYaml,
            });
        }
    }
    disagreements
}

/// greentic-types keeps a qa-spec's values as CBOR values; answers are JSON.
fn json_of(value: &ciborium::Value) -> Option<Value> {
    serde_json::to_value(value).ok()
}

fn asked_question(
    asked: &Question,
    default: Option<Value>,
    labels: &Labels,
) -> crate::setup::answers::Question {
    // No text of its own: the field name, until the config schema describes it.
    let title = labels
        .resolved(&asked.label)
        .unwrap_or_else(|| asked.id.clone());
    let help = asked.help.as_ref().and_then(|help| labels.resolved(help));
    provider_question(
        &asked.id,
        question_type(&asked.kind),
        title,
        help,
        asked.required,
        default,
        choices(&asked.kind),
    )
}

/// qa-spec's form type for a provider's question kind.
fn question_type(kind: &QuestionKind) -> QuestionType {
    match kind {
        QuestionKind::Text | QuestionKind::InlineJson { .. } | QuestionKind::AssetRef { .. } => {
            QuestionType::String
        }
        QuestionKind::Choice { .. } => QuestionType::Enum,
        QuestionKind::Number => QuestionType::Number,
        QuestionKind::Bool => QuestionType::Boolean,
    }
}

fn choices(kind: &QuestionKind) -> Option<Vec<String>> {
    match kind {
        QuestionKind::Choice { options } if !options.is_empty() => {
            Some(options.iter().map(|o| o.value.clone()).collect())
        }
        _ => None,
    }
}

/// A number asked as an integer, or a text asked as a choice, is the same question.
fn kinds_agree(provider: QuestionType, setup_yaml: QuestionType) -> bool {
    provider == setup_yaml
        || matches!(
            (provider, setup_yaml),
            (QuestionType::Number, QuestionType::Integer)
                | (QuestionType::String, QuestionType::Enum)
        )
}

fn kind_name(kind: QuestionType) -> &'static str {
    match kind {
        QuestionType::String => "text",
        QuestionType::Boolean => "boolean",
        QuestionType::Number => "number",
        QuestionType::Integer => "integer",
        QuestionType::Enum => "choice",
        QuestionType::List => "table",
    }
}

/// The keys of every text of `spec`, for asking the provider its bundle.
pub fn text_keys(spec: &ComponentQaSpec) -> BTreeMap<String, I18nText> {
    let mut keys = BTreeMap::new();
    for question in &spec.questions {
        keys.insert(question.label.key.clone(), question.label.clone());
        if let Some(help) = &question.help {
            keys.insert(help.key.clone(), help.clone());
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::setup::contract::qa_read::parse_qa_spec;
    use serde_json::json;

    fn form(questions_yaml: &str) -> SetupForm {
        let questions = crate::setup::answers::parse_setup_spec(&crate::pack::manifest::PackText {
            entry: "assets/setup.yaml",
            text: questions_yaml.to_string(),
        })
        .unwrap();
        SetupForm {
            provider_id: "messaging-x".into(),
            questions,
            read_keys: Vec::new(),
        }
    }

    #[test]
    fn the_published_shape_is_read_and_joined() {
        let spec = parse_qa_spec(json!({
            "mode": "setup", "title": {"key": "x.qa.setup.title"},
            "questions": [
                {"id": "public_base_url", "kind": {"type": "text"}, "label": {"key": "x.url"}, "required": true},
                {"id": "api_token", "kind": {"type": "text"}, "label": {"key": "x.token"}, "required": true},
                {"id": "mode", "kind": {"type": "choice", "options": [{"value": "a", "label": {"key": "x.a"}}]},
                 "label": {"key": "x.mode"}, "required": false}
            ],
            "defaults": {"mode": "a"}
        }), "setup")
        .unwrap();
        let mut form = form(
            "questions:\n  - name: public_base_url\n    title: Public URL\n  - name: bot_name\n    title: Bot\n",
        );
        let labels = Labels::from_messages([("x.token".to_string(), "API token".to_string())]);
        let disagreements = join(&mut form, &spec, &labels);
        let url = form.question("public_base_url").unwrap();
        assert!(url.spec.required, "required by the provider");
        assert_eq!(url.spec.title, "Public URL", "setup.yaml's words kept");
        let token = form.question("api_token").unwrap();
        assert_eq!(token.spec.title, "API token");
        assert!(token.spec.secret, "a *_token answer is a secret");
        let mode = form.question("mode").unwrap();
        assert_eq!(mode.default, Some(json!("a")));
        assert_eq!(mode.spec.choices.as_deref(), Some(&["a".to_string()][..]));
        assert_eq!(
            mode.spec.title, "mode",
            "an unresolved label falls back to the field name, never its key"
        );
        let said: Vec<String> = disagreements.iter().map(ToString::to_string).collect();
        assert_eq!(
            said,
            [
                "public_base_url: the provider says required, setup.yaml says optional; it is required",
                "api_token: asked by the provider (required), not by setup.yaml",
                "mode: asked by the provider (optional), not by setup.yaml",
                "bot_name: asked by setup.yaml, not by the provider",
            ]
        );
    }
}
