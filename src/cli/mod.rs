//! Command-line arguments (clap) and their one-time conversion into a [`Request`].
//!
//! May use `base`, `pack` (domain names) and `setup` (what an answers URL looks like).

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub mod request;
mod tools;

use tools::secrets_request;
pub use tools::{DoctorArgs, DomainChoice, SecretsArgs, SecretsCommand, SecretsScopeArgs};

use crate::base::names::validate_name;
use crate::cli::request::{
    ColorChoice, DevRequest, DoctorRequest, HistoryRequest, OutputFormat, RemoveOptions, Request,
    RunsRequest, SetupOptions, ShowRequest,
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
    /// Colour in human output (NO_COLOR is honoured by `auto`).
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

#[derive(Debug, Args)]
pub struct SetupArgs {
    #[command(flatten)]
    pub common: LifecycleArgs,
    /// Skip, instead of failing, packs that lack the setup flow.
    #[arg(long)]
    pub allow_missing_setup: bool,
    /// Setup answers (JSON or YAML; a file or an http(s) URL): greentic-setup's document, a
    /// map by provider id, or a flat object for a single provider.
    #[arg(long, value_name = "FILE|URL")]
    pub answers: Option<PathBuf>,
    /// Never ask for missing answers, even at a terminal.
    #[arg(long)]
    pub non_interactive: bool,
    /// How long to wait for a device-code login in this run [default: until the code expires
    /// at a terminal; 5m with --non-interactive or in CI]. The login stays pending: run setup
    /// again to keep waiting while the code is valid.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub device_code_timeout: Option<Duration>,
    /// Log in again even when an earlier device-code login completed.
    #[arg(long)]
    pub relogin: bool,
    /// Run `setup_custom` where a pack declares it (`setup_default` elsewhere); the plan says
    /// which ran.
    #[arg(long)]
    pub custom: bool,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    #[command(flatten)]
    pub common: LifecycleArgs,
    /// The answers that change (JSON or YAML; a file or an http(s) URL), as `dev setup` reads
    /// them; what it does not name stays as stored.
    #[arg(long, value_name = "FILE|URL")]
    pub answers: Option<PathBuf>,
    /// Never ask, even at a terminal (otherwise each question is asked, the stored value as
    /// its default).
    #[arg(long)]
    pub non_interactive: bool,
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    #[command(flatten)]
    pub common: LifecycleArgs,
    /// Remove without asking (required when no terminal can ask).
    #[arg(long)]
    pub yes: bool,
    /// Delete the stored data even when a pack's `remove` flow fails.
    #[arg(long)]
    pub force: bool,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// Colour when the output is a terminal and `NO_COLOR` is not set.
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

#[derive(Debug, Args)]
pub struct LifecycleArgs {
    /// The provider domain.
    #[arg(value_enum)]
    pub domain: DomainChoice,
    /// Tenant the flows run for (required unless --dry-run).
    #[arg(long, env = "GREENTIC_TENANT", value_parser = validate_name)]
    pub tenant: Option<String>,
    /// Team inside the tenant.
    #[arg(long, env = "GREENTIC_TEAM", value_parser = validate_name)]
    pub team: Option<String>,
    /// Keep only packs whose pack id, file name or file stem equals this (repeatable).
    #[arg(long = "provider", value_name = "PROVIDER")]
    pub providers: Vec<String>,
    /// Print the plan; run and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Run up to N flows at once (results are still shown in plan order).
    #[arg(long, value_name = "N", default_value = "1")]
    pub parallel: NonZeroUsize,
    #[command(flatten)]
    pub state: StateArgs,
    /// Let the runner fetch remote components (default: offline).
    #[arg(long)]
    pub online: bool,
    /// Greentic environment, sent to flows as `operator_env`.
    #[arg(long, env = "GREENTIC_ENV", default_value = "dev", value_parser = validate_name)]
    pub env: String,
    /// Public URL sent to messaging and events providers [default: the tunnel file in the state folder].
    #[arg(long, value_name = "URL")]
    pub public_base_url: Option<String>,
    /// Also write a JUnit XML report of the plan and results here.
    #[arg(long, value_name = "PATH")]
    pub junit: Option<PathBuf>,
    /// Longest one flow may run (e.g. 90s, 5m); a flow still running is ended as timed out.
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = parse_duration)]
    pub timeout: Duration,
    /// After Ctrl-C or SIGTERM, how long running flows get to finish.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub grace_period: Duration,
}

