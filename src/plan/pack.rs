//! One planned pack: its steps, or why it cannot run, and what the plan shows about it (answers,
//! secrets, device-code login).

use std::path::PathBuf;

use crate::pack::domains::Domain;
use crate::pack::manifest::{FlowMatch, PackInfo};
use crate::setup::answers::{AnswerStatus, IgnoredKey};
use crate::setup::contract::apply::ContractVerdict;
use crate::setup::contract::qa::Disagreement;
use crate::setup::device_code::metadata::DeviceCodeMetadata;

/// One pack file and what happens to it.
#[derive(Debug, Clone)]
pub struct PlannedPack {
    pub domain: Domain,
    pub path: PathBuf,
    pub file_name: String,
    /// The pack id when known, else the file stem.
    pub label: String,
    pub info: Option<PackInfo>,
    pub steps: Vec<FlowStep>,
    /// Set when the pack cannot run at all; `steps` is then empty.
    pub error: Option<PackError>,
    /// (setup) Each question and where its answer comes from; never a value.
    pub answers: Vec<AnswerStatus>,
    /// (setup) Keys of the `--answers` file no question asks: not kept, not passed to a flow.
    pub ignored_answers: Vec<IgnoredKey>,
    /// (diagnostics) Each secret requirement and whether the store holds it.
    pub secrets: Vec<SecretPresence>,
    /// (setup) The provider's device-code login, run after its setup flow passes.
    pub device_code: Option<DeviceCodeMetadata>,
    /// (diagnostics) Where the provider's device-code login stands for this tenant and team.
    pub login: Option<LoginState>,
    /// (setup) The provider contract the pack declares, and what came of it.
    pub contract: Option<ContractReport>,
    /// (remove) What the operator keeps for this provider in the command's scope: what a
    /// removal deletes.
    pub stored: Option<StoredData>,
    /// (requirements) What the provider needs before setup, read from the pack.
    pub needs: Option<ProviderNeeds>,
}

/// (`dev requirements`) What one provider needs before setup, from its pack alone; with a
/// tenant, also which of it is already stored (`stored` is `None` without one).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProviderNeeds {
    pub questions: Vec<QuestionNeed>,
    pub secrets: Vec<SecretNeedState>,
    /// It asks for the project's public URL (`public_base_url`).
    pub public_base_url: bool,
    /// (with a tenant) Whether the project has one (`--public-base-url` or the tunnel file).
    pub public_base_url_known: Option<bool>,
    /// It declares a device-code login (its state, with a tenant, is the pack's `login`).
    pub device_code: bool,
    /// Its setup questions cannot be read (the reason); `questions` is then empty.
    pub form_error: Option<String>,
    /// Answer keys its declarations read that no question asks (given in `--answers`).
    pub read_keys: Vec<ReadKeyNeed>,
    /// Its provider's own questions could not be asked (the reason, in its words).
    pub contract_error: Option<String>,
}

/// An answer key a provider's declarations read without asking it (its device-code login's
/// `client_id`, a `{desired_channel_name}` placeholder).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadKeyNeed {
    pub key: String,
    pub secret: bool,
    /// Read as an input; `false` for a login output only written by the declaration.
    pub input: bool,
    /// The declaration's fields that read it.
    pub readers: Vec<String>,
    pub stored: Option<bool>,
}

/// One setup question a provider asks.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionNeed {
    pub name: String,
    pub title: String,
    pub kind: qa_spec::QuestionType,
    pub required: bool,
    pub secret: bool,
    /// Its rule in words (`one of: HTML, MarkdownV2`, `matches ^https://`, `at least 1`).
    pub rule: Option<String>,
    /// Asked only when another answer shows it (`visible_if`).
    pub conditional: bool,
    /// The secret requirements its answer also meets.
    pub covers: Vec<String>,
    pub stored: Option<bool>,
    /// The default offered, as text (never a secret's).
    pub default: Option<String>,
}

/// One secret requirement, the question that answers it, and whether the store holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretNeedState {
    pub key: String,
    pub required: bool,
    pub answered_by: Option<String>,
    pub stored: Option<bool>,
}

/// What the operator keeps for one provider in one tenant and team: files under the state
/// folder and keys of the dev secrets store (their URIs, never a value).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredData {
    pub files: Vec<PathBuf>,
    pub secrets: Vec<String>,
}

impl StoredData {
    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && self.secrets.is_empty()
    }
}

/// A provider's contract in a setup: what it declares, what its `qa-spec` asked, where that
/// differs from `setup.yaml`, and (after `apply-answers`, never in a dry run) its verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractReport {
    pub provider_type: String,
    pub ops: Vec<String>,
    pub config_schema_ref: String,
    pub component_ref: String,
    /// The ids the provider's `qa-spec` asks (none when it declares no `qa-spec`).
    pub provider_questions: Vec<String>,
    pub disagreements: Vec<Disagreement>,
    pub verdict: Option<ContractVerdict>,
}

impl ContractReport {
    /// Whether its `apply-answers` accepted the answers and its configuration was kept.
    pub fn configured(&self) -> bool {
        matches!(self.verdict, Some(ContractVerdict::Configured { .. }))
    }
}

/// Where a provider's device-code login stands (never a token, never the device code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginState {
    pub status: LoginStatus,
    pub detail: Option<String>,
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
    pub state_file: std::path::PathBuf,
}

