//! `dev setup`'s OAuth device-code action (`messaging.oauth_device_code.v1`): a provider that
//! declares it finishes its setup with a device-code login (RFC 8628), post-login discovery,
//! and a finalization call into its own component.
//!
//! ```text
//! metadata (plan) -> action: state -> login (code, poll) -> discovery -> store -> finalize
//!                                  -> read back -> complete
//! ```

pub mod action;
pub mod claims;
pub mod discovery;
pub mod exclusive;
pub mod finalize;
pub mod finish;
pub mod login;
pub mod metadata;
pub mod mode;
pub mod outputs;
pub mod record;
pub mod state;
pub mod tokens;
