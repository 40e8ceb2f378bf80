//! One module per command, end to end from a request to an exit code: the lifecycle steps
//! ([`lifecycle`]), `dev doctor` ([`doctor`]), `dev secrets` ([`secrets`]), `dev runs` and
//! `dev show` ([`history`]). A new command gets a file or folder here.
//!
//! May use every folder below it, `report` included; nothing but `app` uses it.

pub mod doctor;
pub mod history;
pub mod lifecycle;
pub mod secrets;
