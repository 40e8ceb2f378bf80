//! greentic-operator: runs Greentic provider packs' lifecycle flows per domain, in-process.
//!
//! The modules follow the data: [`cli`] parses arguments into a [`request::Request`];
//! [`domains`] holds the domain table and finds packs; [`manifest`] reads each pack's
//! manifest; [`plan`] decides what runs; [`schedule`] runs the plan's flows in parallel, each
//! under a [`watch`], through [`execute`]'s runner, which calls [`runner_exec`] and records
//! every run with [`records`] under the paths of [`state_layout`]; [`report`] renders the plan
//! and results. See `ARCHITECTURE.md`.

pub mod answers;
pub mod app;
pub mod atomic_file;
pub mod cli;
pub mod device_code;
pub mod doctor;
pub mod doctor_cmd;
pub mod domains;
pub mod error_chain;
pub mod events;
pub mod execute;
pub mod exit_code;
pub mod file_lock;
pub mod history;
pub mod history_cmd;
pub mod input;
pub mod interrupt;
pub mod lifecycle;
pub mod logging;
pub mod logins;
pub mod manifest;
pub mod names;
pub mod outcome;
pub mod plan;
pub mod prompter;
pub mod records;
pub mod redact;
pub mod report;
pub mod request;
pub mod runner_env;
pub mod runner_exec;
pub mod schedule;
pub mod scratch;
pub mod secret_needs;
pub mod secrets;
pub mod secrets_cmd;
pub mod setup;
pub mod setup_store;
pub mod state_layout;
pub mod template;
pub mod tunnel;
pub mod watch;
