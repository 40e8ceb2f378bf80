//! What the command takes from the outside world once, at its start: whether a person is there
//! (and the prompter to ask them through), and the runner's process environment.

use std::io::IsTerminal;

use crate::base::prompter::Prompter;
use crate::cli::request::Request;

/// What the edge hands down to talk to a person.
#[derive(Clone, Copy)]
pub(super) struct Edge<'a> {
    pub(super) presence: Presence,
    pub(super) prompter: &'a dyn Prompter,
}

impl<'a> Edge<'a> {
    /// The prompter for setup answers, when a person can be asked.
    pub(super) fn answers_prompter(self) -> Option<&'a dyn Prompter> {
        self.presence.can_prompt.then_some(self.prompter)
    }

    /// The prompter for a login's choices, when a person watches.
    pub(super) fn login_prompter(self) -> Option<&'a dyn Prompter> {
        self.presence.watching.then_some(self.prompter)
    }
}

/// Whether a person is there, decided once: who may be asked, and who watches a login.
#[derive(Debug, Clone, Copy)]
pub(super) struct Presence {
    /// Answers may be asked for at the terminal.
    pub(super) can_prompt: bool,
    /// A person is likely watching stderr (a terminal, not CI, not `--non-interactive`).
    pub(super) watching: bool,
}

impl Presence {
    pub(super) fn of(request: &Request) -> Self {
        let can_prompt =
            !request.setup.non_interactive && !request.dry_run && std::io::stdin().is_terminal();
        let watching =
            can_prompt && std::env::var_os("CI").is_none() && std::io::stderr().is_terminal();
        Self {
            can_prompt,
            watching,
        }
    }
}
