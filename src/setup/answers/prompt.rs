//! Asking for answers that are missing or break a rule: the question follows its kind (yes/no,
//! a pick list, a number, hidden input for secrets) and is asked again while the answer breaks
//! the provider's rules. Asks through the [`Prompter`] the edge hands in.

use qa_spec::QuestionType;
use serde_json::Value;

use super::{AnswerSource, Broken, MergedAnswers, Question, SetupForm, check::check_one, coerce};
use crate::base::prompter::{Prompter, TextQuestion};

/// Asks, in question order, for each shown question whose answer is missing or broken,
/// re-checking after each answer (an answer may show or hide other questions). Returns false
/// when the person gave up (an empty answer, Ctrl-D) or an answer still breaks a rule.
pub fn prompt_until_valid(
    form: &SetupForm,
    merged: &mut MergedAnswers,
    prompter: &dyn Prompter,
) -> bool {
    // Each question is asked at most once: one still broken after its own prompt accepted it
    // can only break a rule across questions, and asking again would loop.
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
        let label = label(&form.provider_id, question, why);
        let allow_empty = !question.spec.required;
        match ask(
            prompter,
            question,
            &label,
            question.default.as_ref(),
            allow_empty,
        ) {
            Some(value) => {
                merged.answer(&question.spec.id, value, AnswerSource::Prompt);
                merged.check(form);
            }
            None => return false,
        }
    }
}

/// `provider: Title (help) [why it is asked again]`.
fn label(provider: &str, question: &Question, why: Option<String>) -> String {
    let spec = &question.spec;
    let mut label = format!("{provider}: {}", spec.title);
    if let Some(help) = &spec.description {
        label.push_str(&format!(" ({help})"));
    }
    if let Some(why) = why {
        label.push_str(&format!(" [{why}]"));
    }
    match spec.kind {
        QuestionType::List => label.push_str(" (rows as a JSON list of objects)"),
        _ if !spec.secret && question.placeholder.is_some() => {
            let example = question.placeholder.as_deref().unwrap_or_default();
            label.push_str(&format!(" (e.g. {example})"));
        }
        _ => {}
    }
    label
}

/// (`dev update`) Asks every shown question in order, the current answer as its default: a
/// public value shown, a secret said to be `(stored)` and kept on an empty answer. Then asks
/// again for whatever still breaks a rule, as setup does. Returns false when the person gave
/// up.
pub fn prompt_all_from_current(
    form: &SetupForm,
    merged: &mut MergedAnswers,
    prompter: &dyn Prompter,
) -> bool {
    for question in &form.questions {
        let visible = merged
            .statuses
            .iter()
            .any(|s| s.name == question.spec.id && !s.hidden);
        if !visible {
            continue;
        }
        let current = merged.values.get(&question.spec.id).cloned();
        let mut label = label(&form.provider_id, question, None);
        let secret_kept = question.spec.secret && current.is_some();
        if secret_kept {
            label.push_str(" (stored; Enter keeps it)");
        }
        let default = current.as_ref().filter(|_| !question.spec.secret);
        let allow_empty = secret_kept || !question.spec.required;
        match ask(
            prompter,
            question,
            &label,
            default.or(question.default.as_ref()),
            allow_empty,
        ) {
            Some(value) => merged.answer(&question.spec.id, value, AnswerSource::Prompt),
            None if secret_kept || !question.spec.required => {}
            None => return false,
        }
        merged.check(form);
    }
    prompt_until_valid(form, merged, prompter)
}

/// One question, by kind, `default` shown and taken on an empty answer; `None` when the
/// person gave up (or, where `allow_empty`, gave nothing).
fn ask(
    prompter: &dyn Prompter,
    question: &Question,
    label: &str,
    default: Option<&Value>,
    allow_empty: bool,
) -> Option<Value> {
    let spec = &question.spec;
    let default_text = default.map(super::value_text);
    match spec.kind {
        QuestionType::Boolean => {
            let default = default.and_then(Value::as_bool);
            prompter.confirm(label, default).map(Value::Bool)
        }
        QuestionType::Enum if spec.choices.as_ref().is_some_and(|c| !c.is_empty()) => {
            let choices = spec.choices.clone().unwrap_or_default();
            let default = default_text
                .and_then(|d| choices.iter().position(|c| *c == d))
                .unwrap_or(0);
            let picked = prompter.select(label, &choices, default)?;
            Some(Value::String(choices.get(picked)?.clone()))
        }
        _ => {
            let validate = |text: &str| match check_one(spec, &Value::String(text.to_string())) {
                Some(broken) => Err(format!("{} {broken}", spec.id)),
                None => Ok(()),
            };
            let text = prompter.text(&TextQuestion {
                label,
                default: default_text.filter(|_| !spec.secret),
                secret: spec.secret,
                allow_empty,
                validate: &validate,
            })?;
            (!text.is_empty()).then(|| coerce(spec.kind, Value::String(text)))
        }
    }
}
