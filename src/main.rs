//! The `greentic-operator` binary: parse arguments, run the library, exit with its code.

/// jemalloc instead of glibc's malloc: glibc keeps the memory freed by each flow's thread in
/// per-thread arenas, so peak RSS grew with the number of flows run (BENCHMARKS.md, memory).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    greentic_operator::main_with_args(std::env::args_os())
}
