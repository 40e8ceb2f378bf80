//! Reading a pack's manifest (never extracting the pack): pack id, version and declared flows.
//!
//! Two forms are understood. `manifest.cbor` is what real packs ship and what the runner needs;
//! it is decoded with `greentic_types::decode_pack_manifest`. `pack.manifest.json` is the older
//! dev-time form named by the design document. When both are present the CBOR form wins.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use serde::Serialize;
use serde_json::Value;
use zip::ZipArchive;
use zip::result::ZipError;

mod archive;
pub mod capabilities;
mod dispatch;
mod end_record;
mod exports;
pub mod flow_hints;
mod ingress;
mod legacy_json;
mod pack_reader;
mod provider;

pub use dispatch::{NodeCall, NodeTarget};
pub use exports::{
    ExportVerdict, ExportsError, RUNNER_VERSION, component_bytes, component_exports,
    exported_functions_in, exports_in,
};
pub use ingress::{INGRESS_EXTENSION, IngressDeclaration};
pub use provider::{
    APPLY_ANSWERS_OP, I18N_BUNDLE_OP, ProviderContract, ProviderRuntime, QA_SPEC_OP, SchemaFile,
    schema_entries,
};

use pack_reader::PackReader;

use archive::{check_entries, first_text, read_entry};
use end_record::declared_entries;
use legacy_json::from_json;

/// The entry holding the canonical manifest.
pub const CBOR_MANIFEST: &str = "manifest.cbor";
/// The entry holding the legacy JSON manifest.
pub const JSON_MANIFEST: &str = "pack.manifest.json";
/// The JSON twin of `manifest.cbor` in packs of before greentic-pack 1.0.
pub const OLDER_JSON_MANIFEST: &str = "manifest.json";

/// Largest pack file opened. The runner refuses archives whose content exceeds 64 MiB, so a
/// bigger file can never run; refusing it here keeps planning cheap.
pub const MAX_PACK_BYTES: u64 = 64 * 1024 * 1024;
/// Most entries in one pack. Real packs hold tens; the count is read from the zip's end record
/// before its central directory is parsed.
pub const MAX_ENTRIES: usize = 10_000;
/// Largest manifest entry read, uncompressed. Matches the runner's per-entry limit.
pub const MAX_MANIFEST_BYTES: u64 = 16 * 1024 * 1024;
/// Largest compression ratio accepted for a manifest over 1 MiB: real manifests compress
/// about 10:1, a zip bomb about 1000:1.
pub const MAX_COMPRESSION_RATIO: u64 = 100;

/// The manifest extension declaring a device-code login (read by `device_code::metadata`).
pub const DEVICE_CODE_EXTENSION: &str = "messaging.oauth_device_code.v1";

/// The manifest schema this operator understands (what `greentic-pack build` writes).
pub const SCHEMA_VERSION: &str = "pack-v1";

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

/// How a lifecycle step found the pack's flow for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowMatch {
    /// A flow of the step's own name.
    Named,
    /// The flow the pack's flow hints name for the step.
    Hint,
    /// A flow listing the step's name among its entrypoints.
    Entrypoint,
    /// A flow of the step's name spelled with `-` (`setup-default`, as Greentic's February
    /// 2026 events packs spell it).
    Spelling,
}

impl FlowMatch {
    pub fn describe(self) -> &'static str {
        match self {
            FlowMatch::Named => "the step's own flow",
            FlowMatch::Hint => "named by the pack's flow hints",
            FlowMatch::Entrypoint => "the flow whose entrypoint it is",
            FlowMatch::Spelling => "the step's name as the pack spells it",
        }
    }
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

/// The text of one entry of a pack, with the entry's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackText {
    pub entry: &'static str,
    pub text: String,
}

/// The setup entries a pack may hold, unparsed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SetupEntries {
    /// The first of [`SETUP_SPEC_ENTRIES`] present.
    pub setup_spec: Option<PackText>,
    /// The first of [`SECRET_REQUIREMENTS_ENTRIES`] present.
    pub secret_requirements: Option<PackText>,
    /// The first of [`REQUIREMENTS_FIXTURE_ENTRIES`] present: what the pack's author expects
    /// setup to require (Greentic's conformance fixture).
    pub requirements_fixture: Option<PackText>,
}

