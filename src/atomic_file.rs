//! Writing a file so that a reader sees the old content or the new, never half of either.

use std::io::{self, Write};
use std::path::Path;

/// Writes `bytes` to `path` so a reader sees the old file or the new one, never half of one:
/// a temporary file in the same folder, flushed to disk, then renamed over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new().prefix(".tmp-").tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|err| err.error)?;
    Ok(())
}
