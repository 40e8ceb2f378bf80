//! Where a pack is read: the domain table and pack discovery ([`domains`]), each pack's
//! manifest and setup entries ([`manifest`]).
//!
//! Pure values: nothing here runs a flow, writes a file or asks a person. May use `base`.

pub mod domains;
pub mod ids;
pub mod manifest;

use std::path::Path;

/// Whether `wanted` (a `--provider` value) names a pack: exactly its pack id, its file name or
/// its file stem. Every command that takes `--provider` matches with this.
pub fn names_pack(wanted: &str, pack_id: Option<&str>, file: Option<&Path>) -> bool {
    pack_id == Some(wanted)
        || file.and_then(Path::file_name).is_some_and(|n| n == wanted)
        || file.and_then(Path::file_stem).is_some_and(|n| n == wanted)
}
