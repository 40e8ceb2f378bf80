//! What a pack's lifecycle flows call: each node names a built-in or a component the pack
//! holds, and each component the manifest lists is in the archive and exports an interface
//! this operator's runner can call.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

use super::{Finding, Severity};
use crate::domains::TABLE;
use crate::manifest::{PackInfo, open_archive};
use crate::outcome::RUNNER_VERSION;

/// Node types the runner provides itself (no wasm).
const BUILTINS: [&str; 8] = [
    "emit.response",
    "emit.log",
    "state.get",
    "state.set",
    "var.set",
    "flow.call",
    "flow.goto",
    "session.wait",
];

/// The component interfaces runner 1.2 instantiates (greentic-runner-host's `component_api`).
const RUNNABLE_EXPORTS: [&str; 3] = [
    "greentic:component/node@0.4",
    "greentic:component/node@0.5",
    "greentic:component/component-runtime@0.6",
];

/// Largest component read to look at its exports (the runner's per-entry limit).
const MAX_COMPONENT_BYTES: u64 = 16 * 1024 * 1024;

pub fn check(path: &Path, info: &PackInfo) -> Vec<Finding> {
    let mut findings = node_findings(info);
    let mut archive = match open_archive(path) {
        Ok(archive) => archive,
        Err(_) => return findings, // already reported as a pack error
    };
    for component in &info.components {
        let entry = format!("components/{}.wasm", component.id);
        let bytes = match archive.by_name(&entry) {
            Ok(file) => {
                let mut bytes = Vec::new();
                let _ = file.take(MAX_COMPONENT_BYTES).read_to_end(&mut bytes);
                bytes
            }
            Err(_) => {
                findings.push(
                    Finding::new(
                        Severity::Error,
                        format!("lists component {} but holds no {entry}", component.id),
                    )
                    .fix("rebuild the pack with `greentic-pack build`"),
                );
                continue;
            }
        };
        findings.extend(export_finding(&component.id, &component.world, &bytes));
    }
    findings
}

/// Nodes of lifecycle flows calling a component the pack does not list.
fn node_findings(info: &PackInfo) -> Vec<Finding> {
    let lifecycle: BTreeSet<&str> = TABLE
        .iter()
        .flat_map(|spec| {
            [spec.setup_flow, spec.diagnostics_flow]
                .into_iter()
                .chain(spec.verify_flows.iter().copied())
        })
        .collect();
    let mut findings = Vec::new();
    for (flow, nodes) in info
        .flow_nodes
        .iter()
        .filter(|(f, _)| lifecycle.contains(f.as_str()))
    {
        for (node, component) in nodes {
            let known =
                BUILTINS.contains(&component.as_str()) || info.component_world(component).is_some();
            if !known {
                let message = format!(
                    "flow {flow} node {node} calls component {component}, which the pack does not contain: it can only come from a registry with --online"
                );
                let fix = format!("add {component} to the pack, or run with --online");
                findings.push(Finding::new(Severity::Warning, message).fix(fix));
            }
        }
    }
    findings
}

/// A component whose exports the runner cannot call: an error naming the declared world.
fn export_finding(id: &str, world: &str, bytes: &[u8]) -> Option<Finding> {
    let exports = match top_level_exports(bytes) {
        Ok(exports) => exports,
        Err(err) => {
            let message = format!("component {id} is not a valid wasm component: {err}");
            return Some(Finding::new(Severity::Error, message).fix("rebuild the component"));
        }
    };
    let runnable = exports
        .iter()
        .any(|e| RUNNABLE_EXPORTS.iter().any(|r| e.starts_with(r)));
    if runnable {
        return Some(Finding::new(
            Severity::Info,
            format!("component {id} ({world}) exports an interface the runner calls"),
        ));
    }
    let message = format!(
        "component {id} declares world {world} and exports {}, none of which greentic-runner {RUNNER_VERSION} can call (node@0.4/0.5, component-runtime@0.6): the pack was built for another runner version",
        if exports.is_empty() {
            "nothing".to_string()
        } else {
            exports.join(", ")
        }
    );
    let fix = format!("use a build of the pack for greentic-runner {RUNNER_VERSION}");
    Some(Finding::new(Severity::Error, message).fix(fix))
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
