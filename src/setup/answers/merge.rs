//! Merging one provider's answers from every source, later winning, then checking them.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{
    AnswerSource, AnswerStatus, IgnoredKey, MergedAnswers, PUBLIC_BASE_URL, SetupForm, coerce,
};

/// What [`merge`] combines, lowest priority first.
#[derive(Debug, Default)]
pub struct AnswerLayers<'a> {
    /// `setup-answers.json` of an earlier setup.
    pub stored: Option<&'a Map<String, Value>>,
    /// Secret answers found in the store, by question id.
    pub stored_secrets: BTreeMap<String, String>,
    /// The project's public URL and where it came from.
    pub public_base_url: Option<(String, AnswerSource)>,
    /// This provider's part of `--answers`.
    pub from_file: Option<&'a Map<String, Value>>,
}

/// Merges, later winning: question defaults, stored `setup-answers.json`, secrets already in
/// the store, the project's public URL, then the `--answers` file; then checks the result. A
/// key naming a question by another spelling (canonical name, a covered requirement) answers
/// that question; a key the pack's declarations read ([`SetupForm::read_keys`]) is kept under
/// its declared name. A key of the `--answers` file that nothing of the pack reads is never
/// kept (it may be a mistyped secret): it is listed in `ignored`, with the nearest question's
/// name. Keys of the stored file are the operator's own (a login's outputs among them) and are
/// kept.
pub fn merge(form: &SetupForm, layers: &AnswerLayers<'_>) -> MergedAnswers {
    let mut merged = MergedAnswers::default();
    let mut sources: BTreeMap<String, AnswerSource> = BTreeMap::new();
    let mut ignored = Vec::new();
    let mut put = |key: &str, value: &Value, source: AnswerSource| {
        // An empty text is no answer (a prompt left blank, `key: ""` in a file).
        if value.as_str().is_some_and(|s| s.trim().is_empty()) {
            return;
        }
        let (key, value) = match form.question_for_key(key) {
            Some(q) => (q.spec.id.clone(), coerce(q.spec.kind, value.clone())),
            None => match form.read_key_for(key) {
                Some(read) => (read.key.clone(), value.clone()),
                None if source == AnswerSource::AnswersFile => {
                    ignored.push(IgnoredKey::new(form, key));
                    return;
                }
                None => (key.to_string(), value.clone()),
            },
        };
        merged.values.insert(key.clone(), value);
        sources.insert(key, source);
    };
    for q in &form.questions {
        if let Some(default) = &q.default {
            put(&q.spec.id, default, AnswerSource::Default);
        }
    }
    for (key, value) in layers.stored.into_iter().flatten() {
        // A secret in setup-answers.json (an older tool put it there) is not trusted over the
        // store; it is still used when the store has nothing.
        if !value.is_null() && !layers.stored_secrets.contains_key(key) {
            put(key, value, AnswerSource::Stored);
        }
    }
    for (key, value) in &layers.stored_secrets {
        put(
            key,
            &Value::String(value.clone()),
            AnswerSource::SecretsStore,
        );
    }
    if let Some((url, source)) = &layers.public_base_url
        && form.question(PUBLIC_BASE_URL).is_some()
    {
        put(PUBLIC_BASE_URL, &Value::String(url.clone()), *source);
    }
    for (key, value) in layers.from_file.into_iter().flatten() {
        if !value.is_null() {
            put(key, value, AnswerSource::AnswersFile);
        }
    }
    merged.ignored = ignored;
    merged.secret_names = secret_names(form, &merged.values);
    merged.statuses = statuses(form, &sources);
    merged.check(form);
    merged
}

/// The names of the secret answers: every secret question's, and each secret key the pack
/// reads unasked that was answered.
fn secret_names(form: &SetupForm, values: &Map<String, Value>) -> Vec<String> {
    form.questions
        .iter()
        .filter(|q| q.spec.secret)
        .map(|q| q.spec.id.clone())
        .chain(
            form.unasked_read_keys()
                .filter(|k| k.secret && values.contains_key(&k.key))
                .map(|k| k.key.clone()),
        )
        .collect()
}

