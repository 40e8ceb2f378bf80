//! The plan as the lifecycle document shows it: each pack, its flows (run or skipped and why)
//! or its error, and what setup, diagnostics, remove and requirements know of it (in
//! [`super::answers`], [`super::pack_info`], [`super::needs`]). Never a value of an answer.

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::Serialize;

use super::answers::{AnswerView, IgnoredAnswerView, SecretPresenceView};
use super::needs::{NeedsView, StoredView};
use super::pack_info::{ContractView, DeviceCodeView, LoginView, PackInfoView};
use super::{ActionName, DomainChoice, DomainName};
use crate::pack::manifest::FlowMatch;
use crate::plan::{Disposition, FlowStep, PackError, Plan, PlanSection, PlannedPack, SkipReason};

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
    /// (run) How the pack's flow for the step was found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub found: Option<FoundView>,
}

/// How a step found the pack's flow for it.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FoundView {
    /// A flow of the step's own name.
    Named,
    /// The flow the pack's flow hints name.
    Hint,
    /// A flow whose entrypoints list the step.
    Entrypoint,
    /// The step's name spelled with `-` (`setup-default`).
    Spelling,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(tag = "disposition", rename_all = "snake_case")]
pub enum DispositionView {
    Run,
    Skip {
        reason: SkipReasonView,
    },
    /// No flow: the provider's `apply-answers` does the step (setup, update); its verdict is
    /// the pack's `contract`.
    Contract,
    /// (setup) Neither a flow nor a contract, and the pack says its provider needs no setup
    /// (`requires_setup: false`): a pass with nothing to do.
    NothingToDo,
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
            Disposition::Contract => DispositionView::Contract,
            Disposition::NothingToDo => DispositionView::NothingToDo,
        };
        Self {
            flow: step.flow.clone(),
            step: step.step.clone(),
            disposition,
            found: step.found.map(|found| match found {
                FlowMatch::Named => FoundView::Named,
                FlowMatch::Hint => FoundView::Hint,
                FlowMatch::Entrypoint => FoundView::Entrypoint,
                FlowMatch::Spelling => FoundView::Spelling,
            }),
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
            PackError::DuplicateId { .. } | PackError::StoreNameShared { .. } => {
                PackErrorKind::DuplicateId
            }
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
