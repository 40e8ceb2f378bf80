//! Where a passing setup's answers are kept: public ones in `setup-answers.json`, secrets in
//! the dev secrets store under every name a component may look them up by.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{Map, Value};

use crate::setup::answers::{self, MergedAnswers, SetupForm, StoredAnswersError, value_text};
use crate::setup::contract::schema::SecretPaths;
use crate::state::redact;
use crate::state::secrets::{DevSecrets, SecretScope, SecretsError, secret_uri};

/// One provider's answers, ready for its setup run.
#[derive(Debug, Clone)]
pub struct PackSetup {
    pub provider_id: String,
    pub form: SetupForm,
    pub answers: MergedAnswers,
    pub config_path: PathBuf,
    /// Set once the provider's `apply-answers` accepted the answers and they were kept: its
    /// configuration without secrets, for the flow's input. The flow's pass then keeps
    /// nothing more.
    pub committed: Option<Map<String, Value>>,
}

/// Keeps a passing setup's answers: public ones merged into `setup-answers.json` (a hidden
/// question's earlier answer removed from it), each secret
/// written to the store under its question's key and under every requirement the question
/// covers (so a component finds it by either name), and read back.
pub fn persist(
    setup: &PackSetup,
    secrets: &DevSecrets,
    scope: &SecretScope,
) -> Result<(), PersistError> {
    let hidden = setup.answers.hidden_names();
    answers::save_stored_without(&setup.config_path, &setup.answers.public_values(), |key| {
        is_secret_question(setup, key) || hidden.iter().any(|h| h == key)
    })?;
    // One change of the store for the whole provider, made on a fresh read under its lock.
    secrets.put_all_verified(&answer_puts(setup, scope)?)?;
    Ok(())
}

/// Each secret answer under its question's key and every requirement it covers.
fn answer_puts(
    setup: &PackSetup,
    scope: &SecretScope,
) -> Result<Vec<(String, String)>, SecretsError> {
    let mut puts = Vec::new();
    for (name, value) in setup.answers.secret_values() {
        for key in setup.form.secret_keys(&name) {
            puts.push((secret_uri(scope, &setup.provider_id, &key)?, value.clone()));
        }
    }
    Ok(puts)
}

/// Keeps what a provider's `apply-answers` accepted: the answers as [`persist`] does, and its
/// configuration beside them. A value of the configuration goes to the store, never to
/// `setup-answers.json`, when it is in doubt: its key (or a key inside it) is a secret
/// question's or looks secret, the provider's config schema marks it or something inside it
/// (`marked`), or it holds a secret answer's value anywhere. Returns the configuration without
/// its secrets and the names of every value kept.
pub fn persist_configured(
    setup: &PackSetup,
    config: &Map<String, Value>,
    marked: &SecretPaths,
    secrets: &DevSecrets,
    scope: &SecretScope,
) -> Result<(Map<String, Value>, Vec<String>), PersistError> {
    let judge = Judge::new(setup, marked);
    // The answers' secrets, then the provider's: where both name one key, the provider's
    // accepted value wins.
    let mut puts: BTreeMap<String, String> = answer_puts(setup, scope)?.into_iter().collect();
    // The person's public answers as given; the provider's configuration judged value by value.
    let mut public = setup.answers.public_values();
    let config_public = judge.split(config, scope, &mut puts)?;
    public.extend(config_public.clone());
    // A configuration value now in the store, that an earlier setup left in the file, goes;
    // so does a secret answer an older tool left there, and the answer of a question now hidden.
    let hidden = setup.answers.hidden_names();
    answers::save_stored_without(&setup.config_path, &public, |key| {
        config.contains_key(key)
            || is_secret_question(setup, key)
            || hidden.iter().any(|h| h == key)
    })?;
    secrets.put_all_verified(&puts.into_iter().collect::<Vec<_>>())?;
    let mut kept: Vec<String> = public.keys().cloned().collect();
    kept.extend(
        setup
            .answers
            .secret_values()
            .into_iter()
            .map(|(name, _)| name),
    );
    kept.extend(config.keys().cloned());
    kept.sort();
    kept.dedup();
    Ok((config_public, kept))
}

/// Whether `key` (in any spelling: `Bot-Token`) names one of the form's secret questions or a
/// requirement one covers: what `setup-answers.json` holds under it is that secret, which
/// greentic-setup 1.2.1 wrote there with the public answers.
fn is_secret_question(setup: &PackSetup, key: &str) -> bool {
    setup
        .form
        .question_for_key(key)
        .is_some_and(|q| q.spec.secret)
}

/// Tells a secret value from a public one (see [`persist_configured`]).
struct Judge<'a> {
    setup: &'a PackSetup,
    marked: &'a SecretPaths,
    /// The secret answers' values (never empty).
    known: Vec<String>,
}

