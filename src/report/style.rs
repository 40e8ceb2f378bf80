//! Colours for human output, gathered in one place: plain unless asked for or on a terminal.

use anstyle::{AnsiColor, Style};

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
