//! The terminal prompter: dialoguer's prompts on stderr, with the progress bar hidden while a
//! person answers.

use dialoguer::theme::SimpleTheme;
use dialoguer::{Confirm, Input, Password, Select};

use super::progress::SharedProgress;
use crate::base::interrupt;
use crate::base::prompter::{Prompter, TextQuestion};

/// Prompts at the terminal; shares the text reporter's progress bar to suspend it.
pub struct TerminalPrompter {
    pub(super) progress: SharedProgress,
}

impl Prompter for TerminalPrompter {
    fn text(&self, question: &TextQuestion<'_>) -> Option<String> {
        let validate = |text: &String| -> Result<(), String> {
            if text.is_empty() && question.allow_empty {
                Ok(())
            } else {
                (question.validate)(text)
            }
        };
        self.progress.suspend(|| {
            if question.secret {
                return Password::with_theme(&SimpleTheme)
                    .with_prompt(question.label)
                    .allow_empty_password(question.allow_empty)
                    .validate_with(|text: &String| validate(text))
                    .interact()
                    .map_or_else(unanswered, Some);
            }
            let mut input = Input::<String>::with_theme(&SimpleTheme)
                .with_prompt(question.label)
                .allow_empty(question.allow_empty)
                .validate_with(|text: &String| validate(text));
            if let Some(default) = &question.default {
                input = input.default(default.clone());
            }
            input.interact_text().map_or_else(unanswered, Some)
        })
    }

    fn confirm(&self, label: &str, default: Option<bool>) -> Option<bool> {
        self.progress.suspend(|| {
            let mut prompt = Confirm::with_theme(&SimpleTheme).with_prompt(label);
            if let Some(default) = default {
                prompt = prompt.default(default);
            }
            prompt.interact_opt().unwrap_or_else(unanswered)
        })
    }

    fn select(&self, label: &str, items: &[String], default: usize) -> Option<usize> {
        self.progress.suspend(|| {
            Select::with_theme(&SimpleTheme)
                .with_prompt(label)
                .items(items)
                .default(default)
                .interact_opt()
                .unwrap_or_else(unanswered)
        })
    }
}

/// No answer from a prompt that failed; a Ctrl-C read as a key is the interrupt it means.
fn unanswered<T>(err: dialoguer::Error) -> Option<T> {
    let dialoguer::Error::IO(io) = &err;
    if io.kind() == std::io::ErrorKind::Interrupted {
        interrupt::at_prompt();
    }
    None
}
