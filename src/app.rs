//! The entry points behind `main`: parse the command line ([`parse`]), say what the runner is
//! to find in the environment ([`Invocation::runner_env`]), then set up logging and the signal
//! handler and dispatch the command ([`run`]).

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use clap_complete::Shell;

use crate::base::interrupt;
use crate::base::logging;
use crate::cli::request::{DevRequest, OutputFormat};
use crate::cli::{Cli, Command, dev_request};
use crate::commands;
use crate::commands::lifecycle;
use crate::report;
use crate::report::document::error::ErrorKind;
use crate::run::runner_env::{ComponentCache, EnvChange, RunnerEnv};
use crate::state::file_lock;
use crate::state::state_layout::StateLayout;

/// A parsed command line, not yet run.
pub struct Invocation {
    verbose: u8,
    quiet: bool,
    command: Parsed,
}

enum Parsed {
    Dev(Box<DevRequest>),
    Completions(Shell),
}

/// Parses `args` (the program name first); `Err` is the exit code once clap has printed help,
/// the version or a usage error.
pub fn parse(
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
) -> Result<Invocation, ExitCode> {
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let cli = Cli::try_parse_from(&args).map_err(|err| {
        // clap prints help and version on stdout with code 0, usage errors on stderr with 2.
        let _ = err.print();
        if err.use_stderr() && crate::cli::asks_for_json(&args) {
            report::error_document(
                OutputFormat::Json,
                ErrorKind::Usage,
                clap_message(&err),
                Vec::new(),
            );
        }
        ExitCode::from(err.exit_code() as u8)
    })?;
    let command = match cli.command {
        Command::Dev(dev) => Parsed::Dev(Box::new(dev_request(dev, cli.color.into()))),
        Command::Completions { shell } => Parsed::Completions(shell),
    };
    Ok(Invocation {
        verbose: cli.verbose,
        quiet: cli.quiet,
        command,
    })
}

/// clap's first line without its `error: `: what is wrong, without the usage that follows.
fn clap_message(err: &clap::Error) -> String {
    let text = err.to_string();
    let first = text.lines().next().unwrap_or_default();
    first.strip_prefix("error: ").unwrap_or(first).to_string()
}

impl Invocation {
    /// What the runner must find in the environment, for a command that runs flows or loads a
    /// provider to ask it (a dry run, `dev requirements`, `dev doctor`: these create no cache).
    pub fn runner_env(&self) -> Option<RunnerEnv> {
        let Parsed::Dev(dev) = &self.command else {
            return None;
        };
        match dev.as_ref() {
            DevRequest::Lifecycle(request) => {
                let cache = StateLayout::new(&request.state_dir).component_cache();
                Some(RunnerEnv {
                    env: request.env.clone(),
                    timeout: Some(request.timeout),
                    component_cache: match request.dry_run {
                        true => ComponentCache::read_only(cache),
                        false => ComponentCache::Dir(cache),
                    },
                })
            }
            DevRequest::Doctor(request) => Some(RunnerEnv {
                env: request.env.clone(),
                timeout: None,
                component_cache: ComponentCache::read_only(
                    StateLayout::new(&request.state_dir).component_cache(),
                ),
            }),
            _ => None,
        }
    }
}

/// Runs a parsed command; `env_changes` are what `main` set for the runner (logged).
pub fn run(invocation: Invocation, env_changes: &[EnvChange]) -> ExitCode {
    logging::init(invocation.verbose, invocation.quiet);
    for change in env_changes {
        tracing::debug!(
            "{}={:?} for the runner (was {:?})",
            change.name,
            change.value,
            change.replaced
        );
    }
    file_lock::set_wait_notice(report::lock_wait_notice);
    if let Err(err) = interrupt::install_handler() {
        tracing::warn!("cannot handle Ctrl-C gracefully: {err}");
    }
    let code = match invocation.command {
        Parsed::Dev(request) => run_dev(*request),
        Parsed::Completions(shell) => {
            let mut command = Cli::command();
            clap_complete::generate(
                shell,
                &mut command,
                "greentic-operator",
                &mut std::io::stdout(),
            );
            crate::base::exit_code::SUCCESS
        }
    };
    ExitCode::from(code)
}

fn run_dev(request: DevRequest) -> u8 {
    match request {
        DevRequest::Lifecycle(request) => lifecycle::run(request),
        DevRequest::Runs(request) => commands::history::runs(&request),
        DevRequest::Show(request) => commands::history::show(&request),
        DevRequest::Doctor(request) => commands::doctor::run(&request),
        DevRequest::Secrets(request) => {
            let terminal = report::for_format(request.format, request.color);
            commands::secrets::run(&request, terminal.prompter.as_ref())
        }
    }
}
