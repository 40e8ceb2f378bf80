//! The compiled-component cache: greentic-runner-host's disk cache, one folder every loader
//! shares (the provider-contract host, the flows' runner, the device-code finalize, the doctor)
//! and, by default, every project of the user. Where it is ([`CacheLocation`]), the key a
//! component is kept under ([`component_digest`]), and what it holds ([`CacheUsage`]).
//!
//! ```text
//! $XDG_CACHE_HOME (else ~/.cache)/greentic-operator/components/   or GREENTIC_CACHE_DIR
//!     v1/<engine profile>/artifacts/sha256_<digest>.cwasm  .json   written by the runner host
//! ```
//!
//! The engine profile names the runner's wasmtime version, target and engine settings, and the
//! digest is the sha256 of the component's bytes: a rebuilt component or another operator
//! build never reads a stale artifact. The runner host writes each entry as private files
//! renamed into place, creates the folders it needs 0700, and deletes (then recompiles) an entry
//! whose artifact does not match its recorded hash.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use greentic_runner_host::cache::{ArtifactMetadata, CacheConfig};
use sha2::{Digest, Sha256};

/// Moves the cache (read by the runner host too).
pub const CACHE_DIR_VAR: &str = "GREENTIC_CACHE_DIR";
/// Turns the cache off when `1`, `true` or `yes` (the runner host reads both names).
pub const NO_CACHE_VARS: [&str; 2] = ["GREENTIC_NO_CACHE", "GREENTIC_DISABLE_CACHE"];
/// The folder under the user's cache folder.
const DEFAULT_SUBDIR: [&str; 2] = ["greentic-operator", "components"];

/// Where compiled components are kept, or why they are not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheLocation {
    At { root: PathBuf, origin: CacheOrigin },
    Off(OffReason),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheOrigin {
    /// `GREENTIC_CACHE_DIR`.
    Variable,
    /// The user's cache folder (the default).
    UserCache,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffReason {
    /// `GREENTIC_NO_CACHE` or `GREENTIC_DISABLE_CACHE`.
    Variable,
    /// No home folder to find the user's cache folder in (and no `GREENTIC_CACHE_DIR`).
    NoHome,
}

impl CacheLocation {
    /// Read from this process's environment.
    pub fn from_env() -> Self {
        Self::resolve(|name| std::env::var_os(name), user_cache_dir)
    }

    /// `var` reads a variable; `user_cache` is the user's cache folder, when there is one.
    pub fn resolve(
        var: impl Fn(&str) -> Option<OsString>,
        user_cache: impl FnOnce() -> Option<PathBuf>,
    ) -> Self {
        let flag = |name: &str| {
            var(name)
                .is_some_and(|v| matches!(v.to_str(), Some("1" | "true" | "TRUE" | "yes" | "YES")))
        };
        if NO_CACHE_VARS.iter().any(|name| flag(name)) {
            return Self::Off(OffReason::Variable);
        }
        let default =
            user_cache().map(|base| DEFAULT_SUBDIR.iter().fold(base, |p, part| p.join(part)));
        if let Some(dir) = var(CACHE_DIR_VAR).filter(|dir| !dir.is_empty()) {
            let dir = PathBuf::from(dir);
            let root = std::path::absolute(&dir).unwrap_or(dir);
            // `main` hands the default to the runner through the variable too.
            let origin = if default.as_ref() == Some(&root) {
                CacheOrigin::UserCache
            } else {
                CacheOrigin::Variable
            };
            return Self::At { root, origin };
        }
        match default {
            Some(root) => Self::At {
                root,
                origin: CacheOrigin::UserCache,
            },
            None => Self::Off(OffReason::NoHome),
        }
    }

    pub fn root(&self) -> Option<&Path> {
        match self {
            Self::At { root, .. } => Some(root),
            Self::Off(_) => None,
        }
    }
}

/// `$XDG_CACHE_HOME`, else `~/.cache` (Windows: its local app data folder).
fn user_cache_dir() -> Option<PathBuf> {
    use etcetera::BaseStrategy;
    etcetera::choose_base_strategy()
        .ok()
        .map(|strategy| strategy.cache_dir())
}

/// The key the runner host keeps a component's compiled code under: `sha256:<hex>` of its
/// bytes (greentic-runner-host's `build_artifact_key`).
pub fn component_digest(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    let mut digest = String::with_capacity(7 + 64);
    digest.push_str("sha256:");
    for byte in hash.iter() {
        digest.push_str(&format!("{byte:02x}"));
    }
    digest
}

/// The folder of the artifacts this operator's runner reads and writes (its engine profile's).
pub fn profile_root(root: &Path, profile_id: &str) -> PathBuf {
    CacheConfig {
        root: root.to_path_buf(),
        ..CacheConfig::default()
    }
    .disk_root(profile_id)
}

/// Whether the cache at `profile_root` holds a complete compiled artifact of the component
/// whose digest is `digest`: its metadata names the digest and the artifact has the recorded
/// length. Read only (the runner host checks the artifact's hash when it loads it).
pub fn is_compiled(profile_root: &Path, digest: &str) -> bool {
    let stem = digest.replace(':', "_");
    let artifacts = profile_root.join("artifacts");
    let meta = std::fs::read_to_string(artifacts.join(format!("{stem}.json")))
        .ok()
        .and_then(|raw| serde_json::from_str::<ArtifactMetadata>(&raw).ok());
    let len = std::fs::metadata(artifacts.join(format!("{stem}.cwasm"))).map(|m| m.len());
    matches!((meta, len), (Some(meta), Ok(len)) if meta.wasm_digest == digest && meta.artifact_bytes == len)
}

/// What the cache folder holds, over every engine profile.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheUsage {
    pub bytes: u64,
    pub artifacts: u64,
}

