//! The plan as the lifecycle document shows it: each pack, its flows (run or skipped and why)
//! or its error, and what setup and diagnostics know of it. Never a value of an answer.

use std::collections::BTreeMap;
use std::path::PathBuf;

use schemars::JsonSchema;
use serde::Serialize;

use super::{ActionName, DomainChoice, DomainName};
use crate::pack::manifest::{ManifestForm, PackInfo, ProviderContract, SecretRequirement};
use crate::plan::{
    ContractReport, Disposition, FlowStep, LoginState, LoginStatus, PackError, PlannedPack,
    ProviderNeeds, SecretPresence, SkipReason, StoredData,
};
use crate::plan::{Plan, PlanSection};
use qa_spec::QuestionType;

use crate::setup::answers::{AnswerChange, AnswerSource, AnswerStatus, Broken, IgnoredKey};
use crate::setup::contract::apply::ContractVerdict;
use crate::setup::contract::qa::{Disagreement, DisagreementKind};
use crate::setup::device_code::metadata::DeviceCodeMetadata;

#[derive(Debug, Serialize, JsonSchema)]
pub struct PlanView {
    pub domain: DomainChoice,
    pub action: ActionName,
    /// The providers folder looked at (`all`: the project's `providers/`).
    pub providers_dir: PathBuf,
    pub providers_dir_exists: bool,
    /// Each domain's providers folder, in plan order.
    pub sections: Vec<SectionView>,
    pub packs: Vec<PackView>,
}

