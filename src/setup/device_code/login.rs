//! The RFC 8628 protocol, through the `oauth2` crate: ask the authorization server for a
//! device code, then poll its token endpoint until the person finishes the login, the code
//! expires, the server refuses, the operator's own deadline passes, or the command is
//! interrupted.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthType, ClientId, DeviceAuthorizationResponse, DeviceAuthorizationUrl,
    DeviceCodeErrorResponse, DeviceCodeErrorResponseType, EndpointNotSet, EndpointSet,
    ExtraDeviceAuthorizationFields, ExtraTokenFields, HttpRequest, HttpResponse, RequestTokenError,
    Scope, StandardRevocableToken, StandardTokenResponse, TokenUrl, reqwest,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::metadata::DeviceCodeMetadata;
use super::state::DeviceSession;
use crate::base::interrupt::Interrupt;

/// Every field of a token answer the standard ones do not name (`id_token`, `ext_expires_in`,
/// ...): providers map any of them through `secrets_out` / `config_out`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RawFields {
    #[serde(flatten)]
    pub fields: Map<String, Value>,
}
impl ExtraTokenFields for RawFields {}
impl ExtraDeviceAuthorizationFields for RawFields {}

type TokenResponse = StandardTokenResponse<RawFields, BasicTokenType>;
type DeviceClient = oauth2::Client<
    BasicErrorResponse,
    TokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointNotSet,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// Why the login could not go on: the endpoint concerned, and the cause.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("failed to build an HTTP client: {0}")]
    HttpClient(#[source] reqwest::Error),
    /// `field` is `device_code_url` or `token_url`.
    #[error("{field}: {source}")]
    Endpoint {
        field: &'static str,
        #[source]
        source: oauth2::url::ParseError,
    },
    #[error("failed to resume the device session: {0}")]
    Resume(#[source] serde_json::Error),
    #[error("the token answer could not be read")]
    UnreadableTokens,
    /// `what` is the request (`the device-code request`), `url` its endpoint.
    #[error("{what} to {url} was refused: {response}")]
    Refused {
        what: &'static str,
        url: String,
        response: String,
    },
    /// The request did not get through; the message names every cause.
    #[error("{what} to {url} failed: {}", with_causes(source.as_ref()))]
    Unreachable {
        what: &'static str,
        url: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Neither the body nor serde's message is kept: either may quote a token.
    #[error("{what} to {url} got an answer that is not valid OAuth JSON (at `{at}`)")]
    NotOAuthJson {
        what: &'static str,
        url: String,
        at: String,
    },
    #[error("{what} to {url} failed: {message}")]
    Other {
        what: &'static str,
        url: String,
        message: String,
    },
}

/// The HTTP client for the login and discovery. Redirects are not followed (RFC 6749 section
/// 10 and the oauth2 crate's advice: a redirect could forward the device code elsewhere).
pub fn http_client() -> Result<reqwest::Client, LoginError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .user_agent(concat!("greentic-operator/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(LoginError::HttpClient)
}

fn oauth_client(
    metadata: &DeviceCodeMetadata,
    client_id: &str,
) -> Result<DeviceClient, LoginError> {
    let endpoint = |field| move |source| LoginError::Endpoint { field, source };
    let device_url = DeviceAuthorizationUrl::new(metadata.device_code_url.clone())
        .map_err(endpoint("device_code_url"))?;
    let token_url = TokenUrl::new(metadata.token_url.clone()).map_err(endpoint("token_url"))?;
    Ok(oauth2::Client::new(ClientId::new(client_id.to_string()))
        // Public clients (no secret) send their id in the form, as RFC 8628 shows.
        .set_auth_type(AuthType::RequestBody)
        .set_device_authorization_url(device_url)
        .set_token_uri(token_url))
}

/// Asks for a device code. When the server's answer has no verification URI, the one the
/// provider declares is used (some servers leave it out).
pub async fn request_code(
    metadata: &DeviceCodeMetadata,
    client_id: &str,
    http: &reqwest::Client,
) -> Result<DeviceSession, LoginError> {
    let client = oauth_client(metadata, client_id)?;
    let fallback_uri = metadata.verification_uri.clone();
    let send = |request: HttpRequest| {
        let fallback_uri = fallback_uri.clone();
        async move {
            let response = oauth2::AsyncHttpClient::call(http, request).await?;
            Ok::<HttpResponse, oauth2::HttpClientError<reqwest::Error>>(with_verification_uri(
                response,
                fallback_uri.as_deref(),
            ))
        }
    };
    let issued_at = Utc::now();
    let response: DeviceAuthorizationResponse<RawFields> = client
        .exchange_device_code()
        .add_scopes(metadata.scopes.iter().cloned().map(Scope::new))
        .request_async(&send)
        .await
        .map_err(|err| describe("the device-code request", &metadata.device_code_url, err))?;
    let expires_in = response.expires_in().max(Duration::from_secs(1));
    Ok(DeviceSession {
        client_id: client_id.to_string(),
        device_code: response.device_code().secret().clone(),
        user_code: response.user_code().secret().clone(),
        verification_uri: response.verification_uri().to_string(),
        verification_uri_complete: response
            .verification_uri_complete()
            .map(|uri| uri.secret().clone()),
        interval_secs: response.interval().as_secs(),
        issued_at,
        expires_at: issued_at + chrono::Duration::from_std(expires_in).unwrap_or_default(),
    })
}

/// Adds `verification_uri` to a successful JSON answer that lacks it.
fn with_verification_uri(mut response: HttpResponse, fallback: Option<&str>) -> HttpResponse {
    let Some(fallback) = fallback else {
        return response;
    };
    if !response.status().is_success() {
        return response;
    }
    if let Ok(Value::Object(mut body)) = serde_json::from_slice::<Value>(response.body())
        && !body.contains_key("verification_uri")
        && !body.contains_key("verification_url")
    {
        body.insert("verification_uri".into(), Value::String(fallback.into()));
        *response.body_mut() = serde_json::to_vec(&body).unwrap_or_default();
    }
    response
}

/// How polling ended.
#[derive(Debug)]
pub enum PollOutcome {
    /// The login is done: every field of the token answer (tokens included: handle with care).
    Tokens(Map<String, Value>),
    /// Not done yet: the operator's deadline passed or the command was interrupted; the code
    /// may still be valid. `interval_secs` includes any `slow_down` seen.
    StillPending {
        interval_secs: u64,
        interrupted: bool,
    },
    /// The server ended the login: `expired_token`, `access_denied`, or another error.
    Failed(Refusal),
}

/// The authorization server's refusal of a login, with a hint at what happened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {error}{}; run setup again for a new code", self.hint(), self.detail())]
pub struct Refusal {
    /// The RFC 8628 error code (`expired_token`, `access_denied`, ...).
    pub error: String,
    pub description: Option<String>,
}

impl Refusal {
    fn hint(&self) -> &'static str {
        match self.error.as_str() {
            "expired_token" => "the code expired before the login finished",
            "access_denied" | "authorization_declined" => "the login was declined",
            _ => "the authorization server refused the login",
        }
    }

    fn detail(&self) -> String {
        let description = self.description.as_ref();
        description.map(|d| format!(" ({d})")).unwrap_or_default()
    }
}

/// Polls until the login ends or `deadline` (never past the code's expiry) passes.
pub async fn poll(
    metadata: &DeviceCodeMetadata,
    session: &DeviceSession,
    http: &reqwest::Client,
    deadline: DateTime<Utc>,
    interrupt: &Interrupt,
) -> Result<PollOutcome, LoginError> {
    let client = oauth_client(metadata, &session.client_id)?;
    let now = Utc::now();
    let deadline = deadline.min(session.expires_at);
    let details = resumed_details(session, now)?;
    let interval = Arc::new(AtomicU64::new(session.interval_secs));
    let seen = Arc::clone(&interval);
    // Never sleep past the deadline: the next round then stops before asking again.
    let sleep = move |wait: Duration| {
        seen.store(wait.as_secs(), Ordering::SeqCst);
        let until_deadline = (deadline - Utc::now())
            .to_std()
            .unwrap_or_default()
            .saturating_add(Duration::from_millis(20));
        tokio::time::sleep(wait.min(until_deadline))
    };
    let timeout = (deadline - now).to_std().unwrap_or_default();
    let polling =
        client
            .exchange_device_access_token(&details)
            .request_async(http, sleep, Some(timeout));
    let result = tokio::select! {
        result = polling => result,
        () = interrupted(interrupt) => {
            return Ok(PollOutcome::StillPending {
                interval_secs: interval.load(Ordering::SeqCst),
                interrupted: true,
            });
        }
    };
    let interval_secs = interval.load(Ordering::SeqCst);
    polled(result, metadata, session, deadline, interval_secs)
}

/// The device authorization of `session` as oauth2 polls it. oauth2 computes its own expiry
/// from `expires_in`: it is given what is left.
fn resumed_details(
    session: &DeviceSession,
    now: DateTime<Utc>,
) -> Result<DeviceAuthorizationResponse<RawFields>, LoginError> {
    let remaining = (session.expires_at - now).num_seconds().max(0);
    serde_json::from_value(json!({
        "device_code": session.device_code,
        "user_code": session.user_code,
        "verification_uri": session.verification_uri,
        "expires_in": remaining,
        "interval": session.interval_secs,
    }))
    .map_err(LoginError::Resume)
}

/// How polling ended, from oauth2's result.
fn polled(
    result: Result<
        TokenResponse,
        RequestTokenError<oauth2::HttpClientError<reqwest::Error>, DeviceCodeErrorResponse>,
    >,
    metadata: &DeviceCodeMetadata,
    session: &DeviceSession,
    deadline: DateTime<Utc>,
    interval_secs: u64,
) -> Result<PollOutcome, LoginError> {
    match result {
        Ok(tokens) => match serde_json::to_value(&tokens) {
            Ok(Value::Object(fields)) => Ok(PollOutcome::Tokens(fields)),
            _ => Err(LoginError::UnreadableTokens),
        },
        Err(RequestTokenError::ServerResponse(response)) => {
            let expired = *response.error() == DeviceCodeErrorResponseType::ExpiredToken;
            // oauth2 reports its own timeout as `expired_token` too: before the code's real
            // expiry, that is the operator's deadline, and the login is still pending.
            if expired && Utc::now() >= deadline && deadline < session.expires_at {
                return Ok(PollOutcome::StillPending {
                    interval_secs,
                    interrupted: false,
                });
            }
            Ok(PollOutcome::Failed(Refusal {
                error: response.error().as_ref().to_string(),
                description: response.error_description().cloned(),
            }))
        }
        Err(err) => Err(describe(
            "polling the token endpoint",
            &metadata.token_url,
            err,
        )),
    }
}

async fn interrupted(interrupt: &Interrupt) {
    while !interrupt.is_requested() {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// oauth2's error for `what`, a request to `url`, as a [`LoginError`].
fn describe<RE: std::error::Error + Send + Sync + 'static, TE: oauth2::ErrorResponse + 'static>(
    what: &'static str,
    url: &str,
    err: RequestTokenError<RE, TE>,
) -> LoginError {
    let url = url.to_string();
    match err {
        RequestTokenError::ServerResponse(response) => LoginError::Refused {
            what,
            url,
            response: response.to_string(),
        },
        RequestTokenError::Request(err) => LoginError::Unreachable {
            what,
            url,
            source: Box::new(err),
        },
        RequestTokenError::Parse(err, _) => LoginError::NotOAuthJson {
            what,
            url,
            at: err.path().to_string(),
        },
        RequestTokenError::Other(message) => LoginError::Other { what, url, message },
    }
}

/// An error and each of its causes, joined by `: `.
fn with_causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut message = error.to_string();
    for cause in crate::base::error_chain::causes(error) {
        message.push_str(&format!(": {cause}"));
    }
    message
}
