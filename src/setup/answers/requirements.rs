//! A pack's secret requirements (its manifest's and `assets/secret-requirements.json`'s) and
//! which setup question answers each: one secret, one question.

use greentic_secrets_lib::canonical_secret_name;
use qa_spec::QuestionType;

use super::Question;
use crate::pack::manifest::{PackInfo, SecretRequirement};

/// Why a pack's secret requirements file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("has an unreadable {entry}: {message}")]
pub struct RequirementsError {
    pub entry: &'static str,
    pub message: String,
}

/// Every secret requirement the pack declares, once per canonical name: the manifest's first,
/// then the file's (whose `scope` holds placeholders such as `<env>`, never values, and is
/// not read). A requirement is required when any declaration says so.
pub fn secret_requirements(info: &PackInfo) -> Result<Vec<SecretRequirement>, RequirementsError> {
    let mut all = info.secret_requirements.clone();
    if let Some(file) = &info.setup_entries.secret_requirements {
        let deserializer = &mut serde_json::Deserializer::from_str(&file.text);
        let listed: Vec<SecretRequirement> = serde_path_to_error::deserialize(deserializer)
            .map_err(|e| RequirementsError {
                entry: file.entry,
                message: e.to_string(),
            })?;
        all.extend(listed);
    }
    let mut unique: Vec<SecretRequirement> = Vec::with_capacity(all.len());
    for requirement in all {
        let canonical = canonical_secret_name(&requirement.key);
        match unique
            .iter_mut()
            .find(|r| canonical_secret_name(&r.key) == canonical)
        {
            Some(known) => {
                known.required |= requirement.required;
                if known.description.is_none() {
                    known.description = requirement.description;
                }
            }
            None => unique.push(requirement),
        }
    }
    Ok(unique)
}

/// greentic-setup's rule: a question answers a requirement when their canonical names are
/// equal or one ends with the other (`bot_token` answers `TELEGRAM_BOT_TOKEN`).
pub fn covers(question_id: &str, requirement_key: &str) -> bool {
    let question = canonical_secret_name(question_id);
    let requirement = canonical_secret_name(requirement_key);
    question == requirement || requirement.ends_with(&question) || question.ends_with(&requirement)
}

/// Adds the requirements to the questions: a requirement a question covers makes that
/// question secret (and required, when the requirement is) and is listed in its `covers`;
/// one no question covers becomes a secret question named by its canonical name, as
/// greentic-setup asks it.
pub fn attach_requirements(questions: &mut Vec<Question>, requirements: &[SecretRequirement]) {
    for requirement in requirements {
        let covering = questions
            .iter_mut()
            .find(|q| covers(&q.spec.id, &requirement.key));
        match covering {
            Some(question) => {
                question.spec.secret = true;
                question.spec.required |= requirement.required;
                if canonical_secret_name(&question.spec.id)
                    != canonical_secret_name(&requirement.key)
                {
                    question.covers.push(requirement.key.clone());
                }
            }
            None => questions.push(requirement_question(requirement)),
        }
    }
}

fn requirement_question(requirement: &SecretRequirement) -> Question {
    let id = canonical_secret_name(&requirement.key);
    let mut question = Question::plain(&id, QuestionType::String, id.clone());
    question.spec.description = requirement.description.clone();
    question.spec.required = requirement.required;
    question.spec.secret = true;
    question
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greentic_setups_cover_rule() {
        assert!(covers("bot_token", "TELEGRAM_BOT_TOKEN"));
        assert!(covers("password", "EMAIL_PASSWORD"));
        assert!(covers("SLACK_SIGNING_SECRET", "slack-signing-secret"));
        assert!(!covers("access_token", "WHATSAPP_TOKEN"));
    }
}