impl From<&Plan> for PlanView {
    fn from(plan: &Plan) -> Self {
        Self {
            domain: plan.domain.into(),
            action: plan.action.into(),
            providers_dir: plan.providers_dir.clone(),
            providers_dir_exists: plan.providers_dir_exists,
            sections: plan.sections.iter().map(SectionView::from).collect(),
            packs: plan.packs.iter().map(PackView::from).collect(),
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SectionView {
    pub domain: DomainName,
    pub providers_dir: PathBuf,
    pub providers_dir_exists: bool,
}

impl From<&PlanSection> for SectionView {
    fn from(section: &PlanSection) -> Self {
        Self {
            domain: section.domain.into(),
            providers_dir: section.providers_dir.clone(),
            providers_dir_exists: section.providers_dir_exists,
        }
    }
}

/// One pack file and what happens to it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PackView {
    pub domain: DomainName,
    pub path: PathBuf,
    pub file_name: String,
    /// The pack id when known, else the file stem.
    pub label: String,
    /// What its manifest says; absent when it cannot be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info: Option<PackInfoView>,
    /// Its lifecycle flows (empty when the pack is in error).
    pub steps: Vec<StepView>,
    /// Why the pack cannot run at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<PackErrorView>,
    /// (setup) Each question and where its answer comes from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<AnswerView>,
    /// (setup) Keys of the `--answers` file no question asks: neither kept nor passed on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignored_answers: Vec<IgnoredAnswerView>,
    /// (diagnostics) Each secret requirement and whether the store holds it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<SecretPresenceView>,
    /// (setup) The device-code login run after the setup flow passes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_code: Option<DeviceCodeView>,
    /// (diagnostics) Where that login stands for this tenant and team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login: Option<LoginView>,
    /// (setup) The provider contract, and what came of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract: Option<ContractView>,
    /// (remove) What the operator keeps for the provider in this tenant and team: what its
    /// removal deletes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored: Option<StoredView>,
    /// (requirements) What the provider needs before setup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs: Option<NeedsView>,
}

/// What a provider needs before setup, from its pack; `stored` fields only with a tenant.
#[derive(Debug, Serialize, JsonSchema)]
pub struct NeedsView {
    pub questions: Vec<QuestionNeedView>,
    pub secrets: Vec<SecretNeedView>,
    /// It asks for the project's public URL.
    pub public_base_url: bool,
    /// (with a tenant) Whether the project has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_base_url_known: Option<bool>,
    /// It declares a device-code login (where it stands: the pack's `login`).
    pub device_code: bool,
    /// Its setup questions cannot be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form_error: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct QuestionNeedView {
    pub name: String,
    pub title: String,
    pub kind: QuestionKind,
    pub required: bool,
    pub secret: bool,
    /// Its rule in words (choices, pattern, bounds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Asked only when another answer shows it.
    pub conditional: bool,
    /// Secret requirements its answer also meets.
    pub covers: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored: Option<bool>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SecretNeedView {
    pub key: String,
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored: Option<bool>,
}

impl From<&ProviderNeeds> for NeedsView {
    fn from(needs: &ProviderNeeds) -> Self {
        Self {
            questions: needs
                .questions
                .iter()
                .map(|q| QuestionNeedView {
                    name: q.name.clone(),
                    title: q.title.clone(),
                    kind: q.kind.into(),
                    required: q.required,
                    secret: q.secret,
                    rule: q.rule.clone(),
                    conditional: q.conditional,
                    covers: q.covers.clone(),
                    stored: q.stored,
                })
                .collect(),
            secrets: needs
                .secrets
                .iter()
                .map(|s| SecretNeedView {
                    key: s.key.clone(),
                    required: s.required,
                    answered_by: s.answered_by.clone(),
                    stored: s.stored,
                })
                .collect(),
            public_base_url: needs.public_base_url,
            public_base_url_known: needs.public_base_url_known,
            device_code: needs.device_code,
            form_error: needs.form_error.clone(),
        }
    }
}

/// Files under the state folder and keys of the dev secrets store (URIs, never a value).
#[derive(Debug, Serialize, JsonSchema)]
pub struct StoredView {
    pub files: Vec<PathBuf>,
    pub secrets: Vec<String>,
}

impl From<&StoredData> for StoredView {
    fn from(stored: &StoredData) -> Self {
        Self {
            files: stored.files.clone(),
            secrets: stored.secrets.clone(),
        }
    }
}

impl From<&PlannedPack> for PackView {
    fn from(pack: &PlannedPack) -> Self {
        Self {
            domain: pack.domain.into(),
            path: pack.path.clone(),
            file_name: pack.file_name.clone(),
            label: pack.label.clone(),
            info: pack.info.as_ref().map(PackInfoView::from),
            steps: pack.steps.iter().map(StepView::from).collect(),
            error: pack.error.as_ref().map(PackErrorView::from),
            answers: pack.answers.iter().map(AnswerView::from).collect(),
            ignored_answers: pack.ignored_answers.iter().map(Into::into).collect(),
            secrets: pack.secrets.iter().map(Into::into).collect(),
            device_code: pack.device_code.as_ref().map(DeviceCodeView::from),
            login: pack.login.as_ref().map(LoginView::from),
            contract: pack.contract.as_ref().map(ContractView::from),
            stored: pack.stored.as_ref().map(StoredView::from),
            needs: pack.needs.as_ref().map(NeedsView::from),
        }
    }
}

/// What a pack's manifest declares.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PackInfoView {
    pub pack_id: String,
    pub version: String,
    /// Declared flow ids, sorted.
    pub flows: Vec<String>,
    pub form: ManifestFormView,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secret_requirements: Vec<SecretRequirementView>,
    /// The providers of its `greentic.provider-extension.v1`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub providers: Vec<ProviderView>,
}

impl From<&PackInfo> for PackInfoView {
    fn from(info: &PackInfo) -> Self {
        Self {
            pack_id: info.pack_id.clone(),
            version: info.version.clone(),
            flows: info.flows.clone(),
            form: info.form.into(),
            secret_requirements: info.secret_requirements.iter().map(Into::into).collect(),
            providers: info.providers.iter().map(ProviderView::from).collect(),
        }
    }
}

/// Which manifest the pack has: only `cbor` runs.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ManifestFormView {
    Cbor,
    LegacyJson,
    Older,
}

impl From<ManifestForm> for ManifestFormView {
    fn from(form: ManifestForm) -> Self {
        match form {
            ManifestForm::Cbor => ManifestFormView::Cbor,
            ManifestForm::LegacyJson => ManifestFormView::LegacyJson,
            ManifestForm::Older => ManifestFormView::Older,
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SecretRequirementView {
    pub key: String,
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl From<&SecretRequirement> for SecretRequirementView {
    fn from(requirement: &SecretRequirement) -> Self {
        Self {
            key: requirement.key.clone(),
            required: requirement.required,
            description: requirement.description.clone(),
        }
    }
}

/// A provider the pack declares, and the component implementing it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ProviderView {
    pub provider_type: String,
    pub ops: Vec<String>,
    pub config_schema_ref: String,
    pub component_ref: String,
    pub export: String,
    pub world: String,
}

impl From<&ProviderContract> for ProviderView {
    fn from(provider: &ProviderContract) -> Self {
        Self {
            provider_type: provider.provider_type.clone(),
            ops: provider.ops.clone(),
            config_schema_ref: provider.config_schema_ref.clone(),
            component_ref: provider.runtime.component_ref.clone(),
            export: provider.runtime.export.clone(),
            world: provider.runtime.world.clone(),
        }
    }
}

/// One lifecycle flow: it runs, or is skipped for a reason.
#[derive(Debug, Serialize, JsonSchema)]
pub struct StepView {
    /// The flow that runs: the step's own name, or the flow the pack's
    /// `messaging.provider_flow_hints` name for it.
    pub flow: String,
    /// The lifecycle step (`setup_default`, `diagnostics`, `verify_webhooks`, ...).
    pub step: String,
    #[serde(flatten)]
    pub disposition: DispositionView,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(tag = "disposition", rename_all = "snake_case")]
pub enum DispositionView {
    Run,
    Skip { reason: SkipReasonView },
}

#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SkipReasonView {
    /// The pack does not declare this optional flow.
    NotDeclared,
    /// The pack lacks its setup flow and `--allow-missing-setup` was given.
    MissingSetupAllowed,
}

impl From<&FlowStep> for StepView {
    fn from(step: &FlowStep) -> Self {
        let disposition = match step.disposition {
            Disposition::Run => DispositionView::Run,
            Disposition::Skip { reason } => DispositionView::Skip {
                reason: match reason {
                    SkipReason::NotDeclared => SkipReasonView::NotDeclared,
                    SkipReason::MissingSetupAllowed => SkipReasonView::MissingSetupAllowed,
                },
            },
        };
        Self {
            flow: step.flow.clone(),
            step: step.step.clone(),
            disposition,
        }
    }
}

/// Why a pack cannot run: a kind to branch on, and the reason in words.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PackErrorView {
    pub kind: PackErrorKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PackErrorKind {
    Unreadable,
    NotAPack,
    DuplicateId,
    MissingFlows,
    LegacyOnly,
    OlderFormat,
    Setup,
    DeviceCode,
    Contract,
    /// The provider refused the answers, or its configuration broke its schema.
    Rejected,
}

impl From<&PackError> for PackErrorView {
    fn from(error: &PackError) -> Self {
        let kind = match error {
            PackError::Unreadable(_) => PackErrorKind::Unreadable,
            PackError::NotAPack(_) => PackErrorKind::NotAPack,
            PackError::DuplicateId { .. } => PackErrorKind::DuplicateId,
            PackError::MissingFlows { .. } => PackErrorKind::MissingFlows,
            PackError::LegacyOnly => PackErrorKind::LegacyOnly,
            PackError::OlderFormat { .. } => PackErrorKind::OlderFormat,
            PackError::Setup(_) => PackErrorKind::Setup,
            PackError::DeviceCode(_) => PackErrorKind::DeviceCode,
            PackError::Contract(_) => PackErrorKind::Contract,
            PackError::Rejected(_) => PackErrorKind::Rejected,
        };
        Self {
            kind,
            message: error.to_string(),
        }
    }
}

/// One setup question: its kind, whether it is secret or required, where its answer comes
/// from, and the rule it breaks. Never the value.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AnswerView {
    pub name: String,
    pub kind: QuestionKind,
    pub secret: bool,
    pub required: bool,
    /// Absent when nothing answered it.
    pub source: Option<AnswerSourceView>,
    /// Secret requirements this question also answers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub covers: Vec<String>,
    /// Hidden by `visible_if`: neither asked nor required.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hidden: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broken: Option<BrokenView>,
    /// (update) Its answer against the stored one; never either value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<AnswerChangeView>,
}

#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnswerChangeView {
    Unchanged,
    Changed,
    /// Nothing was stored for it.
    New,
}

impl From<AnswerChange> for AnswerChangeView {
    fn from(change: AnswerChange) -> Self {
        match change {
            AnswerChange::Unchanged => AnswerChangeView::Unchanged,
            AnswerChange::Changed => AnswerChangeView::Changed,
            AnswerChange::New => AnswerChangeView::New,
        }
    }
}

impl From<&AnswerStatus> for AnswerView {
    fn from(status: &AnswerStatus) -> Self {
        Self {
            name: status.name.clone(),
            kind: status.kind.into(),
            secret: status.secret,
            required: status.required,
            source: status.source.map(Into::into),
            covers: status.covers.clone(),
            hidden: status.hidden,
            broken: status.broken.as_ref().map(BrokenView::from),
            change: status.change.map(Into::into),
        }
    }
}

/// A question's kind, as Greentic's form model (qa-spec) names it.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    String,
    Boolean,
    Integer,
    Number,
    Enum,
    List,
}

