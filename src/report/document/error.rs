//! The document every command prints with `--format json` when it stops on an error: a bad
//! command line (exit 2), a failure that ends it (1), an interruption (130).

use schemars::JsonSchema;
use serde::Serialize;

use super::FormatVersion;
use crate::base::exit_code;

#[derive(Debug, Serialize, JsonSchema)]
pub struct ErrorDocument {
    pub format_version: FormatVersion,
    pub error: ErrorView,
    /// The process's exit code, which `error.kind` decides.
    pub exit_code: u8,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ErrorView {
    pub kind: ErrorKind,
    pub message: String,
    /// The error's causes, outermost first.
    pub causes: Vec<String>,
}

/// What stopped the command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The command line asked for something impossible (exit 2).
    Usage,
    /// The command could not go on (exit 1).
    Failure,
    /// Ctrl-C or SIGTERM (exit 130).
    Interrupted,
}

impl ErrorKind {
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::Usage => exit_code::USAGE,
            ErrorKind::Failure => exit_code::FAILURE,
            ErrorKind::Interrupted => exit_code::INTERRUPTED,
        }
    }
}

impl ErrorDocument {
    pub fn new(kind: ErrorKind, message: String, causes: Vec<String>) -> Self {
        Self {
            format_version: FormatVersion,
            error: ErrorView {
                kind,
                message,
                causes,
            },
            exit_code: kind.exit_code(),
        }
    }
}
