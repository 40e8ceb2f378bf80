//! What a pack's capability offers (`greentic.ext.capabilities.v1`) say about setup: Greentic's
//! 2026 packs mark an offer `requires_setup: false` when the provider works as installed (the
//! events webhook), and name the setup questions of one that needs it (`setup {qa_ref}`).

use greentic_types::pack_manifest::ExtensionInline;
use serde::Deserialize;
use serde_json::Value;

/// The extension holding a pack's capability offers.
pub const CAPABILITIES_EXTENSION: &str = "greentic.ext.capabilities.v1";

/// What the offers of one pack say about its setup.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SetupOffers {
    /// The offers' ids (`events-webhook-v1`), in declaration order.
    pub offer_ids: Vec<String>,
    /// Every offer says `requires_setup: false`: the provider needs no setup to work.
    pub no_setup_required: bool,
}

#[derive(Deserialize)]
struct Payload {
    #[serde(default)]
    offers: Vec<Offer>,
}

#[derive(Deserialize)]
struct Offer {
    #[serde(default)]
    offer_id: String,
    /// Greentic's packs omit it on an offer that needs setup.
    #[serde(default = "needs_setup")]
    requires_setup: bool,
}

fn needs_setup() -> bool {
    true
}

/// The offers of a decoded manifest; `None` when it declares none (or they cannot be read).
pub(super) fn declared(manifest: &greentic_types::PackManifest) -> Option<SetupOffers> {
    let payload = manifest
        .extensions
        .as_ref()?
        .get(CAPABILITIES_EXTENSION)?
        .inline
        .as_ref()
        .and_then(|inline| match inline {
            ExtensionInline::Other(value) => Some(value.clone()),
            other => serde_json::to_value(other).ok(),
        })?;
    read(payload)
}

fn read(payload: Value) -> Option<SetupOffers> {
    let payload: Payload = serde_json::from_value(payload).ok()?;
    if payload.offers.is_empty() {
        return None;
    }
    Some(SetupOffers {
        no_setup_required: payload.offers.iter().all(|o| !o.requires_setup),
        offer_ids: payload.offers.into_iter().map(|o| o.offer_id).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_offer_without_requires_setup_needs_setup() {
        let offers = |v: Value| read(json!({"schema_version": 1, "offers": v}));
        let webhook = offers(json!([{"offer_id": "events-webhook-v1", "requires_setup": false}]));
        assert_eq!(
            webhook,
            Some(SetupOffers {
                offer_ids: vec!["events-webhook-v1".into()],
                no_setup_required: true
            })
        );
        let mixed = offers(json!([{"offer_id": "a", "requires_setup": false}, {"offer_id": "b"}]));
        assert!(!mixed.unwrap().no_setup_required);
        assert_eq!(offers(json!([])), None);
    }
}
