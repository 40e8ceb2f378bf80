//! Post-login discovery: GETs made with the fresh access token that save single values and
//! select one resource (a team, a room) from a list, preferring the one named like the project.

use std::collections::BTreeMap;
use std::path::Path;

use oauth2::reqwest;
use serde_json::Value;

use super::metadata::{DiscoverySelect, DiscoveryStep};
use super::record::{ChosenBy, Selection};
use crate::base::template::{self, Syntax};

/// What discovery found: answer key -> value, and the selections made.
#[derive(Debug, Clone, Default)]
pub struct Discovered {
    pub values: BTreeMap<String, String>,
    pub selections: Vec<Selection>,
}

/// Why a discovery step stopped: the step, and the URL or field concerned.
#[derive(Debug, thiserror::Error)]
pub enum DiscoveryError {
    #[error("discovery step `{step}` needs `{key}`, which no setup answer or earlier step gave")]
    Missing { step: String, key: String },
    #[error("discovery step `{step}` has no url")]
    NoUrl { step: String },
    #[error("discovery step `{step}` (GET {url}) failed: {source}")]
    Send {
        step: String,
        url: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("discovery step `{step}` (GET {url}) failed reading the answer: {source}")]
    Read {
        step: String,
        url: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("discovery step `{step}` (GET {url}) answered {status}: {body}")]
    Status {
        step: String,
        url: String,
        status: reqwest::StatusCode,
        /// The start of the body (`body_start`).
        body: String,
    },
    #[error("discovery step `{step}` (GET {url}) did not answer JSON ({source}): {body}")]
    NotJson {
        step: String,
        url: String,
        #[source]
        source: serde_json::Error,
        body: String,
    },
    #[error("discovery step `{step}`: `{from}` is not a list in the answer")]
    NotAList { step: String, from: String },
    #[error("discovery step `{step}`: the list `{from}` is empty, nothing to select")]
    EmptyList { step: String, from: String },
    #[error("discovery step `{step}`: the selected item has no `{field}`")]
    NoValue { step: String, field: String },
}

/// Runs every step in order. `known` holds the answers gathered so far (setup answers and
/// mapped token outputs): templates and `requires` read from it and from earlier steps.
pub async fn discover_after_login(
    steps: &[DiscoveryStep],
    access_token: &str,
    http: &reqwest::Client,
    known: &BTreeMap<String, String>,
    bundle_name: &str,
) -> Result<Discovered, DiscoveryError> {
    let mut found = Discovered::default();
    for step in steps {
        let lookup = |key: &str| found.values.get(key).or_else(|| known.get(key)).cloned();
        let url = step_url(step, &lookup)?;
        let body = get_json(&step.id, &url, access_token, http).await?;
        for (path, key) in &step.save {
            if let Some(value) = at_path(&body, path).and_then(scalar_text) {
                found.values.insert(key.clone(), value);
            }
        }
        if let Some(select) = &step.select {
            let lookup = |key: &str| found.values.get(key).or_else(|| known.get(key)).cloned();
            let selection = select_item(&step.id, select, &body, bundle_name, &lookup)?;
            found
                .values
                .insert(select.save_as.clone(), selection.value.clone());
            found
                .values
                .insert(label_key(select), selection.label.clone());
            found.selections.push(selection);
        }
    }
    Ok(found)
}

/// The step's URL, its template filled from `lookup`, once everything it `requires` is known.
fn step_url(
    step: &DiscoveryStep,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<String, DiscoveryError> {
    for required in &step.requires {
        if lookup(required).is_none() {
            return Err(DiscoveryError::Missing {
                step: step.id.clone(),
                key: required.clone(),
            });
        }
    }
    match (&step.url, &step.url_template) {
        (Some(url), _) => Ok(url.clone()),
        (None, Some(url_template)) => Ok(template::fill(
            url_template,
            Syntax::Braces,
            lookup,
            template::encode_path_segment,
        )),
        (None, None) => Err(DiscoveryError::NoUrl {
            step: step.id.clone(),
        }),
    }
}

async fn get_json(
    step: &str,
    url: &str,
    access_token: &str,
    http: &reqwest::Client,
) -> Result<Value, DiscoveryError> {
    let response = http
        .get(url)
        .bearer_auth(access_token)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|source| DiscoveryError::Send {
            step: step.to_string(),
            url: url.to_string(),
            source,
        })?;
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|source| DiscoveryError::Read {
            step: step.to_string(),
            url: url.to_string(),
            source,
        })?;
    if !status.is_success() {
        return Err(DiscoveryError::Status {
            step: step.to_string(),
            url: url.to_string(),
            status,
            body: body_start(&text),
        });
    }
    serde_json::from_str(&text).map_err(|source| DiscoveryError::NotJson {
        step: step.to_string(),
        url: url.to_string(),
        source,
        body: body_start(&text),
    })
}

/// The start of a body, on one line, for error messages.
fn body_start(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(200) {
        Some((cut, _)) => format!("{}...", &flat[..cut]),
        None if flat.is_empty() => "(empty body)".to_string(),
        None => flat,
    }
}

