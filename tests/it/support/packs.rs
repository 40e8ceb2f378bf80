//! Real provider packs built in code with greentic-types, for the real runner to execute.

use std::collections::BTreeMap;
use std::io::{Cursor, Write};
use std::str::FromStr;

use greentic_types::flow::{
    ComponentRef, Flow, FlowKind, FlowMetadata, InputMapping, Node, OutputMapping, Routing,
    TelemetryHints,
};
use greentic_types::pack_manifest::{
    ExtensionInline, ExtensionRef, PackFlowEntry, PackKind, PackManifest, PackSignatures,
};
use greentic_types::{ComponentId, ComponentManifest, FlowId, NodeId, PackId};
use serde_json::{Value, json};
use zip::write::SimpleFileOptions;

/// What a flow does when it runs.
#[derive(Clone, Debug)]
pub enum FlowBody {
    /// One `emit.response` node answering `payload`: passes.
    Emit(Value),
    /// One node calling a component the pack lacks: ends `PartialFailure`.
    MissingComponent,
    /// No node at all: the runner reports `Success` having executed nothing.
    Empty,
    /// One node calling operation `run` of the given component of the pack.
    Component(String),
    /// [`FlowBody::Component`] whose node input is the mapping given (templates filled by the
    /// runner, as `{{entry.setup_answers.<key>}}`).
    ComponentWith(String, Value),
    /// One node as written: its component id, operation and input mapping.
    Node {
        component: String,
        operation: Option<String>,
        mapping: Value,
    },
}

/// Builds a `.gtpack` holding `manifest.cbor` and, optionally, components.
#[derive(Clone, Debug)]
pub struct PackBuilder {
    pack_id: String,
    version: String,
    flows: Vec<(String, FlowBody)>,
    components: Vec<(ComponentManifest, Vec<u8>)>,
    extra_entries: Vec<(String, Vec<u8>)>,
    secrets: Vec<(String, bool)>,
    extensions: BTreeMap<String, Value>,
}

impl PackBuilder {
    pub fn new(pack_id: &str) -> Self {
        Self {
            pack_id: pack_id.to_string(),
            version: "1.0.0".to_string(),
            flows: Vec::new(),
            components: Vec::new(),
            extra_entries: Vec::new(),
            secrets: Vec::new(),
            extensions: BTreeMap::new(),
        }
    }

    /// Declares a manifest extension with an inline payload.
    pub fn extension(mut self, key: &str, payload: Value) -> Self {
        self.extensions.insert(key.to_string(), payload);
        self
    }

    /// Declares a secret requirement in the manifest.
    pub fn secret(mut self, key: &str, required: bool) -> Self {
        self.secrets.push((key.to_string(), required));
        self
    }

    /// A flow whose single node answers `{"flow": <id>, "pack": <pack id>}`.
    pub fn passing(self, flow: &str) -> Self {
        let payload = json!({"flow": flow, "pack": self.pack_id, "ok": true});
        self.flow(flow, FlowBody::Emit(payload))
    }

    pub fn failing(self, flow: &str) -> Self {
        self.flow(flow, FlowBody::MissingComponent)
    }

    pub fn flow(mut self, flow: &str, body: FlowBody) -> Self {
        self.flows.push((flow.to_string(), body));
        self
    }

    pub fn component(mut self, manifest: ComponentManifest, wasm: Vec<u8>) -> Self {
        self.components.push((manifest, wasm));
        self
    }

    pub fn entry(mut self, name: &str, bytes: &[u8]) -> Self {
        self.extra_entries.push((name.to_string(), bytes.to_vec()));
        self
    }

