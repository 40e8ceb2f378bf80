//! Rendering: the plan, each finished flow, and the summary, as text or JSON. The only module
//! that writes to stdout and stderr.
//!
//! May use every folder but `commands`: it draws the values they return.

pub mod doctor;
pub mod document;
pub mod history;
mod json;
pub mod junit;
mod plan;
mod progress;
mod prompt;
pub mod secrets;
pub mod style;
mod summary;
mod table;
mod text;

use std::error::Error;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::base::interrupt::Notices;
use crate::base::prompter::Prompter;
use crate::cli::request::{ColorChoice, OutputFormat, Request};
use crate::pack::domains::{Action, Domains};
use crate::pack::manifest::APPLY_ANSWERS_OP;
use crate::plan::{Disposition, Plan};
use crate::run::events::Event;
use crate::setup::device_code::record::DeviceCodePrompt;
pub use document::FORMAT_VERSION;
use document::error::{ErrorDocument, ErrorKind};
use progress::SharedProgress;

/// `-q`: only errors on stderr. Set once by `app` before the command runs, as the log filter
/// is; read by every place that writes a warning, a notice or progress to stderr.
static QUIET: AtomicBool = AtomicBool::new(false);

pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// A warning or notice on stderr, unless `-q`.
pub fn warn_line(line: &str) {
    if !quiet() {
        to_stderr(&format!("{line}\n"));
    }
}

