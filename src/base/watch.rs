//! One flow's limits as the scheduler sets them (and a provider op's, as the contract host sets
//! them): its blocking work runs on a thread of its own and is waited for until it ends,
//! `--timeout` passes, or the grace period after an interrupt runs out.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use crate::base::interrupt::Interrupt;

/// How often a waiting flow looks at the clock and the interrupt flag. The flag cannot wake a
/// waiter, so it is polled.
const TICK: Duration = Duration::from_millis(25);

/// The limits on one flow, counted from the moment the scheduler started it.
#[derive(Debug, Clone, Copy)]
pub struct Watch<'a> {
    started: Instant,
    timeout: Duration,
    grace: Duration,
    interrupt: &'a Interrupt,
}

/// How watched work ended.
#[derive(Debug)]
pub enum Watched<T> {
    /// The work returned.
    Done(T),
    /// The work panicked; the message, when the panic carried one.
    Panicked(String),
    /// No thread could be started for the work.
    NoThread(std::io::Error),
    /// The work's thread ended without a result (not a panic: it was caught).
    Vanished,
    /// The work outlived the timeout and was abandoned.
    TimedOut,
    /// The command was interrupted and the work outlived the grace period; it was abandoned.
    Interrupted,
}

impl<'a> Watch<'a> {
    /// Starts the clock of one flow.
    pub fn new(timeout: Duration, grace: Duration, interrupt: &'a Interrupt) -> Self {
        Self {
            started: Instant::now(),
            timeout,
            grace,
            interrupt,
        }
    }

    /// The longest the flow may run.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// True once the flow has run for its whole timeout.
    pub fn past_deadline(&self) -> bool {
        self.started.elapsed() >= self.timeout
    }

    /// Runs `work` on a thread named `name` and waits for it within the limits. Nothing can
    /// cancel a run of greentic-runner-desktop, so work that overstays is abandoned: its thread
    /// ends when the work does (the runner's own limits are set to the same timeout), or with
    /// the process.
    pub fn run<T: Send + 'static>(
        &self,
        name: String,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Watched<T> {
        let (tx, rx) = mpsc::sync_channel(1);
        let spawned = std::thread::Builder::new().name(name).spawn(move || {
            // A panic inside the work must cost one flow, not the whole command.
            let _ = tx.send(catch_unwind(AssertUnwindSafe(work)));
        });
        if let Err(err) = spawned {
            return Watched::NoThread(err);
        }
        loop {
            match rx.recv_timeout(TICK) {
                Ok(Ok(value)) => return Watched::Done(value),
                Ok(Err(panic)) => return Watched::Panicked(panic_message(&panic)),
                Err(RecvTimeoutError::Disconnected) => return Watched::Vanished,
                Err(RecvTimeoutError::Timeout) => {
                    if self.past_deadline() {
                        return Watched::TimedOut;
                    }
                    if self.grace_over() {
                        return Watched::Interrupted;
                    }
                }
            }
        }
    }

    /// True once the command was interrupted and the grace period has passed since.
    fn grace_over(&self) -> bool {
        self.interrupt
            .requested_at()
            .is_some_and(|at| at.elapsed() >= self.grace)
    }
}

fn panic_message(panic: &Box<dyn Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LONG: Duration = Duration::from_secs(60);

    #[test]
    fn work_that_returns_is_done() {
        let interrupt = Interrupt::new();
        let watch = Watch::new(LONG, LONG, &interrupt);
        assert!(matches!(watch.run("t".into(), || 7), Watched::Done(7)));
    }

    #[test]
    fn a_panic_costs_only_the_work() {
        let interrupt = Interrupt::new();
        let watch = Watch::new(LONG, LONG, &interrupt);
        let watched = watch.run::<()>("t".into(), || panic!("boom"));
        assert!(matches!(watched, Watched::Panicked(m) if m == "boom"));
    }

    #[test]
    fn work_past_the_timeout_is_abandoned_as_timed_out() {
        let interrupt = Interrupt::new();
        let (_keep, never) = mpsc::channel::<()>();
        let watch = Watch::new(Duration::from_millis(5), LONG, &interrupt);
        let watched = watch.run("t".into(), move || never.recv());
        assert!(matches!(watched, Watched::TimedOut));
        assert!(watch.past_deadline());
    }

    #[test]
    fn after_an_interrupt_work_gets_the_grace_period_then_is_abandoned() {
        let interrupt = Interrupt::new();
        interrupt.request();
        let grace = Duration::from_millis(50);
        let (_keep, never) = mpsc::channel::<()>();
        let watch = Watch::new(LONG, grace, &interrupt);
        let watched = watch.run("t".into(), move || never.recv());
        assert!(matches!(watched, Watched::Interrupted));
        assert!(interrupt.requested_at().unwrap().elapsed() >= grace);
    }
}
