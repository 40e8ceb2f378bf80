//! The `greentic-operator` binary: parse arguments, run the library, exit with its code.

fn main() -> std::process::ExitCode {
    greentic_operator::main_with_args(std::env::args_os())
}
