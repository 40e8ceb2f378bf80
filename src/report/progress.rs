//! The text reporter's progress bar, shared with the terminal prompter so that a question is
//! never drawn over by the ticking bar.

use std::sync::{Arc, Mutex, PoisonError};

use indicatif::ProgressBar;

/// The bar while flows run (none before the plan, after the end, or off a terminal).
#[derive(Clone, Default)]
pub struct SharedProgress(Arc<Mutex<Option<ProgressBar>>>);

impl SharedProgress {
    pub fn get(&self) -> Option<ProgressBar> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub fn set(&self, bar: Option<ProgressBar>) -> Option<ProgressBar> {
        let mut slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        std::mem::replace(&mut slot, bar)
    }

    /// Runs `f` with the bar hidden.
    pub fn suspend<T>(&self, f: impl FnOnce() -> T) -> T {
        match self.get() {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }
}
