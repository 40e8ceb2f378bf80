//! Where setup answers are decided: the questions and answers of each provider ([`answers`]),
//! the secrets they need ([`secret_needs`]), the public URL ([`tunnel`]), the answers gathered
//! before a run and kept after a pass ([`prepare`], [`keep`]), and the OAuth device-code
//! login ([`device_code`], over a plan: [`logins`]).
//!
//! May use `base`, `pack`, `state`, and `run` for the events it emits and the runner host
//! the device-code finalization calls.

pub mod answers;
pub mod device_code;
pub mod keep;
pub mod logins;
pub mod prepare;
pub mod secret_needs;
pub mod tunnel;
