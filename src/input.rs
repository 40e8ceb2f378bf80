//! The input payload every lifecycle flow receives (documented in the README).

use std::fs;

use serde_json::{Map, Value, json};

use crate::domains::Domain;
use crate::state_layout::StateLayout;

/// Who and where the flows run for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowContext {
    pub tenant: String,
    pub team: Option<String>,
    pub env: String,
    /// Sent to messaging and events providers only.
    pub public_base_url: Option<String>,
}

/// Finds the project's public base URL: the flag wins, else the tunnel file
/// `state/runtime/<tenant>.<team or default>/public_base_url.txt`, else none.
pub fn resolve_public_base_url(
    flag: Option<&str>,
    layout: &StateLayout,
    tenant: &str,
    team: Option<&str>,
) -> Option<String> {
    if let Some(url) = flag {
        return Some(url.trim().to_string());
    }
    let text = fs::read_to_string(layout.public_base_url_file(tenant, team)).ok()?;
    let url = text.trim();
    (!url.is_empty()).then(|| url.to_string())
}

/// `{"tenant", "team"?, "operator_env", "public_base_url"?}`: fields that are unknown are
/// omitted rather than sent as null, so providers can test for presence.
pub fn flow_input(domain: Domain, ctx: &FlowContext) -> Value {
    let mut input = Map::new();
    input.insert("tenant".into(), json!(ctx.tenant));
    if let Some(team) = &ctx.team {
        input.insert("team".into(), json!(team));
    }
    input.insert("operator_env".into(), json!(ctx.env));
    if domain.spec().sends_public_base_url
        && let Some(url) = &ctx.public_base_url
    {
        input.insert("public_base_url".into(), json!(url));
    }
    Value::Object(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> FlowContext {
        FlowContext {
            tenant: "acme".into(),
            team: None,
            env: "dev".into(),
            public_base_url: Some("https://x.example".into()),
        }
    }

    #[test]
    fn messaging_gets_the_public_url_and_secrets_does_not() {
        assert_eq!(
            flow_input(Domain::Messaging, &ctx()),
            json!({"tenant": "acme", "operator_env": "dev", "public_base_url": "https://x.example"})
        );
        assert_eq!(
            flow_input(Domain::Secrets, &ctx()),
            json!({"tenant": "acme", "operator_env": "dev"})
        );
    }

    #[test]
    fn the_tunnel_file_is_read_when_no_flag_is_given() {
        let state = tempfile::tempdir().unwrap();
        let layout = StateLayout::new(state.path());
        assert_eq!(resolve_public_base_url(None, &layout, "acme", None), None);
        let file = layout.public_base_url_file("acme", None);
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(&file, "https://tunnel.example\n").unwrap();
        assert_eq!(
            resolve_public_base_url(None, &layout, "acme", None).as_deref(),
            Some("https://tunnel.example")
        );
        assert_eq!(
            resolve_public_base_url(Some("https://flag.example"), &layout, "acme", None).as_deref(),
            Some("https://flag.example")
        );
    }
}
