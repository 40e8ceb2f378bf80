//! The entry point behind `main`: parse the command line, set up logging, dispatch a command.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use crate::cli::{Cli, Command, dev_request};
use crate::doctor_cmd;
use crate::file_lock;
use crate::history_cmd;
use crate::interrupt;
use crate::lifecycle;
use crate::logging;
use crate::report;
use crate::request::DevRequest;
use crate::secrets_cmd;

/// Runs the operator with `args` (the program name first) and returns the process exit code.
pub fn main_with_args(args: impl IntoIterator<Item = impl Into<OsString> + Clone>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help and version on stdout with code 0, usage errors on stderr with 2.
            let _ = err.print();
            return ExitCode::from(err.exit_code() as u8);
        }
    };
    logging::init(cli.verbose, cli.quiet);
    file_lock::set_wait_notice(report::lock_wait_notice);
    if let Err(err) = interrupt::install_handler() {
        tracing::warn!("cannot handle Ctrl-C gracefully: {err}");
    }
    let code = match cli.command {
        Command::Dev(dev) => match dev_request(dev, cli.color.into()) {
            DevRequest::Lifecycle(request) => lifecycle::run(request),
            DevRequest::Runs(request) => history_cmd::runs(&request),
            DevRequest::Show(request) => history_cmd::show(&request),
            DevRequest::Doctor(request) => doctor_cmd::run(&request),
            DevRequest::Secrets(request) => {
                let terminal = report::for_format(request.format, request.color);
                secrets_cmd::run(&request, terminal.prompter.as_ref())
            }
        },
        Command::Completions { shell } => {
            let mut command = Cli::command();
            clap_complete::generate(
                shell,
                &mut command,
                "greentic-operator",
                &mut std::io::stdout(),
            );
            crate::exit_code::SUCCESS
        }
    };
    ExitCode::from(code)
}
