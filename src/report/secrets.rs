//! `dev secrets` output: the stored keys with the requirements each meets, what is missing,
//! and one line per change. Never a value.

use std::io::Write;

use super::document::error::ErrorKind;
use super::document::secrets::{DeletedDocument, ListDocument, StoredDocument};
use super::document::{self, FormatVersion};
use super::style::{Styles, paint};
use super::table::render_table;
use crate::base::command_line::CommandScope;
use crate::cli::request::{ColorChoice, OutputFormat};
use crate::setup::secret_needs::Listing;

/// `commands` is the scope the list was asked in, which the hints' commands carry.
pub fn list(listing: &Listing, commands: &CommandScope, format: OutputFormat, color: ColorChoice) {
    if format == OutputFormat::Json {
        document::print(&ListDocument::from(listing));
        return;
    }
    let mut out = std::io::stdout().lock();
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
        let key = need.answered_by.as_deref().unwrap_or(&need.requirement);
        let set = commands.command(&["dev", "secrets", "set", &need.pack_id, key]);
        let _ = writeln!(
            out,
            "  missing: {} {} ({required}; set it with `{set}`)",
            need.pack_id, need.requirement,
        );
    }
}

pub fn stored(uri: &str, format: OutputFormat) {
    match format {
        OutputFormat::Json => document::print(&StoredDocument {
            format_version: FormatVersion,
            stored: uri.to_string(),
        }),
        OutputFormat::Text => println!("stored {uri} (read back)"),
    }
}

/// A deleted secret; one that was not there is an error. Returns the exit code.
pub fn deleted(uri: &str, removed: bool, format: OutputFormat) -> u8 {
    if !removed {
        let message = format!("no secret {uri} in the store");
        return super::message_error(format, ErrorKind::Failure, &message);
    }
    match format {
        OutputFormat::Json => document::print(&DeletedDocument {
            format_version: FormatVersion,
            deleted: uri.to_string(),
        }),
        OutputFormat::Text => println!("deleted {uri}"),
    }
    crate::base::exit_code::SUCCESS
}

/// An error that ended the command; an interrupted store change exits 130.
pub fn error(error: &dyn std::error::Error, interrupted: bool, format: OutputFormat) -> u8 {
    let kind = if interrupted {
        ErrorKind::Interrupted
    } else {
        ErrorKind::Failure
    };
    super::command_error(format, kind, error)
}
