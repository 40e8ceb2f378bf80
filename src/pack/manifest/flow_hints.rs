//! The flows a pack names for its lifecycle steps (`messaging.provider_flow_hints`, or the
//! events equivalent): `{provider_type: {setup_default: <flow id>, update: ..., remove: ...}}`.
//! A step runs the flow its hint names; without a hint, the domain table's default name.

use std::collections::BTreeMap;

use greentic_types::pack_manifest::ExtensionInline;
use serde_json::Value;

/// The extensions that carry flow hints, one per domain that has them.
pub const FLOW_HINTS_EXTENSIONS: [&str; 2] = [
    "messaging.provider_flow_hints",
    "events.provider_flow_hints",
];

/// Step key (`setup_default`, `update`, ...) -> the flow id the pack names for it, over every
/// provider type the pack declares hints for (the first provider type, in name order, wins a
/// step two of them name differently).
pub type FlowHints = BTreeMap<String, String>;

/// The hints of a manifest; empty when it declares none or they cannot be read.
pub(super) fn read(manifest: &greentic_types::PackManifest) -> FlowHints {
    let Some(extensions) = manifest.extensions.as_ref() else {
        return FlowHints::new();
    };
    let mut hints = FlowHints::new();
    for key in FLOW_HINTS_EXTENSIONS {
        let payload = extensions
            .get(key)
            .and_then(|extension| extension.inline.as_ref())
            .and_then(inline_value);
        if let Some(Value::Object(by_provider)) = payload {
            for steps in by_provider.values() {
                merge(&mut hints, steps);
            }
        }
    }
    hints
}

fn inline_value(inline: &ExtensionInline) -> Option<Value> {
    match inline {
        ExtensionInline::Other(value) => Some(value.clone()),
        other => serde_json::to_value(other).ok(),
    }
}

/// Adds one provider type's `{step: flow}` map; steps already named keep their flow.
fn merge(hints: &mut FlowHints, steps: &Value) {
    let Some(steps) = steps.as_object() else {
        return;
    };
    for (step, flow) in steps {
        if let Some(flow) = flow.as_str().filter(|f| !f.is_empty()) {
            hints
                .entry(step.clone())
                .or_insert_with(|| flow.to_string());
        }
    }
}
