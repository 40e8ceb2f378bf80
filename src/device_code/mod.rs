//! `dev setup`'s OAuth device-code action (`messaging.oauth_device_code.v1`): a provider that
//! declares it finishes its setup with a device-code login (RFC 8628), post-login discovery,
//! and a finalization call into its own component.
//!
//! ```text
//! metadata (plan) -> action: state -> login (code, poll) -> discovery -> store -> finalize
//!                                  -> read back -> complete
//! ```

mod action;
pub mod discovery;
mod finalize;
mod login;
pub mod metadata;
mod record;
pub mod state;

pub use action::{ActionContext, ActionPack, MODE_ANSWER, run_action};
pub use metadata::{DeviceCodeMetadata, EXTENSION_KEY};
pub use record::{ACTION_NAME, ActionOutcome, ActionRecord, DeviceCodePrompt};

use crate::plan::Plan;

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
            Err(err) => pack.fail(err.to_string()),
        }
    }
}
