//! An answers file published at a URL (Greentic's demos publish theirs at release URLs, and
//! greentic-setup's `--answers` takes one): fetched once, bounded in time and size, through
//! the HTTP client already in the graph (oauth2's reqwest, rustls).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use oauth2::reqwest;

/// Largest answers document accepted.
pub const MAX_ANSWERS_BYTES: usize = 1024 * 1024;
/// Longest the whole fetch may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a URL's answers could not be had. Every URL in these messages is [`redacted`].
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error(
        "failed to fetch answers file {url}: {message}; offline? download it and pass the file instead"
    )]
    Unreachable { url: String, message: String },
    #[error("answers file {url} answered HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("answers file {url} is larger than {MAX_ANSWERS_BYTES} bytes")]
    TooLarge { url: String },
    #[error("answers file {url} is not UTF-8 text")]
    NotText { url: String },
    /// A redirect that leaves https or goes to another host or port: the answers (secrets among them)
    /// would come from somewhere the user never named.
    #[error(
        "answers file {url} redirects to {to}, {why}; not followed: pass that URL as --answers if you trust it"
    )]
    Redirect {
        url: String,
        to: String,
        why: &'static str,
    },
}

/// Whether `source` names a URL rather than a file.
pub fn is_url(source: &str) -> bool {
    source.starts_with("https://") || source.starts_with("http://")
}

/// An `--answers` value as messages show it: a URL [`redacted`], a file as it is.
pub fn shown_source(source: &std::path::Path) -> String {
    match source.to_str().filter(|s| is_url(s)) {
        Some(url) => redacted(url),
        None => source.display().to_string(),
    }
}

/// `url` with what may be a credential hidden: its user and password, its query (tokens ride
/// there) and its fragment. `https://u:p@host/a.json?token=x` is
/// `https://***@host/a.json?***`.
pub fn redacted(url: &str) -> String {
    let Ok(parsed) = reqwest::Url::parse(url) else {
        // Not a URL the client would fetch either: nothing of it is shown past its scheme.
        let scheme = url.split_once("://").map_or("", |(scheme, _)| scheme);
        return format!("{scheme}://***");
    };
    let mut shown = format!("{}://", parsed.scheme());
    if !parsed.username().is_empty() || parsed.password().is_some() {
        shown.push_str("***@");
    }
    shown.push_str(parsed.host_str().unwrap_or_default());
    if let Some(port) = parsed.port() {
        shown.push_str(&format!(":{port}"));
    }
    shown.push_str(parsed.path());
    if parsed.query().is_some() || parsed.fragment().is_some() {
        shown.push_str("?***");
    }
    shown
}

/// The text at `url`.
pub fn fetch_text(url: &str) -> Result<String, FetchError> {
    let unreachable = |message: String| FetchError::Unreachable {
        url: redacted(url),
        message,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| unreachable(e.to_string()))?;
    let bytes = runtime.block_on(fetch_bytes(url))?;
    String::from_utf8(bytes).map_err(|_| FetchError::NotText { url: redacted(url) })
}

/// Why a redirect from `from` to `to` is not followed, if it is not.
fn refused_redirect(from: &reqwest::Url, to: &reqwest::Url) -> Option<&'static str> {
    if from.scheme() == "https" && to.scheme() != "https" {
        Some("which leaves https")
    } else if from.host_str() != to.host_str() {
        Some("another host")
    } else if from.port_or_known_default() != to.port_or_known_default() && !upgrade(from, to) {
        // Another port of the same host is another server (a loopback or shared host's
        // neighbour): its answers are no more the user's than another host's.
        Some("another port")
    } else {
        None
    }
}

/// `http://host/` to `https://host/`, each on its scheme's own port: the usual upgrade.
fn upgrade(from: &reqwest::Url, to: &reqwest::Url) -> bool {
    from.scheme() == "http"
        && to.scheme() == "https"
        && from.port().is_none()
        && to.port().is_none()
}