/// Where a pack's setup questions live, in the order greentic-setup looks.
pub const SETUP_SPEC_ENTRIES: [&str; 2] = ["assets/setup.yaml", "setup.yaml"];
/// Where a pack's secret requirements file lives, in the order greentic-setup looks.
pub const SECRET_REQUIREMENTS_ENTRIES: [&str; 4] = [
    "assets/secret-requirements.json",
    "assets/secret_requirements.json",
    "secret-requirements.json",
    "secret_requirements.json",
];
/// Where a pack carries its own requirements fixture, as Greentic's packs do.
pub const REQUIREMENTS_FIXTURE_ENTRIES: [&str; 2] = [
    "assets/fixtures/requirements.expected.json",
    "fixtures/requirements.expected.json",
];
/// Largest setup entry read: real ones are a few kilobytes.
pub const MAX_SETUP_ENTRY_BYTES: u64 = 1024 * 1024;

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

    /// The flow that runs for lifecycle step `step` (`setup_default`, `update`, ...): the one
    /// the pack's flow hints name when it declares that flow, else the step's own name.
    pub fn flow_for<'a>(&'a self, step: &'a str) -> &'a str {
        self.find_flow(step).map_or(step, |(flow, _)| flow)
    }

    /// The flow the pack declares for lifecycle step `step`, and how it was found: its flow
    /// hint, a flow of the step's name, a flow whose entrypoint it is, or the step's name
    /// spelled with `-` (as greentic-operator 1.2.1 finds entry flows by id and entrypoint).
    pub fn find_flow<'a>(&'a self, step: &'a str) -> Option<(&'a str, FlowMatch)> {
        if let Some(flow) = self.flow_hints.get(step).filter(|f| self.declares(f)) {
            return Some((flow, FlowMatch::Hint));
        }
        if self.declares(step) {
            return Some((step, FlowMatch::Named));
        }
        if let Some(flow) = self.entrypoints.get(step).filter(|f| self.declares(f)) {
            return Some((flow, FlowMatch::Entrypoint));
        }
        let dashed = step.replace('_', "-");
        if dashed != step {
            if let Some(flow) = self.flows.iter().find(|f| **f == dashed) {
                return Some((flow, FlowMatch::Spelling));
            }
            if let Some(flow) = self.entrypoints.get(&dashed).filter(|f| self.declares(f)) {
                return Some((flow, FlowMatch::Spelling));
            }
        }
        None
    }
}

/// Why a pack's manifest could not be read. Messages read well after "pack ...: ".
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("cannot be opened: {0}")]
    Open(#[source] io::Error),
    #[error("is {bytes} bytes; packs over {MAX_PACK_BYTES} bytes are refused")]
    TooLarge { bytes: u64 },
    #[error("is not a readable zip archive: {0}")]
    NotAZip(#[source] ZipError),
    #[error("holds {count} entries; at most {MAX_ENTRIES} are allowed")]
    TooManyEntries { count: u64 },
    #[error("is not a readable zip archive: {0}")]
    BadEndRecord(&'static str),
    #[error("has an unsafe entry name {name:?}: {reason}")]
    UnsafeEntry { name: String, reason: &'static str },
    #[error("has duplicate entry names ({records} entries, {distinct} distinct names)")]
    DuplicateEntries { records: u64, distinct: usize },
    #[error("has no {CBOR_MANIFEST} (nor {JSON_MANIFEST}); rebuild it with `greentic-pack build`")]
    NoManifest,
    #[error("has a {entry} of {bytes} bytes; at most {limit} are read")]
    ManifestTooLarge {
        entry: &'static str,
        bytes: u64,
        limit: u64,
    },
    #[error(
        "has a {entry} compressed {ratio}:1, over the {MAX_COMPRESSION_RATIO}:1 accepted (a zip bomb?)"
    )]
    CompressionRatio { entry: &'static str, ratio: u64 },
    #[error("has a {entry} that cannot be read: {source}")]
    ReadEntry {
        entry: &'static str,
        #[source]
        source: io::Error,
    },
    #[error(
        "has a {CBOR_MANIFEST} that is neither greentic-pack 1.x's manifest ({message}) nor the \
         older shape of before 1.0 (a `meta` with `pack_id`); rebuild it with greentic-pack 1.2"
    )]
    Cbor { message: String },
    #[error("has a {entry} that is not valid JSON: {message}")]
    Json {
        entry: &'static str,
        message: String,
    },
    #[error("has a {entry} whose {field} {problem}")]
    InvalidField {
        entry: &'static str,
        field: &'static str,
        problem: String,
    },
    #[error("uses manifest schema {0:?}; this operator reads {SCHEMA_VERSION:?}")]
    UnknownSchema(String),
}

