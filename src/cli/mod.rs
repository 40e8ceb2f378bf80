//! Command-line arguments (clap) and their one-time conversion into a [`Request`].
//!
//! May use `base`, `pack` (domain names) and `setup` (what an answers URL looks like).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub mod completions;
mod lifecycle;
pub mod request;
mod tools;

pub use lifecycle::{LifecycleArgs, RemoveArgs, SetupArgs, UpdateArgs};
use tools::secrets_request;
pub use tools::{DoctorArgs, DomainChoice, SecretsArgs, SecretsCommand, SecretsScopeArgs};

use crate::base::names::validate_name;
use crate::cli::request::{
    ColorChoice, DevRequest, DoctorRequest, HistoryRequest, OutputFormat, RunsRequest, ShowRequest,
};
use crate::pack::domains::Action;

/// Runs Greentic provider packs' lifecycle flows (setup, diagnostics, verify), in-process.
#[derive(Debug, Parser)]
#[command(name = "greentic-operator", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// More log output on stderr (-v info, -vv debug); RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Only errors on stderr.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Colour in human output and log lines (`auto`: on a terminal, unless NO_COLOR or CI is set).
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "auto",
        value_name = "WHEN"
    )]
    pub color: ColorArg,
}

#[derive(Debug, Subcommand)]
#[expect(
    clippy::large_enum_variant,
    reason = "parsed once per process; boxing buys nothing"
)]
pub enum Command {
    /// Developer commands on a project folder.
    #[command(subcommand)]
    Dev(DevCommand),
    /// Print a shell completion script.
    #[command(
        after_help = "Example:\n  greentic-operator completions bash > ~/.local/share/bash-completion/completions/greentic-operator"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Subcommand)]
pub enum DevCommand {
    /// Run `setup_default` of every provider pack of a domain.
    #[command(after_help = "Example:\n  greentic-operator dev setup messaging --tenant acme")]
    Setup(SetupArgs),
    /// Change what setup stored: answers from the stored ones (the plan names those that
    /// change), then each pack's `update` flow; kept once the provider accepts them.
    #[command(
        after_help = "Example:\n  greentic-operator dev update messaging --provider messaging-telegram --tenant acme --answers changes.yaml"
    )]
    Update(UpdateArgs),
    /// What each provider needs before setup, from its pack: questions and their rules, secret
    /// requirements, public URL, device-code login; with --tenant, what is stored already.
    /// Runs a pack's `requirements` flow where it declares one (with --tenant).
    #[command(
        after_help = "Example:\n  greentic-operator dev requirements messaging --tenant acme"
    )]
    Requirements(LifecycleArgs),
    /// Run `diagnostics` of every provider pack of a domain that declares it.
    #[command(
        after_help = "Example:\n  greentic-operator dev diagnostics events --tenant acme --dry-run"
    )]
    Diagnostics(LifecycleArgs),
    /// Run the domain's verify flows (messaging: verify_webhooks, events: verify_subscriptions).
    #[command(after_help = "Example:\n  greentic-operator dev verify messaging --tenant acme")]
    Verify(LifecycleArgs),
    /// Run `sync_subscriptions` of every messaging and events pack that declares it.
    #[command(
        after_help = "Example:\n  greentic-operator dev sync-subscriptions messaging --tenant acme"
    )]
    SyncSubscriptions(LifecycleArgs),
    /// Run `remove` of every pack of a domain, then delete what the operator keeps for each
    /// provider in the tenant and team: its setup answers, its secrets, its login state.
    #[command(
        after_help = "Examples:\n  greentic-operator dev remove messaging --provider messaging-telegram --tenant acme --dry-run\n  \
                      greentic-operator dev remove messaging --provider messaging-telegram --tenant acme --yes"
    )]
    Remove(RemoveArgs),
    /// List recorded runs, newest first.
    #[command(after_help = "Example:\n  greentic-operator dev runs --failed --last 5")]
    Runs(RunsArgs),
    /// Show one recorded run: summary, failing nodes, flow outputs, artifact paths.
    #[command(after_help = "Example:\n  greentic-operator dev show latest")]
    Show(ShowArgs),
    /// The dev secrets store the flows use: list keys, set or delete one (values never shown).
    #[command(
        after_help = "Examples:\n  greentic-operator dev secrets list --tenant acme\n  \
                      printf '%s' \"$TOKEN\" | greentic-operator dev secrets set messaging-telegram bot_token --tenant acme"
    )]
    Secrets(SecretsArgs),
    /// Everything that can be known without running a flow: packs, flows, components, setup
    /// questions, secrets, public URL, device-code logins, lock files, stale runs.
    #[command(after_help = "Example:\n  greentic-operator dev doctor all --tenant acme")]
    Doctor(DoctorArgs),
}

/// Where the project and its state are, and how to print: shared by every `dev` command.
#[derive(Debug, Args)]
pub struct StateArgs {
    /// The project folder holding `providers/<domain>/*.gtpack`.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub project_root: PathBuf,
    // Help given as text: rustdoc would read its bracketed default as a link.
    #[arg(
        long,
        value_name = "DIR",
        help = "Where runs are recorded [default: <project-root>/state]"
    )]
    pub state_dir: Option<PathBuf>,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value = "text")]
    pub format: FormatArg,
}

