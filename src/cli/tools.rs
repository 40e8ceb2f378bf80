//! The arguments of the project-wide tools, `dev doctor` and `dev secrets`, and the domain
//! choice that includes `all`.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::{FormatArg, StateArgs, absolute};
use crate::base::names::{validate_name, validate_secret_part};
use crate::cli::request::{ColorChoice, DevRequest, OutputFormat, SecretsAction, SecretsRequest};
use crate::pack::domains::{Domain, Domains};

/// A domain, or all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DomainChoice {
    Messaging,
    Events,
    Secrets,
    /// Every domain: secrets first (other providers read through secrets backends), then
    /// messaging, then events.
    All,
}

impl DomainChoice {
    pub fn selection(self) -> Domains {
        match self {
            DomainChoice::Messaging => Domains::One(Domain::Messaging),
            DomainChoice::Events => Domains::One(Domain::Events),
            DomainChoice::Secrets => Domains::One(Domain::Secrets),
            DomainChoice::All => Domains::All,
        }
    }

    pub fn domains(self) -> Vec<Domain> {
        self.selection().list()
    }
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// The domain to examine.
    #[arg(value_enum, default_value = "all")]
    pub domain: DomainChoice,
    /// Tenant whose secrets and logins are checked (they are skipped without one).
    #[arg(long, env = "GREENTIC_TENANT", value_parser = validate_name)]
    pub tenant: Option<String>,
    /// Team inside the tenant.
    #[arg(long, env = "GREENTIC_TEAM", value_parser = validate_name)]
    pub team: Option<String>,
    /// Greentic environment.
    #[arg(long, env = "GREENTIC_ENV", default_value = "dev", value_parser = validate_name)]
    pub env: String,
    /// The project's public URL (default: the tunnel file).
    #[arg(long, value_name = "URL")]
    pub public_base_url: Option<String>,
    /// Only this pack: its id, file name or file stem (repeatable).
    #[arg(long = "provider", value_name = "PROVIDER")]
    pub providers: Vec<String>,
    #[command(flatten)]
    pub state: StateArgs,
}

#[derive(Debug, Args)]
pub struct SecretsArgs {
    #[command(subcommand)]
    pub action: SecretsCommand,
    #[command(flatten)]
    pub scope: SecretsScopeArgs,
}

/// The tenant, team and environment whose secrets are meant.
#[derive(Debug, Args)]
pub struct SecretsScopeArgs {
    /// Tenant the secrets belong to.
    #[arg(long, global = true, env = "GREENTIC_TENANT", value_parser = validate_name)]
    pub tenant: Option<String>,
    /// Team inside the tenant.
    #[arg(long, global = true, env = "GREENTIC_TEAM", value_parser = validate_name)]
    pub team: Option<String>,
    /// Greentic environment.
    #[arg(long, global = true, env = "GREENTIC_ENV", default_value = "dev", value_parser = validate_name)]
    pub env: String,
    /// The project folder holding `providers/<domain>/*.gtpack` and `.greentic/dev/`.
    #[arg(long, global = true, value_name = "DIR", default_value = ".")]
    pub project_root: PathBuf,
    /// Output format on stdout.
    #[arg(long, global = true, value_enum, default_value = "text")]
    pub format: FormatArg,
}

#[derive(Debug, Subcommand)]
pub enum SecretsCommand {
    /// The keys stored for the tenant and team, each with the pack requirements it meets.
    List {
        /// Only the needs and keys of this domain's packs, as the other commands take it.
        #[arg(value_enum, default_value = "all")]
        domain: DomainChoice,
        /// Only this provider's keys and needs: a pack's id, file name or file stem, or a
        /// provider of the store (repeatable).
        #[arg(long = "provider", value_name = "PROVIDER")]
        providers: Vec<String>,
    },
    /// Store a secret: the value comes from a hidden prompt, or from standard input when piped.
    Set {
        /// The provider: a pack's id, file name or file stem (messaging-telegram, telegram), or
        /// the id of a provider not in the project.
        #[arg(value_parser = validate_secret_part)]
        provider: String,
        /// The key, e.g. bot_token or TELEGRAM_BOT_TOKEN.
        #[arg(value_parser = validate_secret_part)]
        key: String,
    },
    /// Remove a secret from the store.
    Delete {
        /// The provider, as `set` takes it.
        #[arg(value_parser = validate_secret_part)]
        provider: String,
        /// The key.
        #[arg(value_parser = validate_secret_part)]
        key: String,
    },
}

pub(super) fn secrets_request(args: SecretsArgs, color: ColorChoice) -> DevRequest {
    let action = match args.action {
        SecretsCommand::List { domain, providers } => SecretsAction::List {
            domains: domain.domains(),
            providers,
        },
        SecretsCommand::Set { provider, key } => SecretsAction::Set { provider, key },
        SecretsCommand::Delete { provider, key } => SecretsAction::Delete { provider, key },
    };
    let scope = args.scope;
    DevRequest::Secrets(SecretsRequest {
        project_root: absolute(scope.project_root),
        env: scope.env,
        tenant: scope.tenant.unwrap_or_default(),
        team: scope.team,
        format: match scope.format {
            FormatArg::Text => OutputFormat::Text,
            FormatArg::Json => OutputFormat::Json,
        },
        color,
        action,
    })
}