/// Reads the manifest of the pack at `path`: only the manifest entry is decompressed.
pub fn read_pack_info(path: &Path) -> Result<PackInfo, ManifestError> {
    let file = File::open(path).map_err(ManifestError::Open)?;
    let bytes = file.metadata().map_err(ManifestError::Open)?.len();
    if bytes > MAX_PACK_BYTES {
        return Err(ManifestError::TooLarge { bytes });
    }
    let reader = PackReader::new(file, bytes).map_err(ManifestError::Open)?;
    read_pack_info_from(reader)
}

/// The pack's archive, for reading entries other than the manifest (a component's wasm).
pub fn open_archive(path: &Path) -> Result<ZipArchive<impl Read + io::Seek>, ManifestError> {
    let file = File::open(path).map_err(ManifestError::Open)?;
    let bytes = file.metadata().map_err(ManifestError::Open)?.len();
    if bytes > MAX_PACK_BYTES {
        return Err(ManifestError::TooLarge { bytes });
    }
    let reader = PackReader::new(file, bytes).map_err(ManifestError::Open)?;
    open_zip(reader)
}

/// The archive in `reader`, its entry count checked from the end record before the zip crate
/// parses (and keeps in memory) its whole central directory. Every pack archive is opened
/// through here.
pub fn open_zip<R: Read + io::Seek>(mut reader: R) -> Result<ZipArchive<R>, ManifestError> {
    let declared = declared_entries(&mut reader)?;
    let archive = ZipArchive::new(reader).map_err(ManifestError::NotAZip)?;
    // The zip crate keeps one entry per name, silently dropping duplicates, so comparing the
    // two is the only way to see that names repeat.
    if let Some(declared) = declared
        && declared.parsed > archive.len() as u64
    {
        return Err(ManifestError::DuplicateEntries {
            records: declared.parsed,
            distinct: archive.len(),
        });
    }
    Ok(archive)
}

/// Reads the manifest of a pack held by any seekable reader (a file, or bytes in memory).
pub fn read_pack_info_from<R: Read + io::Seek>(reader: R) -> Result<PackInfo, ManifestError> {
    let mut archive = open_zip(reader)?;
    check_entries(&mut archive)?;

    let mut info = if archive.index_for_name(CBOR_MANIFEST).is_some() {
        let raw = read_entry(&mut archive, CBOR_MANIFEST, MAX_MANIFEST_BYTES)?;
        from_cbor(&raw)?
    } else if archive.index_for_name(JSON_MANIFEST).is_some() {
        let raw = read_entry(&mut archive, JSON_MANIFEST, MAX_MANIFEST_BYTES)?;
        from_json(&raw, JSON_MANIFEST, ManifestForm::LegacyJson)?
    } else if archive.index_for_name(OLDER_JSON_MANIFEST).is_some() {
        let raw = read_entry(&mut archive, OLDER_JSON_MANIFEST, MAX_MANIFEST_BYTES)?;
        from_json(&raw, OLDER_JSON_MANIFEST, ManifestForm::Older)?
    } else {
        return Err(ManifestError::NoManifest);
    };
    // Greentic's 2026 events packs declare no flows: their provider and capability offers
    // say what each step takes, which the plan decides.
    info.setup_entries = SetupEntries {
        setup_spec: first_text(&mut archive, &SETUP_SPEC_ENTRIES)?,
        secret_requirements: first_text(&mut archive, &SECRET_REQUIREMENTS_ENTRIES)?,
        requirements_fixture: first_text(&mut archive, &REQUIREMENTS_FIXTURE_ENTRIES)?,
    };
    provider::read_schemas(&mut archive, &mut info.providers);
    Ok(info)
}

/// `manifest.cbor`: greentic-pack 1.x's manifest, else the older shape of before 1.0.
fn from_cbor(raw: &[u8]) -> Result<PackInfo, ManifestError> {
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

pub(super) fn sorted_unique(flows: impl Iterator<Item = String>) -> Vec<String> {
    let mut flows: Vec<String> = flows.collect();
    flows.sort();
    flows.dedup();
    flows
}
