//! The texts of a provider's questions: its i18n keys resolved through the bundles it gives for
//! the user's locale, then English, then the text's own fallback; never the key itself.

use std::collections::BTreeMap;

use greentic_types::i18n_text::I18nText;
use serde_json::Value;

/// Resolved texts by i18n key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Labels {
    messages: BTreeMap<String, String>,
}

impl Labels {
    pub fn from_messages(messages: impl IntoIterator<Item = (String, String)>) -> Self {
        Self {
            messages: messages.into_iter().collect(),
        }
    }

    /// Adds the messages of one bundle where no earlier bundle gave the key: bundles are added
    /// most wanted first.
    pub fn add_bundle(&mut self, bundle: &Value) {
        let messages = bundle.get("messages").unwrap_or(bundle);
        let Some(messages) = messages.as_object() else {
            return;
        };
        for (key, text) in messages {
            if let Some(text) = text.as_str().filter(|t| !t.trim().is_empty()) {
                self.messages
                    .entry(key.clone())
                    .or_insert_with(|| text.to_string());
            }
        }
    }

    pub fn is_complete_for<'a>(&self, mut keys: impl Iterator<Item = &'a String>) -> bool {
        keys.all(|key| self.messages.contains_key(key))
    }

    /// The provider's own text for `text`: a bundle's, else its fallback; `None` when it gives
    /// only the key (which is never shown to a person).
    pub fn resolved(&self, text: &I18nText) -> Option<String> {
        self.messages
            .get(&text.key)
            .cloned()
            .or_else(|| text.fallback.clone().filter(|f| !f.trim().is_empty()))
    }
}

/// The locales to ask for, most wanted first: the user's (`LC_ALL`, `LC_MESSAGES`, `LANG`, as
/// `de-DE` then `de`), then English.
pub fn wanted_locales() -> Vec<String> {
    let raw = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.is_empty());
    locales_for(raw.as_deref())
}

fn locales_for(raw: Option<&str>) -> Vec<String> {
    let mut locales = Vec::new();
    if let Some(raw) = raw {
        let tag = raw
            .split(['.', '@'])
            .next()
            .unwrap_or_default()
            .replace('_', "-");
        if !tag.is_empty() && tag != "C" && tag != "POSIX" {
            if let Some((language, _)) = tag.split_once('-') {
                locales.push(tag.clone());
                locales.push(language.to_string());
            } else {
                locales.push(tag);
            }
        }
    }
    if !locales.iter().any(|l| l == "en") {
        locales.push("en".to_string());
    }
    locales
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_users_locale_then_english() {
        assert_eq!(locales_for(Some("de_DE.UTF-8")), ["de-DE", "de", "en"]);
        assert_eq!(locales_for(Some("C.UTF-8")), ["en"]);
        assert_eq!(locales_for(Some("en_GB")), ["en-GB", "en"]);
        assert_eq!(locales_for(None), ["en"]);
    }

    #[test]
    fn the_first_bundle_giving_a_key_wins_then_the_fallback() {
        let mut labels = Labels::default();
        labels.add_bundle(&json!({"locale": "de", "messages": {"a": "Adresse"}}));
        labels.add_bundle(&json!({"locale": "en", "messages": {"a": "Address", "b": "Bot"}}));
        let text = |key: &str, fallback: Option<&str>| I18nText {
            key: key.into(),
            fallback: fallback.map(str::to_string),
        };
        assert_eq!(
            labels.resolved(&text("a", None)).as_deref(),
            Some("Adresse")
        );
        assert_eq!(labels.resolved(&text("b", None)).as_deref(), Some("Bot"));
        assert_eq!(
            labels.resolved(&text("c", Some("Channel"))).as_deref(),
            Some("Channel")
        );
        assert_eq!(labels.resolved(&text("d", None)), None, "never the key");
    }
}
