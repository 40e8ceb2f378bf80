//! The validated request one `dev <action> <domain>` command makes; nothing below `cli` sees clap.

use std::io::IsTerminal;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

use crate::pack::domains::{Action, Domain, Domains};

/// How results are rendered on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    #[default]
    Text,
    Json,
}

/// Everything a lifecycle command needs, checked once.
#[derive(Debug, Clone)]
pub struct Request {
    /// One domain, or `all`.
    pub domain: Domains,
    pub action: Action,
    /// Required to run flows; a dry run may go without.
    pub tenant: Option<String>,
    pub team: Option<String>,
    /// The Greentic environment sent as `operator_env` (default `dev`).
    pub env: String,
    /// `--provider` values: a pack is kept when its id, file name or file stem equals one.
    pub providers: Vec<String>,
    pub dry_run: bool,
    pub parallel: NonZeroUsize,
    /// What only `dev setup` takes.
    pub setup: SetupOptions,
    /// What only `dev remove` takes.
    pub remove: RemoveOptions,
    pub project_root: PathBuf,
    pub state_dir: PathBuf,
    /// `--online`: let the runner fetch remote components (`dist_offline = false`).
    pub online: bool,
    /// `--public-base-url`, which wins over the tunnel file.
    pub public_base_url: Option<String>,
    pub format: OutputFormat,
    /// Longest one flow may run.
    pub timeout: Duration,
    /// How long running flows get to finish after an interrupt.
    pub grace_period: Duration,
    /// `--junit PATH`.
    pub junit: Option<PathBuf>,
    pub color: ColorChoice,
}

/// Every `dev` command, validated: what `cli` hands to the rest of the operator.
#[derive(Debug, Clone)]
pub enum DevRequest {
    /// `dev setup | diagnostics | verify <domain>`.
    Lifecycle(Request),
    /// `dev runs`.
    Runs(RunsRequest),
    /// `dev show <run>`.
    Show(ShowRequest),
    /// `dev secrets list | set | delete`.
    Secrets(SecretsRequest),
    /// `dev doctor [<domain>|all]`.
    Doctor(DoctorRequest),
}

impl DevRequest {
    /// The output format it asked for.
    pub fn format(&self) -> OutputFormat {
        match self {
            DevRequest::Lifecycle(request) => request.format,
            DevRequest::Runs(request) => request.history.format,
            DevRequest::Show(request) => request.history.format,
            DevRequest::Secrets(request) => request.format,
            DevRequest::Doctor(request) => request.format,
        }
    }
}

/// `dev doctor`: what to examine.
#[derive(Debug, Clone)]
pub struct DoctorRequest {
    /// In the order examined (`all`: secrets, messaging, events).
    pub domains: Vec<Domain>,
    pub project_root: PathBuf,
    pub state_dir: PathBuf,
    pub env: String,
    /// Secrets and logins are checked only for a tenant.
    pub tenant: Option<String>,
    pub team: Option<String>,
    pub public_base_url: Option<String>,
    /// Only these packs (id, file name or stem); empty: every pack.
    pub providers: Vec<String>,
    pub format: OutputFormat,
    pub color: ColorChoice,
}

/// `dev secrets`: the dev store for one tenant and team.
#[derive(Debug, Clone)]
pub struct SecretsRequest {
    pub project_root: PathBuf,
    pub env: String,
    pub tenant: String,
    pub team: Option<String>,
    pub format: OutputFormat,
    pub color: ColorChoice,
    pub action: SecretsAction,
}

/// What `dev secrets` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretsAction {
    /// The keys stored, each with the requirements it meets; with providers (pack id, file
    /// name or stem, or a provider of the store), only theirs.
    List {
        domains: Vec<Domain>,
        providers: Vec<String>,
    },
    /// Store a value (from a hidden prompt, or standard input when it is not a terminal).
    Set {
        provider: String,
        key: String,
    },
    Delete {
        provider: String,
        key: String,
    },
}

/// Where recorded runs are and how to print them.
#[derive(Debug, Clone)]
pub struct HistoryRequest {
    pub state_dir: PathBuf,
    pub format: OutputFormat,
    pub color: ColorChoice,
}

/// `dev runs`: which recorded runs to list.
#[derive(Debug, Clone)]
pub struct RunsRequest {
    pub history: HistoryRequest,
    /// Where the project's packs are: a `--provider` naming one of them that never ran
    /// matches no run, without being a usage error.
    pub project_root: PathBuf,
    /// Runs of these domains.
    pub domains: Vec<Domain>,
    /// Runs of any of these packs (id, file name or stem); empty: every pack.
    pub providers: Vec<String>,
    pub tenant: Option<String>,
    pub team: Option<String>,
    pub env: Option<String>,
    /// Only runs that did not pass.
    pub failed: bool,
    /// At most this many.
    pub last: usize,
}

/// `dev show`: a run id, or `latest`.
#[derive(Debug, Clone)]
pub struct ShowRequest {
    pub history: HistoryRequest,
    pub run: String,
}

/// The options of `dev setup` (all off for the other commands).
#[derive(Debug, Clone, Default)]
pub struct SetupOptions {
    /// Skip, instead of failing, packs without the setup flow.
    pub allow_missing_setup: bool,
    /// `--answers FILE`.
    pub answers: Option<PathBuf>,
    /// Never prompt.
    pub non_interactive: bool,
    /// `--device-code-timeout`: longest wait for a device-code login in this run.
    pub device_code_timeout: Option<Duration>,
    /// `--relogin`: log in again even when an earlier login completed.
    pub relogin: bool,
    /// `--custom`: `setup_custom` where a pack declares it, `setup_default` elsewhere.
    pub custom: bool,
}

/// `dev remove`'s own flags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RemoveOptions {
    /// `--yes`: remove without asking (needed when nothing can ask).
    pub yes: bool,
    /// `--force`: remove the stored data even when the `remove` flow fails.
    pub force: bool,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    /// Colour when the output is a terminal, `NO_COLOR` is not set and `CI` is not.
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether output to a stream that `is_terminal` or not gets colour.
    pub fn enabled(self, is_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
                is_terminal && !set("NO_COLOR") && !set("CI")
            }
        }
    }

    pub fn for_stdout(self) -> bool {
        self.enabled(std::io::stdout().is_terminal())
    }

    /// For stderr: progress, warnings and log lines.
    pub fn for_stderr(self) -> bool {
        self.enabled(std::io::stderr().is_terminal())
    }
}
