//! `dev remove`'s removals over a whole plan (after its `remove` flows): for each provider, what
//! the operator keeps for it in one tenant and team (its stored setup answers, its device-code
//! login state, every key the dev secrets store holds for it there), and deleting it. Run
//! history stays; nothing of another provider or scope is read or touched.

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::base::interrupt::Interrupt;
use crate::pack::manifest::APPLY_ANSWERS_OP;
use crate::plan::contract::contract_provider;
use crate::plan::{Disposition, Plan, StoredData};
use crate::run::events::{Event, Execution};
use crate::run::removal_record::{RemovalOutcome, RemovalRecord};
use crate::setup::answers;
use crate::setup::contract::apply::{Applied, interpret};
use crate::setup::contract::cleanup::{self, Cleanup};
use crate::setup::contract::host::{CallLimits, CallScope, HostError, PackHost};
use crate::state::file_lock;
use crate::state::secrets::{
    DevSecrets, SecretScope, SecretsError, manager_or_empty, store_segment,
};
use crate::state::state_layout::StateLayout;

/// What the operator keeps for `provider_id` in `scope`: the files that exist and the store's
/// keys of that provider (URIs only).
pub fn inventory(
    layout: &StateLayout,
    secrets: Option<&DevSecrets>,
    scope: &SecretScope,
    provider_id: &str,
) -> Result<StoredData, SecretsError> {
    let state_scope = scope.state_scope();
    let files = [
        layout.setup_answers_file(&state_scope, provider_id),
        layout.device_code_action_file(&state_scope, provider_id),
    ]
    .into_iter()
    .filter(|file| file.exists())
    .collect();
    let segment = store_segment(provider_id);
    let secrets = match secrets {
        Some(store) => store
            .list(scope)?
            .into_iter()
            .filter(|key| key.provider == segment)
            .map(|key| key.uri)
            .collect(),
        None => Vec::new(),
    };
    Ok(StoredData { files, secrets })
}

/// Puts on each pack of `plan` that can run what the operator keeps for it in `scope`.
pub fn attach_inventory(
    plan: &mut Plan,
    layout: &StateLayout,
    secrets: Option<&DevSecrets>,
    scope: &SecretScope,
) -> Result<(), SecretsError> {
    for pack in plan.packs.iter_mut().filter(|p| p.error.is_none()) {
        if let Some(info) = &pack.info {
            pack.stored = Some(inventory(layout, secrets, scope, &info.pack_id)?);
        }
    }
    Ok(())
}

/// Deletes what `stored` lists: the secrets in one change of the store, then each file under
/// the lock its writers take (the `.lock` file itself stays: another process may hold it).
pub fn remove(stored: &StoredData, secrets: Option<&DevSecrets>) -> RemovalOutcome {
    let removed_secrets = match (secrets, stored.secrets.is_empty()) {
        (Some(store), false) => match store.delete_all(&stored.secrets) {
            Ok(removed) => removed,
            Err(err) => return failed(Vec::new(), Vec::new(), err.to_string()),
        },
        _ => Vec::new(),
    };
    let mut removed_files = Vec::new();
    for file in &stored.files {
        match remove_file(file) {
            Ok(true) => removed_files.push(file.clone()),
            Ok(false) => {}
            Err(message) => return failed(removed_files, removed_secrets, message),
        }
    }
    RemovalOutcome::Removed {
        files: removed_files,
        secrets: removed_secrets,
    }
}

fn failed(files: Vec<PathBuf>, secrets: Vec<String>, message: String) -> RemovalOutcome {
    RemovalOutcome::Failed {
        files,
        secrets,
        message,
    }
}

/// Removes `file` under its lock; `Ok(false)` when it was already gone.
fn remove_file(file: &Path) -> Result<bool, String> {
    let _lock = file_lock::lock_for(file).map_err(|err| err.to_string())?;
    match std::fs::remove_file(file) {
        Ok(()) => Ok(true),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(err) => Err(format!("cannot remove {}: {err}", file.display())),
    }
}

/// Where removals happen: the store, the tenant and team, and whether `--force` was given.
pub struct RemovalSettings<'a> {
    pub layout: &'a StateLayout,
    pub secrets: Option<&'a DevSecrets>,
    pub scope: &'a SecretScope,
    pub force: bool,
    /// The limits the provider's `apply-answers` runs under.
    pub limits: CallLimits,
}

