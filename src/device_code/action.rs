//! One provider's device-code action, start to end: resume or request a code, show it, poll,
//! map the tokens, discover resources, store outputs, finalize with the provider, read
//! everything back, and only then mark the action complete. Every step that stops early
//! leaves the state file saying what a new run will do (resume polling, retry finalization,
//! or start a new login).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::{Map, Value, json};

use super::discovery::{Discovered, discover_after_login};
use super::finalize::{CallScope, Finalized, call_operation};
use super::login::{PollOutcome, http_client, poll, request_code};
use super::metadata::{DeviceCodeMetadata, TOKEN_FIELDS};
use super::mode::choose_mode;
use super::record::{ACTION_NAME, ActionOutcome, ActionRecord, DeviceCodePrompt};
use super::state::{ActionState, ActionStatus, PendingStage};
use crate::answers::{load_stored, save_stored, value_text};
use crate::interrupt::Interrupt;
use crate::prompter::Prompter;
use crate::redact::Redactor;
use crate::secrets::{DevSecrets, SecretScope, secret_uri};

/// Everything one action needs besides the pack.
pub struct ActionContext<'a> {
    pub scope: &'a SecretScope,
    pub secrets: &'a DevSecrets,
    pub state_file: PathBuf,
    pub config_file: PathBuf,
    pub bundle_name: &'a str,
    /// Who asks a person (to choose a mode); `None` when nobody watches.
    pub prompter: Option<&'a dyn Prompter>,
    /// Longest time to wait for the login in this run (`--device-code-timeout`).
    pub poll_limit: Option<Duration>,
    /// Start a new login even when an earlier one completed.
    pub relogin: bool,
    pub interrupt: &'a Interrupt,
    pub runtime: &'a tokio::runtime::Runtime,
}

/// The pack whose action runs.
pub struct ActionPack<'a> {
    pub pack_id: &'a str,
    pub pack_path: &'a Path,
    pub metadata: &'a DeviceCodeMetadata,
    /// The provider's merged setup answers (secrets included, in memory only).
    pub answers: &'a Map<String, Value>,
}

/// Runs the action; `show` receives the prompt to display when a code is issued or resumed.
pub fn run_action(
    pack: &ActionPack<'_>,
    ctx: &ActionContext<'_>,
    show: &mut dyn FnMut(&DeviceCodePrompt),
) -> ActionRecord {
    let clock = Instant::now();
    let mut run = Run {
        pack,
        ctx,
        state: ActionState::new(pack.pack_id, Utc::now()),
        redactor_values: Vec::new(),
        mode_note: None,
        record: ActionRecord {
            pack_id: pack.pack_id.to_string(),
            pack_path: pack.pack_path.to_path_buf(),
            action: ACTION_NAME,
            mode: None,
            state_file: ctx.state_file.clone(),
            duration: Duration::ZERO,
            outcome: ActionOutcome::Complete { already: false },
            success_message: None,
            selections: Vec::new(),
            stored_secrets: Vec::new(),
            stored_config: Vec::new(),
        },
    };
    let outcome = run.go(show);
    let redactor = Redactor::new(run.redactor_values.iter().cloned());
    run.record.outcome = match outcome {
        ActionOutcome::Pending { reason } => ActionOutcome::Pending {
            reason: redactor.redact(&reason),
        },
        ActionOutcome::Failed { message, checklist } => ActionOutcome::Failed {
            message: redactor.redact(&message),
            checklist,
        },
        other => other,
    };
    run.record.duration = clock.elapsed();
    run.record
}

struct Run<'a> {
    pack: &'a ActionPack<'a>,
    ctx: &'a ActionContext<'a>,
    state: ActionState,
    /// Secret values seen so far, scrubbed from every message.
    redactor_values: Vec<String>,
    record: ActionRecord,
    /// Set when the mode was picked without anyone choosing it.
    mode_note: Option<String>,
}