/// Renders the command's event stream, in order.
pub trait Reporter {
    fn report_event(&mut self, event: &Event<'_>);
}

/// Writes `text` on stderr, cleaned of every secret value the command knows: every line the
/// operator writes there goes through here (log lines through the logger's own writer).
pub(crate) fn to_stderr(text: &str) {
    use std::io::Write as _;
    let clean = crate::state::redact::redact_known(text);
    let _ = std::io::stderr().lock().write_all(clean.as_bytes());
}

/// What every reporter prints the same way, on stderr: usage errors, fatal errors, warnings.
/// Returns false for the events it leaves to the reporter.
fn report_common(event: &Event<'_>) -> bool {
    match event {
        Event::UsageError { message } => to_stderr(&format!("error: {message}\n")),
        Event::Fatal { error } => to_stderr(&format!("{}\n", error_chain(*error))),
        Event::Warning { message } => warn_line(&format!("warning: {message}")),
        _ => return false,
    }
    true
}

/// A command line that asks for something impossible: `error: <message>` on stderr and, with
/// `--format json`, the error document on stdout. Returns the exit code (2).
pub fn usage_error(format: OutputFormat, message: &str) -> u8 {
    message_error(format, ErrorKind::Usage, message)
}

/// An error said in one sentence: `error: <message>` on stderr and, with `--format json`, the
/// error document on stdout. Returns the exit code `kind` means.
pub fn message_error(format: OutputFormat, kind: ErrorKind, message: &str) -> u8 {
    to_stderr(&format!("error: {message}\n"));
    error_document(format, kind, message.to_string(), Vec::new())
}

/// An error that ends a command: its chain on stderr and, with `--format json`, the error
/// document on stdout. Returns the exit code `kind` means.
pub fn command_error(format: OutputFormat, kind: ErrorKind, error: &dyn Error) -> u8 {
    to_stderr(&format!("{}\n", error_chain(error)));
    let causes = crate::base::error_chain::causes(error)
        .map(|cause| cause.to_string())
        .collect();
    error_document(format, kind, error.to_string(), causes)
}

/// With `--format json`, the error document on stdout (the text is the caller's to say).
/// Returns the exit code `kind` means.
pub fn error_document(
    format: OutputFormat,
    kind: ErrorKind,
    message: String,
    causes: Vec<String>,
) -> u8 {
    let document = ErrorDocument::new(kind, message, causes);
    if format == OutputFormat::Json {
        document::print(&document);
    }
    document.exit_code
}

/// What a signal makes the command say: on stderr, that running work is asked to stop; when it
/// ends the process, the `interrupted` error document (`--format json`) or a line on stderr.
pub fn interrupt_notices(format: OutputFormat) -> Notices {
    Notices {
        stopping: Box::new(|| {
            eprintln!(
                "interrupted: no new flow starts, running ones get --grace-period to finish; \
                 interrupt again to exit at once"
            );
        }),
        exiting: Box::new(move || {
            let message = "interrupted (Ctrl-C or SIGTERM): the command ended at once".to_string();
            match format {
                OutputFormat::Json => {
                    let document = ErrorDocument::new(ErrorKind::Interrupted, message, Vec::new());
                    document::print_last(&document);
                }
                OutputFormat::Text => eprintln!("\n{message}"),
            }
        }),
    }
}

/// What a command's edge hands to the core to talk to a person.
pub struct Terminal {
    pub reporter: Box<dyn Reporter>,
    /// Asks at the terminal, hiding the reporter's progress bar meanwhile.
    pub prompter: Box<dyn Prompter>,
}

/// The reporter for `--format`, and a prompter that keeps out of its way.
pub fn for_format(format: OutputFormat, color: ColorChoice) -> Terminal {
    let progress = SharedProgress::default();
    let reporter: Box<dyn Reporter> = match format {
        OutputFormat::Text => Box::new(text::TextReporter::new(color, progress.clone())),
        OutputFormat::Json => Box::new(json::JsonReporter::default()),
    };
    Terminal {
        reporter,
        prompter: Box::new(prompt::TerminalPrompter { progress }),
    }
}

/// Said once on stderr when a process has waited about a second for a lock that another
/// operator process holds (see `file_lock`).
pub fn lock_wait_notice(lock_file: &std::path::Path) {
    warn_line(&format!(
        "waiting for {}: another greentic-operator is changing the file it guards (Ctrl-C to stop)",
        lock_file.display()
    ));
}

/// `error: <error>` then one `caused by: <source>` line per source.
pub fn error_chain(error: &dyn Error) -> String {
    let mut out = format!("error: {error}");
    for cause in crate::base::error_chain::causes(error) {
        out.push_str(&format!("\n  caused by: {cause}"));
    }
    out
}

/// The warnings a plan deserves, one line each, for stderr whatever the output format.
pub fn plan_warnings(plan: &Plan, request: &Request) -> Vec<String> {
    let mut lines = Vec::new();
    // Under `all` an empty domain is named once in the plan; only a project with no pack at
    // all is warned about.
    if plan.domain == Domains::All && plan.packs.is_empty() {
        lines.push(format!(
            "warning: no *.gtpack files under {} (secrets, messaging, events; change the project with --project-root)",
            plan.providers_dir.display()
        ));
    }
    let sections = match plan.domain {
        Domains::One(_) => &plan.sections[..],
        Domains::All => &[],
    };
    for section in sections {
        if !section.providers_dir_exists {
            lines.push(format!(
                "warning: no {} providers: {} does not exist (project root {}; change it with --project-root)",
                plan.domain,
                section.providers_dir.display(),
                request.project_root.display()
            ));
        } else if plan.packs.is_empty() {
            lines.push(format!(
                "warning: no *.gtpack files in {}",
                section.providers_dir.display()
            ));
        }
    }
    for pack in &plan.packs {
        if !warns_of_skips(plan.action, pack) {
            continue;
        }
        for step in &pack.steps {
            if let Disposition::Skip { reason } = step.disposition {
                lines.push(format!(
                    "warning: {} ({}): {} {}; skipped",
                    pack.label,
                    pack.file_name,
                    step.flow,
                    reason.describe()
                ));
            }
        }
    }
    lines
}

/// Whether a skipped flow of `pack` deserves a warning: a `requirements` flow is optional by
/// nature, and (update) a provider that takes its answers through its contract needs no flow.
fn warns_of_skips(action: Action, pack: &crate::plan::PlannedPack) -> bool {
    let through_contract = || {
        pack.contract
            .as_ref()
            .is_some_and(|c| c.ops.iter().any(|op| op == APPLY_ANSWERS_OP))
    };
    match action {
        Action::Requirements => false,
        Action::Update => !through_contract(),
        _ => true,
    }
}

/// What a person needs to log in with a device code, for stderr whatever the output format
/// (the code must reach a person even when stdout is JSON for a script).
pub fn render_device_code(prompt: &DeviceCodePrompt) -> String {
    let mut out = String::new();
    let who = match &prompt.provider_label {
        Some(label) => format!("{} ({label})", prompt.pack_id),
        None => prompt.pack_id.clone(),
    };
    let mode = prompt
        .mode
        .as_ref()
        .map(|m| format!(", mode {m}"))
        .unwrap_or_default();
    out.push_str(&format!("\nLogin for {who}{mode}:\n"));
    if let Some(note) = &prompt.mode_note {
        out.push_str(&format!("  ({note})\n"));
    }
    match &prompt.instructions {
        Some(text) => {
            for line in text.lines() {
                out.push_str(&format!("  {line}\n"));
            }
        }
        None => out.push_str("  Sign in at the address below with this code.\n"),
    }
    let open = prompt.label_for("verification_uri", "Open");
    let code = prompt.label_for("user_code", "Code");
    let width = unicode_width::UnicodeWidthStr::width(open)
        .max(unicode_width::UnicodeWidthStr::width(code))
        + 1;
    out.push_str(&format!(
        "  {} {}\n",
        table::pad(&format!("{open}:"), width),
        prompt.verification_uri
    ));
    out.push_str(&format!(
        "  {} {}\n",
        table::pad(&format!("{code}:"), width),
        prompt.user_code
    ));
    if let Some(complete) = &prompt.verification_uri_complete {
        let label = prompt.label_for("verification_uri_complete", "Or open (code filled in)");
        out.push_str(&format!("  {label}: {complete}\n"));
    }
    let resumed = if prompt.resumed {
        " (the code from an earlier run)"
    } else {
        ""
    };
    out.push_str(&format!(
        "  Waiting for the login until {}{resumed}; Ctrl-C leaves it pending, and setup resumes it.\n\n",
        prompt.expires_at.format("%H:%M:%S UTC")
    ));
    out
}