fn parse_duration(value: &str) -> Result<Duration, String> {
    let duration = humantime::parse_duration(value).map_err(|err| err.to_string())?;
    if duration.is_zero() {
        return Err("must be longer than zero".to_string());
    }
    Ok(duration)
}

/// The validated request of a lifecycle command; the only conversion from clap's types.
pub fn dev_request(command: DevCommand, color: ColorChoice) -> DevRequest {
    let mut remove = RemoveOptions::default();
    let (action, common, setup) = match command {
        DevCommand::Setup(args) => {
            let setup = SetupOptions {
                allow_missing_setup: args.allow_missing_setup,
                answers: args.answers.map(answers_location),
                non_interactive: args.non_interactive,
                device_code_timeout: args.device_code_timeout,
                relogin: args.relogin,
                custom: args.custom,
            };
            (Action::Setup, args.common, setup)
        }
        DevCommand::Update(args) => {
            let setup = SetupOptions {
                answers: args.answers.map(answers_location),
                non_interactive: args.non_interactive,
                ..SetupOptions::default()
            };
            (Action::Update, args.common, setup)
        }
        DevCommand::Requirements(mut args) => {
            // Without a tenant nothing is run: the pack alone says what it needs.
            args.dry_run |= args.tenant.is_none();
            (Action::Requirements, args, SetupOptions::default())
        }
        DevCommand::Diagnostics(args) => (Action::Diagnostics, args, SetupOptions::default()),
        DevCommand::Verify(args) => (Action::Verify, args, SetupOptions::default()),
        DevCommand::SyncSubscriptions(args) => {
            (Action::SyncSubscriptions, args, SetupOptions::default())
        }
        DevCommand::Remove(args) => {
            remove = RemoveOptions {
                yes: args.yes,
                force: args.force,
            };
            (Action::Remove, args.common, SetupOptions::default())
        }
        DevCommand::Runs(args) => {
            return DevRequest::Runs(RunsRequest {
                history: args.state.history(color),
                domains: args.domain_flag.unwrap_or(args.domain).domains(),
                providers: args.providers,
                tenant: args.tenant,
                team: args.team,
                env: args.env,
                failed: args.failed,
                last: args.last,
            });
        }
        DevCommand::Show(args) => {
            return DevRequest::Show(ShowRequest {
                history: args.state.history(color),
                run: args.run,
            });
        }
        DevCommand::Secrets(args) => return secrets_request(args, color),
        DevCommand::Doctor(args) => {
            return DevRequest::Doctor(DoctorRequest {
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
            });
        }
    };
    DevRequest::Lifecycle(Request {
        color,
        junit: common.junit.map(absolute),
        domain: common.domain.selection(),
        action,
        tenant: common.tenant,
        team: common.team,
        env: common.env,
        providers: common.providers,
        dry_run: common.dry_run,
        parallel: common.parallel,
        setup,
        remove,
        project_root: common.state.project_root(),
        state_dir: common.state.state_dir(),
        online: common.online,
        public_base_url: common.public_base_url,
        timeout: common.timeout,
        grace_period: common.grace_period,
        format: common.state.format(),
    })
}

/// An `--answers` value: a URL stays as typed; a file is made absolute.
fn answers_location(answers: PathBuf) -> PathBuf {
    if answers.to_str().is_some_and(crate::setup::answers::is_url) {
        answers
    } else {
        absolute(answers)
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
