//! Test helpers: real packs built in code, and a builder that drives the real binary.

pub mod auth_server;
pub mod demo;
pub mod normalise;
pub mod older_packs;
pub mod packs;
pub mod project;
pub mod schema;
pub mod terminal;
pub mod wasm;
