//! `dev secrets` output: the stored keys with the requirements each meets, what is missing,
//! and one line per change. Never a value.

use std::io::Write;
use std::path::PathBuf;

use serde::Serialize;
use serde_json::json;

use super::style::{Styles, paint};
use super::table::render_table;
use crate::cli::request::{ColorChoice, OutputFormat};
use crate::setup::secret_needs::SecretNeed;
use crate::state::secrets::{SecretScope, StoredKey};

/// One stored key and the pack requirements it meets (`<pack id> <requirement>`).
#[derive(Debug, Serialize)]
pub struct KeyRow {
    #[serde(flatten)]
    pub key: StoredKey,
    pub meets: Vec<String>,
}

/// What `dev secrets list` found.
#[derive(Debug)]
pub struct Listing {
    pub store: PathBuf,
    pub scope: SecretScope,
    pub keys: Vec<KeyRow>,
    /// Requirements of the project's packs no stored key meets.
    pub missing: Vec<SecretNeed>,
}

pub fn list(listing: &Listing, format: OutputFormat, color: ColorChoice) {
    let mut out = std::io::stdout().lock();
    if format == OutputFormat::Json {
        let doc = json!({
            "format_version": super::FORMAT_VERSION,
            "store": listing.store,
            "env": listing.scope.env,
            "tenant": listing.scope.tenant,
            "team": listing.scope.team,
            "keys": listing.keys,
            "missing": listing.missing,
        });
        let _ = serde_json::to_writer_pretty(&mut out, &doc);
        let _ = writeln!(out);
        return;
    }
    let styles = Styles::new(color.for_stdout());
    let team = listing.scope.team.as_deref().unwrap_or("_");
    let _ = writeln!(
        out,
        "Secrets of tenant {} (team {team}, env {}) in {}",
        listing.scope.tenant,
        listing.scope.env,
        listing.store.display()
    );
    let rows: Vec<[String; 3]> = listing
        .keys
        .iter()
        .map(|row| {
            let meets = if row.meets.is_empty() {
                "-".to_string()
            } else {
                row.meets.join(", ")
            };
            [row.key.provider.clone(), row.key.key.clone(), meets]
        })
        .collect();
    if rows.is_empty() {
        let _ = writeln!(out, "  no keys stored");
    } else {
        for line in render_table(["PROVIDER", "KEY", "MEETS"], &rows, |i, _, cell| {
            if i == 0 {
                paint(styles.header, cell)
            } else {
                cell.to_string()
            }
        }) {
            let _ = writeln!(out, "  {line}");
        }
    }
    for need in &listing.missing {
        let required = if need.required {
            "required"
        } else {
            "optional"
        };
        let _ = writeln!(
            out,
            "  missing: {} {} ({required}; set it with `greentic-operator dev secrets set {} {}`)",
            need.pack_id,
            need.requirement,
            need.pack_id,
            need.answered_by.as_deref().unwrap_or(&need.requirement)
        );
    }
}

pub fn stored(uri: &str, format: OutputFormat) {
    line(
        format,
        json!({"format_version": super::FORMAT_VERSION, "stored": uri}),
        &format!("stored {uri} (read back)"),
    );
}

pub fn deleted(uri: &str, removed: bool, format: OutputFormat) {
    if removed {
        line(
            format,
            json!({"format_version": super::FORMAT_VERSION, "deleted": uri}),
            &format!("deleted {uri}"),
        );
    } else {
        eprintln!("error: no secret {uri} in the store");
    }
}

fn line(format: OutputFormat, doc: serde_json::Value, text: &str) {
    match format {
        OutputFormat::Json => println!("{doc}"),
        OutputFormat::Text => println!("{text}"),
    }
}

pub fn usage_error(message: &str) {
    eprintln!("error: {message}");
}

pub fn error(error: &dyn std::error::Error) {
    eprintln!("{}", super::error_chain(error));
}