impl From<QuestionType> for QuestionKind {
    fn from(kind: QuestionType) -> Self {
        match kind {
            QuestionType::String => QuestionKind::String,
            QuestionType::Boolean => QuestionKind::Boolean,
            QuestionType::Integer => QuestionKind::Integer,
            QuestionType::Number => QuestionKind::Number,
            QuestionType::Enum => QuestionKind::Enum,
            QuestionType::List => QuestionKind::List,
        }
    }
}

/// Where an answer came from.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnswerSourceView {
    Default,
    Stored,
    SecretsStore,
    PublicBaseUrlFlag,
    TunnelFile,
    AnswersFile,
    Prompt,
    /// Typed at the prompt for an earlier pack of the same run.
    SharedPrompt,
}

impl From<AnswerSource> for AnswerSourceView {
    fn from(source: AnswerSource) -> Self {
        match source {
            AnswerSource::Default => AnswerSourceView::Default,
            AnswerSource::Stored => AnswerSourceView::Stored,
            AnswerSource::SecretsStore => AnswerSourceView::SecretsStore,
            AnswerSource::PublicBaseUrlFlag => AnswerSourceView::PublicBaseUrlFlag,
            AnswerSource::TunnelFile => AnswerSourceView::TunnelFile,
            AnswerSource::AnswersFile => AnswerSourceView::AnswersFile,
            AnswerSource::Prompt => AnswerSourceView::Prompt,
            AnswerSource::SharedPrompt => AnswerSourceView::SharedPrompt,
        }
    }
}

