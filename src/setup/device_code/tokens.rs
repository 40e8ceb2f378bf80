//! After a device-code login: the tokens mapped to the outputs the pack declares, the
//! provider's post-login discovery run with the fresh access token, the outputs stored, and the
//! provider's finalization next (`finish`).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::action::{ActionError, Run, Step};
use super::claims::token_field;
use super::discovery::{Discovered, discover_after_login};
use super::metadata::TOKEN_FIELDS;
use crate::setup::answers::value_text;
use crate::state::redact;

impl Run<'_> {
    /// Maps the tokens to outputs, discovers, stores, and finalizes.
    pub(super) fn after_login(
        &mut self,
        mode: Option<&str>,
        answers: &BTreeMap<String, String>,
        client_id: &str,
        tokens: Map<String, Value>,
        http: &oauth2::reqwest::Client,
    ) -> Step {
        let metadata = self.pack.metadata;
        for field in TOKEN_FIELDS {
            if let Some(value) = tokens.get(field).map(value_text) {
                self.redactor_values.push(value);
            }
        }
        let mapped = |map: &BTreeMap<String, String>| -> BTreeMap<String, String> {
            map.iter()
                .filter_map(|(field, key)| {
                    Some((key.clone(), token_field(&tokens, field, client_id)?))
                })
                .collect()
        };
        let secrets = mapped(&metadata.secrets_out);
        let mut config = mapped(&metadata.config_out);
        self.redactor_values.extend(secrets.values().cloned());
        redact::note_secrets(&self.redactor_values);

        let mut known = answers.clone();
        known.extend(config.clone());
        known.extend(secrets.clone());
        let discovered = self.discover(&tokens, http, &known)?;
        self.record.selections = discovered.selections.clone();
        config.extend(discovered.values.clone());
        known.extend(discovered.values);
        self.store(&secrets, &config)?;

        // The provider gets every answer, the mapped outputs, and the raw token fields.
        let mut request_answers: Map<String, Value> = self.pack.answers.clone();
        for (key, value) in &known {
            request_answers.insert(key.clone(), Value::String(value.clone()));
        }
        for (field, value) in &tokens {
            request_answers.insert(field.clone(), Value::String(value_text(value)));
        }
        self.finalize(mode, request_answers)
    }

    /// The provider's post-login discovery, with the fresh access token.
    fn discover(
        &self,
        tokens: &Map<String, Value>,
        http: &oauth2::reqwest::Client,
        known: &BTreeMap<String, String>,
    ) -> Result<Discovered, ActionError> {
        let steps = &self.pack.metadata.post_login_discovery;
        if steps.is_empty() {
            return Ok(Discovered::default());
        }
        let access_token = tokens
            .get("access_token")
            .and_then(Value::as_str)
            .ok_or(ActionError::NoAccessToken)?;
        self.ctx
            .runtime
            .block_on(discover_after_login(
                steps,
                access_token,
                http,
                known,
                self.ctx.bundle_name,
            ))
            .map_err(ActionError::Discovery)
    }
}
