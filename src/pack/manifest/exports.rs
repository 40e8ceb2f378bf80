//! What a pack's component exports (read with wasmparser, the runner host's own copy), and
//! what that means for the runner in this operator: an interface it calls, a Greentic
//! interface of another version, or no usable export at all.

use std::io::Read;
use std::path::Path;

use super::{ManifestError, open_archive};

/// The greentic-runner-desktop version this operator is built with (Cargo.lock; a unit test
/// keeps the two equal).
pub const RUNNER_VERSION: &str = "1.2.2";

/// The component interfaces runner 1.2 instantiates (greentic-runner-host's `component_api`).
const RUNNABLE_EXPORTS: [&str; 3] = [
    "greentic:component/node@0.4",
    "greentic:component/node@0.5",
    "greentic:component/component-runtime@0.6",
];

/// Largest component read to look at its exports (the runner's per-entry limit).
const MAX_COMPONENT_BYTES: u64 = 16 * 1024 * 1024;

/// What a component's exports mean for this operator's runner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportVerdict {
    /// It exports an interface the runner calls.
    Runnable,
    /// It exports Greentic interfaces, none of a version the runner calls: built for another
    /// runner.
    OtherVersion(Vec<String>),
    /// It exports nothing, or nothing of Greentic's: the pack ships an unusable component.
    NoUsableExport(Vec<String>),
}

impl ExportVerdict {
    pub fn of(exports: Vec<String>) -> Self {
        let runnable = |e: &String| RUNNABLE_EXPORTS.iter().any(|r| e.starts_with(r));
        if exports.iter().any(runnable) {
            ExportVerdict::Runnable
        } else if exports.iter().any(|e| e.starts_with("greentic:")) {
            ExportVerdict::OtherVersion(exports)
        } else {
            ExportVerdict::NoUsableExport(exports)
        }
    }
}

impl ExportVerdict {
    /// Why the runner cannot call component `id` (whose manifest declares `world`), and what
    /// to do, in the words `dev doctor` and a failed run both use; `None` when it can.
    pub fn problem(&self, id: &str, world: &str) -> Option<(String, String)> {
        let listed = |exports: &[String]| {
            if exports.is_empty() {
                "nothing".to_string()
            } else {
                exports.join(", ")
            }
        };
        match self {
            ExportVerdict::Runnable => None,
            ExportVerdict::OtherVersion(exports) => Some((
                format!(
                    "component {id} declares world {world} and exports {}, none of which \
                     greentic-runner {RUNNER_VERSION} (the runner in this operator) can call \
                     (node@0.4/0.5, component-runtime@0.6): the pack was built for another \
                     runner version",
                    listed(exports)
                ),
                format!(
                    "use a build of the pack for greentic-runner {RUNNER_VERSION}, or an \
                     operator with a matching runner"
                ),
            )),
            ExportVerdict::NoUsableExport(exports) => Some((
                format!(
                    "component {id} exports {}: no interface any Greentic runner calls, so the \
                     pack ships a component it cannot use (its manifest declares {world})",
                    listed(exports)
                ),
                "rebuild the pack with a working build of that component, or replace the pack"
                    .to_string(),
            )),
        }
    }
}

/// Why a component's exports could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ExportsError {
    #[error(transparent)]
    Pack(#[from] ManifestError),
    #[error("the pack holds no {entry}")]
    Missing { entry: String },
    #[error("failed to read {entry}: {source}")]
    Read {
        entry: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{entry} is not a valid wasm component: {source}")]
    Invalid {
        entry: String,
        #[source]
        source: wasmparser::BinaryReaderError,
    },
}

/// The top-level exports of component `id` in the pack at `path`
/// (`components/<id>.wasm`).
pub fn component_exports(path: &Path, id: &str) -> Result<Vec<String>, ExportsError> {
    exports_in(&mut open_archive(path)?, id)
}

/// The top-level exports of component `id` in an archive already open (one opening for all
/// of a pack's components).
pub fn exports_in<R: Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    id: &str,
) -> Result<Vec<String>, ExportsError> {
    let (entry, bytes) = component_bytes(archive, id)?;
    top_level_exports(&bytes).map_err(|source| ExportsError::Invalid { entry, source })
}

