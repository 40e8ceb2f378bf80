//! One process at a time runs a provider's device-code login for a tenant and team: the action
//! holds the lock of its state file from start to end. Another operator reaching the same login
//! meanwhile is not waited for (a login can take minutes): it reports the login pending.

use super::action::{ActionContext, ActionPack, run_action};
use super::record::{ActionOutcome, ActionRecord, DeviceCodePrompt};
use crate::state::file_lock;

/// Runs the action under its lock, or records it pending when another process holds it.
pub fn run_exclusive(
    pack: &ActionPack<'_>,
    ctx: &ActionContext<'_>,
    show: &mut dyn FnMut(&DeviceCodePrompt),
) -> ActionRecord {
    let record = |outcome| {
        ActionRecord::new(
            pack.pack_id,
            pack.pack_path,
            ctx.state_file.clone(),
            outcome,
        )
    };
    match file_lock::try_lock_for(&ctx.state_file) {
        Ok(Some(_held)) => run_action(pack, ctx, show),
        Ok(None) => record(ActionOutcome::Pending {
            reason: format!(
                "another greentic-operator is running this login now (it holds {}); \
                 run setup again once it ends",
                file_lock::lock_path_for(&ctx.state_file).display()
            ),
        }),
        Err(err) => record(ActionOutcome::Failed {
            message: err.to_string(),
            checklist: Vec::new(),
        }),
    }
}
