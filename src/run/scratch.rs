//! A private folder for the runner's own files while a flow runs. The runner writes its
//! transcript, logs and run.json as it goes, secret values and all; those files are written
//! here, in memory where the machine offers it (`/dev/shm`), owner-only, and reach the run
//! folder only through the redactor. The folder goes when the command ends, also on a second
//! Ctrl-C (see [`crate::base::interrupt::remove_on_exit`]); one left by a killed operator is removed
//! by the next.

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
        let dir = tempfile::Builder::new()
            .prefix(&format!("{PREFIX}{}-", std::process::id()))
            .tempdir_in(&base)?;
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

/// Removes the scratch folders, owned by this user, of operator processes that are gone.
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
        let mine = entry.metadata().is_ok_and(|m| Some(m.uid()) == me);
        if mine && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn sweep_stale(_base: &Path) {}
