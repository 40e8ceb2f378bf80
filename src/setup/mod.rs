//! Where setup answers are decided: the questions and answers of each provider ([`answers`]),
//! the secrets they need ([`secret_needs`]), the public URL ([`tunnel`]), the answers kept
//! after a pass ([`keep`]), the provider's own contract ([`contract`]: its questions, its
//! verdict on the answers, its config schema) and the OAuth device-code action
//! ([`device_code`]).
//!
//! May use `base`, `pack` and `state`.

pub mod answers;
pub mod contract;
pub mod device_code;
pub mod keep;
pub mod secret_needs;
pub mod tunnel;
