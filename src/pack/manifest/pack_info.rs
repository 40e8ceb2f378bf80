//! What the operator knows of a pack once its manifest is read (`PackInfo`), and the questions
//! asked of it: a component's world, a node's component, the provider whose contract setup follows.

use std::collections::BTreeMap;

use serde::Serialize;

use super::capabilities;
use super::flow_hints;
use super::setup_entries::SetupEntries;
use super::{APPLY_ANSWERS_OP, IngressDeclaration, NodeCall, ProviderContract, QA_SPEC_OP};

/// Which manifest form a pack's facts came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManifestForm {
    /// `manifest.cbor`: runnable.
    Cbor,
    /// `pack.manifest.json` only: plannable, but the runner cannot run it.
    LegacyJson,
    /// The shape of before greentic-pack 1.0 (in `manifest.cbor` or `manifest.json`):
    /// plannable, but the runner cannot run it.
    Older,
}

/// What the operator needs to know about a pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackInfo {
    pub pack_id: String,
    pub version: String,
    /// Declared flow ids, sorted and without duplicates.
    pub flows: Vec<String>,
    pub form: ManifestForm,
    /// The manifest's `secret_requirements`, in declaration order.
    pub secret_requirements: Vec<SecretRequirement>,
    /// The components the manifest lists, with the world each declares.
    pub components: Vec<ComponentWorld>,
    /// For each flow, what each node calls as the runner judges it (node id -> call).
    pub flow_nodes: BTreeMap<String, BTreeMap<String, NodeCall>>,
    /// The pack's setup entries (`setup.yaml`, `secret-requirements.json`), read in the same
    /// pass as the manifest and parsed by whoever needs them.
    pub setup_entries: SetupEntries,
    /// The inline payload of the `messaging.oauth_device_code.v1` extension, unchecked (the
    /// device-code action reads it); `null` when the extension is declared without one.
    pub oauth_device_code: Option<serde_json::Value>,
    /// The providers the pack declares in `greentic.provider-extension.v1`, each with its
    /// config schema file.
    pub providers: Vec<ProviderContract>,
    /// The flow the pack names for each lifecycle step (`messaging.provider_flow_hints`).
    pub flow_hints: flow_hints::FlowHints,
    /// The webhook ingress the pack declares (`messaging.provider_ingress.v1`).
    pub ingress: Vec<IngressDeclaration>,
    /// Each flow's entrypoint names (`setup` for `setup_default`): entrypoint -> flow id.
    pub entrypoints: BTreeMap<String, String>,
    /// What its capability offers (`greentic.ext.capabilities.v1`) say about setup.
    pub setup_offers: Option<capabilities::SetupOffers>,
}

/// One secret a pack declares it needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct SecretRequirement {
    pub key: String,
    /// Greentic's packs omit it in `secret-requirements.json`, meaning required.
    #[serde(default = "required_by_default")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

fn required_by_default() -> bool {
    true
}

/// A component a pack lists, and the WIT world its manifest says it implements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentWorld {
    pub id: String,
    pub world: String,
}

impl PackInfo {
    /// The world the component `id` declares, when the pack lists it.
    pub fn component_world(&self, id: &str) -> Option<&str> {
        self.components
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.world.as_str())
    }

    /// The component node `node` of `flow` calls (as the runner resolves it), else its id as
    /// written.
    pub fn node_component(&self, flow: &str, node: &str) -> Option<&str> {
        let call = self.flow_nodes.get(flow)?.get(node)?;
        Some(call.component().unwrap_or(&call.written))
    }

    pub fn declares(&self, flow: &str) -> bool {
        self.flows
            .binary_search_by(|f| f.as_str().cmp(flow))
            .is_ok()
    }

    /// The provider whose contract setup follows: the first that declares `qa-spec` or
    /// `apply-answers` (Greentic's packs declare one provider each).
    pub fn contract_provider(&self) -> Option<&ProviderContract> {
        self.providers
            .iter()
            .find(|p| p.declares_op(QA_SPEC_OP) || p.declares_op(APPLY_ANSWERS_OP))
    }

    /// Whether its provider's `apply-answers` can do a lifecycle step the pack has no flow for.
    pub fn contract_applies(&self) -> bool {
        self.contract_provider()
            .is_some_and(|p| p.declares_op(APPLY_ANSWERS_OP))
    }

    /// Whether its capability offers say its provider needs no setup (`requires_setup: false`).
    pub fn needs_no_setup(&self) -> bool {
        self.setup_offers
            .as_ref()
            .is_some_and(|offers| offers.no_setup_required)
    }
}

/// Flow ids sorted and without duplicates, as `PackInfo::flows` holds them.
pub(super) fn sorted_unique(flows: impl Iterator<Item = String>) -> Vec<String> {
    let mut flows: Vec<String> = flows.collect();
    flows.sort();
    flows.dedup();
    flows
}