/// Where a login stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginStatus {
    Complete,
    Pending,
    Failed,
    NotStarted,
    /// The state file exists but cannot be read.
    Unreadable,
}

impl LoginStatus {
    pub fn word(self) -> &'static str {
        match self {
            LoginStatus::Complete => "complete",
            LoginStatus::Pending => "pending",
            LoginStatus::Failed => "failed",
            LoginStatus::NotStarted => "not_started",
            LoginStatus::Unreadable => "unreadable",
        }
    }
}

/// Why a pack cannot run. Each reads well after "pack `<file>` ".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackError {
    /// The pack could not be opened or its manifest read (the manifest reader's words).
    #[error("{0}")]
    Unreadable(String),
    /// A `*.gtpack` entry that is not a regular file.
    #[error("{0}")]
    NotAPack(String),
    #[error("declares pack id {id:?}, as does {others}; keep one of them")]
    DuplicateId { id: String, others: String },
    /// Its id and another pack's differ but are one provider in the secrets store
    /// (`messaging-alpha`, `messaging_alpha`): `others` names each other file and its id.
    #[error(
        "declares pack id {id:?}, which the secrets store files as {store_name}, as it does {others}: one's secrets would be the other's; keep one of them, or give one another pack id"
    )]
    StoreNameShared {
        id: String,
        store_name: String,
        others: String,
    },
    #[error(
        "does not declare {missing} (declared: {declared}); pass --allow-missing-setup to skip it"
    )]
    MissingFlows { missing: String, declared: String },
    #[error(
        "has only pack.manifest.json; the runner needs manifest.cbor (rebuild the pack with `greentic-pack build`)"
    )]
    LegacyOnly,
    /// A manifest of before greentic-pack 1.0: `declared` its flows, `lifecycle` whether any
    /// of them is one the action runs.
    #[error(
        "is an older pack format (greentic-pack before 1.0): it declares flows {declared}, {}; rebuild it with greentic-pack 1.2",
        if *lifecycle { "which the runner in this operator cannot run" } else { "none of them a lifecycle flow" }
    )]
    OlderFormat { declared: String, lifecycle: bool },
    /// Its setup questions or answers (unreadable questions, a broken rule, a missing answer).
    #[error("{0}")]
    Setup(String),
    /// Its device-code declaration is malformed.
    #[error("{0}")]
    DeviceCode(String),
    /// Its provider contract could not be called (the pack does not load, an op fails).
    #[error("{0}")]
    Contract(String),
    /// Its provider refused the answers (`apply-answers` said `ok:false`), or returned a
    /// configuration that breaks its config schema: nothing was kept.
    #[error("{0}")]
    Rejected(String),
}

impl PackError {
    /// A word or two for a table cell; the reason itself is the error's text.
    pub fn kind(&self) -> &'static str {
        match self {
            PackError::Unreadable(_) => "unreadable",
            PackError::NotAPack(_) => "not a pack",
            PackError::DuplicateId { .. } | PackError::StoreNameShared { .. } => "duplicate id",
            PackError::MissingFlows { .. } => "missing flow",
            PackError::LegacyOnly => "no manifest.cbor",
            PackError::OlderFormat { .. } => "older format",
            PackError::Setup(_) => "setup answers",
            PackError::DeviceCode(_) => "device code",
            PackError::Contract(_) => "provider contract",
            PackError::Rejected(_) => "rejected by provider",
        }
    }
}

/// Whether the secrets store holds one of a pack's secret requirements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretPresence {
    pub key: String,
    pub required: bool,
    pub present: bool,
    /// The setup question whose answer is this secret, when it has another name
    /// (`bot_token` for `TELEGRAM_BOT_TOKEN`).
    pub answered_by: Option<String>,
}

impl PlannedPack {
    /// Puts the pack in error: nothing of it runs.
    pub fn fail(&mut self, error: PackError) {
        self.steps.clear();
        self.error = Some(error);
    }

    /// True when at least one of its flows runs.
    pub fn runs_anything(&self) -> bool {
        self.steps.iter().any(|s| s.disposition == Disposition::Run)
    }
}

/// One lifecycle flow of one pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowStep {
    /// The flow that runs: the step's own name, or the one the pack's flow hints name.
    pub flow: String,
    /// The lifecycle step it serves (`setup_default`, `verify_webhooks`, ...).
    pub step: String,
    pub disposition: Disposition,
    /// (run) How the pack's flow for the step was found.
    pub found: Option<FlowMatch>,
}

/// Whether a flow runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disposition {
    Run,
    Skip {
        reason: SkipReason,
    },
    /// The pack has no flow for the step and its provider's `apply-answers` does it (setup,
    /// update, remove): no flow runs, and the provider's verdict is the pack's `contract`.
    Contract,
    /// (setup) The pack has neither a flow nor a contract for the step and says its provider
    /// needs no setup (`requires_setup: false`): it passes with nothing to do.
    NothingToDo,
}

/// Why a flow does not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// The pack does not declare this optional flow.
    NotDeclared,
    /// The pack lacks its setup flow and `--allow-missing-setup` was given.
    MissingSetupAllowed,
}

impl SkipReason {
    pub fn describe(self) -> &'static str {
        match self {
            SkipReason::NotDeclared => "not declared by the pack",
            SkipReason::MissingSetupAllowed => "not declared; allowed by --allow-missing-setup",
        }
    }
}
