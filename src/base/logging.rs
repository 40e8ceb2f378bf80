//! Log output on stderr through tracing-subscriber: quiet by default, `-v`/`-q`/`RUST_LOG` to tune.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber. By default only errors, and the operator's own warnings,
/// reach the terminal: the runner logs every run's internals at info and warn level
/// (unsigned packs, cache misses), which is noise for someone running lifecycle flows.
pub fn init(verbose: u8, quiet: bool) {
    let default = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "error,greentic_operator=warn",
        (false, 1) => "info",
        (false, _) => "debug",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(verbose > 0)
        .try_init();
}
