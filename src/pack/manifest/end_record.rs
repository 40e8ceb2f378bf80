//! The zip's end-of-central-directory record (and the zip64 one its locator points to), read
//! from the archive's tail before anything parses the central directory. The zip crate keeps
//! every entry of the directory in memory as it reads it (a 64 MiB pack of 780,000 empty
//! entries took 423 MB before a later count refused it), so the entry count is checked here
//! first, from the few bytes that declare it.

use std::io::{self, Read, Seek, SeekFrom};

use super::{MAX_ENTRIES, ManifestError};

const EOCD_SIGNATURE: &[u8] = b"PK\x05\x06";
const EOCD_LEN: u64 = 22;
const LOCATOR_SIGNATURE: &[u8] = b"PK\x06\x07";
const LOCATOR_LEN: u64 = 20;
const EOCD64_SIGNATURE: &[u8] = b"PK\x06\x06";
const EOCD64_LEN: u64 = 56;

/// What the end record declares: the entries the zip crate will parse, and the largest count
/// any of its fields gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Declared {
    /// The records the zip crate reads from the directory (the 32-bit record's count on this
    /// disk, else the zip64 record's total).
    pub parsed: u64,
    pub most: u64,
}

/// The entry count the archive declares, refused over [`MAX_ENTRIES`] before the directory is
/// parsed. `Ok(None)` when no end record is found (the zip crate then says the file is not an
/// archive). The reader is left at the start.
pub(super) fn declared_entries<R: Read + Seek>(
    reader: &mut R,
) -> Result<Option<Declared>, ManifestError> {
    let declared = read_declared(reader).map_err(ManifestError::Open)?;
    reader
        .seek(SeekFrom::Start(0))
        .map_err(ManifestError::Open)?;
    let declared = match declared {
        Found::None => return Ok(None),
        Found::Zip64Lost => {
            return Err(ManifestError::BadEndRecord(
                "its zip64 end record is not where its locator says",
            ));
        }
        Found::Declared(declared) => declared,
    };
    if declared.most > MAX_ENTRIES as u64 {
        return Err(ManifestError::TooManyEntries {
            count: declared.most,
        });
    }
    Ok(Some(declared))
}

enum Found {
    None,
    Zip64Lost,
    Declared(Declared),
}

fn read_declared<R: Read + Seek>(reader: &mut R) -> io::Result<Found> {
    let len = reader.seek(SeekFrom::End(0))?;
    // The end record is the last 22 bytes unless the archive has a comment: look there first,
    // and through the longest comment only when it is not.
    let mut found = None;
    for span in [EOCD_LEN, EOCD_LEN + u64::from(u16::MAX)] {
        let tail_len = len.min(span);
        let tail = read_at(reader, len - tail_len, tail_len)?;
        if let Some(at) = tail
            .windows(EOCD_SIGNATURE.len())
            .rposition(|w| w == EOCD_SIGNATURE)
            .filter(|&at| at + EOCD_LEN as usize <= tail.len())
        {
            found = Some((len - tail_len + at as u64, tail[at..at + 22].to_vec()));
            break;
        }
    }
    let Some((eocd_at, eocd)) = found else {
        return Ok(Found::None);
    };
    let on_disk = u64::from(u16_at(&eocd, 8));
    let total = u64::from(u16_at(&eocd, 10));
    let saturated = on_disk == 0xFFFF
        || total == 0xFFFF
        || u32_at(&eocd, 12) == u32::MAX
        || u32_at(&eocd, 16) == u32::MAX;
    let zip32 = Declared {
        parsed: on_disk,
        most: on_disk.max(total),
    };
    if !saturated || eocd_at < LOCATOR_LEN {
        return Ok(Found::Declared(zip32));
    }
    let locator_at = eocd_at - LOCATOR_LEN;
    let locator = read_at(reader, locator_at, LOCATOR_LEN)?;
    if &locator[..4] != LOCATOR_SIGNATURE {
        return Ok(Found::Declared(zip32));
    }
    // The zip crate looks for the zip64 record from where the locator says up to the locator;
    // a writer puts it right before the locator. Anywhere else cannot be bounded cheaply.
    let stated = u64_at(&locator, 8);
    for at in [Some(stated), locator_at.checked_sub(EOCD64_LEN)]
        .into_iter()
        .flatten()
        .filter(|&at| at + EOCD64_LEN <= locator_at)
    {
        let record = read_at(reader, at, EOCD64_LEN)?;
        if &record[..4] == EOCD64_SIGNATURE {
            let on_disk = u64_at(&record, 24);
            let total = u64_at(&record, 32);
            return Ok(Found::Declared(Declared {
                parsed: total,
                // The 32-bit counts are placeholders (0xFFFF) once a zip64 record is used.
                most: on_disk.max(total),
            }));
        }
    }
    Ok(Found::Zip64Lost)
}

