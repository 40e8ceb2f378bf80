//! One provider's device-code action, start to end: resume or request a code, show it, poll,
//! map the tokens, discover resources, store outputs, finalize with the provider, read
//! everything back, and only then mark the action complete. Every step that stops early
//! leaves the state file saying what a new run will do (resume polling, retry finalization,
//! or start a new login).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::{Map, Value};

use super::discovery::DiscoveryError;
use super::finalize::FinalizeError;
use super::login::{LoginError, PollOutcome, Refusal, http_client, poll, request_code};
use super::metadata::DeviceCodeMetadata;
use super::mode::{ModeError, choose_mode};
use super::outputs::{Outputs, OutputsError};
use super::record::{ActionOutcome, ActionRecord, DeviceCodePrompt};
use super::state::{ActionState, ActionStatus, DeviceSession, PendingStage, StateError};
use crate::base::interrupt::Interrupt;
use crate::base::prompter::Prompter;
use crate::setup::answers::value_text;
use crate::setup::contract::host::CallLimits;
use crate::state::redact::{self, Redactor};
use crate::state::secrets::{DevSecrets, SecretScope};

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
    /// The limits the provider's finalizing op runs under (`--timeout`, the grace period).
    pub limits: CallLimits,
}

/// The pack whose action runs.
pub struct ActionPack<'a> {
    pub pack_id: &'a str,
    pub pack_path: &'a Path,
    pub metadata: &'a DeviceCodeMetadata,
    /// The provider's merged setup answers (secrets included, in memory only).
    pub answers: &'a Map<String, Value>,
}

/// Why an action failed; the message is what the person reads, the state file keeps, and the
/// reporters show (secrets redacted).
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error(transparent)]
    Mode(#[from] ModeError),
    #[error(
        "needs the setup answer `{key}` (the OAuth client id) before it can log in; \
         give it in an --answers file"
    )]
    NoClientId { key: String },
    #[error(transparent)]
    Login(#[from] LoginError),
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error("the token answer has no access_token, which discovery needs")]
    NoAccessToken,
    #[error("{0}; run setup again to log in and retry")]
    Discovery(#[source] DiscoveryError),
    #[error("finalization {name}: {source}")]
    Finalize {
        name: String,
        #[source]
        source: FinalizeError,
    },
    #[error("the stored login output `{key}` is gone; run setup again to log in")]
    OutputGone { key: String },
    #[error(transparent)]
    Outputs(#[from] OutputsError),
    #[error(transparent)]
    State(#[from] StateError),
}

/// Runs the action (its caller holds its lock: `exclusive`); `show` gets each code's prompt.
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
        record: ActionRecord::new(
            pack.pack_id,
            pack.pack_path,
            ctx.state_file.clone(),
            ActionOutcome::Complete { already: false },
        ),
    };
    let outcome = match run.go(show) {
        Ok(outcome) => outcome,
        Err(err) => run.fail(err),
    };
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

/// One action under way. Its last steps, from the provider's finalization on, are in
/// `finish`.
pub(super) struct Run<'a> {
    pub(super) pack: &'a ActionPack<'a>,
    pub(super) ctx: &'a ActionContext<'a>,
    pub(super) state: ActionState,
    /// Secret values seen so far, scrubbed from every message.
    pub(super) redactor_values: Vec<String>,
    pub(super) record: ActionRecord,
    /// Set when the mode was picked without anyone choosing it.
    mode_note: Option<String>,
}

/// A step's end: an outcome, or an error that fails the action.
pub(super) type Step = Result<ActionOutcome, ActionError>;

impl<'a> Run<'a> {
    fn go(&mut self, show: &mut dyn FnMut(&DeviceCodePrompt)) -> Step {
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
        let (mode, mode_note) = choose_mode(metadata, &answers, self.ctx.prompter)?;
        self.mode_note = mode_note;
        self.record.mode = mode.clone();
        if let Some(previous) = previous {
            if previous.status == ActionStatus::Complete && !self.ctx.relogin {
                if self.outputs().read_back(&previous).is_ok() {
                    self.state = previous;
                    self.record.success_message = metadata
                        .success_message_for(mode.as_deref())
                        .map(str::to_string);
                    self.record.stored_secrets = self.state.secret_keys.clone();
                    self.record.stored_config = self.state.config_keys.clone();
                    return Ok(ActionOutcome::Complete { already: true });
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

    /// Shows a code (resumed or new), polls until the login ends, and goes on with its tokens.
    fn login(
        &mut self,
        mode: Option<&str>,
        answers: &BTreeMap<String, String>,
        show: &mut dyn FnMut(&DeviceCodePrompt),
    ) -> Step {
        let metadata = self.pack.metadata;
        let client_id = metadata
            .client_id(answers)
            .ok_or_else(|| ActionError::NoClientId {
                key: metadata.client_id_config_key.clone(),
            })?;
        let http = http_client()?;
        let (session, resumed) = match self.state.resumable_session(&client_id, Utc::now()) {
            Some(session) => (session.clone(), true),
            None => (
                self.ctx
                    .runtime
                    .block_on(request_code(metadata, &client_id, &http))?,
                false,
            ),
        };
        self.redactor_values.push(session.device_code.clone());
        redact::note_secrets(&self.redactor_values);
        self.state.session = Some(session.clone());
        self.state.mark_pending(PendingStage::Login, None);
        self.save()?;
        show(&self.prompt(mode, &session, resumed));
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
        ))?;
        match polled {
            PollOutcome::Tokens(tokens) => {
                self.after_login(mode, answers, &client_id, tokens, &http)
            }
            PollOutcome::StillPending {
                interval_secs,
                interrupted,
            } => self.still_pending(&session, interval_secs, interrupted),
            PollOutcome::Failed(refusal) => Err(refusal.into()),
        }
    }

    fn prompt(
        &self,
        mode: Option<&str>,
        session: &DeviceSession,
        resumed: bool,
    ) -> DeviceCodePrompt {
        let metadata = self.pack.metadata;
        DeviceCodePrompt {
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
        }
    }

    /// The login is not finished in this run: the state keeps the code to poll again.
    fn still_pending(
        &mut self,
        session: &DeviceSession,
        interval_secs: u64,
        interrupted: bool,
    ) -> Step {
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
        self.save()?;
        Ok(ActionOutcome::Pending { reason })
    }

    pub(super) fn outputs(&self) -> Outputs<'a> {
        Outputs {
            scope: self.ctx.scope,
            secrets: self.ctx.secrets,
            config_file: &self.ctx.config_file,
            pack_id: self.pack.pack_id,
        }
    }

    /// Stores outputs; the stage that follows: outputs are stored, the provider is next.
    pub(super) fn store(
        &mut self,
        secrets: &BTreeMap<String, String>,
        config: &BTreeMap<String, String>,
    ) -> Result<(), ActionError> {
        self.outputs().store(&mut self.state, secrets, config)?;
        self.record.stored_secrets = self.state.secret_keys.clone();
        self.record.stored_config = self.state.config_keys.clone();
        self.state.mark_pending(PendingStage::Finalize, None);
        self.save()
    }

    pub(super) fn save(&mut self) -> Result<(), ActionError> {
        Ok(self.state.save(&self.ctx.state_file)?)
    }

    /// Ends in failure: the state says so (a new run starts a new login).
    fn fail(&mut self, err: ActionError) -> ActionOutcome {
        let message = err.to_string();
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
