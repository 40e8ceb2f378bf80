//! The compiled-component cache, as it stands for this project: where it is, what it holds,
//! and how many of the project's components are compiled in it already (the rest compile on
//! the next command that loads them). Read only, but for [`warm_contracts`].

use std::collections::BTreeMap;
use std::path::Path;

use super::{Finding, Severity};
use crate::base::interrupt::PROCESS_INTERRUPT;
use crate::pack::manifest::{ManifestForm, PackInfo, component_bytes, open_archive};
use crate::plan::PlannedPack;
use crate::plan::contract::contract_provider;
use crate::run::warmup::{WarmItem, warm};
use crate::state::component_cache::{
    CacheLocation, CacheOrigin, CacheUsage, OffReason, component_digest, is_compiled, profile_root,
};

/// The project's distinct components (by digest), each with whether the cache held it when it
/// was first seen: counted before a check of the doctor's own loads it.
#[derive(Debug, Default)]
pub struct ProjectComponents {
    compiled: BTreeMap<String, bool>,
    profile_root: Option<std::path::PathBuf>,
}

impl ProjectComponents {
    pub fn new(location: &CacheLocation) -> Self {
        let profile_root = location.root().and_then(|root| {
            let (_, profile) = greentic_runner_host::runtime_cache_engine_and_profile().ok()?;
            Some(profile_root(root, profile.id()))
        });
        Self {
            compiled: BTreeMap::new(),
            profile_root,
        }
    }

    /// Notes the components of the pack at `path` (one it cannot read is left out: the
    /// components check reports it).
    pub fn note(&mut self, path: &Path, info: &PackInfo) {
        let Ok(mut archive) = open_archive(path) else {
            return;
        };
        for component in &info.components {
            let Ok((_, bytes)) = component_bytes(&mut archive, &component.id) else {
                continue;
            };
            let digest = component_digest(&bytes);
            if !self.compiled.contains_key(&digest) {
                let done = self
                    .profile_root
                    .as_deref()
                    .is_some_and(|root| is_compiled(root, &digest));
                self.compiled.insert(digest, done);
            }
        }
    }

    /// The cache's finding; `None` when the project has no component (nothing to compile).
    pub fn finding(&self, location: &CacheLocation) -> Option<Finding> {
        let total = self.compiled.len();
        if total == 0 {
            return None;
        }
        let done = self.compiled.values().filter(|done| **done).count();
        Some(match location {
            CacheLocation::At { root, .. } if root.exists() && !root.is_dir() => Finding::new(
                Severity::Warning,
                format!(
                    "compiled-component cache {} is not a folder: nothing is kept, each command compiles the {total} components it loads",
                    root.display()
                ),
            )
            .fix("set GREENTIC_CACHE_DIR to a folder of yours, or remove that file"),
            CacheLocation::At { root, origin } => {
                let usage = CacheUsage::of(root);
                let whence = match origin {
                    CacheOrigin::Variable => "GREENTIC_CACHE_DIR",
                    CacheOrigin::UserCache => "shared by your projects",
                };
                let finding = Finding::new(
                    Severity::Info,
                    format!(
                        "compiled-component cache {} ({whence}): {} in {} compiled components; {done} of the project's {total} components compiled",
                        root.display(),
                        human_bytes(usage.bytes),
                        usage.artifacts,
                    ),
                );
                if done < total {
                    finding.fix("the next command that loads them compiles the rest, on every core (dev setup, or dev setup --dry-run for the providers' own)")
                } else {
                    finding
                }
            }
            CacheLocation::Off(reason) => {
                let why = match reason {
                    OffReason::Variable => "GREENTIC_NO_CACHE is set",
                    OffReason::NoHome => "no home folder to keep it in",
                };
                Finding::new(
                    Severity::Info,
                    format!(
                        "compiled-component cache off ({why}): each command compiles the {total} components it loads"
                    ),
                )
                .fix("unset GREENTIC_NO_CACHE, or set GREENTIC_CACHE_DIR to a folder of yours")
            }
        })
    }
}

/// Compiles the component of each provider the contract check asks, on every core, before the
/// checks load them one pack at a time (the cache's own rule: nothing when it is off).
pub fn warm_contracts(location: &CacheLocation, packs: &[&PlannedPack]) {
    let Some(root) = location.root() else { return };
    let items: Vec<WarmItem> = packs
        .iter()
        .filter_map(|pack| {
            let info = pack
                .info
                .as_ref()
                .filter(|i| i.form == ManifestForm::Cbor)?;
            let provider = contract_provider(info)?;
            Some(WarmItem {
                pack: pack.label.clone(),
                pack_path: pack.path.clone(),
                component: provider.runtime.component_ref.clone(),
            })
        })
        .collect();
    warm(root, &items, &PROCESS_INTERRUPT, &mut |_| {});
}

/// `28.1 MB`, `640 KB`, `12 bytes`.
fn human_bytes(bytes: u64) -> String {
    const KB: f64 = 1000.0;
    let value = bytes as f64;
    if value >= KB * KB {
        format!("{:.1} MB", value / (KB * KB))
    } else if value >= KB {
        format!("{:.0} KB", value / KB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::{CacheLocation, CacheOrigin, ProjectComponents, Severity, human_bytes};

    #[test]
    fn a_cache_path_that_is_a_file_is_a_warning_not_an_empty_cache() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("cachefile");
        std::fs::write(&root, b"not a folder").unwrap();
        let location = CacheLocation::At {
            root: root.clone(),
            origin: CacheOrigin::Variable,
        };
        let mut components = ProjectComponents::new(&location);
        components.compiled.insert("sha256:00".into(), false);
        let finding = components.finding(&location).unwrap();
        assert_eq!(finding.severity, Severity::Warning, "{finding:?}");
        assert!(finding.message.contains("is not a folder"), "{finding:?}");
    }

    #[test]
    fn sizes_read_as_a_person_says_them() {
        assert_eq!(human_bytes(12), "12 bytes");
        assert_eq!(human_bytes(640_400), "640 KB");
        assert_eq!(human_bytes(28_140_000), "28.1 MB");
    }
}
