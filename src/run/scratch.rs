//! A private folder for the runner's own files while a flow runs. The runner writes its
//! transcript, logs and run.json as it goes, secret values and all; those files are written
//! here, in memory where the machine offers it (`/dev/shm`), and reach the run folder only
//! through the redactor. The folder is created 0700, so no other user can enter it however the
//! runner's files inside are made (they are 0600 too: `main` adds 077 to the umask, see
//! [`crate::state::atomic_file::restrict_umask`]). The folder goes when the command ends, also on
//! a second Ctrl-C (see [`crate::base::interrupt::remove_on_exit`]); one left by a killed operator
//! stays closed (0700) until the next removes it.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

use crate::base::interrupt;

/// Names this process's folder: `greentic-operator-<pid>-<random>`.
const PREFIX: &str = "greentic-operator-";

/// This command's scratch folder, removed when dropped.
#[derive(Debug)]
pub struct Scratch {
    dir: TempDir,
}

impl Scratch {
    /// Creates the folder (0700), after removing those of operators that no longer run.
    pub fn create() -> io::Result<Self> {
        let base = base_dir();
        sweep_stale(&base);
        let prefix = format!("{PREFIX}{}-", std::process::id());
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(fs::Permissions::from_mode(0o700));
        }
        let dir = builder.tempdir_in(&base)?;
        interrupt::remove_on_exit(dir.path().to_path_buf());
        Ok(Self { dir })
    }

    /// The folder one flow run's runner writes into (the runner creates it).
    pub fn flow_dir(&self, run_id: &str) -> PathBuf {
        self.dir.path().join(run_id)
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        interrupt::keep_on_exit(self.dir.path());
    }
}

/// `/dev/shm` when it is a folder this process can write (memory, never the disk), else the
/// system's temporary folder.
fn base_dir() -> PathBuf {
    let shm = Path::new("/dev/shm");
    let writable = fs::metadata(shm).is_ok_and(|m| m.is_dir() && !m.permissions().readonly());
    if writable {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    }
}

/// Removes the scratch folders, owned by this user, of operator processes that are gone, and
/// closes (0700) those of live ones left open by an older operator.
#[cfg(target_os = "linux")]
fn sweep_stale(base: &Path) {
    use std::os::unix::fs::MetadataExt;
    let Ok(entries) = fs::read_dir(base) else {
        return;
    };
    let me = fs::metadata("/proc/self").map(|m| m.uid()).ok();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        // Not followed: a link named like ours is nobody's folder to touch.
        let Ok(meta) = fs::symlink_metadata(entry.path()) else {
            continue;
        };
        if !meta.is_dir() || Some(meta.uid()) != me {
            continue;
        }
        if !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = fs::remove_dir_all(entry.path());
        } else if meta.mode() & 0o077 != 0 {
            // An operator's folder (an older one's, made with the default mode) is closed.
            use std::os::unix::fs::PermissionsExt;
            let _ = fs::set_permissions(entry.path(), fs::Permissions::from_mode(0o700));
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn sweep_stale(_base: &Path) {}
