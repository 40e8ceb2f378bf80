//! The webhook ingress a pack declares (`messaging.provider_ingress.v1`): the component a host
//! serving webhooks calls, the function it calls (`export`, e.g. `handle-webhook`) and the
//! world the component implements. The operator serves no webhooks: the doctor judges the
//! component by this declaration rather than as a flow node.

use greentic_types::pack_manifest::ExtensionInline;
use serde::Deserialize;
use serde_json::Value;

/// The extension declaring a messaging provider's webhook ingress.
pub const INGRESS_EXTENSION: &str = "messaging.provider_ingress.v1";

/// One ingress declaration.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct IngressDeclaration {
    pub component_ref: String,
    /// The function a webhook host calls (`handle-webhook`, or `ingest-http` when the
    /// provider component is its own ingress).
    #[serde(default)]
    pub export: String,
    #[serde(default)]
    pub world: String,
}

/// The ingress declarations of a decoded manifest: its payload as one object (as Greentic
/// publishes it) or a list of them; none when absent or unreadable.
pub(super) fn declared(manifest: &greentic_types::PackManifest) -> Vec<IngressDeclaration> {
    let payload = manifest
        .extensions
        .as_ref()
        .and_then(|extensions| extensions.get(INGRESS_EXTENSION))
        .and_then(|extension| extension.inline.as_ref())
        .and_then(|inline| match inline {
            ExtensionInline::Other(value) => Some(value.clone()),
            other => serde_json::to_value(other).ok(),
        });
    match payload {
        Some(Value::Array(items)) => items
            .into_iter()
            .filter_map(|item| serde_json::from_value(item).ok())
            .collect(),
        Some(value) => serde_json::from_value(value).into_iter().collect(),
        None => Vec::new(),
    }
}
