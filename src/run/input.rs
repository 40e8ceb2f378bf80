//! The input payload every lifecycle flow receives (documented in the README).

use serde_json::{Map, Value, json};

use crate::pack::domains::{Action, Domain};
use crate::setup::answers::PUBLIC_BASE_URL;

/// Who and where the flows run for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowContext {
    pub tenant: String,
    pub team: Option<String>,
    pub env: String,
    /// Sent to messaging and events providers only.
    pub public_base_url: Option<String>,
}

/// What one flow run is about: the pack, the flow, and (setup) the provider's answers.
#[derive(Debug, Clone, Copy)]
pub struct FlowSubject<'a> {
    pub domain: Domain,
    pub action: Action,
    pub pack_id: &'a str,
    pub flow: &'a str,
    /// (setup) Every answer, secrets included.
    pub setup_answers: Option<&'a Map<String, Value>>,
    /// (setup) The configuration the provider's `apply-answers` returned, without secrets.
    pub applied_config: Option<&'a Map<String, Value>>,
}

/// The operator's own fields (`tenant`, `team`?, `operator_env`, `public_base_url`?) and,
/// around them, what greentic-operator 1.2.1 gives the same flows (`build_input_payload`):
/// `id`, `config {public_base_url?, id}` (with the provider's applied configuration when its
/// contract configured it), `setup_answers` and `answers_json`, `msg` (with the
/// tenant context `env`, `tenant`, `tenant_id`, `team`?, `team_id`?) and `payload`. Unknown
/// fields are omitted rather than sent as null, so providers can test for presence.
pub fn flow_input(subject: &FlowSubject<'_>, ctx: &FlowContext) -> Value {
    // A setup's own answer wins: it is what the provider is being configured with.
    let answered = subject
        .setup_answers
        .and_then(|answers| answers.get(PUBLIC_BASE_URL)?.as_str());
    let url = answered
        .or(ctx.public_base_url.as_deref())
        .filter(|_| subject.domain.spec().sends_public_base_url);
    let mut input = json!({"tenant": ctx.tenant, "operator_env": ctx.env, "id": subject.pack_id});
    let mut config = match subject.applied_config {
        Some(applied) => Value::Object(applied.clone()),
        None => json!({}),
    };
    config["id"] = json!(subject.pack_id);
    let mut tenant_ctx = json!({"env": ctx.env, "tenant": ctx.tenant, "tenant_id": ctx.tenant});
    let mut metadata = json!({});
    if let Some(team) = &ctx.team {
        input["team"] = json!(team);
        tenant_ctx["team"] = json!(team);
        tenant_ctx["team_id"] = json!(team);
    }
    if let Some(url) = url {
        input["public_base_url"] = json!(url);
        config["public_base_url"] = json!(url);
        metadata["public_base_url"] = json!(url);
    }
    input["config"] = config;
    if let Some(answers) = subject.setup_answers {
        input["setup_answers"] = Value::Object(answers.clone());
        input["answers_json"] = json!(Value::Object(answers.clone()).to_string());
    }
    let (pack, flow, action) = (subject.pack_id, subject.flow, subject.action.name());
    let text = format!("Collect inputs for {flow}.");
    input["msg"] = json!({
        "id": format!("{pack}.{action}"),
        "tenant": tenant_ctx,
        "channel": action,
        "message": {"id": format!("{pack}.{flow}__collect"), "text": text},
        "session_id": action,
        "metadata": metadata,
        "reply_scope": "",
        "text": text,
        "user_id": "operator",
    });
    input["payload"] = json!({"id": format!("{pack}-{flow}"), "spec_ref": "assets/setup.yaml"});
    input
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

    fn subject(domain: Domain, answers: Option<&Map<String, Value>>) -> FlowSubject<'_> {
        FlowSubject {
            domain,
            action: Action::Setup,
            pack_id: "messaging-slack",
            flow: "setup_default",
            setup_answers: answers,
            applied_config: None,
        }
    }

    #[test]
    fn messaging_gets_the_public_url_and_secrets_does_not() {
        let messaging = flow_input(&subject(Domain::Messaging, None), &ctx());
        assert_eq!(messaging["public_base_url"], "https://x.example");
        assert_eq!(
            messaging["config"],
            json!({"id": "messaging-slack", "public_base_url": "https://x.example"})
        );
        let secrets = flow_input(&subject(Domain::Secrets, None), &ctx());
        assert_eq!(secrets.get("public_base_url"), None);
        assert_eq!(secrets["config"], json!({"id": "messaging-slack"}));
    }

    #[test]
    fn setup_gets_what_greentic_operator_1_2_1_sends() {
        let answers = json!({"bot_token": "t"});
        let input = flow_input(&subject(Domain::Messaging, answers.as_object()), &ctx());
        assert_eq!(input["tenant"], "acme");
        assert_eq!(input["operator_env"], "dev");
        assert_eq!(input["id"], "messaging-slack");
        assert_eq!(input["setup_answers"], answers);
        assert_eq!(input["answers_json"], r#"{"bot_token":"t"}"#);
        assert_eq!(
            input["msg"]["tenant"],
            json!({"env": "dev", "tenant": "acme", "tenant_id": "acme"})
        );
        assert_eq!(input["msg"]["id"], "messaging-slack.setup");
        assert_eq!(
            input["payload"],
            json!({"id": "messaging-slack-setup_default", "spec_ref": "assets/setup.yaml"})
        );
    }
}