/// Each planned pack's removal, after every `remove` flow, in plan order: a pack whose flow
/// did not pass, or whose provider refuses its removal (`apply-answers` in mode `remove`),
/// keeps its data unless `force`; none is removed after an interrupt.
pub fn run_removals(
    plan: &Plan,
    execution: &Execution,
    settings: &RemovalSettings<'_>,
    interrupt: &Interrupt,
    mut on_event: impl FnMut(Event<'_>),
) -> Vec<RemovalRecord> {
    let mut records = Vec::new();
    for pack in &plan.packs {
        let (Some(info), Some(stored)) = (&pack.info, &pack.stored) else {
            continue;
        };
        let mut plan_of_provider = Cleanup::everything(Vec::new());
        let kept =
            kept_because(pack, execution, settings.force, interrupt).or_else(
                || match provider_word(pack, info, settings) {
                    ProviderWord::Agrees { cleanup } => {
                        plan_of_provider = cleanup;
                        None
                    }
                    ProviderWord::Interrupted => Some(INTERRUPTED.to_string()),
                    ProviderWord::Refuses(_) | ProviderWord::Unreachable(_) if settings.force => {
                        None
                    }
                    ProviderWord::Refuses(reason) | ProviderWord::Unreachable(reason) => {
                        Some(reason)
                    }
                },
            );
        let outcome = match kept {
            Some(reason) => RemovalOutcome::Kept { reason },
            None => remove(
                &what_it_deletes(stored, &plan_of_provider, settings, &info.pack_id),
                settings.secrets,
            ),
        };
        let record = RemovalRecord {
            pack_id: info.pack_id.clone(),
            pack_path: pack.path.clone(),
            outcome,
            provider_named: plan_of_provider.asked,
            left_to_provider: plan_of_provider.left_to_provider,
        };
        on_event(Event::RemovalFinished { record: &record });
        records.push(record);
    }
    records
}

/// What of `stored` a provider's cleanup plan deletes: its configuration file, the
/// operator's state of it (its login state), its keys in the store.
fn what_it_deletes(
    stored: &StoredData,
    cleanup: &Cleanup,
    settings: &RemovalSettings<'_>,
    provider_id: &str,
) -> StoredData {
    let scope = settings.scope.state_scope();
    let config = settings.layout.setup_answers_file(&scope, provider_id);
    let files = stored
        .files
        .iter()
        .filter(|file| match **file == config {
            true => cleanup.config,
            false => cleanup.state,
        })
        .cloned()
        .collect();
    let secrets = match cleanup.secrets {
        true => stored.secrets.clone(),
        false => Vec::new(),
    };
    StoredData { files, secrets }
}

/// What the provider's contract says of its removal.
enum ProviderWord {
    /// No contract, or `ok:true`; `cleanup` is what its `remove` field asks (everything when
    /// it gives no plan).
    Agrees {
        cleanup: Cleanup,
    },
    Refuses(String),
    /// It could not be asked (the pack did not load, the call failed or overstayed
    /// `--timeout`).
    Unreachable(String),
    /// The command was interrupted while it was asked: nothing is deleted, `--force` or not.
    Interrupted,
}

const INTERRUPTED: &str = "interrupted before its data was removed";

/// `apply-answers` in mode `remove`, where the provider declares it, with the stored
/// configuration.
fn provider_word(
    pack: &crate::plan::PlannedPack,
    info: &crate::pack::manifest::PackInfo,
    settings: &RemovalSettings<'_>,
) -> ProviderWord {
    let Some(provider) = contract_provider(info).filter(|p| p.declares_op(APPLY_ANSWERS_OP)) else {
        return ProviderWord::Agrees {
            cleanup: Cleanup::everything(Vec::new()),
        };
    };
    let scope = CallScope {
        tenant: settings.scope.tenant.clone(),
        team: settings.scope.team.clone(),
        limits: settings.limits,
    };
    let unreachable = |err: HostError| {
        if err.is_interrupted() {
            return ProviderWord::Interrupted;
        }
        ProviderWord::Unreachable(format!(
            "its provider {} could not be asked about its removal ({err}), so nothing was deleted (pass --force to remove the data anyway)",
            provider.provider_type
        ))
    };
    let component = provider.runtime.component_ref.as_str();
    let manager = manager_or_empty(settings.secrets);
    let host = match PackHost::load(&pack.path, component, scope, manager) {
        Ok(host) => host,
        Err(err) => return unreachable(err),
    };
    let config_file = settings
        .layout
        .setup_answers_file(&settings.scope.state_scope(), &info.pack_id);
    let current = answers::load_stored(&config_file).unwrap_or_default();
    let input = json!({"mode": "remove", "current_config": current, "answers": {}});
    let output = match host.call_provider(provider, APPLY_ANSWERS_OP, &input) {
        Ok(output) => output,
        Err(err) => return unreachable(err),
    };
    let cleanup = cleanup::read(&output["remove"]);
    match interpret(output) {
        Applied::Configured { .. } => ProviderWord::Agrees { cleanup },
        Applied::Rejected { error, diagnostics } => {
            let detail = match diagnostics.is_empty() {
                true => String::new(),
                false => format!(" ({})", diagnostics.join("; ")),
            };
            ProviderWord::Refuses(format!(
                "its provider {} refused its removal: {error}{detail}; nothing was deleted (pass --force to remove the data anyway)",
                provider.provider_type
            ))
        }
    }
}

/// Why a pack's data stays: an interrupt, or a `remove` flow that ran and did not pass (or
/// never started) without `--force`.
fn kept_because(
    pack: &crate::plan::PlannedPack,
    execution: &Execution,
    force: bool,
    interrupt: &Interrupt,
) -> Option<String> {
    if interrupt.is_requested() {
        return Some(INTERRUPTED.to_string());
    }
    let failed_flow =
        pack.steps
            .iter()
            .filter(|step| step.disposition == Disposition::Run)
            .find(|step| {
                !execution.records.iter().any(|r| {
                    r.pack_path == pack.path && r.flow == step.flow && r.outcome.is_success()
                })
            })?;
    (!force).then(|| {
        format!(
            "its {} flow did not pass, so nothing was deleted (fix it, or pass --force to remove the data anyway)",
            failed_flow.flow
        )
    })
}
