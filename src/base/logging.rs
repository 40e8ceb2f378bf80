//! Log output on stderr through tracing-subscriber: quiet by default, `-v`/`-q`/`RUST_LOG` to
//! tune; coloured only as the rest of the output is, and every line cleaned of secret values.

use std::io::{self, Write};

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// The crates that compile components (wasmtime, cranelift and its register allocator): at
/// debug level they write hundreds of thousands of lines on a first run (one per compiled
/// function and pass). They stay at warn unless `RUST_LOG` names them.
const COMPILER_CRATES: [&str; 3] = ["wasmtime", "cranelift", "regalloc2"];

/// How the log is written.
#[derive(Clone, Copy)]
pub struct LogSettings {
    /// `-v` count: 1 is the operator's and Greentic's decisions (info), 2 their details
    /// (debug), 3 everything Greentic traces.
    pub verbose: u8,
    pub quiet: bool,
    /// Colour escapes in log lines: the same decision as the rest of stderr.
    pub ansi: bool,
    /// Applied to each line before it is written: the secret values the command knows are
    /// replaced (the state layer's redactor, handed in so this layer needs nothing above it).
    pub redact: fn(&str) -> String,
}

/// The filter for `verbose`/`quiet` when `RUST_LOG` is not set. By default only errors, and
/// the operator's own warnings, reach the terminal: the runner logs every run's internals at
/// info and warn level (unsigned packs, cache misses), which is noise for someone running
/// lifecycle flows. `-v` opens Greentic's crates (the operator, runner, runner host, types,
/// secrets: every target starting `greentic`), never the compiler's.
fn default_directives(verbose: u8, quiet: bool) -> &'static str {
    match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "error,greentic_operator=warn",
        (false, 1) => "warn,greentic=info",
        (false, 2) => "warn,greentic=debug",
        (false, _) => "info,greentic=trace",
    }
}

/// The directives in force: `RUST_LOG` when set, else the default for the flags, with each
/// compiler crate held at warn unless the directives name it.
fn directives(verbose: u8, quiet: bool, rust_log: Option<&str>) -> String {
    let mut directives = rust_log
        .filter(|value| !value.trim().is_empty())
        .unwrap_or(default_directives(verbose, quiet))
        .to_string();
    for krate in COMPILER_CRATES {
        if !directives.contains(krate) {
            directives.push_str(&format!(",{krate}=warn"));
        }
    }
    directives
}

/// Installs the global subscriber.
pub fn init(settings: LogSettings) {
    let rust_log = std::env::var(EnvFilter::DEFAULT_ENV).ok();
    let wanted = directives(settings.verbose, settings.quiet, rust_log.as_deref());
    let filter = EnvFilter::try_new(&wanted).unwrap_or_else(|_| {
        // A RUST_LOG that does not parse: the flags' default, still holding the compiler.
        EnvFilter::new(directives(settings.verbose, settings.quiet, None))
    });
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(RedactedStderr(settings.redact))
        .with_ansi(settings.ansi)
        .with_target(settings.verbose > 0 || rust_log.is_some())
        .try_init();
}

/// Stderr, each event's text redacted before it is written in one piece.
struct RedactedStderr(fn(&str) -> String);

impl<'a> MakeWriter<'a> for RedactedStderr {
    type Writer = RedactedLine;

    fn make_writer(&'a self) -> Self::Writer {
        RedactedLine {
            buffer: Vec::new(),
            redact: self.0,
        }
    }
}

/// One event's text, gathered, then written redacted when the formatter drops it.
pub struct RedactedLine {
    buffer: Vec<u8>,
    redact: fn(&str) -> String,
}

impl Write for RedactedLine {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for RedactedLine {
    fn drop(&mut self) {
        if self.buffer.is_empty() {
            return;
        }
        let text = String::from_utf8_lossy(&self.buffer);
        let clean = (self.redact)(&text);
        let _ = io::stderr().lock().write_all(clean.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiler_stays_at_warn_unless_rust_log_names_it() {
        assert_eq!(
            directives(2, false, None),
            "warn,greentic=debug,wasmtime=warn,cranelift=warn,regalloc2=warn"
        );
        assert_eq!(
            directives(0, false, Some("trace")),
            "trace,wasmtime=warn,cranelift=warn,regalloc2=warn"
        );
        assert_eq!(
            directives(0, false, Some("debug,cranelift_codegen=trace")),
            "debug,cranelift_codegen=trace,wasmtime=warn,regalloc2=warn"
        );
    }
}
