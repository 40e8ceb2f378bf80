//! The end of a device-code action: the provider's `apply-answers` finalization steps with
//! everything the login produced, their outputs stored, everything read back, and the action
//! complete; or, after a run the provider did not accept yet, the same from what is stored.

use std::collections::BTreeMap;

use chrono::Utc;
use serde_json::{Map, Value, json};

use super::action::{ActionError, Run, Step};
use super::finalize::{Finalized, call_operation};
use super::metadata::Provisioning;
use super::record::ActionOutcome;
use super::state::{ActionState, PendingStage};
use crate::setup::answers::value_text;
use crate::setup::contract::host::CallScope;

impl Run<'_> {
    /// A previous run stored the login's outputs but the provider did not accept them yet:
    /// call it again with what is stored, without a new login.
    pub(super) fn resume_finalization(
        &mut self,
        previous: ActionState,
        mode: Option<&str>,
        answers: &BTreeMap<String, String>,
    ) -> Step {
        let outputs = self.outputs();
        let stored_config = outputs.stored_config()?;
        let mut request_answers: Map<String, Value> = self.pack.answers.clone();
        for (key, value) in answers {
            request_answers.insert(key.clone(), Value::String(value.clone()));
        }
        for key in &previous.config_keys {
            if let Some(value) = stored_config.get(key) {
                request_answers.insert(key.clone(), value.clone());
            }
        }
        for key in &previous.secret_keys {
            let Some(value) = outputs.read_secret(key)? else {
                // Without its outputs, only a new login can help.
                self.state = ActionState::new(self.pack.pack_id, previous.created_at);
                return Err(ActionError::OutputGone { key: key.clone() });
            };
            self.redactor_values.push(value.clone());
            crate::state::redact::note_secrets([&value]);
            request_answers.insert(key.clone(), Value::String(value));
        }
        self.state = previous;
        self.record.stored_secrets = self.state.secret_keys.clone();
        self.record.stored_config = self.state.config_keys.clone();
        self.finalize(mode, request_answers)
    }

    /// Calls each `apply-answers` provisioning of the mode, keeps what they return, reads
    /// everything back, and completes the action.
    pub(super) fn finalize(
        &mut self,
        mode: Option<&str>,
        request_answers: Map<String, Value>,
    ) -> Step {
        let metadata = self.pack.metadata;
        let request = json!({"mode": "setup", "answers": request_answers});
        for (name, step) in metadata.finalizers(mode) {
            let config = match self.call_finalizer(name, step, &request)? {
                Finalized::Accepted { config } => config,
                Finalized::Rejected { message } => {
                    let reason = format!(
                        "the provider did not accept the setup yet ({name}: {} {} answered ok:false: {message}); \
                         fix that and run setup again: the login is kept",
                        step.component_ref, step.op
                    );
                    self.state
                        .mark_pending(PendingStage::Finalize, Some(reason.clone()));
                    self.save()?;
                    return Ok(ActionOutcome::Pending { reason });
                }
            };
            let (secrets, public) = self.split_secrets(step, config);
            self.store(&secrets, &public)?;
        }
        self.outputs().read_back(&self.state)?;
        self.state.mark_complete(Utc::now());
        self.save()?;
        self.record.success_message = metadata.success_message_for(mode).map(str::to_string);
        Ok(ActionOutcome::Complete { already: false })
    }

    fn call_finalizer(
        &self,
        name: &str,
        step: &Provisioning,
        request: &Value,
    ) -> Result<Finalized, ActionError> {
        let scope = CallScope {
            tenant: self.ctx.scope.tenant.clone(),
            team: self.ctx.scope.team.clone(),
            limits: self.ctx.limits,
        };
        call_operation(
            self.pack.pack_path,
            &step.component_ref,
            &step.op,
            request,
            scope,
            self.ctx.secrets.manager(Default::default()),
        )
        .map_err(|source| ActionError::Finalize {
            name: name.to_string(),
            source,
        })
    }

    /// A finalizer's returned config, renamed by its `output_keys`, as (secret, public)
    /// values: secret when the provider says so or the value is one seen as secret.
    fn split_secrets(
        &self,
        step: &Provisioning,
        config: Map<String, Value>,
    ) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
        let mut secrets = BTreeMap::new();
        let mut public = BTreeMap::new();
        for (key, value) in config {
            let key = step.output_keys.get(&key).cloned().unwrap_or(key);
            let text = value_text(&value);
            if self.pack.metadata.is_secret_key(&key) || self.redactor_values.contains(&text) {
                secrets.insert(key, text);
            } else {
                public.insert(key, text);
            }
        }
        (secrets, public)
    }
}
