//! The JSON documents the commands print with `--format json`: types of their own, made for
//! scripts and built from the core's values, each described by a JSON Schema committed under
//! `schemas/v<FORMAT_VERSION>/` (the unit test below keeps the two in step).
//!
//! A change of any document is a change of [`FORMAT_VERSION`] and of its schemas: the schemas
//! of a version, once committed, are never rewritten.

pub mod answers;
pub mod doctor;
pub mod error;
pub mod history;
pub mod lifecycle;
pub mod needs;
pub mod pack_info;
pub mod plan;
pub mod secrets;

use std::borrow::Cow;
use std::io::Write;
use std::sync::{Mutex, PoisonError};

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Serialize;

use crate::pack::domains::{Action, Domain, Domains};

/// Version of every JSON document the commands print; bumped with any change of one of them
/// (a field added, renamed, retyped or gone), together with its schema.
pub const FORMAT_VERSION: u32 = 4;

/// The `format_version` field: always [`FORMAT_VERSION`], and so in the schema.
#[derive(Debug, Clone, Copy, Default)]
pub struct FormatVersion;

impl Serialize for FormatVersion {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(FORMAT_VERSION)
    }
}

impl JsonSchema for FormatVersion {
    fn schema_name() -> Cow<'static, str> {
        "FormatVersion".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "The version of this document's format; a script checks it first.",
            "type": "integer",
            "const": FORMAT_VERSION,
        })
    }
}

/// A provider domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DomainName {
    Messaging,
    Events,
    Secrets,
}

impl From<Domain> for DomainName {
    fn from(domain: Domain) -> Self {
        match domain {
            Domain::Messaging => DomainName::Messaging,
            Domain::Events => DomainName::Events,
            Domain::Secrets => DomainName::Secrets,
        }
    }
}

/// The domain a command was given: one, or `all`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DomainChoice {
    Messaging,
    Events,
    Secrets,
    All,
}

impl From<Domains> for DomainChoice {
    fn from(domains: Domains) -> Self {
        match domains {
            Domains::One(Domain::Messaging) => DomainChoice::Messaging,
            Domains::One(Domain::Events) => DomainChoice::Events,
            Domains::One(Domain::Secrets) => DomainChoice::Secrets,
            Domains::All => DomainChoice::All,
        }
    }
}

/// A lifecycle step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActionName {
    Setup,
    Diagnostics,
    Verify,
    SyncSubscriptions,
    Remove,
    Update,
    Requirements,
}

impl From<Action> for ActionName {
    fn from(action: Action) -> Self {
        match action {
            Action::Setup => ActionName::Setup,
            Action::Diagnostics => ActionName::Diagnostics,
            Action::Verify => ActionName::Verify,
            Action::SyncSubscriptions => ActionName::SyncSubscriptions,
            Action::Remove => ActionName::Remove,
            Action::Update => ActionName::Update,
            Action::Requirements => ActionName::Requirements,
        }
    }
}

/// A duration in whole milliseconds, the one unit of every `duration_ms`.
pub fn millis(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// Whether a document is on stdout; held while one is written, so that a signal's document
/// (see [`print_last`]) never interleaves with the command's own.
static PRINTED: Mutex<bool> = Mutex::new(false);

/// Writes `document` to stdout, pretty, then a newline: the whole of stdout in JSON mode.
pub fn print<T: Serialize>(document: &T) {
    let mut printed = PRINTED.lock().unwrap_or_else(PoisonError::into_inner);
    write_document(document);
    *printed = true;
}

/// Writes `document` unless the command already printed its own, as the process is about to
/// end (a signal): stdout then holds exactly one document either way. Nothing may print after
/// it, so the guard is kept until the process exits.
pub fn print_last<T: Serialize>(document: &T) {
    let printed = PRINTED.lock().unwrap_or_else(PoisonError::into_inner);
    if !*printed {
        write_document(document);
    }
    std::mem::forget(printed);
}

fn write_document<T: Serialize>(document: &T) {
    let mut out = std::io::stdout().lock();
    let _ = serde_json::to_writer_pretty(&mut out, document);
    let _ = writeln!(out);
    let _ = out.flush();
}

/// Every document, by the name of its schema file (`<name>.schema.json`), with its schema.
pub fn schemas() -> Vec<(&'static str, Schema)> {
    vec![
        (
            "lifecycle",
            schemars::schema_for!(lifecycle::LifecycleDocument),
        ),
        ("runs", schemars::schema_for!(history::RunsDocument)),
        ("show", schemars::schema_for!(history::ShowDocument)),
        ("doctor", schemars::schema_for!(doctor::DoctorDocument)),
        ("secrets-list", schemars::schema_for!(secrets::ListDocument)),
        (
            "secrets-set",
            schemars::schema_for!(secrets::StoredDocument),
        ),
        (
            "secrets-delete",
            schemars::schema_for!(secrets::DeletedDocument),
        ),
        ("error", schemars::schema_for!(error::ErrorDocument)),
    ]
}

/// The committed schema file's text for `schema`: pretty JSON and a final newline.
pub fn schema_text(schema: &Schema) -> String {
    let mut text = serde_json::to_string_pretty(schema).expect("a schema is JSON");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests;
