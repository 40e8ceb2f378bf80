//! The arguments of the lifecycle commands (`dev setup`, `update`, `remove` and the steps that
//! take only the common ones) and their conversion into a [`Request`].

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::tools::DomainChoice;
use super::{StateArgs, absolute};
use crate::base::names::validate_name;
use crate::cli::request::{ColorChoice, RemoveOptions, Request, SetupOptions};
use crate::pack::domains::Action;

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

/// An `--answers` value: a URL stays as typed; a file is made absolute.
fn answers_location(answers: PathBuf) -> PathBuf {
    if answers.to_str().is_some_and(crate::setup::answers::is_url) {
        answers
    } else {
        absolute(answers)
    }
}

impl LifecycleArgs {
    /// The request of `action` with these arguments (no setup or remove options).
    pub fn request(self, action: Action, color: ColorChoice) -> Request {
        Request {
            color,
            junit: self.junit.map(absolute),
            domain: self.domain.selection(),
            action,
            tenant: self.tenant,
            team: self.team,
            env: self.env,
            providers: self.providers,
            dry_run: self.dry_run,
            parallel: self.parallel,
            setup: SetupOptions::default(),
            remove: RemoveOptions::default(),
            project_root: self.state.project_root(),
            state_dir: self.state.state_dir(),
            online: self.online,
            public_base_url: self.public_base_url,
            timeout: self.timeout,
            grace_period: self.grace_period,
            format: self.state.format(),
        }
    }
}

impl SetupArgs {
    pub fn request(self, color: ColorChoice) -> Request {
        let setup = SetupOptions {
            allow_missing_setup: self.allow_missing_setup,
            answers: self.answers.map(answers_location),
            non_interactive: self.non_interactive,
            device_code_timeout: self.device_code_timeout,
            relogin: self.relogin,
            custom: self.custom,
        };
        Request {
            setup,
            ..self.common.request(Action::Setup, color)
        }
    }
}

impl UpdateArgs {
    pub fn request(self, color: ColorChoice) -> Request {
        let setup = SetupOptions {
            answers: self.answers.map(answers_location),
            non_interactive: self.non_interactive,
            ..SetupOptions::default()
        };
        Request {
            setup,
            ..self.common.request(Action::Update, color)
        }
    }
}

impl RemoveArgs {
    pub fn request(self, color: ColorChoice) -> Request {
        let remove = RemoveOptions {
            yes: self.yes,
            force: self.force,
        };
        Request {
            remove,
            ..self.common.request(Action::Remove, color)
        }
    }
}
