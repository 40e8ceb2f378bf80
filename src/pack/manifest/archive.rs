//! The zip side of reading a pack: refusing archives the runner would refuse (from the central
//! directory alone), and reading one entry within limits.

use std::io::{self, Read};

use zip::ZipArchive;
use zip::result::ZipError;

use super::{MAX_COMPRESSION_RATIO, MAX_ENTRIES, MAX_SETUP_ENTRY_BYTES, ManifestError, PackText};

/// The text of the first of `entries` the archive holds.
pub(super) fn first_text<R: Read + io::Seek>(
    archive: &mut ZipArchive<R>,
    entries: &[&'static str],
) -> Result<Option<PackText>, ManifestError> {
    let Some(&entry) = entries
        .iter()
        .find(|name| archive.index_for_name(name).is_some())
    else {
        return Ok(None);
    };
    let bytes = read_entry(archive, entry, MAX_SETUP_ENTRY_BYTES)?;
    let text = String::from_utf8(bytes).map_err(|_| ManifestError::ReadEntry {
        entry,
        source: io::Error::new(io::ErrorKind::InvalidData, "it is not UTF-8 text"),
    })?;
    Ok(Some(PackText { entry, text }))
}

/// Refuses archives the runner would refuse, from the central directory alone (no entry is
/// decompressed): better one clear line at planning than a load error later.
pub(super) fn check_entries<R: Read + io::Seek>(
    archive: &mut ZipArchive<R>,
) -> Result<(), ManifestError> {
    // The count was checked from the end record before the directory was parsed; this catches
    // an archive whose end record the zip crate found elsewhere.
    let count = archive.len();
    if count > MAX_ENTRIES {
        return Err(ManifestError::TooManyEntries {
            count: count as u64,
        });
    }
    for index in 0..count {
        let entry = archive
            .by_index_raw(index)
            .map_err(ManifestError::NotAZip)?;
        let raw = entry.name_raw();
        let Ok(name) = std::str::from_utf8(raw) else {
            return Err(ManifestError::UnsafeEntry {
                name: String::from_utf8_lossy(raw).into_owned(),
                reason: "it is not valid UTF-8",
            });
        };
        if let Some(reason) = unsafe_name_reason(name) {
            return Err(ManifestError::UnsafeEntry {
                name: name.to_string(),
                reason,
            });
        }
        if entry.is_symlink() {
            return Err(ManifestError::UnsafeEntry {
                name: name.to_string(),
                reason: "it is a symbolic link; pack entries must be regular files",
            });
        }
        // The runner refuses entries whose unix mode is not a regular file (mode 0 included).
        let file_type = entry.unix_mode().map(|mode| mode & 0o170000);
        if !entry.is_dir() && file_type.is_some_and(|t| t != 0o100000) {
            return Err(ManifestError::UnsafeEntry {
                name: name.to_string(),
                reason: "its unix mode is not a regular file's (rebuild the zip with mode 0644)",
            });
        }
    }
    Ok(())
}

fn unsafe_name_reason(name: &str) -> Option<&'static str> {
    if name.contains('\0') {
        Some("it contains a NUL byte")
    } else if name.contains('\\') {
        Some("it contains a backslash")
    } else if name.starts_with('/') || name.get(1..2) == Some(":") {
        Some("it is an absolute path")
    } else if name.split('/').any(|part| part == "..") {
        Some("it climbs out of the pack with `..`")
    } else {
        None
    }
}

pub(super) fn read_entry<R: Read + io::Seek>(
    archive: &mut ZipArchive<R>,
    entry: &'static str,
    limit: u64,
) -> Result<Vec<u8>, ManifestError> {
    let file = archive.by_name(entry).map_err(|err| match err {
        ZipError::Io(source) => ManifestError::ReadEntry { entry, source },
        other => ManifestError::ReadEntry {
            entry,
            source: io::Error::other(other),
        },
    })?;
    let declared = file.size();
    if declared > limit {
        return Err(ManifestError::ManifestTooLarge {
            entry,
            bytes: declared,
            limit,
        });
    }
    let compressed = file.compressed_size().max(1);
    if declared > 1024 * 1024 && declared / compressed > MAX_COMPRESSION_RATIO {
        return Err(ManifestError::CompressionRatio {
            entry,
            ratio: declared / compressed,
        });
    }
    // The declared size may lie: never read past the limit whatever the header says.
    let mut bytes = Vec::with_capacity(declared.min(limit) as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| ManifestError::ReadEntry { entry, source })?;
    if bytes.len() as u64 > limit {
        return Err(ManifestError::ManifestTooLarge {
            entry,
            bytes: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}
