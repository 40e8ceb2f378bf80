//! The older dev-time manifest, `pack.manifest.json`: plannable, never runnable.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{JSON_MANIFEST, ManifestError, ManifestForm, PackInfo, SetupEntries, sorted_unique};

/// Reads the legacy JSON form leniently: `meta.pack_id` (or a top-level `pack_id`),
/// `meta.version`, and flows from `meta.entry_flows` and `flows[].id`.
pub(super) fn from_json(raw: &[u8]) -> Result<PackInfo, ManifestError> {
    let doc: Value =
        serde_json::from_slice(raw).map_err(|err| ManifestError::Json(err.to_string()))?;
    if !doc.is_object() {
        return Err(invalid("top level", "is not an object"));
    }
    let meta = doc.get("meta").unwrap_or(&doc);
    let pack_id = match meta.get("pack_id").or_else(|| doc.get("pack_id")) {
        Some(Value::String(id)) => id.clone(),
        Some(_) => return Err(invalid("pack_id", "is not a string")),
        None => return Err(invalid("pack_id", "is missing")),
    };
    let version = match meta.get("version").or_else(|| doc.get("version")) {
        Some(Value::String(v)) => v.clone(),
        Some(_) => return Err(invalid("version", "is not a string")),
        None => String::new(),
    };
    let mut flows = ids(meta.get("entry_flows"), "entry_flows", Value::as_str)?;
    flows.extend(ids(doc.get("flows"), "flows", |item| {
        item.get("id").and_then(Value::as_str)
    })?);
    // The same rules as the CBOR form, whose decoder validates ids with these types.
    if pack_id.parse::<greentic_types::PackId>().is_err() {
        let problem = format!("{pack_id:?} is not a valid pack id");
        return Err(invalid("pack_id", &problem));
    }
    if let Some(bad) = flows
        .iter()
        .find(|id| id.parse::<greentic_types::FlowId>().is_err())
    {
        return Err(invalid(
            "flows",
            &format!("holds an invalid flow id {bad:?}"),
        ));
    }
    Ok(PackInfo {
        pack_id,
        version,
        flows: sorted_unique(flows.into_iter()),
        form: ManifestForm::LegacyJson,
        secret_requirements: Vec::new(),
        components: Vec::new(),
        flow_nodes: BTreeMap::new(),
        setup_entries: SetupEntries::default(),
        oauth_device_code: None,
    })
}

fn invalid(field: &'static str, problem: &str) -> ManifestError {
    ManifestError::InvalidField {
        entry: JSON_MANIFEST,
        field,
        problem: problem.to_string(),
    }
}

/// The flow ids of a list field (absent or null: none), each read from an item by `id_of`.
fn ids(
    list: Option<&Value>,
    field: &'static str,
    id_of: impl Fn(&Value) -> Option<&str>,
) -> Result<Vec<String>, ManifestError> {
    let items = match list {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(invalid(field, "is not a list")),
    };
    let problem = match field {
        "flows" => "holds an entry without a string `id`",
        _ => "holds a value that is not a string",
    };
    items
        .iter()
        .map(|item| {
            id_of(item)
                .map(str::to_string)
                .ok_or_else(|| invalid(field, problem))
        })
        .collect()
}
