//! Finding a domain's provider packs: `<project-root>/providers/<domain>/*.gtpack`, sorted by file name.

use std::ffi::OsStr;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::Domain;

/// What one look into a domain's providers folder found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovery {
    /// The folder that was looked at.
    pub dir: PathBuf,
    /// False when the folder does not exist; `packs` is then empty.
    pub dir_exists: bool,
    /// Regular files named `*.gtpack`, sorted by file name.
    pub packs: Vec<PathBuf>,
    /// Entries named `*.gtpack` that are not regular files (a folder, a broken link, a socket),
    /// sorted by file name. The plan reports each as a pack in error instead of ignoring it.
    pub not_packs: Vec<NotAPack>,
}

/// An entry that looks like a pack by name but cannot be one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAPack {
    pub path: PathBuf,
    pub reason: String,
}

/// The providers folder exists but could not be listed.
#[derive(Debug, thiserror::Error)]
#[error("failed to list provider packs in {}", dir.display())]
pub struct DiscoveryError {
    pub dir: PathBuf,
    #[source]
    pub source: io::Error,
}

/// Lists the packs of `domain` under `project_root`.
///
/// Symbolic links are followed: a project may link a pack built elsewhere into its providers
/// folder, and the runner opens the link's target like any file. A link whose target is missing
/// or is not a regular file is reported in [`Discovery::not_packs`].
pub fn discover(project_root: &Path, domain: Domain) -> Result<Discovery, DiscoveryError> {
    let dir = project_root.join(domain.spec().providers_dir);
    let fail = |source| DiscoveryError {
        dir: dir.clone(),
        source,
    };
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            return Ok(Discovery {
                dir,
                dir_exists: false,
                packs: Vec::new(),
                not_packs: Vec::new(),
            });
        }
        Err(err) => return Err(fail(err)),
    };

    let mut packs = Vec::new();
    let mut not_packs = Vec::new();
    for entry in entries {
        let entry = entry.map_err(fail)?;
        let path = entry.path();
        if !has_pack_extension(&path) {
            continue;
        }
        match fs::metadata(&path) {
            Ok(meta) if meta.is_file() => packs.push(path),
            Ok(meta) => not_packs.push(NotAPack {
                path,
                reason: if meta.is_dir() {
                    "is a folder, not a pack file".into()
                } else {
                    "is not a regular file".into()
                },
            }),
            Err(err) => not_packs.push(NotAPack {
                path,
                reason: format!("cannot be read: {err}"),
            }),
        }
    }
    packs.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    not_packs.sort_by(|a, b| a.path.file_name().cmp(&b.path.file_name()));
    Ok(Discovery {
        dir,
        dir_exists: true,
        packs,
        not_packs,
    })
}

fn has_pack_extension(path: &Path) -> bool {
    path.extension()
        .and_then(OsStr::to_str)
        .is_some_and(|ext| ext.eq_ignore_ascii_case("gtpack"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_are_sorted_by_file_name_and_other_files_ignored() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("providers/messaging");
        fs::create_dir_all(&dir).unwrap();
        for name in [
            "zeta.gtpack",
            "alpha.gtpack",
            "Mid.GTPACK",
            "notes.txt",
            "pack.lock",
        ] {
            fs::write(dir.join(name), b"x").unwrap();
        }
        fs::create_dir(dir.join("folder.gtpack")).unwrap();

        let found = discover(root.path(), Domain::Messaging).unwrap();
        let names: Vec<_> = found
            .packs
            .iter()
            .map(|p| p.file_name().unwrap().to_str().unwrap())
            .collect();
        assert_eq!(names, ["Mid.GTPACK", "alpha.gtpack", "zeta.gtpack"]);
        assert_eq!(found.not_packs.len(), 1);
        assert!(found.not_packs[0].path.ends_with("folder.gtpack"));
    }

    #[test]
    fn a_missing_folder_is_an_empty_result() {
        let root = tempfile::tempdir().unwrap();
        let found = discover(root.path(), Domain::Events).unwrap();
        assert!(!found.dir_exists);
        assert!(found.packs.is_empty());
        assert!(found.dir.ends_with("providers/events"));
    }
}