impl Run<'_> {
    fn go(&mut self, show: &mut dyn FnMut(&DeviceCodePrompt)) -> ActionOutcome {
        let metadata = self.pack.metadata;
        let previous = match ActionState::load(&self.ctx.state_file) {
            Ok(previous) => previous,
            Err(err) => {
                tracing::warn!("{err}; starting a new login");
                None
            }
        };
        let answers: BTreeMap<String, String> = self
            .pack
            .answers
            .iter()
            .map(|(k, v)| (k.clone(), value_text(v)))
            .collect();
        let (mode, mode_note) = match choose_mode(metadata, &answers, self.ctx.prompter) {
            Ok(chosen) => chosen,
            Err(message) => return self.fail(message),
        };
        self.mode_note = mode_note;
        self.record.mode = mode.clone();
        if let Some(previous) = previous {
            if previous.status == ActionStatus::Complete && !self.ctx.relogin {
                if self.read_back(&previous).is_ok() {
                    self.state = previous;
                    self.record.success_message = metadata
                        .success_message_for(mode.as_deref())
                        .map(str::to_string);
                    self.record.stored_secrets = self.state.secret_keys.clone();
                    self.record.stored_config = self.state.config_keys.clone();
                    return ActionOutcome::Complete { already: true };
                }
                tracing::info!("an earlier login's outputs are gone; logging in again");
            }
            self.state.created_at = previous.created_at;
            if previous.status == ActionStatus::Pending
                && previous.stage == Some(PendingStage::Finalize)
                && !self.ctx.relogin
            {
                return self.resume_finalization(previous, mode.as_deref(), &answers);
            }
            if !self.ctx.relogin {
                self.state.session = previous.session;
            }
        }
        self.state.mode = mode.clone();
        self.login(mode.as_deref(), &answers, show)
    }

    fn login(
        &mut self,
        mode: Option<&str>,
        answers: &BTreeMap<String, String>,
        show: &mut dyn FnMut(&DeviceCodePrompt),
    ) -> ActionOutcome {
        let metadata = self.pack.metadata;
        let key = &metadata.client_id_config_key;
        let Some(client_id) = metadata.client_id(answers) else {
            return self.fail(format!(
                "needs the setup answer `{key}` (the OAuth client id) before it can log in; \
                 give it in an --answers file"
            ));
        };
        let http = match http_client() {
            Ok(http) => http,
            Err(message) => return self.fail(message),
        };
        let now = Utc::now();
        let (session, resumed) = match self.state.resumable_session(&client_id, now) {
            Some(session) => (session.clone(), true),
            None => match self
                .ctx
                .runtime
                .block_on(request_code(metadata, &client_id, &http))
            {
                Ok(session) => (session, false),
                Err(message) => return self.fail(message),
            },
        };
        self.redactor_values.push(session.device_code.clone());
        self.state.session = Some(session.clone());
        self.state.mark_pending(PendingStage::Login, None);
        if let Err(err) = self.save() {
            return self.fail(err);
        }
        show(&DeviceCodePrompt {
            pack_id: self.pack.pack_id.to_string(),
            provider_label: metadata.label.clone(),
            mode: mode.map(str::to_string),
            instructions: metadata.instructions_for(mode).map(str::to_string),
            verification_uri: session.verification_uri.clone(),
            user_code: session.user_code.clone(),
            verification_uri_complete: session.verification_uri_complete.clone(),
            expires_at: session.expires_at,
            resumed,
            labels: metadata.labels.clone(),
            mode_note: self.mode_note.clone(),
        });
        let deadline = match self.ctx.poll_limit {
            Some(limit) => Utc::now() + chrono::Duration::from_std(limit).unwrap_or_default(),
            None => session.expires_at,
        };
        let polled = self.ctx.runtime.block_on(poll(
            metadata,
            &session,
            &http,
            deadline,
            self.ctx.interrupt,
        ));
        let tokens = match polled {
            Ok(PollOutcome::Tokens(tokens)) => tokens,
            Ok(PollOutcome::StillPending {
                interval_secs,
                interrupted,
            }) => {
                if let Some(session) = &mut self.state.session {
                    session.interval_secs = interval_secs;
                }
                let until = session.expires_at.format("%H:%M:%S UTC");
                let reason = if interrupted {
                    format!(
                        "interrupted before the login finished; run setup again before {until} to keep waiting for the same code"
                    )
                } else {
                    format!(
                        "the login did not finish within --device-code-timeout; run setup again before {until} to keep waiting for the same code"
                    )
                };
                self.state
                    .mark_pending(PendingStage::Login, Some(reason.clone()));
                if let Err(err) = self.save() {
                    return self.fail(err);
                }
                return ActionOutcome::Pending { reason };
            }
            Ok(PollOutcome::Failed { error, description }) => {
                let detail = description.map(|d| format!(" ({d})")).unwrap_or_default();
                let hint = match error.as_str() {
                    "expired_token" => "the code expired before the login finished",
                    "access_denied" | "authorization_declined" => "the login was declined",
                    _ => "the authorization server refused the login",
                };
                return self.fail(format!(
                    "{hint}: {error}{detail}; run setup again for a new code"
                ));
            }
            Err(message) => return self.fail(message),
        };
        self.after_login(mode, answers, &client_id, tokens, &http)
    }

    fn after_login(
        &mut self,
        mode: Option<&str>,
        answers: &BTreeMap<String, String>,
        client_id: &str,
        tokens: Map<String, Value>,
        http: &oauth2::reqwest::Client,
    ) -> ActionOutcome {
        let metadata = self.pack.metadata;
        for field in TOKEN_FIELDS {
            if let Some(value) = tokens.get(field).map(value_text) {
                self.redactor_values.push(value);
            }
        }
        let field_value = |field: &str| -> Option<String> {
            if field == "client_id" {
                return Some(client_id.to_string());
            }
            tokens
                .get(field)
                .filter(|v| !v.is_null())
                .map(value_text)
                .or_else(|| super::claims::claim_for(&tokens, field))
        };
        let secrets: BTreeMap<String, String> = metadata
            .secrets_out
            .iter()
            .filter_map(|(field, key)| Some((key.clone(), field_value(field)?)))
            .collect();
        let mut config: BTreeMap<String, String> = metadata
            .config_out
            .iter()
            .filter_map(|(field, key)| Some((key.clone(), field_value(field)?)))
            .collect();
        self.redactor_values.extend(secrets.values().cloned());

        let mut known = answers.clone();
        known.extend(config.clone());
        known.extend(secrets.clone());
        let discovered = if metadata.post_login_discovery.is_empty() {
            Discovered::default()
        } else {
            let Some(access_token) = tokens.get("access_token").and_then(Value::as_str) else {
                return self
                    .fail("the token answer has no access_token, which discovery needs".into());
            };
            match self.ctx.runtime.block_on(discover_after_login(
                &metadata.post_login_discovery,
                access_token,
                http,
                &known,
                self.ctx.bundle_name,
            )) {
                Ok(discovered) => discovered,
                Err(message) => {
                    return self.fail(format!("{message}; run setup again to log in and retry"));
                }
            }
        };
        self.record.selections = discovered.selections.clone();
        config.extend(discovered.values.clone());
        known.extend(discovered.values);
        if let Err(message) = self.store(&secrets, &config) {
            return self.fail(message);
        }

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

    /// A previous run stored the login's outputs but the provider did not accept them yet:
    /// call it again with what is stored, without a new login.
    fn resume_finalization(
        &mut self,
        previous: ActionState,
        mode: Option<&str>,
        answers: &BTreeMap<String, String>,
    ) -> ActionOutcome {
        let stored_config = load_stored(&self.ctx.config_file).unwrap_or_default();
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
            match self.read_secret(key) {
                Some(value) => {
                    self.redactor_values.push(value.clone());
                    request_answers.insert(key.clone(), Value::String(value));
                }
                None => {
                    // Without its outputs, only a new login can help.
                    self.state = ActionState::new(self.pack.pack_id, previous.created_at);
                    return self.fail(format!(
                        "the stored login output `{key}` is gone; run setup again to log in"
                    ));
                }
            }
        }
        self.state = previous;
        self.record.stored_secrets = self.state.secret_keys.clone();
        self.record.stored_config = self.state.config_keys.clone();
        self.finalize(mode, request_answers)
    }

    /// Calls each `apply-answers` provisioning of the mode, keeps what they return, reads
    /// everything back, and completes the action.
    fn finalize(
        &mut self,
        mode: Option<&str>,
        request_answers: Map<String, Value>,
    ) -> ActionOutcome {
        let metadata = self.pack.metadata;
        let request = json!({"mode": "setup", "answers": request_answers});
        for (name, step) in metadata.finalizers(mode) {
            let scope = CallScope {
                tenant: &self.ctx.scope.tenant,
                team: self.ctx.scope.team.as_deref(),
            };
            let answer = self.ctx.runtime.block_on(call_operation(
                self.pack.pack_path,
                &step.component_ref,
                &step.op,
                &request,
                &scope,
                self.ctx.secrets.manager(),
            ));
            let config = match answer {
                Ok(Finalized::Accepted { config }) => config,
                Ok(Finalized::Rejected { message }) => {
                    let reason = format!(
                        "the provider did not accept the setup yet ({name}: {} {} answered ok:false: {message}); \
                         fix that and run setup again: the login is kept",
                        step.component_ref, step.op
                    );
                    self.state
                        .mark_pending(PendingStage::Finalize, Some(reason.clone()));
                    if let Err(err) = self.save() {
                        return self.fail(err);
                    }
                    return ActionOutcome::Pending { reason };
                }
                Err(message) => return self.fail(format!("finalization {name}: {message}")),
            };
            let picked: Vec<(String, Value)> = config
                .into_iter()
                .map(|(key, value)| match step.output_keys.get(&key) {
                    Some(renamed) => (renamed.clone(), value),
                    None => (key, value),
                })
                .collect();
            let mut secrets = BTreeMap::new();
            let mut public = BTreeMap::new();
            for (key, value) in picked {
                let text = value_text(&value);
                let secret = metadata.is_secret_key(&key) || self.redactor_values.contains(&text);
                if secret {
                    secrets.insert(key, text);
                } else {
                    public.insert(key, text);
                }
            }
            if let Err(message) = self.store(&secrets, &public) {
                return self.fail(message);
            }
        }
        if let Err(message) = self.read_back(&self.state) {
            return self.fail(message);
        }
        self.state.mark_complete(Utc::now());
        if let Err(err) = self.save() {
            return self.fail(err);
        }
        self.record.success_message = metadata.success_message_for(mode).map(str::to_string);
        ActionOutcome::Complete { already: false }
    }

    /// Secrets into the store (written and read back), the rest into `setup-answers.json`.
    fn store(
        &mut self,
        secrets: &BTreeMap<String, String>,
        config: &BTreeMap<String, String>,
    ) -> Result<(), String> {
        for (key, value) in secrets {
            let uri =
                secret_uri(self.ctx.scope, self.pack.pack_id, key).map_err(|e| e.to_string())?;
            self.ctx
                .secrets
                .put_verified(&uri, value)
                .map_err(|e| e.to_string())?;
            push_unique(&mut self.state.secret_keys, key);
        }
        if !config.is_empty() {
            let map: Map<String, Value> = config
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect();
            save_stored(&self.ctx.config_file, &map).map_err(|e| e.to_string())?;
            for key in config.keys() {
                push_unique(&mut self.state.config_keys, key);
            }
        }
        self.record.stored_secrets = self.state.secret_keys.clone();
        self.record.stored_config = self.state.config_keys.clone();
        // The stage that follows: outputs are stored, the provider is next.
        self.state.mark_pending(PendingStage::Finalize, None);
        self.save()
    }

    /// Every output `state` lists is where it was stored, with a value.
    fn read_back(&self, state: &ActionState) -> Result<(), String> {
        let stored = load_stored(&self.ctx.config_file).map_err(|e| e.to_string())?;
        for key in &state.config_keys {
            if stored.get(key).is_none_or(Value::is_null) {
                return Err(format!(
                    "`{key}` does not read back from {}",
                    self.ctx.config_file.display()
                ));
            }
        }
        for key in &state.secret_keys {
            if self.read_secret(key).is_none() {
                return Err(format!(
                    "secret `{key}` does not read back from the dev secrets store {}",
                    self.ctx.secrets.path().display()
                ));
            }
        }
        Ok(())
    }

    fn read_secret(&self, key: &str) -> Option<String> {
        let uri = secret_uri(self.ctx.scope, self.pack.pack_id, key).ok()?;
        let bytes = self.ctx.secrets.get(&uri)?;
        String::from_utf8(bytes).ok()
    }

    fn save(&mut self) -> Result<(), String> {
        self.state
            .save(&self.ctx.state_file)
            .map_err(|err| format!("failed to write {}: {err}", self.ctx.state_file.display()))
    }

    /// Ends in failure: the state says so (a new run starts a new login).
    fn fail(&mut self, message: String) -> ActionOutcome {
        self.state.mark_failed(message.clone());
        if let Err(err) = self.save() {
            tracing::warn!("{err}");
        }
        ActionOutcome::Failed {
            message,
            checklist: self.pack.metadata.error_checklist.clone(),
        }
    }
}

fn push_unique(keys: &mut Vec<String>, key: &str) {
    if !keys.iter().any(|k| k == key) {
        keys.push(key.to_string());
    }
}
