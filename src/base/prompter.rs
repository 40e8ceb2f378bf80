//! Asking a person: the interface the core asks through, handed in from the edge (which owns
//! the terminal and keeps the progress bar out of the way). The core never talks to a terminal.

/// A line of text to ask for.
pub struct TextQuestion<'a> {
    pub label: &'a str,
    /// Shown and taken on an empty answer.
    pub default: Option<String>,
    /// Hidden input.
    pub secret: bool,
    /// An empty answer is accepted (an optional question).
    pub allow_empty: bool,
    /// Checks an answer; the error is shown and the question asked again.
    pub validate: &'a dyn Fn(&str) -> Result<(), String>,
}

/// Asks a person. Each method returns `None` when the person gave up (Ctrl-D, Esc) or cannot
/// be asked.
pub trait Prompter {
    fn text(&self, question: &TextQuestion<'_>) -> Option<String>;
    /// Yes or no, one key.
    fn confirm(&self, label: &str, default: Option<bool>) -> Option<bool>;
    /// One of `items`, by index.
    fn select(&self, label: &str, items: &[String], default: usize) -> Option<usize>;
}
