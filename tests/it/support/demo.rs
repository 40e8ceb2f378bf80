//! The committed demo project `fixtures/demo`: its packs are generated here, and a test proves
//! the committed files match. Regenerate with `GREENTIC_REGENERATE_FIXTURES=1 cargo test demo`.

use std::path::PathBuf;

use super::packs::{FlowBody, PackBuilder};
use super::wasm;

/// Every file of the demo project, relative to `fixtures/demo`.
pub fn files() -> Vec<(PathBuf, Vec<u8>)> {
    let webchat_component = wasm::component(
        r#"{"ok":true,"provider":"webchat","webhook":"registered"}"#,
        0,
    );
    let packs = [
        (
            "messaging/messaging-slack.gtpack",
            PackBuilder::new("messaging-slack")
                .passing("setup_default")
                .passing("diagnostics")
                .passing("verify_webhooks")
                .passing("requirements"),
        ),
        (
            "messaging/messaging-teams.gtpack",
            PackBuilder::new("messaging-teams")
                .passing("setup_default")
                .passing("diagnostics"),
        ),
        (
            "messaging/messaging-webchat.gtpack",
            PackBuilder::new("messaging-webchat")
                .component(
                    wasm::component_manifest("webchat-provider"),
                    webchat_component,
                )
                .flow(
                    "setup_default",
                    FlowBody::Component("webchat-provider".into()),
                )
                .passing("diagnostics")
                .flow(
                    "verify_webhooks",
                    FlowBody::Component("webchat-provider".into()),
                ),
        ),
        (
            "events/events-webhook.gtpack",
            PackBuilder::new("events-webhook")
                .passing("setup_default")
                .passing("diagnostics")
                .passing("verify_subscriptions"),
        ),
        (
            "secrets/secrets-dev.gtpack",
            PackBuilder::new("secrets-dev").passing("diagnostics"),
        ),
    ];
    packs
        .into_iter()
        .map(|(path, pack)| (PathBuf::from("providers").join(path), pack.build()))
        .collect()
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo")
}
