//! The process exit codes, in one place. The README documents the same table.

/// Every planned flow passed (or there was nothing to run).
pub const SUCCESS: u8 = 0;
/// At least one flow failed, or a pack could not be planned or run.
pub const FAILURE: u8 = 1;
/// The command line was wrong: an unknown flag, a bad value, a `--provider` that matches no pack.
/// clap uses the same code for its own usage errors.
pub const USAGE: u8 = 2;
/// The command was interrupted (Ctrl-C, SIGTERM): 128 + SIGINT, as shells report it.
pub const INTERRUPTED: u8 = 130;