impl StateArgs {
    pub fn project_root(&self) -> PathBuf {
        absolute(self.project_root.clone())
    }

    pub fn state_dir(&self) -> PathBuf {
        let root = absolute(self.project_root.clone());
        self.state_dir
            .clone()
            .map(absolute)
            .unwrap_or_else(|| root.join("state"))
    }

    pub fn format(&self) -> OutputFormat {
        match self.format {
            FormatArg::Text => OutputFormat::Text,
            FormatArg::Json => OutputFormat::Json,
        }
    }

    fn history(&self, color: ColorChoice) -> HistoryRequest {
        HistoryRequest {
            state_dir: self.state_dir(),
            format: self.format(),
            color,
        }
    }
}

#[derive(Debug, Args)]
pub struct RunsArgs {
    #[command(flatten)]
    pub state: StateArgs,
    /// Only runs of this domain, as the other commands take it [default: all].
    #[arg(value_enum, default_value = "all")]
    pub domain: DomainChoice,
    /// The same as the positional domain (kept for scripts written before it).
    #[arg(long = "domain", value_enum, hide = true, conflicts_with = "domain")]
    pub domain_flag: Option<DomainChoice>,
    /// Only runs of this pack: its id, file name or file stem (repeatable).
    #[arg(long = "provider", value_name = "PROVIDER")]
    pub providers: Vec<String>,
    /// Only runs for this tenant.
    #[arg(long, env = "GREENTIC_TENANT", value_parser = validate_name)]
    pub tenant: Option<String>,
    /// Only runs for this team.
    #[arg(long, env = "GREENTIC_TEAM", value_parser = validate_name)]
    pub team: Option<String>,
    /// Only runs in this environment [default: every environment].
    #[arg(long, env = "GREENTIC_ENV", value_parser = validate_name)]
    pub env: Option<String>,
    /// Only runs that did not pass.
    #[arg(long)]
    pub failed: bool,
    /// At most N runs.
    #[arg(long, value_name = "N", default_value = "20")]
    pub last: usize,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub state: StateArgs,
    /// A run id (as `dev runs` lists it), a run folder, or `latest`.
    pub run: String,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// Colour when the output is a terminal, `NO_COLOR` is not set and `CI` is not.
    Auto,
    Always,
    Never,
}

impl From<ColorArg> for ColorChoice {
    fn from(arg: ColorArg) -> Self {
        match arg {
            ColorArg::Auto => ColorChoice::Auto,
            ColorArg::Always => ColorChoice::Always,
            ColorArg::Never => ColorChoice::Never,
        }
    }
}

/// Output format on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Text,
    Json,
}

/// The validated request of a lifecycle command; the only conversion from clap's types.
pub fn dev_request(command: DevCommand, color: ColorChoice) -> DevRequest {
    let lifecycle =
        |args: LifecycleArgs, action| DevRequest::Lifecycle(args.request(action, color));
    match command {
        DevCommand::Setup(args) => DevRequest::Lifecycle(args.request(color)),
        DevCommand::Update(args) => DevRequest::Lifecycle(args.request(color)),
        DevCommand::Remove(args) => DevRequest::Lifecycle(args.request(color)),
        DevCommand::Requirements(mut args) => {
            // Without a tenant nothing is run: the pack alone says what it needs.
            args.dry_run |= args.tenant.is_none();
            lifecycle(args, Action::Requirements)
        }
        DevCommand::Diagnostics(args) => lifecycle(args, Action::Diagnostics),
        DevCommand::Verify(args) => lifecycle(args, Action::Verify),
        DevCommand::SyncSubscriptions(args) => lifecycle(args, Action::SyncSubscriptions),
        DevCommand::Runs(args) => DevRequest::Runs(RunsRequest {
            history: args.state.history(color),
            project_root: args.state.project_root(),
            domains: args.domain_flag.unwrap_or(args.domain).domains(),
            providers: args.providers,
            tenant: args.tenant,
            team: args.team,
            env: args.env,
            failed: args.failed,
            last: args.last,
        }),
        DevCommand::Show(args) => DevRequest::Show(ShowRequest {
            history: args.state.history(color),
            run: args.run,
        }),
        DevCommand::Secrets(args) => secrets_request(args, color),
        DevCommand::Doctor(args) => DevRequest::Doctor(DoctorRequest {
            domains: args.domain.domains(),
            project_root: args.state.project_root(),
            state_dir: args.state.state_dir(),
            env: args.env,
            tenant: args.tenant,
            team: args.team,
            public_base_url: args.public_base_url,
            providers: args.providers,
            format: args.state.format(),
            color,
        }),
    }
}

/// Whether a command line asks for `--format json`, read before clap so that a line clap
/// refuses still gets its error as a JSON document.
pub fn asks_for_json(args: &[std::ffi::OsString]) -> bool {
    args.iter().enumerate().any(|(i, arg)| {
        arg == "--format=json"
            || (arg == "--format" && args.get(i + 1).is_some_and(|v| v == "json"))
    })
}

/// Absolute paths, so the run folders and `artifacts_dir` files name places that stay valid
/// whatever the reader's current folder.
pub(crate) fn absolute(path: PathBuf) -> PathBuf {
    std::path::absolute(&path).unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
