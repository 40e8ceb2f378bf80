//! The `greentic-operator` binary: parse arguments, set the runner's environment while this is
//! the only thread, run the library, exit with its code.

/// jemalloc instead of glibc's malloc: glibc keeps the memory freed by each flow's thread in
/// per-thread arenas, so peak RSS grew with the number of flows run (BENCHMARKS.md, memory).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use greentic_operator::app;
use greentic_operator::run::runner_env;

fn main() -> std::process::ExitCode {
    // Before anything is created: every file and folder of this process, the runner's own
    // files with secrets in them included, its user's only.
    greentic_operator::state::atomic_file::restrict_umask();
    let invocation = match app::parse(std::env::args_os()) {
        Ok(invocation) => invocation,
        Err(code) => return code,
    };
    let changes = match invocation.runner_env() {
        // SAFETY: nothing has started a thread yet: logging, the signal handler and every
        // runtime start inside `app::run`.
        Some(wanted) => unsafe { runner_env::settle(&wanted) },
        None => Vec::new(),
    };
    app::run(invocation, &changes)
}
