//! Colours for human output, gathered in one place: plain unless asked for or on a terminal.

use std::io::IsTerminal;

use anstyle::{AnsiColor, Style};

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when the output is a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether output to a stream that `is_terminal` or not gets colour.
    pub fn enabled(self, is_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }

    pub fn for_stdout(self) -> bool {
        self.enabled(std::io::stdout().is_terminal())
    }
}

/// The styles of human output; all plain when colour is off.
#[derive(Debug, Clone, Copy, Default)]
pub struct Styles {
    pub pass: Style,
    pub fail: Style,
    pub skip: Style,
    pub header: Style,
    pub dim: Style,
}

impl Styles {
    pub fn new(colored: bool) -> Self {
        if !colored {
            return Self::default();
        }
        Self {
            pass: AnsiColor::Green.on_default().bold(),
            fail: AnsiColor::Red.on_default().bold(),
            skip: AnsiColor::Yellow.on_default(),
            header: Style::new().bold(),
            dim: Style::new().dimmed(),
        }
    }
}

/// `text` in `style` (no escape codes for a plain style).
pub fn paint(style: Style, text: &str) -> String {
    if style == Style::new() {
        text.to_string()
    } else {
        format!("{style}{text}{style:#}")
    }
}
