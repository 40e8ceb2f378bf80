//! Ctrl-C / SIGTERM: the first signal stops new flows from starting, a second one exits at once.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
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

/// Installs the SIGINT/SIGTERM/SIGHUP handler. The first signal sets [`PROCESS_INTERRUPT`];
/// a second one exits with code 130 without waiting for the grace period.
pub fn install_handler() -> Result<(), ctrlc::Error> {
    ctrlc::set_handler(|| {
        if PROCESS_INTERRUPT.is_requested() {
            std::process::exit(i32::from(crate::exit_code::INTERRUPTED));
        }
        PROCESS_INTERRUPT.request();
    })
}