    pub fn manifest(&self) -> PackManifest {
        PackManifest {
            schema_version: "pack-v1".into(),
            pack_id: PackId::from_str(&self.pack_id).expect("valid pack id"),
            name: None,
            version: self.version.parse().expect("semver"),
            kind: PackKind::Provider,
            publisher: "greentic-operator-tests".into(),
            components: self.components.iter().map(|(m, _)| m.clone()).collect(),
            flows: self
                .flows
                .iter()
                .map(|(id, body)| flow_entry(id, body))
                .collect(),
            dependencies: Vec::new(),
            capabilities: Vec::new(),
            secret_requirements: self
                .secrets
                .iter()
                .map(|(key, required)| {
                    let mut req = greentic_types::SecretRequirement::default();
                    req.key = greentic_types::secrets::SecretKey::parse(key).expect("secret key");
                    req.required = *required;
                    req
                })
                .collect(),
            signatures: PackSignatures::default(),
            bootstrap: None,
            extensions: (!self.extensions.is_empty()).then(|| {
                self.extensions
                    .iter()
                    .map(|(key, payload)| {
                        let extension = ExtensionRef {
                            kind: key.clone(),
                            version: "1.0.0".into(),
                            digest: None,
                            location: None,
                            inline: Some(ExtensionInline::Other(payload.clone())),
                        };
                        (key.clone(), extension)
                    })
                    .collect()
            }),
            agents: BTreeMap::new(),
        }
    }

    /// The pack's bytes: deterministic (fixed timestamps), every entry mode 0644.
    pub fn build(&self) -> Vec<u8> {
        let manifest = greentic_types::encode_pack_manifest(&self.manifest()).expect("encode");
        let mut entries = vec![("manifest.cbor".to_string(), manifest)];
        for (component, wasm) in &self.components {
            entries.push((format!("components/{}.wasm", component.id), wasm.clone()));
        }
        entries.extend(self.extra_entries.iter().cloned());
        zip_entries(&entries)
    }
}

/// A zip of `entries`, with the options the runner's reader accepts.
pub fn zip_entries(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o644)
        .last_modified_time(zip::DateTime::default());
    for (name, bytes) in entries {
        writer
            .start_file(name.as_str(), options)
            .expect("start entry");
        writer.write_all(bytes).expect("write entry");
    }
    writer.finish().expect("finish zip").into_inner()
}

/// A pack carrying only the legacy `pack.manifest.json`.
pub fn legacy_json_pack(pack_id: &str, flows: &[&str]) -> Vec<u8> {
    let manifest = json!({
        "meta": {
            "pack_id": pack_id,
            "version": "0.1.0",
            "name": pack_id,
            "entry_flows": flows,
        },
        "flows": flows.iter().map(|f| json!({"id": f, "entrypoints": ["default"]})).collect::<Vec<_>>(),
        "components": [],
    });
    zip_entries(&[(
        "pack.manifest.json".to_string(),
        serde_json::to_vec_pretty(&manifest).unwrap(),
    )])
}

fn flow_entry(id: &str, body: &FlowBody) -> PackFlowEntry {
    let node_id = NodeId::from_str("step").expect("node id");
    let (component, operation, mapping) = match body {
        FlowBody::Emit(payload) => ("emit.response".to_string(), None, payload.clone()),
        FlowBody::MissingComponent => (
            "absent.component".to_string(),
            Some("run".to_string()),
            json!({}),
        ),
        FlowBody::Empty => ("session.wait".to_string(), None, json!({})),
        FlowBody::Component(component) => (component.clone(), Some("run".to_string()), json!({})),
        FlowBody::ComponentWith(component, mapping) => {
            (component.clone(), Some("run".to_string()), mapping.clone())
        }
        FlowBody::Node {
            component,
            operation,
            mapping,
        } => (component.clone(), operation.clone(), mapping.clone()),
    };
    let node = Node {
        id: node_id.clone(),
        component: ComponentRef {
            id: ComponentId::from_str(&component).expect("component id"),
            pack_alias: None,
            operation,
        },
        input: InputMapping { mapping },
        output: OutputMapping { mapping: json!({}) },
        err_map: None,
        routing: Routing::End,
        telemetry: TelemetryHints::default(),
        conversational: false,
    };
    let mut nodes = indexmap::IndexMap::default();
    if !matches!(body, FlowBody::Empty) {
        nodes.insert(node_id, node);
    }
    let flow_id = FlowId::from_str(id).expect("flow id");
    PackFlowEntry {
        id: flow_id.clone(),
        kind: FlowKind::Job,
        flow: Flow {
            schema_version: "flow-v1".into(),
            id: flow_id,
            kind: FlowKind::Job,
            entrypoints: BTreeMap::from([("default".to_string(), json!("step"))]),
            nodes,
            metadata: FlowMetadata::default(),
        },
        tags: Vec::new(),
        entrypoints: vec!["default".into()],
    }
}
