//! greentic-operator: runs Greentic provider packs' lifecycle flows per domain, in-process.
//!
//! The folders follow the data: [`cli`] parses arguments into a [`cli::request::Request`];
//! [`pack`] finds the packs, reads their manifests and plans what runs; [`setup`] decides
//! each provider's setup answers; [`run`] runs the plan's flows through greentic-runner-desktop;
//! [`state`] writes and reads everything under the state folder; [`report`] renders the plan,
//! events and results; [`commands`] ties them together, one command each; [`base`] holds the
//! small helpers all of them use. See `ARCHITECTURE.md`.

pub mod app;
pub mod base;
pub mod cli;
pub mod commands;
pub mod doctor;
pub mod pack;
pub mod plan;
pub mod report;
pub mod run;
pub mod setup;
pub mod state;
