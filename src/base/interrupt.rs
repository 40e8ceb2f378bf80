//! Ctrl-C / SIGTERM: while a command runs flows, the first signal stops new flows from
//! starting and a second one exits at once; at any other time (asking a question, waiting for
//! a lock) the first signal ends the command at once with exit code 130.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

/// Shared "stop starting work" flag; cheap to check from any thread.
#[derive(Debug, Default)]
pub struct Interrupt {
    requested: AtomicBool,
    at: OnceLock<Instant>,
}

impl Interrupt {
    pub const fn new() -> Self {
        Self {
            requested: AtomicBool::new(false),
            at: OnceLock::new(),
        }
    }

    /// Marks the command as interrupted (idempotent).
    pub fn request(&self) {
        let _ = self.at.set(Instant::now());
        self.requested.store(true, Ordering::SeqCst);
    }

    pub fn is_requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }

    /// When the interruption was first requested.
    pub fn requested_at(&self) -> Option<Instant> {
        self.at.get().copied()
    }
}

/// The process-wide interrupt that the signal handler sets.
pub static PROCESS_INTERRUPT: Interrupt = Interrupt::new();

/// Set while the command runs work that stops at its next check of [`PROCESS_INTERRUPT`]
/// (flows, logins) rather than by ending the process.
static GRACEFUL: AtomicBool = AtomicBool::new(false);

/// What the command says when a signal arrives, set once by the edge (which knows the output
/// format): the core never prints, and the handler runs on a thread of its own.
pub struct Notices {
    /// The first signal while work runs: it is asked to stop, and another signal exits at once.
    pub stopping: Box<dyn Fn() + Send + Sync>,
    /// Just before a signal ends the process (with `--format json`, the `interrupted` error
    /// document: stdout is never left empty).
    pub exiting: Box<dyn Fn() + Send + Sync>,
}

static NOTICES: OnceLock<Notices> = OnceLock::new();

/// Sets what the handler says (once per process; a later call is ignored).
pub fn set_notices(notices: Notices) {
    let _ = NOTICES.set(notices);
}

/// Installs the SIGINT/SIGTERM/SIGHUP handler, once per process, before any command runs.
/// Outside [`enter_graceful`] a signal exits with code 130 at once (nothing is half-written:
/// every shared file is replaced by rename); inside it, the first signal sets
/// [`PROCESS_INTERRUPT`] and a second one exits without waiting for the grace period. Either
/// way the [`Notices`] say so.
pub fn install_handler() -> Result<(), ctrlc::Error> {
    ctrlc::set_handler(on_signal)
}

/// What a signal does (see [`install_handler`]).
fn on_signal() {
    if !GRACEFUL.load(Ordering::SeqCst) || PROCESS_INTERRUPT.is_requested() {
        exit_now();
    }
    PROCESS_INTERRUPT.request();
    if let Some(notices) = NOTICES.get() {
        (notices.stopping)();
    }
}

/// A Ctrl-C that a prompt read as a key (the terminal in raw mode): the same as the signal the
/// terminal library then raises, decided here on the prompt's own thread, so that the command
/// never goes on with a missing answer before the handler's thread has run.
pub fn at_prompt() {
    on_signal();
}

/// Ends the process as a signal outside graceful work does: the registered folders removed,
/// the notices' last word said, exit code 130.
fn exit_now() -> ! {
    remove_registered();
    if let Some(notices) = NOTICES.get() {
        (notices.exiting)();
    }
    std::process::exit(i32::from(crate::base::exit_code::INTERRUPTED));
}

/// From now on a first signal asks the running work to stop instead of ending the process.
pub fn enter_graceful() {
    GRACEFUL.store(true, Ordering::SeqCst);
}

/// Folders removed when a signal ends the process (private copies of what flows wrote).
static ON_EXIT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Removes `dir` (and all in it) if a signal ends the process before [`keep_on_exit`].
pub fn remove_on_exit(dir: PathBuf) {
    ON_EXIT
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .push(dir);
}

/// Forgets a folder given to [`remove_on_exit`] (its owner removes it).
pub fn keep_on_exit(dir: &Path) {
    ON_EXIT
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .retain(|d| d != dir);
}

fn remove_registered() {
    let dirs = ON_EXIT
        .lock()
        .map(|d| d.clone())
        .unwrap_or_else(|poisoned| poisoned.into_inner().clone());
    for dir in dirs {
        let _ = std::fs::remove_dir_all(dir);
    }
}
