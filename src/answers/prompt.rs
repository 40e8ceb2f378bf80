//! Asking at the terminal for answers that are missing or break a rule: the prompt follows the
//! question's kind (yes/no, a pick list, a number, hidden input for secrets) and asks again
//! while the answer breaks the provider's rules.

use std::io::IsTerminal;

use qa_spec::QuestionType;
use serde_json::Value;

use super::{AnswerSource, Broken, MergedAnswers, Question, SetupForm, check::check_one, coerce};

/// Asks, in question order, for each shown question whose answer is missing or broken,
/// re-checking after each answer (an answer may show or hide other questions). Returns false
/// when it could not ask (not a terminal) or the user gave up (an empty answer, Ctrl-D).
pub fn prompt_until_valid(form: &SetupForm, merged: &mut MergedAnswers) -> bool {
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return false;
    }
    // Each question is asked at most once per pass; a question that is still broken after
    // its own prompt validated it can only be a cross-question rule: stop rather than loop.
    let mut asked: Vec<String> = Vec::new();
    loop {
        let next = merged
            .statuses
            .iter()
            .find(|s| !s.hidden && s.broken.is_some() && !asked.contains(&s.name));
        let Some(status) = next else {
            return merged
                .statuses
                .iter()
                .all(|s| s.hidden || s.broken.is_none());
        };
        let Some(question) = form.question(&status.name) else {
            return false;
        };
        let why = match (&status.broken, status.source) {
            (Some(Broken::Missing), _) | (None, _) => None,
            (Some(broken), Some(source)) => {
                Some(format!("the value from {} {broken}", source.describe()))
            }
            (Some(broken), None) => Some(broken.to_string()),
        };
        asked.push(status.name.clone());
        match ask(&form.provider_id, question, why) {
            Some(value) => {
                merged.answer(&question.spec.id, value, AnswerSource::Prompt);
                merged.check(form);
            }
            None => return false,
        }
    }
}

/// One question at the terminal; `None` when the user gave up.
fn ask(provider: &str, question: &Question, why: Option<String>) -> Option<Value> {
    let spec = &question.spec;
    let mut label = format!("{provider}: {}", spec.title);
    if let Some(help) = &spec.description {
        label.push_str(&format!(" ({help})"));
    }
    if let Some(why) = why {
        label.push_str(&format!(" [{why}]"));
    }
    let theme = dialoguer::theme::SimpleTheme;
    let validate = |text: &String| -> Result<(), String> {
        match check_one(spec, &Value::String(text.clone())) {
            Some(broken) => Err(format!("{} {broken}", spec.id)),
            None => Ok(()),
        }
    };
    let default_text = question.default.as_ref().map(super::value_text);
    match spec.kind {
        QuestionType::Boolean => {
            let default = question.default.as_ref().and_then(Value::as_bool);
            let mut prompt = dialoguer::Confirm::with_theme(&theme).with_prompt(label);
            if let Some(default) = default {
                prompt = prompt.default(default);
            }
            prompt.interact_opt().ok().flatten().map(Value::Bool)
        }
        QuestionType::Enum if spec.choices.as_ref().is_some_and(|c| !c.is_empty()) => {
            let choices = spec.choices.clone().unwrap_or_default();
            let default = default_text
                .and_then(|d| choices.iter().position(|c| *c == d))
                .unwrap_or(0);
            let picked = dialoguer::Select::with_theme(&theme)
                .with_prompt(label)
                .items(&choices)
                .default(default)
                .interact_opt()
                .ok()
                .flatten()?;
            Some(Value::String(choices[picked].clone()))
        }
        _ if spec.secret => {
            let text = dialoguer::Password::with_theme(&theme)
                .with_prompt(label)
                .validate_with(|text: &String| validate(text))
                .interact()
                .ok()?;
            (!text.is_empty()).then(|| coerce(spec.kind, Value::String(text)))
        }
        _ => {
            if spec.kind == QuestionType::List {
                label.push_str(" (rows as a JSON list of objects)");
            } else if let Some(example) = &question.placeholder {
                label.push_str(&format!(" (e.g. {example})"));
            }
            let mut input = dialoguer::Input::<String>::with_theme(&theme)
                .with_prompt(label)
                .allow_empty(!spec.required)
                .validate_with(|text: &String| {
                    if text.is_empty() && !spec.required {
                        Ok(())
                    } else {
                        validate(text)
                    }
                });
            if let Some(default) = default_text {
                input = input.default(default);
            }
            let text = input.interact_text().ok()?;
            (!text.is_empty()).then(|| coerce(spec.kind, Value::String(text)))
        }
    }
}