/// The entry of component `id` and its bytes, within the runner's per-entry limit.
pub fn component_bytes<R: Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    id: &str,
) -> Result<(String, Vec<u8>), ExportsError> {
    let entry = format!("components/{id}.wasm");
    let file = archive.by_name(&entry).map_err(|_| ExportsError::Missing {
        entry: entry.clone(),
    })?;
    let mut bytes = Vec::new();
    file.take(MAX_COMPONENT_BYTES)
        .read_to_end(&mut bytes)
        .map_err(|source| ExportsError::Read {
            entry: entry.clone(),
            source,
        })?;
    Ok((entry, bytes))
}

/// The functions component `id` exports, each as `interface#function` when it sits in an
/// exported interface, else by its own name: what a host calling one function by name (a
/// webhook ingress's `handle-webhook`) finds. The component is validated to learn them.
pub fn exported_functions_in<R: Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    id: &str,
) -> Result<Vec<String>, ExportsError> {
    let (entry, bytes) = component_bytes(archive, id)?;
    functions(&bytes).map_err(|source| ExportsError::Invalid { entry, source })
}

fn functions(bytes: &[u8]) -> Result<Vec<String>, wasmparser::BinaryReaderError> {
    use wasmparser::component_types::ComponentEntityType;
    let mut validator = wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all());
    let types = validator.validate_all(bytes)?;
    let mut functions = Vec::new();
    for export in top_level_exports(bytes)? {
        match types.component_entity_type_of_export(&export) {
            Some(ComponentEntityType::Func(_)) => functions.push(export),
            Some(ComponentEntityType::Instance(instance)) => {
                let inside = types[instance].exports.iter();
                let inside = inside.filter(|(_, ty)| matches!(ty, ComponentEntityType::Func(_)));
                functions.extend(inside.map(|(name, _)| format!("{export}#{name}")));
            }
            _ => {}
        }
    }
    Ok(functions)
}

/// The names a component exports at its top level (not those of components nested in it); a
/// core module's exports are marked as such (the runner instantiates components only).
fn top_level_exports(bytes: &[u8]) -> Result<Vec<String>, wasmparser::BinaryReaderError> {
    use wasmparser::{Encoding, Payload};
    let mut depth = 0usize;
    let mut exports = Vec::new();
    let mut core = false;
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        match payload? {
            Payload::Version { encoding, .. } if depth == 0 => {
                core = encoding == Encoding::Module;
            }
            Payload::ExportSection(section) if depth == 0 && core => {
                for export in section {
                    exports.push(format!("core function {}", export?.name));
                }
            }
            Payload::ModuleSection { .. } | Payload::ComponentSection { .. } => depth += 1,
            Payload::End(_) => depth = depth.saturating_sub(1),
            Payload::ComponentExportSection(section) if depth == 0 => {
                for export in section {
                    exports.push(export?.name.0.to_string());
                }
            }
            _ => {}
        }
    }
    Ok(exports)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_named_runner_version_is_the_one_in_cargo_lock() {
        let lock = include_str!("../../../Cargo.lock");
        let entry = format!("name = \"greentic-runner-desktop\"\nversion = \"{RUNNER_VERSION}\"");
        assert!(
            lock.contains(&entry),
            "update RUNNER_VERSION to Cargo.lock's"
        );
    }

    #[test]
    fn exports_are_told_apart_by_what_the_runner_calls() {
        let s = |v: &[&str]| v.iter().map(|e| e.to_string()).collect::<Vec<_>>();
        assert_eq!(
            ExportVerdict::of(s(&["greentic:component/node@0.5.0"])),
            ExportVerdict::Runnable
        );
        assert!(matches!(
            ExportVerdict::of(s(&["greentic:component/component-v0-v6-v0@0.6.0"])),
            ExportVerdict::OtherVersion(_)
        ));
        assert_eq!(
            ExportVerdict::of(Vec::new()),
            ExportVerdict::NoUsableExport(Vec::new())
        );
        assert!(matches!(
            ExportVerdict::of(s(&["wasi:cli/run@0.2.0"])),
            ExportVerdict::NoUsableExport(_)
        ));
    }
}
