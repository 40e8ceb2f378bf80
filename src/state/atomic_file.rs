//! Writing a file so that a reader sees the old content or the new, never half of either; and
//! how durable each kind of file is made.
//!
//! Durability is chosen per kind of file. What a person gave or a login produced (setup
//! answers, a device-code login's state) is flushed to disk before it replaces the old file:
//! losing it costs the person's time. A run folder is a record the next run recreates: its
//! files are replaced atomically but never flushed, so a flow costs on disk what it costs on
//! tmpfs; after a power loss (not a process crash) the newest run folders may be missing or still
//! say `running`, which is how an unfinished run already reads.

use std::io::{self, Write};
use std::path::Path;

/// Writes `bytes` to `path` so a reader sees the old file or the new one, never half of one:
/// a temporary file in the same folder, flushed to disk, then renamed over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    replace(path, bytes, true)
}

/// Writes `bytes` to `path` atomically (a reader sees the old file or the new one) without
/// flushing it to disk: for run records (see the module's note on durability).
pub fn write_record(path: &Path, bytes: &[u8]) -> io::Result<()> {
    replace(path, bytes, false)
}

fn replace(path: &Path, bytes: &[u8], flush: bool) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new().prefix(".tmp-").tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    if flush {
        tmp.as_file().sync_all()?;
    }
    tmp.persist(path).map_err(|err| err.error)?;
    Ok(())
}

/// Creates `dir` (and its parents) when missing, and makes it its owner's only (0700), an
/// existing folder tightened too: for the folders of files that hold a secret or a token.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir)?.permissions().mode();
        if mode & 0o077 != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    Ok(())
}