/// Picks one item of the array at `select.from`: the one labelled `default_label` (case and
/// surrounding spaces ignored), else the first whose label contains `default_filter`, else
/// the first item. Both patterns may name `{{ bundle_name }}` and `{key}` answers `lookup`
/// knows (`{desired_channel_name}`).
pub fn select_item(
    step: &str,
    select: &DiscoverySelect,
    body: &Value,
    bundle_name: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Selection, DiscoveryError> {
    let items = at_path(body, &select.from)
        .and_then(Value::as_array)
        .ok_or_else(|| DiscoveryError::NotAList {
            step: step.to_string(),
            from: select.from.clone(),
        })?;
    if items.is_empty() {
        return Err(DiscoveryError::EmptyList {
            step: step.to_string(),
            from: select.from.clone(),
        });
    }
    let label_of = |item: &Value| at_path(item, &select.label).and_then(scalar_text);
    let pattern = |text: &str| {
        let named = with_bundle_name(text, bundle_name);
        template::fill(&named, Syntax::Braces, lookup, template::verbatim)
    };
    let (index, chosen_by) = pick(select, items, &label_of, &pattern);
    let item = &items[index];
    let value = at_path(item, &select.value)
        .and_then(scalar_text)
        .ok_or_else(|| DiscoveryError::NoValue {
            step: step.to_string(),
            field: select.value.clone(),
        })?;
    Ok(Selection {
        step: step.to_string(),
        label: label_of(item).unwrap_or_else(|| value.clone()),
        value,
        chosen_by,
        candidates: items.len(),
    })
}

/// Which of `items` (not empty) to select, and why.
fn pick(
    select: &DiscoverySelect,
    items: &[Value],
    label_of: &dyn Fn(&Value) -> Option<String>,
    fill: &dyn Fn(&str) -> String,
) -> (usize, ChosenBy) {
    let wanted = |pattern: &Option<String>| {
        pattern
            .as_deref()
            .map(|p| fill(p).trim().to_lowercase())
            .filter(|p| !p.is_empty())
    };
    let by_label = wanted(&select.default_label).and_then(|want| {
        items.iter().position(|item| {
            label_of(item).is_some_and(|label| label.trim().to_lowercase() == want)
        })
    });
    let by_filter = || {
        wanted(&select.default_filter).and_then(|want| {
            items.iter().position(|item| {
                label_of(item).is_some_and(|label| label.to_lowercase().contains(&want))
            })
        })
    };
    match by_label {
        Some(index) => (index, ChosenBy::DefaultLabel),
        None => match by_filter() {
            Some(index) => (index, ChosenBy::DefaultFilter),
            None => (0, ChosenBy::FirstItem),
        },
    }
}

/// Where a selection's label is saved: `label_save_as`, else `<x>_name` for an `<x>_id` key,
/// else `<key>_label`.
pub fn label_key(select: &DiscoverySelect) -> String {
    if let Some(key) = &select.label_save_as {
        return key.clone();
    }
    match select.save_as.strip_suffix("_id") {
        Some(stem) if !stem.is_empty() => format!("{stem}_name"),
        _ => format!("{}_label", select.save_as),
    }
}

/// Replaces `{{ bundle_name }}` (any spacing) with the project's display name.
pub fn with_bundle_name(text: &str, bundle_name: &str) -> String {
    let lookup = |key: &str| (key == "bundle_name").then(|| bundle_name.to_string());
    template::fill(text, Syntax::DoubleBraces, lookup, template::verbatim)
}

/// The value at a dotted path (`value.0.id`); an empty path or `.` is the value itself.
pub fn at_path<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    let mut current = value;
    for part in path.split('.').filter(|p| !p.is_empty()) {
        current = match current {
            Value::Object(map) => map.get(part)?,
            Value::Array(items) => items.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// A scalar as answer text; objects, arrays, null and empty strings give nothing.
pub fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) if !text.is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// The project's display name for `{{ bundle_name }}`: `bundle_name` in `bundle.yaml`, else in
/// `greentic.demo.yaml` (the files greentic-setup writes), else the project folder's name.
pub fn bundle_name(project_root: &Path) -> String {
    for file in ["bundle.yaml", "greentic.demo.yaml"] {
        let Ok(text) = std::fs::read_to_string(project_root.join(file)) else {
            continue;
        };
        if let Ok(doc) = serde_yaml_gtc::from_str::<Value>(&text)
            && let Some(name) = doc.get("bundle_name").and_then(Value::as_str)
            && !name.trim().is_empty()
        {
            return name.trim().to_string();
        }
    }
    std::path::absolute(project_root)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "bundle".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn select(save_as: &str) -> DiscoverySelect {
        DiscoverySelect {
            from: "value".into(),
            label: "displayName".into(),
            value: "id".into(),
            save_as: save_as.into(),
            label_save_as: None,
            default_label: None,
            default_filter: None,
        }
    }

    #[test]
    fn label_keys_follow_the_id_convention() {
        assert_eq!(label_key(&select("team_id")), "team_name");
        assert_eq!(label_key(&select("room")), "room_label");
        assert_eq!(label_key(&select("_id")), "_id_label");
        let mut explicit = select("team_id");
        explicit.label_save_as = Some("team_title".into());
        assert_eq!(label_key(&explicit), "team_title");
    }

    #[test]
    fn the_bundle_name_fills_its_double_brace_placeholder() {
        assert_eq!(
            with_bundle_name("Team {{bundle_name}} x {{ other }}", "Acme"),
            "Team Acme x {{ other }}"
        );
    }

    #[test]
    fn paths_reach_into_objects_and_arrays() {
        let doc = json!({"value": [{"id": 7, "n": {"x": true}}]});
        assert_eq!(at_path(&doc, "value.0.id"), Some(&json!(7)));
        assert_eq!(
            at_path(&doc, "value.0.n.x")
                .and_then(scalar_text)
                .as_deref(),
            Some("true")
        );
        assert_eq!(at_path(&doc, ""), Some(&doc));
        assert_eq!(at_path(&doc, "value.1"), None);
    }
}
