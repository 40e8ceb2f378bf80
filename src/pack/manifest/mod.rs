//! Reading a pack's manifest (never extracting the pack): pack id, version and declared flows.
//!
//! Two forms are understood. `manifest.cbor` is what real packs ship and what the runner needs;
//! it is decoded with `greentic_types::decode_pack_manifest`. `pack.manifest.json` is the older
//! dev-time form named by the design document. When both are present the CBOR form wins.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use zip::ZipArchive;

mod archive;
pub mod capabilities;
mod cbor;
mod dispatch;
mod end_record;
mod error;
mod exports;
mod find_flow;
pub mod flow_hints;
mod ingress;
mod legacy_json;
mod pack_info;
mod pack_reader;
mod provider;
mod setup_entries;

pub use dispatch::{NodeCall, NodeTarget};
pub use error::ManifestError;
pub use exports::{
    ExportVerdict, ExportsError, RUNNER_VERSION, component_bytes, component_exports,
    exported_functions_in, exports_in,
};
pub use find_flow::FlowMatch;
pub use ingress::{INGRESS_EXTENSION, IngressDeclaration};
pub use pack_info::{ComponentWorld, ManifestForm, PackInfo, SecretRequirement};
pub use provider::{
    APPLY_ANSWERS_OP, I18N_BUNDLE_OP, ProviderContract, ProviderRuntime, QA_SPEC_OP, SchemaFile,
    schema_entries,
};
pub use setup_entries::{
    MAX_SETUP_ENTRY_BYTES, PackText, REQUIREMENTS_FIXTURE_ENTRIES, SECRET_REQUIREMENTS_ENTRIES,
    SETUP_SPEC_ENTRIES, SetupEntries,
};

use pack_reader::PackReader;

use archive::{check_entries, first_text, read_entry};
use cbor::from_cbor;
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

/// Reads the manifest of the pack at `path`: only the manifest entry is decompressed.
pub fn read_pack_info(path: &Path) -> Result<PackInfo, ManifestError> {
    read_pack_info_from(open_pack_file(path)?)
}

/// The pack's archive, for reading entries other than the manifest (a component's wasm).
pub fn open_archive(path: &Path) -> Result<ZipArchive<impl Read + io::Seek>, ManifestError> {
    open_zip(open_pack_file(path)?)
}

/// The pack file at `path`, refused when it is larger than any pack the runner would run.
fn open_pack_file(path: &Path) -> Result<PackReader, ManifestError> {
    let file = File::open(path).map_err(ManifestError::Open)?;
    let bytes = file.metadata().map_err(ManifestError::Open)?.len();
    if bytes > MAX_PACK_BYTES {
        return Err(ManifestError::TooLarge { bytes });
    }
    PackReader::new(file, bytes).map_err(ManifestError::Open)
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
