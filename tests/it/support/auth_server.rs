//! A real HTTP server on loopback (wiremock) playing an OAuth authorization server and a
//! resource API, scripted per test: the token endpoint answers a queue of replies in order
//! and records when each poll arrived.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The token endpoint's replies, in order; the last one repeats.
#[derive(Clone, Default)]
pub struct TokenScript {
    replies: Arc<Mutex<VecDeque<ResponseTemplate>>>,
    polls: Arc<Mutex<Vec<(Instant, String)>>>,
}

impl TokenScript {
    /// Replaces what is left of the script.
    pub fn set(&self, replies: Vec<ResponseTemplate>) {
        *self.replies.lock().unwrap() = replies.into();
    }

    /// When each poll arrived, and its form body.
    pub fn polls(&self) -> Vec<(Instant, String)> {
        self.polls.lock().unwrap().clone()
    }
}

impl Respond for TokenScript {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.polls.lock().unwrap().push((
            Instant::now(),
            String::from_utf8_lossy(&request.body).into_owned(),
        ));
        let mut replies = self.replies.lock().unwrap();
        if replies.len() > 1 {
            replies.pop_front().unwrap()
        } else {
            replies
                .front()
                .cloned()
                .unwrap_or_else(|| ResponseTemplate::new(500))
        }
    }
}

/// An OAuth error reply (`authorization_pending`, `slow_down`, `expired_token`, ...).
pub fn oauth_error(code: &str) -> ResponseTemplate {
    ResponseTemplate::new(400)
        .set_body_json(json!({"error": code, "error_description": format!("server says {code}")}))
}

pub fn tokens(access: &str, refresh: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "access_token": access,
        "refresh_token": refresh,
        "token_type": "Bearer",
        "expires_in": 3599,
        "scope": "offline_access Team.ReadBasic.All",
    }))
}

/// The server and the runtime that serves it while the test waits on the operator.
pub struct AuthServer {
    pub server: MockServer,
    pub token: TokenScript,
    runtime: tokio::runtime::Runtime,
}

pub const USER_CODE: &str = "WXYZ-1234";
pub const DEVICE_CODE: &str = "device-code-0001";

impl AuthServer {
    /// A server with `/device` (a code valid 10 minutes, interval 1 s) and `/token`.
    pub fn start(token_replies: Vec<ResponseTemplate>) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let server = runtime.block_on(MockServer::start());
        let token = TokenScript::default();
        token.set(token_replies);
        let uri = server.uri();
        runtime.block_on(async {
            Mock::given(method("POST"))
                .and(path("/device"))
                .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                    "device_code": DEVICE_CODE,
                    "user_code": USER_CODE,
                    "verification_uri": format!("{uri}/activate"),
                    "verification_uri_complete": format!("{uri}/activate?code={USER_CODE}"),
                    "expires_in": 600,
                    "interval": 1,
                })))
                .mount(&server)
                .await;
            Mock::given(method("POST"))
                .and(path("/token"))
                .respond_with(token.clone())
                .mount(&server)
                .await;
        });
        AuthServer {
            server,
            token,
            runtime,
        }
    }

    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// Answers `GET <route>` with `status` and `body`.
    pub fn get(&self, route: &str, status: u16, body: Value) {
        self.runtime.block_on(
            Mock::given(method("GET"))
                .and(path(route))
                .respond_with(ResponseTemplate::new(status).set_body_json(body))
                .mount(&self.server),
        );
    }

    /// The form bodies of every device-code request.
    pub fn device_requests(&self) -> Vec<String> {
        self.runtime
            .block_on(self.server.received_requests())
            .unwrap_or_default()
            .into_iter()
            .filter(|r| r.url.path() == "/device")
            .map(|r| String::from_utf8_lossy(&r.body).into_owned())
            .collect()
    }

    /// Every request's Authorization header for `route`.
    pub fn authorizations(&self, route: &str) -> Vec<String> {
        self.runtime
            .block_on(self.server.received_requests())
            .unwrap_or_default()
            .into_iter()
            .filter(|r| r.url.path() == route)
            .filter_map(|r| Some(r.headers.get("authorization")?.to_str().ok()?.to_string()))
            .collect()
    }
}
