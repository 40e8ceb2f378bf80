//! Where state is written and read back: every path under the state folder
//! ([`state_layout`]), run records ([`records`]) and their history ([`history`]), the dev
//! secrets store ([`secrets`]), and the two disciplines every shared file follows: atomic
//! replacement ([`atomic_file`]) and locks between processes ([`file_lock`]).
//!
//! May use `base` and `pack`'s values (a record names its domain and action).

pub mod atomic_file;
pub mod file_lock;
pub mod history;
pub mod records;
pub mod secrets;
pub mod state_layout;