fn read_at<R: Read + Seek>(reader: &mut R, at: u64, len: u64) -> io::Result<Vec<u8>> {
    reader.seek(SeekFrom::Start(at))?;
    let mut bytes = vec![0; len as usize];
    reader.read_exact(&mut bytes)?;
    Ok(bytes)
}

fn u16_at(bytes: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([bytes[at], bytes[at + 1]])
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("four bytes"))
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight bytes"))
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Write};

    use super::*;

    /// An archive of `entries` empty files, written by the zip crate.
    fn archive(entries: usize) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        for i in 0..entries {
            writer.start_file(format!("f{i}"), options).unwrap();
            writer.write_all(b"").unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn the_count_is_read_from_the_end_record() {
        let declared = declared_entries(&mut Cursor::new(archive(3))).unwrap();
        assert_eq!(declared.map(|d| d.parsed), Some(3));
    }

    #[test]
    fn a_count_over_the_limit_is_refused_before_the_directory_is_read() {
        let mut bytes = archive(1);
        let at = bytes.len() - 22;
        // Both counts raised, the directory left at one entry: parsing it would fail.
        bytes[at + 8..at + 12].copy_from_slice(&[0x20, 0x4e, 0x20, 0x4e]);
        let err = declared_entries(&mut Cursor::new(bytes)).unwrap_err();
        assert!(matches!(
            err,
            ManifestError::TooManyEntries { count: 20_000 }
        ));
    }

    /// `bytes` (a zip32 archive) with a zip64 end record and locator declaring `total`
    /// entries, its 32-bit counts saturated, as a zip64 writer leaves them.
    fn as_zip64(bytes: &[u8], total: u64) -> Vec<u8> {
        let eocd_at = bytes.len() - 22;
        let eocd = &bytes[eocd_at..];
        let mut out = bytes[..eocd_at].to_vec();
        out.extend_from_slice(EOCD64_SIGNATURE);
        out.extend_from_slice(&44u64.to_le_bytes());
        out.extend_from_slice(&[45, 0, 45, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        out.extend_from_slice(&total.to_le_bytes());
        out.extend_from_slice(&total.to_le_bytes());
        out.extend_from_slice(&u64::from(u32_at(eocd, 12)).to_le_bytes());
        out.extend_from_slice(&u64::from(u32_at(eocd, 16)).to_le_bytes());
        out.extend_from_slice(LOCATOR_SIGNATURE);
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&(eocd_at as u64).to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes());
        let mut end = eocd.to_vec();
        end[8..12].copy_from_slice(&[0xFF; 4]);
        out.extend_from_slice(&end);
        out
    }

    #[test]
    fn a_zip64_count_is_read_through_its_locator() {
        let zip64 = as_zip64(&archive(1), 1);
        // The zip crate reads the archive so built: the record is where a writer puts it.
        assert_eq!(
            zip::ZipArchive::new(Cursor::new(zip64.clone()))
                .unwrap()
                .len(),
            1
        );
        let declared = declared_entries(&mut Cursor::new(zip64)).unwrap();
        assert_eq!(declared.map(|d| d.parsed), Some(1));
        let err = declared_entries(&mut Cursor::new(as_zip64(&archive(1), 1_000_000))).unwrap_err();
        assert!(matches!(
            err,
            ManifestError::TooManyEntries { count: 1_000_000 }
        ));
    }
}
