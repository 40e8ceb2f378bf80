//! What greentic-runner-host 1.2.2 makes of a flow node (its `HostNode::from(Node)` in
//! `runner/engine.rs`): a node the runner handles itself, a call to a component the pack must
//! hold, or a `component.exec` that names no component. Read from the runner's own dispatch so
//! that the doctor judges a node as the runner will.

use greentic_types::flow::Node;
use serde_json::Value;

/// A node of a flow as the runner will run it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeCall {
    /// The node's component id as the manifest writes it.
    pub written: String,
    pub target: NodeTarget,
}

/// What a node needs from the pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeTarget {
    /// A node type the runner provides itself (`emit.*`, `state.*`, `flow.*`,
    /// `provider.invoke`, ...): no wasm.
    Runner,
    /// A component of the pack (by id), called with an operation.
    Component(String),
    /// `component.exec` whose input names no component: the runner refuses it when it runs.
    ExecWithoutTarget,
}

/// Prefixes of the ids the runner never splits into `<component>.<operation>` (its
/// `is_builtin` list).
const UNSPLIT_PREFIXES: [&str; 14] = [
    "component.exec",
    "flow.",
    "emit.",
    "session.",
    "provider.",
    "dw.",
    "sorla.",
    "operala.",
    "agentic.",
    "approval.",
    "var.",
    "media.",
    "mcp:",
    "a2a:",
    // Not `telco-x.`: though `telco-x.call` is a node type of the runner's, its list leaves
    // it out, so without an operation the id is split and calls component `telco-x`.
];

/// The node ids the runner dispatches itself once the id is settled (its `match` on the
/// component ref, besides `emit.*`).
const RUNNER_NODES: [&str; 16] = [
    "flow.call",
    "flow.goto",
    "provider.invoke",
    "session.wait",
    "state.get",
    "state.set",
    "var.set",
    "dw.agent",
    "dw.agent_graph",
    "sorla.call",
    "operala.call",
    "agentic.call",
    "telco-x.call",
    "approval.call",
    "mcp",
    "a2a",
];

impl NodeCall {
    pub fn of(node: &Node) -> Self {
        let written = node.component.id.to_string();
        let operation = node.component.operation.as_deref();
        let target = target(&written, operation, &node.input.mapping);
        Self { written, target }
    }

    /// The component the node calls in the pack, when it calls one.
    pub fn component(&self) -> Option<&str> {
        match &self.target {
            NodeTarget::Component(id) => Some(id),
            _ => None,
        }
    }
}

fn target(written: &str, operation: Option<&str>, mapping: &Value) -> NodeTarget {
    let unsplit = UNSPLIT_PREFIXES.iter().any(|p| written.starts_with(p));
    // An id without an operation, anywhere, is `<component>.<operation>` to the runner.
    let (component, operation) =
        if operation.is_some() || unsplit || mapping_str(mapping, &["operation", "op"]).is_some() {
            (written, operation)
        } else if let Some(dot) = written.rfind('.') {
            (&written[..dot], Some(&written[dot + 1..]))
        } else {
            (written, None)
        };
    let exec = component == "component.exec" || operation == Some("component.exec");
    if exec {
        let target = match operation.filter(|op| op.starts_with("emit.")) {
            Some(emit) if component == "component.exec" => Some(emit.to_string()),
            _ => mapping_target(mapping),
        };
        return match target {
            Some(t) if t.starts_with("emit.") => NodeTarget::Runner,
            Some(t) => NodeTarget::Component(t),
            // `comp.component.exec` without a target calls `comp` itself.
            None if component != "component.exec" => NodeTarget::Component(component.into()),
            None => NodeTarget::ExecWithoutTarget,
        };
    }
    let runner = operation.is_some_and(|op| op.starts_with("emit."))
        || component.starts_with("emit.")
        || component.starts_with("mcp:")
        || component.starts_with("a2a:")
        || component == "media.create"
        || RUNNER_NODES.contains(&component);
    match runner {
        true => NodeTarget::Runner,
        false => NodeTarget::Component(component.to_string()),
    }
}

/// The component a `component.exec` names, read as the runner does: the first of `component`
/// and `component_ref` present, untrimmed (`" echo"` is no component of the pack); an empty
/// one names none.
fn mapping_target(mapping: &Value) -> Option<String> {
    let map = mapping.as_object()?;
    map.get("component")
        .or_else(|| map.get("component_ref"))
        .and_then(Value::as_str)
        .filter(|target| !target.is_empty())
        .map(str::to_string)
}

/// The first of `keys` holding a non-blank string in an object mapping.
fn mapping_str(mapping: &Value, keys: &[&str]) -> Option<String> {
    let map = mapping.as_object()?;
    keys.iter()
        .find_map(|k| map.get(*k))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn judge(id: &str, operation: Option<&str>, mapping: Value) -> NodeTarget {
        target(id, operation, &mapping)
    }

    #[test]
    fn nodes_are_judged_as_the_runner_dispatches_them() {
        let c = |id: &str| NodeTarget::Component(id.to_string());
        assert_eq!(judge("emit.text", None, json!({})), NodeTarget::Runner);
        assert_eq!(judge("emit.response", None, json!({})), NodeTarget::Runner);
        assert_eq!(
            judge("provider.invoke", None, json!({})),
            NodeTarget::Runner
        );
        assert_eq!(
            judge("state.get", Some("get"), json!({})),
            NodeTarget::Runner
        );
        // `state.` is not among the prefixes it keeps whole: without an operation the runner
        // calls component `state` (measured: such a setup fails).
        assert_eq!(judge("state.get", None, json!({})), c("state"));
        assert_eq!(judge("mcp", None, json!({})), NodeTarget::Runner);
        // No operation: the id is split on its last dot.
        assert_eq!(
            judge("fixture.echo.run", None, json!({})),
            c("fixture.echo")
        );
        assert_eq!(
            judge("fixture.emit.log", None, json!({})),
            c("fixture.emit")
        );
        // An operation given, in the node or its mapping: the id is whole.
        assert_eq!(
            judge("ai.greentic.qa", Some("run"), json!({})),
            c("ai.greentic.qa")
        );
        assert_eq!(
            judge("ai.greentic.qa", None, json!({"op": "run"})),
            c("ai.greentic.qa")
        );
        // component.exec calls the component its input names.
        assert_eq!(
            judge(
                "component.exec",
                None,
                json!({"component": "echo", "operation": "run"})
            ),
            c("echo")
        );
        assert_eq!(
            judge("component.exec", None, json!({})),
            NodeTarget::ExecWithoutTarget
        );
        // The runner looks the name up as written, spaces and all.
        assert_eq!(
            judge("component.exec", None, json!({"component": " echo"})),
            c(" echo")
        );
        assert_eq!(
            judge("component.exec", Some("emit.log"), json!({})),
            NodeTarget::Runner
        );
        assert_eq!(judge("echo", Some("component.exec"), json!({})), c("echo"));
        // `telco-x.call` is the runner's only when the id is kept whole (an operation given);
        // its prefix is not among those never split: alone, it calls component `telco-x`.
        assert_eq!(
            judge("telco-x.call", Some("target"), json!({})),
            NodeTarget::Runner
        );
        assert_eq!(judge("telco-x.call", None, json!({})), c("telco-x"));
        // Prefixes the runner never splits, though no node type of its own: a component.
        assert_eq!(judge("flow.other", None, json!({})), c("flow.other"));
    }
}
