//! An answers file published at a URL (Greentic's demos publish theirs at release URLs, and
//! greentic-setup's `--answers` takes one): fetched once, bounded in time and size, through
//! the HTTP client already in the graph (oauth2's reqwest, rustls).

use std::time::Duration;

use oauth2::reqwest;

/// Largest answers document accepted.
pub const MAX_ANSWERS_BYTES: usize = 1024 * 1024;
/// Longest the whole fetch may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a URL's answers could not be had.
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
}

/// Whether `source` names a URL rather than a file.
pub fn is_url(source: &str) -> bool {
    source.starts_with("https://") || source.starts_with("http://")
}

/// The text at `url`.
pub fn fetch_text(url: &str) -> Result<String, FetchError> {
    let unreachable = |message: String| FetchError::Unreachable {
        url: url.to_string(),
        message,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| unreachable(e.to_string()))?;
    let bytes = runtime.block_on(fetch_bytes(url))?;
    String::from_utf8(bytes).map_err(|_| FetchError::NotText {
        url: url.to_string(),
    })
}

async fn fetch_bytes(url: &str) -> Result<Vec<u8>, FetchError> {
    // reqwest's own words ("error sending request") name no cause; its sources do.
    let unreachable = |err: reqwest::Error| FetchError::Unreachable {
        url: url.to_string(),
        message: std::iter::once(err.to_string())
            .chain(crate::base::error_chain::causes(&err).map(|c| c.to_string()))
            .collect::<Vec<_>>()
            .join(": "),
    };
    let client = reqwest::Client::builder()
        .timeout(FETCH_TIMEOUT)
        .connect_timeout(CONNECT_TIMEOUT)
        .build()
        .map_err(unreachable)?;
    let mut response = client.get(url).send().await.map_err(unreachable)?;
    let status = response.status();
    if !status.is_success() {
        return Err(FetchError::Status {
            url: url.to_string(),
            status: status.as_u16(),
        });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(unreachable)? {
        if body.len() + chunk.len() > MAX_ANSWERS_BYTES {
            return Err(FetchError::TooLarge {
                url: url.to_string(),
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
