//! Where state is kept: every path under the state folder ([`state_layout`]), the history of
//! recorded runs ([`history`]), the compiled-component cache shared by every project
//! ([`component_cache`]), the dev secrets store ([`secrets`]), the redaction that keeps
//! secret values out of every file and message ([`redact`]), and the two disciplines every
//! shared file follows: atomic replacement ([`atomic_file`]) and locks between processes
//! ([`file_lock`]).
//!
//! May use `base` and `pack`'s values (a record names its domain).

pub mod atomic_file;
pub mod component_cache;
pub mod file_lock;
pub mod history;
pub mod redact;
pub mod secrets;
pub mod state_layout;
