//! Why a pack's manifest could not be read (`ManifestError`).

use std::io;

use zip::result::ZipError;

use super::{
    CBOR_MANIFEST, JSON_MANIFEST, MAX_COMPRESSION_RATIO, MAX_ENTRIES, MAX_PACK_BYTES,
    SCHEMA_VERSION,
};

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
