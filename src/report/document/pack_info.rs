//! What a pack declares, in the lifecycle document: its manifest, its providers and contract,
//! its device-code login and where that login stands.

use std::collections::BTreeMap;
use std::path::PathBuf;

use schemars::JsonSchema;
use serde::Serialize;

use crate::pack::manifest::{ManifestForm, PackInfo, ProviderContract, SecretRequirement};
use crate::plan::{ContractReport, LoginState, LoginStatus};
use crate::setup::contract::apply::ContractVerdict;
use crate::setup::contract::qa::{Disagreement, DisagreementKind};
use crate::setup::device_code::metadata::DeviceCodeMetadata;

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
