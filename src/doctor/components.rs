//! What a pack's lifecycle flows call: each node names a built-in or a component the pack
//! holds, and each component the manifest lists is in the archive and exports an interface
//! this operator's runner can call.

use std::collections::BTreeSet;
use std::path::Path;

use super::{Finding, Severity};
use crate::pack::domains::lifecycle_steps;
use crate::pack::manifest::{
    ExportVerdict, ManifestForm, NodeCall, NodeTarget, PackInfo, ProviderContract, exports_in,
    open_archive,
};

pub fn check(path: &Path, info: &PackInfo) -> Vec<Finding> {
    let mut findings = node_findings(info);
    findings.extend(hint_findings(info));
    findings.extend(super::ingress::unlisted(info));
    if info.form == ManifestForm::Older {
        // Its components sit where its manifest's `file_wasm` says, for a runner of before
        // 1.0; the pack's own error already says this runner cannot run it.
        return findings;
    }
    let Ok(mut archive) = open_archive(path) else {
        return findings; // already reported as a pack error
    };
    for component in &info.components {
        let id = &component.id;
        // A component no flow node calls is judged by the extension that calls it: a
        // provider's runtime by the world of its contract, a webhook ingress by its function.
        let by_node = called_by_node(info, id);
        let ingress = super::ingress::declared_for(&info.ingress, id).filter(|_| !by_node);
        let provider = provider_run_by(info, id).filter(|_| !by_node);
        if let (Some(ingress), None) = (ingress, provider) {
            findings.push(super::ingress::finding(&mut archive, ingress));
            continue;
        }
        findings.push(match exports_in(&mut archive, id) {
            Ok(exports) => match provider {
                Some(provider) => super::contract::runtime_finding(provider, exports),
                None => export_finding(id, &component.world, exports),
            },
            Err(err) => Finding::new(Severity::Error, format!("component {id}: {err}"))
                .fix("rebuild the pack with `greentic-pack build`"),
        });
    }
    findings
}

fn called_by_node(info: &PackInfo, id: &str) -> bool {
    info.flow_nodes
        .values()
        .any(|nodes| nodes.values().any(|call| call.component() == Some(id)))
}

/// The provider whose runtime component `id` is.
fn provider_run_by<'a>(info: &'a PackInfo, id: &str) -> Option<&'a ProviderContract> {
    info.providers
        .iter()
        .find(|p| p.runtime.component_ref == id)
}

/// Nodes of lifecycle flows calling a component the pack does not list, judged as the runner
/// dispatches them: nodes it handles itself (`emit.*`, `provider.invoke`, ...) need nothing.
fn node_findings(info: &PackInfo) -> Vec<Finding> {
    let lifecycle: BTreeSet<&str> = lifecycle_steps()
        .into_iter()
        .map(|step| info.flow_for(step))
        .collect();
    let mut findings = Vec::new();
    for (flow, nodes) in info
        .flow_nodes
        .iter()
        .filter(|(f, _)| lifecycle.contains(f.as_str()))
    {
        for (node, call) in nodes {
            findings.extend(node_finding(info, flow, node, call));
        }
    }
    findings
}

fn node_finding(info: &PackInfo, flow: &str, node: &str, call: &NodeCall) -> Option<Finding> {
    match &call.target {
        NodeTarget::Runner => None,
        NodeTarget::Component(id) if info.component_world(id).is_some() => None,
        NodeTarget::Component(id) => {
            let written = match *id == call.written {
                true => String::new(),
                false => format!(" (the runner reads {} as component {id})", call.written),
            };
            let message = format!(
                "flow {flow} node {node} calls component {id}{written}, which the pack does not contain: it can only come from a registry with --online"
            );
            let fix = format!("add {id} to the pack, or run with --online");
            Some(Finding::new(Severity::Warning, message).fix(fix))
        }
        NodeTarget::ExecWithoutTarget => {
            let message = format!(
                "flow {flow} node {node} is component.exec without a component in its input: the runner will fail it"
            );
            let fix = "name the component in the node's input (`component`), and rebuild the pack";
            Some(Finding::new(Severity::Warning, message).fix(fix))
        }
    }
}

/// A flow hint naming a flow the pack does not declare: the step runs its default flow instead
/// (or is skipped), which is seldom what the pack meant.
fn hint_findings(info: &PackInfo) -> Vec<Finding> {
    info.flow_hints
        .iter()
        .filter(|(_, flow)| !info.declares(flow))
        .map(|(step, flow)| {
            let instead = if info.declares(step) {
                format!("its own flow {step} runs instead")
            } else {
                "the step has no flow".to_string()
            };
            Finding::new(
                Severity::Warning,
                format!(
                    "its flow hints name {flow} for {step}, which the pack does not declare: {instead}"
                ),
            )
            .fix(format!("add flow {flow} to the pack, or correct its provider_flow_hints"))
        })
        .collect()
}

/// What the runner makes of a component's exports: info when it can call it, else an error
/// with the same words a failed run uses.
fn export_finding(id: &str, world: &str, exports: Vec<String>) -> Finding {
    match ExportVerdict::of(exports).problem(id, world) {
        None => Finding::new(
            Severity::Info,
            format!("component {id} ({world}) exports an interface the runner calls"),
        ),
        Some((why, fix)) => Finding::new(Severity::Error, why).fix(fix),
    }
}
