//! The entry points behind `main`: parse the command line ([`parse`]), say what the runner is
//! to find in the environment ([`Invocation::runner_env`]), then set up logging and the signal
//! handler and dispatch the command ([`run`]).

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;
use clap_complete::Shell;

use crate::base::interrupt;
use crate::base::logging::{self, LogSettings};
use crate::cli::request::{ColorChoice, DevRequest, OutputFormat};
use crate::cli::{Cli, Command, dev_request};
use crate::commands;
use crate::commands::lifecycle;
use crate::report;
use crate::report::document::error::ErrorKind;
use crate::run::runner_env::{EnvChange, FlowEnv, RunnerEnv};
use crate::state::component_cache::CacheLocation;
use crate::state::file_lock;
use crate::state::redact;

/// A parsed command line, not yet run.
pub struct Invocation {
    verbose: u8,
    quiet: bool,
    color: ColorChoice,
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
        color: cli.color.into(),
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
    /// What the runner must find in the environment: the compiled-component cache for every
    /// command (each may load a component: a dry run's contract, the doctor), and the flows'
    /// settings for a command that runs them.
    pub fn runner_env(&self) -> Option<RunnerEnv> {
        let Parsed::Dev(dev) = &self.command else {
            return None;
        };
        let flows = match dev.as_ref() {
            DevRequest::Lifecycle(request) if !request.dry_run => Some(FlowEnv {
                env: request.env.clone(),
                timeout: request.timeout,
            }),
            _ => None,
        };
        Some(RunnerEnv {
            flows,
            component_cache: CacheLocation::from_env().root().map(Into::into),
        })
    }
}

/// Runs a parsed command; `env_changes` are what `main` set for the runner (logged).
pub fn run(invocation: Invocation, env_changes: &[EnvChange]) -> ExitCode {
    logging::init(LogSettings {
        verbose: invocation.verbose,
        quiet: invocation.quiet,
        ansi: invocation.color.for_stderr(),
        redact: redact::redact_known,
    });
    report::set_quiet(invocation.quiet);
    for change in env_changes {
        tracing::debug!(
            "{}={:?} for the runner (was {:?})",
            change.name,
            change.value,
            change.replaced
        );
    }
    if env_changes.iter().any(|c| c.name == "GREENTIC_NO_CACHE") {
        tracing::warn!(
            "no home folder to keep compiled components in: each command compiles what it loads (set GREENTIC_CACHE_DIR to keep them)"
        );
    }
    file_lock::set_wait_notice(report::lock_wait_notice);
    if let Err(err) = interrupt::install_handler() {
        tracing::warn!("cannot handle Ctrl-C gracefully: {err}");
    }
    if let Parsed::Dev(request) = &invocation.command {
        interrupt::set_notices(report::interrupt_notices(request.format()));
    }
    let code = match invocation.command {
        Parsed::Dev(request) => run_dev(*request),
        Parsed::Completions(shell) => {
            use std::io::Write;
            let _ = std::io::stdout().write_all(&crate::cli::completions::script(shell));
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
