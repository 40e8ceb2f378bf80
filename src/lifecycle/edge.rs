//! What the command takes from the outside world once, at its start: whether a person is there
//! (and the prompter to ask them through), and the runner's process environment.

use std::io::IsTerminal;

use crate::prompter::Prompter;
use crate::request::Request;
use crate::state_layout::StateLayout;

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

/// Settings the runner reads only from the environment, set once, first thing, while this is
/// the only thread of the process (no reporter's ticker, signal handler or runtime yet): the
/// compiled-component cache goes into the state folder instead of the current folder; a wasm
/// call's deadline follows `--timeout`, so a flow abandoned as timed out stops soon after; the
/// runner's secret paths use the operator's environment (`--env` wins over an inherited
/// `GREENTIC_ENV`, or the two would split secret paths); and provider components may read
/// their secrets. The others are left alone when the user set them.
pub(super) fn settle_runner_env(request: &Request) {
    let layout = StateLayout::new(&request.state_dir);
    let defaults = [
        (
            "GREENTIC_CACHE_DIR",
            layout.component_cache().into_os_string(),
        ),
        (
            "GREENTIC_WASM_MAX_EXEC_SECS",
            (request.timeout.as_secs() + 1).to_string().into(),
        ),
        // The host refuses every secret read of a provider component in its default
        // "provider-core only" mode; providers set up here read their secrets from the dev
        // store (as greentic-setup lets them).
        ("GREENTIC_PROVIDER_CORE_ONLY", "0".into()),
    ];
    for (name, value) in defaults {
        if std::env::var_os(name).is_none() {
            // SAFETY: see above: no other thread exists yet.
            unsafe { std::env::set_var(name, value) };
        }
    }
    // SAFETY: as above.
    unsafe { std::env::set_var("GREENTIC_ENV", &request.env) };
}
