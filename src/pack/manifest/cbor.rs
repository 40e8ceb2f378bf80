//! `manifest.cbor` read: greentic-pack 1.x's manifest through greentic-types, else the older
//! shape of before greentic-pack 1.0, else the decoder's complaint in words.

use serde_json::Value;

use super::legacy_json;
use super::pack_info::sorted_unique;
use super::{
    CBOR_MANIFEST, ComponentWorld, DEVICE_CODE_EXTENSION, ManifestError, ManifestForm, NodeCall,
    PackInfo, SCHEMA_VERSION, SecretRequirement, SetupEntries, capabilities, flow_hints, ingress,
    provider,
};

/// `manifest.cbor`: greentic-pack 1.x's manifest, else the older shape of before 1.0.
pub(super) fn from_cbor(raw: &[u8]) -> Result<PackInfo, ManifestError> {
    let manifest = match greentic_types::decode_pack_manifest(raw) {
        Ok(manifest) => manifest,
        Err(err) => return from_older_cbor(raw, &err.to_string()),
    };
    if manifest.schema_version != SCHEMA_VERSION {
        return Err(ManifestError::UnknownSchema(manifest.schema_version));
    }
    let flows = manifest.flows.iter().map(|entry| entry.id.to_string());
    Ok(PackInfo {
        pack_id: manifest.pack_id.to_string(),
        version: manifest.version.to_string(),
        flows: sorted_unique(flows),
        form: ManifestForm::Cbor,
        secret_requirements: manifest
            .secret_requirements
            .iter()
            .map(|req| SecretRequirement {
                key: req.key.as_str().to_string(),
                required: req.required,
                description: req.description.clone(),
            })
            .collect(),
        components: manifest
            .components
            .iter()
            .map(|c| ComponentWorld {
                id: c.id.to_string(),
                world: c.world.clone(),
            })
            .collect(),
        flow_nodes: manifest
            .flows
            .iter()
            .map(|entry| {
                let nodes = entry.flow.nodes.iter();
                let nodes = nodes.map(|(id, node)| (id.to_string(), NodeCall::of(node)));
                (entry.id.to_string(), nodes.collect())
            })
            .collect(),
        setup_entries: SetupEntries::default(),
        oauth_device_code: device_code_payload(&manifest),
        providers: provider::declared_providers(&manifest),
        flow_hints: flow_hints::read(&manifest),
        ingress: ingress::declared(&manifest),
        entrypoints: manifest
            .flows
            .iter()
            .flat_map(|entry| {
                let id = entry.id.to_string();
                entry
                    .entrypoints
                    .iter()
                    .map(move |e| (e.clone(), id.clone()))
            })
            .collect(),
        setup_offers: capabilities::declared(&manifest),
    })
}

/// A `manifest.cbor` greentic-types cannot decode: read generically, it may be the older
/// shape; else the decoder's complaint, in words (`missing field `flow``, not its
/// `Semantic(None, ...)`).
fn from_older_cbor(raw: &[u8], decoder_error: &str) -> Result<PackInfo, ManifestError> {
    let generic: Option<Value> = ciborium::from_reader::<ciborium::Value, _>(raw)
        .ok()
        .and_then(|value| serde_json::to_value(untagged(value)).ok());
    match generic {
        Some(doc) if legacy_json::is_older_shape(&doc) => {
            legacy_json::from_value(&doc, CBOR_MANIFEST, ManifestForm::Older)
        }
        _ => Err(ManifestError::Cbor {
            message: decoder_words(decoder_error),
        }),
    }
}

/// `value` without its CBOR tags, at any depth. Greentic's older packs open with the
/// self-describing tag (55799, bytes `d9 d9 f7`), which serde would otherwise turn into a
/// `{"@@TAGGED@@": [55799, ...]}` object instead of the manifest it wraps.
fn untagged(value: ciborium::Value) -> ciborium::Value {
    use ciborium::Value as Cbor;
    match value {
        Cbor::Tag(_, inner) => untagged(*inner),
        Cbor::Array(items) => Cbor::Array(items.into_iter().map(untagged).collect()),
        Cbor::Map(entries) => Cbor::Map(
            entries
                .into_iter()
                .map(|(key, value)| (untagged(key), untagged(value)))
                .collect(),
        ),
        other => other,
    }
}

/// The quoted message inside a serde/ciborium error (`CBOR decode failed: Semantic(None,
/// "missing field `flow`")` -> `missing field `flow``), else the error as it is.
fn decoder_words(error: &str) -> String {
    match (error.find('"'), error.rfind('"')) {
        (Some(start), Some(end)) if end > start => error[start + 1..end].to_string(),
        _ => error.to_string(),
    }
}

/// The device-code extension's payload. A declaration without an inline payload (only a
/// `location`) yields `null`, which the action's metadata check reports.
fn device_code_payload(manifest: &greentic_types::PackManifest) -> Option<Value> {
    let extension = manifest.extensions.as_ref()?.get(DEVICE_CODE_EXTENSION)?;
    Some(
        extension
            .inline
            .as_ref()
            .and_then(|inline| serde_json::to_value(inline).ok())
            .unwrap_or(Value::Null),
    )
}
