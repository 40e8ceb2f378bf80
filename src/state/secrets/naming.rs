//! How a secret is named in the store: who it belongs to (`SecretScope`) and its
//! `secrets://` URI, in the canonical spelling every Greentic tool uses.

use greentic_secrets_lib::{canonical_secret_name, canonical_secret_uri};

use super::SecretsError;
use crate::state::state_layout::Scope;

/// Who a secret belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretScope {
    pub env: String,
    pub tenant: String,
    pub team: Option<String>,
}

impl SecretScope {
    /// The same scope, for the state folder's per-scope files.
    pub fn state_scope(&self) -> Scope<'_> {
        Scope {
            env: &self.env,
            tenant: &self.tenant,
            team: self.team.as_deref(),
        }
    }
}

/// `secrets://<env>/<tenant>/<team or _>/<provider>/<key>`, with provider and key in the
/// canonical form every Greentic tool uses (greentic-secrets-lib's `canonical_secret_uri`).
pub fn secret_uri(scope: &SecretScope, provider: &str, key: &str) -> Result<String, SecretsError> {
    let category = canonical_segment(provider);
    let name = canonical_segment(key);
    canonical_secret_uri(
        &scope.env,
        &scope.tenant,
        scope.team.as_deref(),
        &category,
        &name,
    )
    .map(|uri| uri.to_string())
    .map_err(|err| SecretsError::Uri {
        provider: provider.to_string(),
        key: key.to_string(),
        message: err.to_string(),
    })
}

/// greentic-secrets' own canonical name (`canonical_secret_name`: lower case, `-` `.` `/`
/// and spaces to `_`, runs of `_` collapsed, trimmed), so every Greentic tool names a secret
/// the same way.
fn canonical_segment(raw: &str) -> String {
    canonical_secret_name(raw)
}

/// The store's spelling of a provider id or key (see [`secret_uri`]).
pub fn store_segment(raw: &str) -> String {
    canonical_segment(raw)
}