/// The rule an answer breaks (never the value).
#[derive(Debug, Serialize, JsonSchema)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum BrokenView {
    Missing,
    Kind { expected: String },
    Choice { choices: Vec<String> },
    Pattern { regex: String },
    Limit { detail: String },
}

impl From<&Broken> for BrokenView {
    fn from(broken: &Broken) -> Self {
        match broken {
            Broken::Missing => BrokenView::Missing,
            Broken::Kind { expected } => BrokenView::Kind {
                expected: expected.to_string(),
            },
            Broken::Choice { choices } => BrokenView::Choice {
                choices: choices.clone(),
            },
            Broken::Pattern { regex } => BrokenView::Pattern {
                regex: regex.clone(),
            },
            Broken::Limit { detail } => BrokenView::Limit {
                detail: detail.clone(),
            },
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct IgnoredAnswerView {
    pub key: String,
    /// The question it may have meant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nearest: Option<String>,
}

impl From<&IgnoredKey> for IgnoredAnswerView {
    fn from(key: &IgnoredKey) -> Self {
        Self {
            key: key.key.clone(),
            nearest: key.nearest.clone(),
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SecretPresenceView {
    pub key: String,
    pub required: bool,
    pub present: bool,
    /// The setup question answering it under another name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_by: Option<String>,
}

impl From<&SecretPresence> for SecretPresenceView {
    fn from(presence: &SecretPresence) -> Self {
        Self {
            key: presence.key.clone(),
            required: presence.required,
            present: presence.present,
            answered_by: presence.answered_by.clone(),
        }
    }
}

/// What a provider's device-code login will do: where it logs in, with which scopes, and the
/// names of what it stores.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DeviceCodeView {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub device_code_url: String,
    pub token_url: String,
    pub scopes: Vec<String>,
    /// Its setup modes, by name, and the one used when the answers name none.
    pub modes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_mode: Option<String>,
    /// The answer keys kept in the secrets store and in `setup-answers.json`.
    pub stores_secrets: Vec<String>,
    pub stores_config: Vec<String>,
    /// The ids of the requests made with the token after the login.
    pub discovery: Vec<String>,
}

impl From<&DeviceCodeMetadata> for DeviceCodeView {
    fn from(meta: &DeviceCodeMetadata) -> Self {
        let values = |map: &BTreeMap<String, String>| map.values().cloned().collect();
        Self {
            label: meta.label.clone(),
            device_code_url: meta.device_code_url.clone(),
            token_url: meta.token_url.clone(),
            scopes: meta.scopes.clone(),
            modes: meta.setup_modes.keys().cloned().collect(),
            default_mode: meta.default_mode.clone(),
            stores_secrets: values(&meta.secrets_out),
            stores_config: values(&meta.config_out),
            discovery: meta
                .post_login_discovery
                .iter()
                .map(|s| s.id.clone())
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct LoginView {
    pub status: LoginStatusView,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
    pub state_file: PathBuf,
}

#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LoginStatusView {
    Complete,
    Pending,
    Failed,
    NotStarted,
    /// The state file exists but cannot be read.
    Unreadable,
}

impl From<&LoginState> for LoginView {
    fn from(login: &LoginState) -> Self {
        Self {
            status: match login.status {
                LoginStatus::Complete => LoginStatusView::Complete,
                LoginStatus::Pending => LoginStatusView::Pending,
                LoginStatus::Failed => LoginStatusView::Failed,
                LoginStatus::NotStarted => LoginStatusView::NotStarted,
                LoginStatus::Unreadable => LoginStatusView::Unreadable,
            },
            detail: login.detail.clone(),
            updated_at: login.updated_at,
            state_file: login.state_file.clone(),
        }
    }
}

/// A provider's contract in a setup.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ContractView {
    pub provider_type: String,
    pub ops: Vec<String>,
    pub config_schema_ref: String,
    pub component_ref: String,
    /// The ids its `qa-spec` asks.
    pub provider_questions: Vec<String>,
    /// Where its `qa-spec` and `setup.yaml` differ.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disagreements: Vec<DisagreementView>,
    /// What `apply-answers` came to (absent in a dry run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<VerdictView>,
}

impl From<&ContractReport> for ContractView {
    fn from(report: &ContractReport) -> Self {
        Self {
            provider_type: report.provider_type.clone(),
            ops: report.ops.clone(),
            config_schema_ref: report.config_schema_ref.clone(),
            component_ref: report.component_ref.clone(),
            provider_questions: report.provider_questions.clone(),
            disagreements: report.disagreements.iter().map(Into::into).collect(),
            verdict: report.verdict.as_ref().map(VerdictView::from),
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct DisagreementView {
    pub question: String,
    #[serde(flatten)]
    pub kind: DisagreementKindView,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(tag = "disagreement", rename_all = "snake_case")]
pub enum DisagreementKindView {
    /// Asked by the provider, not by `setup.yaml` (asked all the same).
    OnlyProvider { required: bool },
    /// Asked by `setup.yaml`, not by the provider.
    OnlySetupYaml,
    /// Required on one side only (it is required).
    Required { provider: bool, setup_yaml: bool },
    /// Different kinds (`setup.yaml`'s is used).
    Kind {
        provider: String,
        setup_yaml: String,
    },
}

impl From<&Disagreement> for DisagreementView {
    fn from(disagreement: &Disagreement) -> Self {
        let kind = match &disagreement.kind {
            DisagreementKind::OnlyProvider { required } => DisagreementKindView::OnlyProvider {
                required: *required,
            },
            DisagreementKind::OnlySetupYaml => DisagreementKindView::OnlySetupYaml,
            DisagreementKind::Required {
                provider,
                setup_yaml,
            } => DisagreementKindView::Required {
                provider: *provider,
                setup_yaml: *setup_yaml,
            },
            DisagreementKind::Kind {
                provider,
                setup_yaml,
            } => DisagreementKindView::Kind {
                provider: provider.clone(),
                setup_yaml: setup_yaml.clone(),
            },
        };
        Self {
            question: disagreement.question.clone(),
            kind,
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum VerdictView {
    /// Accepted; `kept` names the values kept (never a secret's value).
    Configured { kept: Vec<String> },
    /// Refused, or its configuration broke its schema: nothing kept.
    Rejected {
        error: String,
        diagnostics: Vec<String>,
    },
    /// No `apply-answers`: the setup flow decides.
    NotDeclared,
}

impl From<&ContractVerdict> for VerdictView {
    fn from(verdict: &ContractVerdict) -> Self {
        match verdict {
            ContractVerdict::Configured { kept } => VerdictView::Configured { kept: kept.clone() },
            ContractVerdict::Rejected { error, diagnostics } => VerdictView::Rejected {
                error: error.clone(),
                diagnostics: diagnostics.clone(),
            },
            ContractVerdict::NotDeclared => VerdictView::NotDeclared,
        }
    }
}
