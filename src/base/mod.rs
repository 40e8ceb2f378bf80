//! Small helpers every other folder uses: exit codes, user-typed names, templates, the
//! interrupt flag, the prompter interface, logging, error chains, and the watch that bounds
//! blocking work (a flow, a provider op) by a timeout and the grace period after an interrupt.
//!
//! Owns nothing about packs, flows or state. May use only the standard library and crates;
//! everything else may use it.

pub mod command_line;
pub mod error_chain;
pub mod exit_code;
pub mod interrupt;
pub mod logging;
pub mod names;
pub mod prompter;
pub mod template;
pub mod watch;
