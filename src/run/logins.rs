//! `dev setup`'s device-code logins over a whole plan (after its flows), and `dev
//! diagnostics`' view of where each login stands: the phase around `device_code`'s steps.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use crate::base::interrupt::Interrupt;
use crate::base::prompter::Prompter;
use crate::plan::{LoginState, LoginStatus, PackError, Plan, PlannedPack};
use crate::run::events::{Event, Execution};
use crate::setup::contract::host::CallLimits;
use crate::setup::device_code::action::{ActionContext, ActionPack};
use crate::setup::device_code::exclusive::run_exclusive;
use crate::setup::device_code::metadata::DeviceCodeMetadata;
use crate::setup::device_code::record::{ActionOutcome, ActionRecord};
use crate::setup::device_code::state::{ActionState, ActionStatus, PendingStage};
use crate::setup::keep::PackSetup;
use crate::state::secrets::{DevSecrets, SecretScope};
use crate::state::state_layout::StateLayout;

/// Reads the extension of every pack whose setup runs; a malformed declaration fails that
/// pack, naming the field.
pub fn attach_metadata(plan: &mut Plan) {
    for pack in plan.packs.iter_mut().filter(|p| p.runs_anything()) {
        let Some(payload) = pack
            .info
            .as_ref()
            .and_then(|info| info.oauth_device_code.clone())
        else {
            continue;
        };
        match DeviceCodeMetadata::from_payload(&payload) {
            Ok(metadata) => pack.device_code = Some(metadata),
            Err(err) => pack.fail(PackError::DeviceCode(err.to_string())),
        }
    }
}

/// Settings of the action phase, shared by every pack.
pub struct ActionSettings<'a> {
    pub layout: &'a StateLayout,
    pub scope: &'a SecretScope,
    pub secrets: &'a DevSecrets,
    pub bundle_name: String,
    /// Who asks a person (to choose a mode); `None` when nobody watches.
    pub prompter: Option<&'a dyn Prompter>,
    pub poll_limit: Option<Duration>,
    pub relogin: bool,
    /// The limits the provider's finalizing op runs under.
    pub limits: CallLimits,
}

/// Runs the device-code action of every pack that declares one, in plan order, once its
/// setup flows have run: only a pack whose flows all passed logs in.
pub fn run_actions(
    plan: &Plan,
    execution: &Execution,
    setups: &BTreeMap<usize, PackSetup>,
    settings: &ActionSettings<'_>,
    interrupt: &Interrupt,
    mut on_event: impl FnMut(Event<'_>),
) -> Vec<ActionRecord> {
    let wanted: Vec<(usize, &PlannedPack, &DeviceCodeMetadata)> = plan
        .packs
        .iter()
        .enumerate()
        .filter_map(|(i, p)| Some((i, p, p.device_code.as_ref()?)))
        .collect();
    if wanted.is_empty() {
        return Vec::new();
    }
    let runtime = runtime();
    let mut records = Vec::new();
    for (index, pack, metadata) in wanted {
        let Some(info) = &pack.info else { continue };
        let setup = setups.get(&index);
        let skip = skip_reason(pack, execution, setup, interrupt);
        let state_file = settings
            .layout
            .device_code_action_file(&settings.scope.state_scope(), &info.pack_id);
        let record = match (skip, setup, &runtime) {
            (None, Some(_), Err(err)) => ActionRecord::new(
                &info.pack_id,
                &pack.path,
                state_file,
                ActionOutcome::Failed {
                    message: format!("cannot start the login's runtime: {err}"),
                    checklist: Vec::new(),
                },
            ),
            (None, Some(setup), Ok(runtime)) => {
                let ctx = settings.context(state_file, setup, interrupt, runtime);
                let action = ActionPack {
                    pack_id: &info.pack_id,
                    pack_path: &pack.path,
                    metadata,
                    answers: &setup.answers.values,
                };
                run_exclusive(&action, &ctx, &mut |prompt| {
                    on_event(Event::DeviceCode { prompt })
                })
            }
            (reason, _, _) => ActionRecord::skipped(
                &info.pack_id,
                &pack.path,
                state_file,
                reason.unwrap_or_default(),
            ),
        };
        on_event(Event::ActionFinished { record: &record });
        records.push(record);
    }
    records
}

/// The runtime the actions' HTTP calls run on; when it cannot start, each login that would
/// run fails with the reason.
fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// Why a pack's action is not attempted: an interrupt, or setup flows that did not run or pass.
fn skip_reason(
    pack: &PlannedPack,
    execution: &Execution,
    setup: Option<&PackSetup>,
    interrupt: &Interrupt,
) -> Option<String> {
    let runs: Vec<_> = execution
        .records
        .iter()
        .filter(|r| r.pack_path == pack.path)
        .collect();
    if interrupt.is_requested() {
        Some("the command was interrupted first".to_string())
    } else if runs.is_empty() || setup.is_none() {
        Some("its setup flow did not run".to_string())
    } else {
        runs.iter()
            .find(|r| !r.outcome.is_success())
            .map(|failed| format!("{} did not pass", failed.flow))
    }
}

impl ActionSettings<'_> {
    /// What one pack's action needs besides the pack.
    fn context<'a>(
        &'a self,
        state_file: PathBuf,
        setup: &PackSetup,
        interrupt: &'a Interrupt,
        runtime: &'a tokio::runtime::Runtime,
    ) -> ActionContext<'a> {
        ActionContext {
            scope: self.scope,
            secrets: self.secrets,
            state_file,
            config_file: setup.config_path.clone(),
            bundle_name: &self.bundle_name,
            prompter: self.prompter,
            poll_limit: self.poll_limit,
            relogin: self.relogin,
            interrupt,
            runtime,
            limits: self.limits,
        }
    }
}

/// (diagnostics) Reads the login state of every pack declaring a device-code login.
pub fn check_login_states(plan: &mut Plan, layout: &StateLayout, scope: &SecretScope) {
    for pack in plan.packs.iter_mut().filter(|p| p.error.is_none()) {
        let Some(info) = pack.info.as_ref().filter(|i| i.oauth_device_code.is_some()) else {
            continue;
        };
        pack.login = Some(login_state(layout, scope, &info.pack_id));
    }
}

/// Where `pack_id`'s device-code login stands for the tenant and team (never a token).
pub fn login_state(layout: &StateLayout, scope: &SecretScope, pack_id: &str) -> LoginState {
    let state_file = layout.device_code_action_file(&scope.state_scope(), pack_id);
    let (status, detail, updated_at) = match ActionState::load(&state_file) {
        Ok(None) => (LoginStatus::NotStarted, None, None),
        Err(err) => (LoginStatus::Unreadable, Some(err.to_string()), None),
        Ok(Some(saved)) => {
            let status = match saved.status {
                ActionStatus::Complete => LoginStatus::Complete,
                ActionStatus::Pending => LoginStatus::Pending,
                ActionStatus::Failed => LoginStatus::Failed,
            };
            let detail = match (&saved.stage, &saved.session) {
                (Some(PendingStage::Login), Some(session)) => Some(format!(
                    "waiting for the login; the code is valid until {}",
                    session.expires_at.format("%Y-%m-%d %H:%M:%S UTC")
                )),
                (Some(PendingStage::Finalize), _) => {
                    Some("logged in; the provider has not accepted the setup yet".to_string())
                }
                _ => saved.last_error.clone(),
            };
            (status, detail, Some(saved.updated_at))
        }
    };
    LoginState {
        status,
        detail,
        updated_at,
        state_file,
    }
}
