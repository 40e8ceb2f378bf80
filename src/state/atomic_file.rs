//! Writing a file so that a reader sees the old content or the new, never half of either; how
//! durable each kind of file is made; and the modes of what the operator creates.
//!
//! Durability is chosen per kind of file. What a person gave or a login produced (setup
//! answers, a device-code login's state, the secrets store) is flushed to disk before it
//! replaces the old file, and the folder is flushed after the rename, so the new name survives a
//! power loss once the command says it kept it: losing it costs the person's time. A run folder is
//! a record the next run recreates: its files are replaced atomically but never flushed, so a flow
//! costs on disk what it costs on tmpfs; after a power loss (not a process crash) the newest run
//! folders may be missing or still say `running`, which is how an unfinished run already reads.
//!
//! Modes: every file and folder the operator process creates, the runner's included, is its
//! user's only ([`restrict_umask`]). A folder that already exists is never changed: it may be
//! shared (`/tmp`), and only the folders the operator creates are its to set.

use std::io::{self, Write};
use std::path::Path;

/// Adds `077` to the process's umask, so that what this process creates (its own files, the
/// runner's transcript and logs, the component cache) is readable by its user only. The runner
/// writes its files with the default modes, and the umask is the one setting it honours.
pub fn restrict_umask() {
    #[cfg(unix)]
    // SAFETY: umask(2) cannot fail; it swaps the process's mask. The mask is briefly 077 between
    // the two calls, stricter than either, so a file created by another thread meanwhile is
    // never looser than wanted.
    unsafe {
        let inherited = libc::umask(0o077);
        libc::umask(inherited | 0o077);
    }
}

/// Writes `bytes` to `path` so a reader sees the old file or the new one, never half of one:
/// a temporary file in the same folder, flushed to disk, renamed over `path`, then the folder
/// flushed so the rename itself is durable.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    replace(path, bytes, true)
}

/// Writes `bytes` to `path` atomically (a reader sees the old file or the new one) without
/// flushing it to disk: for run records (see the module's note on durability).
pub fn write_record(path: &Path, bytes: &[u8]) -> io::Result<()> {
    replace(path, bytes, false)
}

fn replace(path: &Path, bytes: &[u8], flush: bool) -> io::Result<()> {
    let dir = parent_of(path);
    let mut tmp = tempfile::Builder::new().prefix(".tmp-").tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    if flush {
        tmp.as_file().sync_all()?;
    }
    tmp.persist(path).map_err(|err| err.error)?;
    if flush {
        sync_dir(dir)?;
    }
    Ok(())
}

/// The folder `path` is in: `.` for a bare file name (whose parent is the empty path).
pub fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Flushes `dir` itself to disk: after a rename into it, the new name is then durable (a file's
/// own fsync does not make its name so). A file system that cannot flush a folder (some answer
/// `EINVAL`) has nothing more to flush.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        let folder = std::fs::File::open(dir)?;
        match folder.sync_all() {
            Err(err) if err.raw_os_error() == Some(libc::EINVAL) => {}
            other => other?,
        }
        #[cfg(test)]
        tests::note_synced(dir);
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Creates `dir` and its missing parents, each one it creates its owner's only (0700), for the
/// folders of files that hold a secret or a token. A folder that exists already is left as it is:
/// only those the operator creates are its to set.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Why a folder is no place for a private file: others than its owner may replace what is in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SharedDir {
    /// Writable by every user (`o+w`, sticky or not): mode in octal.
    WritableByOthers { mode: u32 },
    /// Owned by another user than this process's (nor root): that user may change it.
    OwnedByOther { owner: u32 },
}

impl std::fmt::Display for SharedDir {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::WritableByOthers { mode } => {
                write!(f, "it is writable by every user (mode {mode:04o})")
            }
            Self::OwnedByOther { owner } => write!(f, "it belongs to another user (uid {owner})"),
        }
    }
}

/// Whether others than its owner may add, rename or replace files in `dir` (symbolic links
/// followed: the folder that holds the files is what counts). `None`: it is private enough, or
/// it does not exist (then whoever creates it makes it 0700).
pub fn shared_dir(dir: &Path) -> Option<SharedDir> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(dir).ok()?;
        let mode = meta.mode() & 0o7777;
        if mode & 0o002 != 0 {
            return Some(SharedDir::WritableByOthers { mode });
        }
        // SAFETY: geteuid(2) cannot fail.
        let me = unsafe { libc::geteuid() };
        if meta.uid() != me && meta.uid() != 0 {
            return Some(SharedDir::OwnedByOther { owner: meta.uid() });
        }
        None
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::path::PathBuf;

    thread_local! {
        static SYNCED: RefCell<Vec<PathBuf>> = const { RefCell::new(Vec::new()) };
    }

    pub(super) fn note_synced(dir: &Path) {
        SYNCED.with(|s| s.borrow_mut().push(dir.to_path_buf()));
    }

    /// The folders [`sync_dir`] flushed on this thread since the last call.
    pub(crate) fn synced() -> Vec<PathBuf> {
        SYNCED.with(|s| std::mem::take(&mut *s.borrow_mut()))
    }

    #[cfg(unix)]
    #[test]
    fn a_durable_write_flushes_its_folder_after_the_rename_and_a_record_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("setup-answers.json");
        synced();
        write_atomic(&path, b"{}").unwrap();
        assert_eq!(synced(), [dir.path().to_path_buf()]);
        assert_eq!(std::fs::read(&path).unwrap(), b"{}");
        write_record(&dir.path().join("run.json"), b"{}").unwrap();
        assert_eq!(synced(), Vec::<PathBuf>::new());
    }

    #[test]
    fn a_bare_file_name_is_in_the_current_folder() {
        assert_eq!(parent_of(Path::new("rel.env")), Path::new("."));
        assert_eq!(parent_of(Path::new("a/rel.env")), Path::new("a"));
    }

    #[cfg(unix)]
    #[test]
    fn only_the_folders_created_are_made_private_an_existing_one_is_left() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        let root = tempfile::tempdir().unwrap();
        let shared = root.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
        let inner = shared.join("a/b");
        create_private_dir(&inner).unwrap();
        assert_eq!(
            mode(&shared),
            0o1777,
            "the existing folder is left as it was"
        );
        assert_eq!(mode(&shared.join("a")) & 0o077, 0);
        assert_eq!(mode(&inner) & 0o077, 0);
        assert_eq!(
            shared_dir(&shared),
            Some(SharedDir::WritableByOthers { mode: 0o1777 })
        );
        assert_eq!(shared_dir(&inner), None);
    }
}
