//! The values a token answer gives `secrets_out`/`config_out`: its own fields, and those it
//! carries only inside its JWTs (`tenant_id` as `tid`, `user_id` as `oid`/`sub`), read from the
//! claims, unverified, as greentic-setup does, when a field is not a field of the answer itself.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use crate::setup::answers::value_text;

/// The value of a token-answer `field` for `secrets_out`/`config_out`: `client_id` is the id
/// the login used; another is the answer's own field, else a claim of its JWTs.
pub fn token_field(tokens: &Map<String, Value>, field: &str, client_id: &str) -> Option<String> {
    if field == "client_id" {
        return Some(client_id.to_string());
    }
    tokens
        .get(field)
        .filter(|v| !v.is_null())
        .map(value_text)
        .or_else(|| claim_for(tokens, field))
}

/// The claim `field` (or its alias) of the answer's `id_token`, else its `access_token`.
pub fn claim_for(tokens: &Map<String, Value>, field: &str) -> Option<String> {
    ["id_token", "access_token"].iter().find_map(|name| {
        let claims = claims(tokens.get(*name)?.as_str()?)?;
        std::iter::once(field)
            .chain(aliases(field).iter().copied())
            .find_map(|key| claims.get(key).filter(|v| !v.is_null()).map(value_text))
    })
}

fn aliases(field: &str) -> &'static [&'static str] {
    match field {
        "tenant_id" => &["tid"],
        "user_id" => &["oid", "sub"],
        _ => &[],
    }
}

/// The payload of a JWT (`header.payload.signature`), when it is one.
fn claims(token: &str) -> Option<Map<String, Value>> {
    let payload = token.trim().split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn jwt(claims: Value) -> String {
        format!("h.{}.s", URL_SAFE_NO_PAD.encode(claims.to_string()))
    }

    #[test]
    fn tenant_and_user_come_from_the_token_claims() {
        let tokens = json!({"access_token": jwt(json!({"tid": "t-1", "oid": "u-1"}))});
        let tokens = tokens.as_object().unwrap();
        assert_eq!(claim_for(tokens, "tenant_id").as_deref(), Some("t-1"));
        assert_eq!(claim_for(tokens, "user_id").as_deref(), Some("u-1"));
        assert_eq!(claim_for(tokens, "team_id"), None);
        let opaque = json!({"access_token": "not-a-jwt"});
        assert_eq!(claim_for(opaque.as_object().unwrap(), "tenant_id"), None);
    }
}