/// Each question's status before the check: where its answer came from, if anywhere.
fn statuses(form: &SetupForm, sources: &BTreeMap<String, AnswerSource>) -> Vec<AnswerStatus> {
    form.questions
        .iter()
        .map(|q| AnswerStatus {
            name: q.spec.id.clone(),
            kind: q.spec.kind,
            secret: q.spec.secret,
            required: q.spec.required,
            source: sources.get(&q.spec.id).copied(),
            covers: q.covers.clone(),
            hidden: false,
            broken: None,
            change: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::manifest::PackText;
    use crate::setup::answers::parse_setup_spec;
    use serde_json::json;

    fn form(yaml: &str) -> SetupForm {
        let questions = parse_setup_spec(&PackText {
            entry: "assets/setup.yaml",
            text: yaml.to_string(),
        })
        .unwrap();
        SetupForm {
            provider_id: "p".into(),
            questions,
            read_keys: Vec::new(),
        }
    }

    const YAML: &str = "questions:
  - {name: region, required: true, default: eu}
  - {name: bot_token, required: true, secret: true}
  - {name: channel, required: true}
  - {name: port, kind: number}
";

    #[test]
    fn later_sources_win_and_missing_required_are_listed() {
        let stored = json!({"region": "us", "channel": "general"});
        let file = json!({"channel": "ops", "port": "8080"});
        let merged = merge(
            &form(YAML),
            &AnswerLayers {
                stored: stored.as_object(),
                from_file: file.as_object(),
                ..Default::default()
            },
        );
        assert_eq!(merged.values["region"], "us");
        assert_eq!(merged.values["channel"], "ops");
        assert_eq!(merged.values["port"], 8080, "typed by the question's kind");
        assert_eq!(merged.missing_required(), ["bot_token"]);
        assert_eq!(merged.statuses[2].source, Some(AnswerSource::AnswersFile));
    }

    #[test]
    fn secrets_are_kept_apart_from_public_answers() {
        let file = json!({"BOT-TOKEN": "xoxb-1", "region": "eu", "channel": "c"});
        let merged = merge(
            &form(YAML),
            &AnswerLayers {
                from_file: file.as_object(),
                ..Default::default()
            },
        );
        assert_eq!(
            merged.public_values(),
            *json!({"region": "eu", "channel": "c"}).as_object().unwrap()
        );
        assert_eq!(
            merged.secret_values(),
            [("bot_token".to_string(), "xoxb-1".to_string())],
            "a key matched by canonical name"
        );
    }

    #[test]
    fn a_key_no_question_asks_is_dropped_and_named_with_the_nearest_question() {
        let file = json!({"bot_tokn": "xoxb-1", "zzz": 1, "channel": "c"});
        let merged = merge(
            &form(YAML),
            &AnswerLayers {
                from_file: file.as_object(),
                ..Default::default()
            },
        );
        assert!(!merged.values.contains_key("bot_tokn"));
        assert!(!merged.values.contains_key("zzz"));
        let ignored: Vec<_> = merged
            .ignored
            .iter()
            .map(|k| (k.key.as_str(), k.nearest.as_deref()))
            .collect();
        assert_eq!(ignored, [("bot_tokn", Some("bot_token")), ("zzz", None)]);
    }

    #[test]
    fn an_empty_text_leaves_a_question_to_its_default_or_unset() {
        let file = json!({"region": "", "port": "  ", "channel": "c"});
        let merged = merge(
            &form(YAML),
            &AnswerLayers {
                from_file: file.as_object(),
                ..Default::default()
            },
        );
        assert_eq!(merged.values["region"], "eu", "the default stays");
        assert!(
            !merged.values.contains_key("port"),
            "an optional question stays unset"
        );
        assert!(merged.ignored.is_empty());
    }

    #[test]
    fn the_project_url_answers_public_base_url_and_a_file_still_wins() {
        let f = form("questions:\n  - {name: public_base_url, required: true}\n");
        fn layers(file: Option<&Map<String, Value>>) -> AnswerLayers<'_> {
            AnswerLayers {
                public_base_url: Some(("https://t.example".into(), AnswerSource::TunnelFile)),
                from_file: file,
                ..Default::default()
            }
        }
        let merged = merge(&f, &layers(None));
        assert_eq!(merged.statuses[0].source, Some(AnswerSource::TunnelFile));
        let file = json!({"public_base_url": "https://f.example"});
        let merged = merge(&f, &layers(file.as_object()));
        assert_eq!(merged.values["public_base_url"], "https://f.example");
    }
}