/// The redirect policy: reqwest's limit of 10 hops, and no hop that [`refused_redirect`]; the
/// refused target is kept for the error.
fn redirect_policy(
    refused: Arc<Mutex<Option<(String, &'static str)>>>,
) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        let from = attempt.previous().first().cloned();
        let why = from.and_then(|from| refused_redirect(&from, attempt.url()));
        match why {
            Some(why) => {
                let to = redacted(attempt.url().as_str());
                *refused.lock().unwrap_or_else(|p| p.into_inner()) = Some((to, why));
                attempt.stop()
            }
            None if attempt.previous().len() > MAX_REDIRECTS => attempt.error("too many redirects"),
            None => attempt.follow(),
        }
    })
}

/// Most redirects followed (reqwest's default).
const MAX_REDIRECTS: usize = 10;

async fn fetch_bytes(url: &str) -> Result<Vec<u8>, FetchError> {
    // reqwest's own words ("error sending request") name no cause; its sources do. The URL
    // it adds to them is left out: it may carry a credential.
    let unreachable = |err: reqwest::Error| {
        let err = err.without_url();
        FetchError::Unreachable {
            url: redacted(url),
            message: std::iter::once(err.to_string())
                .chain(crate::base::error_chain::causes(&err).map(|c| c.to_string()))
                .collect::<Vec<_>>()
                .join(": "),
        }
    };
    let refused = Arc::new(Mutex::new(None));
    let client = reqwest::Client::builder()
        .timeout(FETCH_TIMEOUT)
        .connect_timeout(CONNECT_TIMEOUT)
        .redirect(redirect_policy(Arc::clone(&refused)))
        .build()
        .map_err(unreachable)?;
    let mut response = client.get(url).send().await.map_err(unreachable)?;
    // A stopped redirect comes back as the redirect response itself.
    if let Some((to, why)) = refused.lock().unwrap_or_else(|p| p.into_inner()).take() {
        return Err(FetchError::Redirect {
            url: redacted(url),
            to,
            why,
        });
    }
    let status = response.status();
    if !status.is_success() {
        return Err(FetchError::Status {
            url: redacted(url),
            status: status.as_u16(),
        });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(unreachable)? {
        if body.len() + chunk.len() > MAX_ANSWERS_BYTES {
            return Err(FetchError::TooLarge { url: redacted(url) });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_and_queries_are_never_shown() {
        assert_eq!(
            redacted("https://user:pw@answers.example:8443/a/b.json?token=t0k#frag"),
            "https://***@answers.example:8443/a/b.json?***"
        );
        assert_eq!(
            redacted("http://127.0.0.1:9/setup.yaml"),
            "http://127.0.0.1:9/setup.yaml"
        );
        assert_eq!(redacted("https://user:pw@[bad"), "https://***");
    }

    #[test]
    fn a_redirect_may_not_leave_https_nor_change_host() {
        let url = |u: &str| reqwest::Url::parse(u).unwrap();
        let from = url("https://a.example/x");
        assert_eq!(refused_redirect(&from, &url("https://a.example/y")), None);
        assert_eq!(
            refused_redirect(&from, &url("http://a.example/y")),
            Some("which leaves https")
        );
        assert_eq!(
            refused_redirect(&from, &url("https://b.example/y")),
            Some("another host")
        );
        assert_eq!(
            refused_redirect(&from, &url("https://a.example:8443/y")),
            Some("another port")
        );
        assert_eq!(
            refused_redirect(&from, &url("https://A.EXAMPLE:443/y")),
            None
        );
        assert_eq!(
            refused_redirect(&url("http://a.example/x"), &url("https://a.example/y")),
            None
        );
        assert_eq!(
            refused_redirect(&url("http://a.example/x"), &url("https://a.example:8443/y")),
            Some("another port")
        );
        let loopback = url("http://127.0.0.1:1/x");
        assert_eq!(
            refused_redirect(&loopback, &url("http://localhost:1/x")),
            Some("another host")
        );
        assert_eq!(
            refused_redirect(&loopback, &url("https://127.0.0.1:1/y")),
            None
        );
    }
}
