//! Asking for missing answers at the terminal (hidden input for secrets).

use std::io::IsTerminal;

use serde_json::Value;

use super::{AnswerSource, MergedAnswers, Question};

/// Asks for every required answer still missing, when standard input and standard error are
/// terminals. Returns false when it could not ask (not a terminal, or the user gave up).
pub fn prompt_missing(provider: &str, questions: &[Question], merged: &mut MergedAnswers) -> bool {
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return false;
    }
    let missing: Vec<String> = merged
        .missing_required()
        .iter()
        .map(|s| s.to_string())
        .collect();
    for name in missing {
        let question = questions.iter().find(|q| q.name == name);
        let label = match question.and_then(|q| q.help.as_deref()) {
            Some(help) => format!("{provider}: {name} ({help})"),
            None => format!("{provider}: {name}"),
        };
        let secret = question.is_some_and(|q| q.secret);
        let answer = if secret {
            dialoguer::Password::new().with_prompt(label).interact()
        } else {
            dialoguer::Input::<String>::new()
                .with_prompt(label)
                .interact_text()
        };
        match answer {
            Ok(value) if !value.is_empty() => {
                merged.answer(&name, Value::String(value), AnswerSource::Prompt)
            }
            _ => return false,
        }
    }
    true
}