impl<'a> Judge<'a> {
    fn new(setup: &'a PackSetup, marked: &'a SecretPaths) -> Self {
        let known = setup
            .answers
            .secret_values()
            .into_iter()
            .map(|(_, value)| value)
            .filter(|value| !value.is_empty())
            .collect();
        Self {
            setup,
            marked,
            known,
        }
    }

    /// The public entries of `values`; each other one added to `puts` under every store key
    /// of its name (an object or array as its JSON text).
    fn split(
        &self,
        values: &Map<String, Value>,
        scope: &SecretScope,
        puts: &mut BTreeMap<String, String>,
    ) -> Result<Map<String, Value>, SecretsError> {
        let mut public = Map::new();
        for (key, value) in values {
            if self.is_secret(&mut vec![key.as_str()], value) {
                for store_key in self.setup.form.secret_keys(key) {
                    let uri = secret_uri(scope, &self.setup.provider_id, &store_key)?;
                    puts.insert(uri, value_text(value));
                }
            } else {
                public.insert(key.clone(), value.clone());
            }
        }
        Ok(public)
    }

    /// Whether `value`, at `path`, or anything inside it, is secret or in doubt.
    fn is_secret<'v>(&self, path: &mut Vec<&'v str>, value: &'v Value) -> bool {
        let key = path.last().copied().unwrap_or_default();
        let named = self
            .setup
            .form
            .question_for_key(key)
            .is_some_and(|q| q.spec.secret)
            || self.setup.form.is_secret(key)
            || name_in_doubt(key)
            || self.holds_known(key);
        if named || self.marked.marks(path) {
            return true;
        }
        match value {
            Value::Object(map) => map.iter().any(|(inner, v)| {
                path.push(inner);
                let secret = self.is_secret(path, v);
                path.pop();
                secret
            }),
            Value::Array(items) => items.iter().any(|v| self.is_secret(path, v)),
            Value::Null => false,
            scalar => {
                let text = value_text(scalar);
                self.holds_known(&text) || credential_in(&text)
            }
        }
    }

    /// Whether `text` (a value, or a key: a map keyed by a token) holds a secret answer. A
    /// secret shorter than [`redact::MIN_LEN`] only when it is the whole text: a one- or
    /// three-character secret is inside half of every configuration (`eu-1`, `-1001234`), and
    /// the public values it would take out of the flow's configuration are never given back.
    fn holds_known(&self, text: &str) -> bool {
        self.known.iter().any(|secret| {
            if secret.len() >= redact::MIN_LEN {
                text.contains(secret.as_str())
            } else {
                text == secret
            }
        })
    }
}

/// A configuration key that may name a secret: greentic-setup's rule
/// ([`answers::looks_secret`]) widened to what providers call their keys and tokens (`token`,
/// `api_key`, `apikey`, `credentials`, `passwd`) and an HTTP header's credentials
/// (`Authorization`, `Cookie`). A public value so named costs only a line in the store; a
/// secret not so named would be in clear in `setup-answers.json`.
fn name_in_doubt(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    answers::looks_secret(&key)
        || key.ends_with("token")
        || key.ends_with("key")
        || key.ends_with("_pass")
        || [
            "passw",
            "credential",
            "authoriz",
            "cookie",
            "private_key",
            "privatekey",
        ]
        .iter()
        .any(|word| key.contains(word))
}

/// Whether a value carries a credential whatever its key, one the provider made itself (no
/// answer holds it): an HTTP authorization (`Bearer ...`, `Basic ...`), a URL's password
/// (`https://user:pass@host`) or a query parameter named like a secret (`?token=...`).
fn credential_in(text: &str) -> bool {
    // `Bearer <one word>`: a sentence ("Basic plan for small teams") is no header.
    let mut words = text.split_whitespace();
    let scheme = words.next().unwrap_or_default().to_ascii_lowercase();
    let header = matches!(scheme.as_str(), "bearer" | "basic")
        && words.next().is_some_and(|token| token.len() >= 8)
        && words.next().is_none();
    if header {
        return true;
    }
    let Some((_, rest)) = text.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let password = authority
        .rsplit_once('@')
        .is_some_and(|(userinfo, _)| userinfo.contains(':'));
    let query = rest
        .split_once('?')
        .map(|(_, q)| q.split('#').next().unwrap_or_default())
        .unwrap_or_default();
    password
        || query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .any(|(name, value)| !value.is_empty() && name_in_doubt(name))
}

/// Why a passing setup's answers could not be kept.
#[derive(Debug, thiserror::Error)]
pub enum PersistError {
    #[error(transparent)]
    Answers(#[from] StoredAnswersError),
    #[error(transparent)]
    Secrets(#[from] SecretsError),
}
