//! The manifests of before greentic-pack 1.0, plannable, never runnable: the dev-time
//! `pack.manifest.json`, and the older shape Greentic's late-2025 events packs carry in
//! `manifest.cbor` and `manifest.json` (`meta {pack_id, version, entry_flows}`, `flows [{id,
//! kind, entry, file_json, file_yaml}]`, `components [{name, version, file_wasm, world}]`).

use std::collections::BTreeMap;

use serde_json::Value;

use super::pack_info::sorted_unique;
use super::{ComponentWorld, ManifestError, ManifestForm, PackInfo, SetupEntries};

/// Reads a JSON manifest entry (`entry`) leniently (see [`from_value`]): the older shape of
/// before greentic-pack 1.0 when it has one, else `form`.
pub(super) fn from_json(
    raw: &[u8],
    entry: &'static str,
    form: ManifestForm,
) -> Result<PackInfo, ManifestError> {
    let doc: Value = serde_json::from_slice(raw).map_err(|err| ManifestError::Json {
        entry,
        message: err.to_string(),
    })?;
    let form = if is_older_shape(&doc) {
        ManifestForm::Older
    } else {
        form
    };
    from_value(&doc, entry, form)
}

/// Whether a decoded manifest has the older shape (a `meta` object naming the pack).
pub(super) fn is_older_shape(doc: &Value) -> bool {
    doc.get("meta").and_then(|m| m.get("pack_id")).is_some()
}

/// Reads `meta.pack_id` (or a top-level `pack_id`), `meta.version`, flows from
/// `meta.entry_flows` and `flows[].id`, and `components[].{name, world}`.
pub(super) fn from_value(
    doc: &Value,
    entry: &'static str,
    form: ManifestForm,
) -> Result<PackInfo, ManifestError> {
    let invalid = |field, problem: &str| invalid(entry, field, problem);
    if !doc.is_object() {
        return Err(invalid("top level", "is not an object"));
    }
    let meta = doc.get("meta").unwrap_or(doc);
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
    let mut flows = ids(entry, meta.get("entry_flows"), "entry_flows", Value::as_str)?;
    flows.extend(ids(entry, doc.get("flows"), "flows", |item| {
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
        form,
        secret_requirements: Vec::new(),
        components: components(doc),
        flow_nodes: BTreeMap::new(),
        setup_entries: SetupEntries::default(),
        oauth_device_code: None,
        providers: Vec::new(),
        flow_hints: Default::default(),
        ingress: Vec::new(),
        entrypoints: Default::default(),
        setup_offers: None,
    })
}

/// `components[]`: each one's `name` (or `id`) and `world` when it has them.
fn components(doc: &Value) -> Vec<ComponentWorld> {
    let Some(items) = doc.get("components").and_then(Value::as_array) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            let id = item.get("name").or_else(|| item.get("id"))?.as_str()?;
            let world = item.get("world").and_then(Value::as_str).unwrap_or("");
            Some(ComponentWorld {
                id: id.to_string(),
                world: world.to_string(),
            })
        })
        .collect()
}

fn invalid(entry: &'static str, field: &'static str, problem: &str) -> ManifestError {
    ManifestError::InvalidField {
        entry,
        field,
        problem: problem.to_string(),
    }
}

/// The flow ids of a list field (absent or null: none), each read from an item by `id_of`.
fn ids(
    entry: &'static str,
    list: Option<&Value>,
    field: &'static str,
    id_of: impl Fn(&Value) -> Option<&str>,
) -> Result<Vec<String>, ManifestError> {
    let items = match list {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(invalid(entry, field, "is not a list")),
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
                .ok_or_else(|| invalid(entry, field, problem))
        })
        .collect()
}
