//! Greentic's published events packs of November 2025 (greentic-ai-org/greentic-events-providers,
//! `dist/packs/{email,sms,timer}.gtpack` at 132a79d, `webhook.gtpack` at d23af34), rebuilt in
//! code with their manifests' exact content: `manifest.cbor` opening with CBOR's
//! self-describing tag, its maps in the published key order, `null`s where they have them,
//! flow kind `messaging`, meta kind `application`; `manifest.json` beside it saying the same,
//! and each flow's `flow.json`.

use ciborium::Value as Cbor;
use serde_json::json;

use super::packs::zip_entries;

/// One published pack's facts: what differs between the four.
pub struct OlderPack {
    pub name: &'static str,
    pub description: &'static str,
    pub created_at_utc: &'static str,
    /// `(flow id, entry node, blake3 of flow.json)`, in the manifest's order.
    pub flows: &'static [(&'static str, &'static str, &'static str)],
    pub component_hash: &'static str,
}

/// The four packs, as published.
pub const PUBLISHED: [OlderPack; 4] = [
    OlderPack {
        name: "email",
        description: "Greentic email event providers (MS Graph / Gmail)",
        created_at_utc: "2025-11-28T14:52:33.031749942Z",
        flows: &[
            (
                "email-in-default",
                "show_info",
                "a03e6754f8c496bc6f51e79559f29dc7aebfe599c5f519f8a99f9c7e04462873",
            ),
            (
                "email-out-default",
                "show_info",
                "4d6c7a3e8b6b4bdde4478e7d7cbde81a9ffe3a4563ed3dcaa8a91961da10b05d",
            ),
        ],
        component_hash: "a783332dbf522d4c27a73192c7883e286e1de3b9e29354e29e720f8aa21d4eff",
    },
    OlderPack {
        name: "sms",
        description: "Greentic SMS event providers (Twilio)",
        created_at_utc: "2025-11-28T14:52:44.288254606Z",
        flows: &[
            (
                "sms-in-default",
                "show_info",
                "6c62dae3590128a3d5bc580792a3512787ade879a093797b3f4567d4c7873194",
            ),
            (
                "sms-out-default",
                "show_info",
                "2bd3924e9b17ca40a51846f7c1bfc75be62501509bc6eddf8364939380c7744b",
            ),
        ],
        component_hash: "251e462446e7091851d269be279646070509a6310865dc7bb84e9fe95928f029",
    },
    OlderPack {
        name: "timer",
        description: "Greentic timer/cron event providers",
        created_at_utc: "2025-11-28T14:52:56.349307474Z",
        flows: &[(
            "timer-default",
            "show_info",
            "39fd9db535d9ad917a6a8e1a2eff89ab831fdeced79df38d9c6d2f965d201a22",
        )],
        component_hash: "cab3d7a09f8fa370304964e5f91e24061f1402449d3b2e2399f89db168964567",
    },
    OlderPack {
        name: "webhook",
        description: "Greentic webhook event providers",
        created_at_utc: "2025-11-28T16:42:07.152195231Z",
        flows: &[
            (
                "webhook-in-custom",
                "customize",
                "9183ddb468e2db5e0db1a51ca433f91fcadc3ff87bfa301217db0e720830a598",
            ),
            (
                "webhook-in-default",
                "show_info",
                "c1879d20ba8f27bac5b7628c9afce91d6dbbbb8d4547fab26516264c96b3beed",
            ),
        ],
        component_hash: "9ac759926d50f1bfeccef9eae75705f8850306cff4607ddb4a836f1e32df1027",
    },
];

/// CBOR's self-describing tag (`d9 d9 f7`), which the published `manifest.cbor` opens with.
const SELF_DESCRIBE: u64 = 55799;

fn text(value: &str) -> Cbor {
    Cbor::Text(value.to_string())
}

/// A map in the order given, as the published files are written.
fn map(pairs: Vec<(&str, Cbor)>) -> Cbor {
    Cbor::Map(pairs.into_iter().map(|(k, v)| (text(k), v)).collect())
}

impl OlderPack {
    pub fn pack_id(&self) -> String {
        format!("greentic.events.{}", self.name)
    }

    pub fn flow_ids(&self) -> Vec<&'static str> {
        self.flows.iter().map(|(id, _, _)| *id).collect()
    }

    /// The manifest, as the CBOR value the published `manifest.cbor` holds (before its tag).
    fn manifest(&self) -> Cbor {
        let id = self.pack_id();
        let mut entry_flows = self.flow_ids();
        entry_flows.sort();
        let meta = map(vec![
            ("pack_id", text(&id)),
            ("version", text("0.1.0")),
            ("name", text(&id)),
            ("kind", text("application")),
            ("description", text(self.description)),
            (
                "authors",
                Cbor::Array(vec![text(
                    "Greentic Engineering <engineering@greentic.dev>",
                )]),
            ),
            ("license", text("MIT")),
            ("imports", Cbor::Array(Vec::new())),
            (
                "entry_flows",
                Cbor::Array(entry_flows.into_iter().map(text).collect()),
            ),
            ("created_at_utc", text(self.created_at_utc)),
            ("annotations", map(Vec::new())),
        ]);
        let flows = self.flows.iter().map(|(flow, entry, hash)| {
            map(vec![
                ("id", text(flow)),
                ("kind", text("messaging")),
                ("entry", text(entry)),
                ("file_yaml", text(&format!("flows/{flow}/flow.ygtc"))),
                ("file_json", text(&format!("flows/{flow}/flow.json"))),
                ("hash_blake3", text(hash)),
            ])
        });
        let component = map(vec![
            ("name", text("pack_component")),
            ("version", text("0.4.1")),
            (
                "file_wasm",
                text("components/pack_component@0.4.1/component.wasm"),
            ),
            ("hash_blake3", text(self.component_hash)),
            ("schema_file", Cbor::Null),
            ("manifest_file", Cbor::Null),
            ("world", Cbor::Null),
            ("capabilities", Cbor::Null),
        ]);
        map(vec![
            ("meta", meta),
            ("flows", Cbor::Array(flows.collect())),
            ("components", Cbor::Array(vec![component])),
        ])
    }

    /// `manifest.cbor` as published: the manifest under the self-describing tag.
    pub fn manifest_cbor(&self) -> Vec<u8> {
        let tagged = Cbor::Tag(SELF_DESCRIBE, Box::new(self.manifest()));
        let mut bytes = Vec::new();
        ciborium::into_writer(&tagged, &mut bytes).expect("encode manifest");
        bytes
    }

    /// `manifest.json`: the same manifest, pretty-printed.
    pub fn manifest_json(&self) -> Vec<u8> {
        let value: serde_json::Value = self.manifest().deserialized().expect("manifest as JSON");
        serde_json::to_vec_pretty(&value).expect("manifest.json")
    }

    /// The pack with `manifest.cbor`, `manifest.json` and each flow's `flow.json`.
    pub fn build(&self) -> Vec<u8> {
        let mut entries = Vec::new();
        for (flow, entry, _) in self.flows {
            let graph = json!({
                "id": flow, "type": "messaging", "start": entry, "parameters": {},
                "nodes": {*entry: {"routing": [{"out": true, "to": null}]}},
            });
            entries.push((format!("flows/{flow}/flow.json"), graph.to_string().into()));
        }
        entries.push(("manifest.cbor".to_string(), self.manifest_cbor()));
        entries.push(("manifest.json".to_string(), self.manifest_json()));
        zip_entries(&entries)
    }
}