impl CacheUsage {
    /// Walks `root`; a folder that does not exist holds nothing.
    pub fn of(root: &Path) -> Self {
        let mut usage = Self::default();
        let mut pending = vec![root.to_path_buf()];
        while let Some(dir) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let Ok(kind) = entry.file_type() else {
                    continue;
                };
                if kind.is_dir() {
                    pending.push(entry.path());
                } else if kind.is_file() {
                    usage.bytes += entry.metadata().map_or(0, |m| m.len());
                    let path = entry.path();
                    if path.extension().is_some_and(|ext| ext == "cwasm") {
                        usage.artifacts += 1;
                    }
                }
            }
        }
        usage
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn the_default_is_under_the_users_cache_folder() {
        let location = CacheLocation::resolve(vars(&[]), || Some("/home/u/.cache".into()));
        assert_eq!(
            location,
            CacheLocation::At {
                root: "/home/u/.cache/greentic-operator/components".into(),
                origin: CacheOrigin::UserCache
            }
        );
    }

    #[test]
    fn the_variable_moves_it_and_no_cache_turns_it_off() {
        let moved = CacheLocation::resolve(vars(&[(CACHE_DIR_VAR, "/c")]), || None);
        assert_eq!(moved.root(), Some(Path::new("/c")));
        let set_by_main = CacheLocation::resolve(
            vars(&[(CACHE_DIR_VAR, "/h/.cache/greentic-operator/components")]),
            || Some("/h/.cache".into()),
        );
        assert!(matches!(
            set_by_main,
            CacheLocation::At {
                origin: CacheOrigin::UserCache,
                ..
            }
        ));
        let off = CacheLocation::resolve(
            vars(&[(CACHE_DIR_VAR, "/c"), ("GREENTIC_NO_CACHE", "1")]),
            || None,
        );
        assert_eq!(off, CacheLocation::Off(OffReason::Variable));
        let not_set = CacheLocation::resolve(vars(&[("GREENTIC_NO_CACHE", "0")]), || None);
        assert_eq!(not_set, CacheLocation::Off(OffReason::NoHome));
    }

    #[test]
    fn the_digest_is_the_runner_hosts() {
        assert_eq!(
            component_digest(b"one"),
            "sha256:7692c3ad3540bb803c020b3aee66cd8887123234ea0c6e7143c0add73ff431ed"
        );
    }
}
