//! One reader per pack file that reads as little as it can, with no seek calls: the archive's
//! tail (where the zip's central directory is) once, then a window of the file around whatever
//! entry is read (a local header and a small entry such as `manifest.cbor` fit in one). Seeks
//! only move a position; reads are positioned reads. Planning 1,000 packs costs a few reads
//! per pack instead of tens of seeks and reads through a buffered file.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

/// How much of the file's end is read at once: the central directory of a pack with tens of
/// entries and the end record (a bigger directory is read in windows). Small, because each read
/// buffer is zeroed before the read fills it.
const TAIL: u64 = 4 * 1024;
/// How much is read around a position outside the tail.
const WINDOW: u64 = 8 * 1024;

/// Bytes of the file starting at `start`.
#[derive(Default)]
struct Span {
    start: u64,
    bytes: Vec<u8>,
}

impl Span {
    fn slice_from(&self, pos: u64) -> Option<&[u8]> {
        let offset = pos.checked_sub(self.start)?;
        self.bytes
            .get(usize::try_from(offset).ok()?..)
            .filter(|rest| !rest.is_empty())
    }
}

/// A pack file read through cached spans.
pub struct PackReader {
    file: File,
    len: u64,
    pos: u64,
    tail: Span,
    window: Span,
}

impl PackReader {
    /// Opens the reader over `file`, `len` bytes long, reading its tail.
    pub fn new(file: File, len: u64) -> io::Result<Self> {
        let start = len.saturating_sub(TAIL);
        let tail = Span {
            start,
            bytes: read_at(&file, start, len - start)?,
        };
        Ok(Self {
            file,
            len,
            pos: 0,
            tail,
            window: Span::default(),
        })
    }
}

impl Read for PackReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.len || buf.is_empty() {
            return Ok(0);
        }
        let cached =
            self.tail.slice_from(self.pos).is_some() || self.window.slice_from(self.pos).is_some();
        if !cached {
            // A read bigger than the window goes straight to the caller's buffer.
            if buf.len() as u64 >= WINDOW {
                let bytes = read_at(&self.file, self.pos, buf.len() as u64)?;
                buf[..bytes.len()].copy_from_slice(&bytes);
                self.pos += bytes.len() as u64;
                return Ok(bytes.len());
            }
            let size = WINDOW.min(self.len - self.pos);
            self.window = Span {
                start: self.pos,
                bytes: read_at(&self.file, self.pos, size)?,
            };
        }
        let span = self
            .tail
            .slice_from(self.pos)
            .or_else(|| self.window.slice_from(self.pos))
            .unwrap_or_default();
        let n = span.len().min(buf.len());
        buf[..n].copy_from_slice(&span[..n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for PackReader {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(at) => Some(at),
            SeekFrom::End(delta) => self.len.checked_add_signed(delta),
            SeekFrom::Current(delta) => self.pos.checked_add_signed(delta),
        };
        self.pos = target.ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek before the start of the pack",
            )
        })?;
        Ok(self.pos)
    }
}

/// `size` bytes at `offset` (fewer at the end of the file), by positioned reads.
fn read_at(file: &File, offset: u64, size: u64) -> io::Result<Vec<u8>> {
    let mut bytes = vec![0; usize::try_from(size).map_err(io::Error::other)?];
    let mut filled = 0;
    while filled < bytes.len() {
        let n = positioned_read(file, &mut bytes[filled..], offset + filled as u64)?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    bytes.truncate(filled);
    Ok(bytes)
}

#[cfg(unix)]
fn positioned_read(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn positioned_read(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn reads_anywhere_as_a_plain_file_would() {
        let mut tmp = tempfile::tempfile().unwrap();
        let data: Vec<u8> = (0..400_000u32).map(|i| (i % 251) as u8).collect();
        tmp.write_all(&data).unwrap();
        let mut reader = PackReader::new(tmp, data.len() as u64).unwrap();
        for (at, len) in [
            (0u64, 10usize),
            (399_990, 10),
            (200_000, 70_000),
            (5, 3),
            (390_000, 20_000),
        ] {
            reader.seek(SeekFrom::Start(at)).unwrap();
            let mut got = vec![0; len];
            let n = reader.read(&mut got).unwrap();
            let end = (at as usize + n).min(data.len());
            assert_eq!(&got[..n], &data[at as usize..end], "at {at}");
        }
        reader.seek(SeekFrom::End(-4)).unwrap();
        let mut rest = Vec::new();
        reader.read_to_end(&mut rest).unwrap();
        assert_eq!(rest, data[data.len() - 4..]);
    }
}
