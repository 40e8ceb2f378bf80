//! Which of a provider's setup modes (a bot, a channel subscription, ...) the device-code
//! login sets up.

use std::collections::BTreeMap;

use super::metadata::DeviceCodeMetadata;
use crate::base::prompter::Prompter;

/// The setup answer naming the mode, when a provider declares several.
pub const MODE_ANSWER: &str = "setup_mode";

/// Why no mode could be chosen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModeError {
    /// `modes`: the declared modes, comma-separated.
    #[error(
        "the setup answer `{MODE_ANSWER}` is `{chosen}`, which is not one of its modes: {modes}"
    )]
    Unknown { chosen: String, modes: String },
    #[error("no setup mode chosen")]
    NotChosen,
}

/// The mode to set up, and a note when nobody chose it: the `setup_mode` answer, else the
/// declared default, else the only one; with several and no choice, a person is asked at a
/// terminal, and elsewhere the fallback (the first with a finalization step) is used and named.
pub fn choose_mode(
    metadata: &DeviceCodeMetadata,
    answers: &BTreeMap<String, String>,
    prompter: Option<&dyn Prompter>,
) -> Result<(Option<String>, Option<String>), ModeError> {
    let modes: Vec<&String> = metadata.setup_modes.keys().collect();
    if let Some(chosen) = answers.get(MODE_ANSWER) {
        if modes.is_empty() || metadata.setup_modes.contains_key(chosen) {
            return Ok((Some(chosen.clone()), None));
        }
        return Err(ModeError::Unknown {
            chosen: chosen.clone(),
            modes: join(&modes),
        });
    }
    if let Some(default) = &metadata.default_mode {
        return Ok((Some(default.clone()), None));
    }
    match modes.as_slice() {
        [] => Ok((None, None)),
        [only] => Ok((Some((*only).clone()), None)),
        _ if prompter.is_some() => {
            let items: Vec<String> = metadata
                .setup_modes
                .iter()
                .map(|(name, mode)| match &mode.label {
                    Some(label) => format!("{name}: {label}"),
                    None => name.clone(),
                })
                .collect();
            let picked = prompter.and_then(|p| p.select("Setup mode", &items, 0));
            match picked.and_then(|i| modes.get(i)) {
                Some(mode) => Ok((Some((*mode).clone()), None)),
                None => Err(ModeError::NotChosen),
            }
        }
        _ => {
            let fallback = metadata.fallback_mode().map(str::to_string);
            let note = format!(
                "no setup mode was chosen; using `{}` (answer `{MODE_ANSWER}` with one of: {})",
                fallback.as_deref().unwrap_or_default(),
                join(&modes)
            );
            Ok((fallback, Some(note)))
        }
    }
}

fn join(items: &[&String]) -> String {
    items
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
