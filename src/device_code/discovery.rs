//! Post-login discovery: GETs made with the fresh access token that save single values and
//! select one resource (a team, a room) from a list, preferring the one named like the project.

use std::collections::BTreeMap;
use std::path::Path;

use oauth2::reqwest;
use serde_json::Value;

use super::metadata::{DiscoverySelect, DiscoveryStep};
use super::record::{ChosenBy, Selection};

/// What discovery found: answer key -> value, and the selections made.
#[derive(Debug, Clone, Default)]
pub struct Discovered {
    pub values: BTreeMap<String, String>,
    pub selections: Vec<Selection>,
}

/// Runs every step in order. `known` holds the answers gathered so far (setup answers and
/// mapped token outputs): templates and `requires` read from it and from earlier steps.
pub async fn discover_after_login(
    steps: &[DiscoveryStep],
    access_token: &str,
    http: &reqwest::Client,
    known: &BTreeMap<String, String>,
    bundle_name: &str,
) -> Result<Discovered, String> {
    let mut found = Discovered::default();
    for step in steps {
        let lookup = |key: &str| found.values.get(key).or_else(|| known.get(key)).cloned();
        for required in &step.requires {
            if lookup(required).is_none() {
                return Err(format!(
                    "discovery step `{}` needs `{required}`, which no setup answer or earlier step gave",
                    step.id
                ));
            }
        }
        let url = match (&step.url, &step.url_template) {
            (Some(url), _) => url.clone(),
            (None, Some(template)) => fill_template(template, &lookup),
            (None, None) => return Err(format!("discovery step `{}` has no url", step.id)),
        };
        let body = get_json(&step.id, &url, access_token, http).await?;
        for (path, key) in &step.save {
            if let Some(value) = at_path(&body, path).and_then(scalar_text) {
                found.values.insert(key.clone(), value);
            }
        }
        if let Some(select) = &step.select {
            let selection = select_item(&step.id, select, &body, bundle_name)?;
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

async fn get_json(
    step: &str,
    url: &str,
    access_token: &str,
    http: &reqwest::Client,
) -> Result<Value, String> {
    let response = http
        .get(url)
        .bearer_auth(access_token)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|err| format!("discovery step `{step}` (GET {url}) failed: {err}"))?;
    let status = response.status();
    let text = response.text().await.map_err(|err| {
        format!("discovery step `{step}` (GET {url}) failed reading the answer: {err}")
    })?;
    if !status.is_success() {
        return Err(format!(
            "discovery step `{step}` (GET {url}) answered {status}: {}",
            body_start(&text)
        ));
    }
    serde_json::from_str(&text).map_err(|err| {
        format!(
            "discovery step `{step}` (GET {url}) did not answer JSON ({err}): {}",
            body_start(&text)
        )
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
/// the first item.
pub fn select_item(
    step: &str,
    select: &DiscoverySelect,
    body: &Value,
    bundle_name: &str,
) -> Result<Selection, String> {
    let items = at_path(body, &select.from)
        .and_then(Value::as_array)
        .ok_or_else(|| {
            format!(
                "discovery step `{step}`: `{}` is not a list in the answer",
                select.from
            )
        })?;
    if items.is_empty() {
        return Err(format!(
            "discovery step `{step}`: the list `{}` is empty, nothing to select",
            select.from
        ));
    }
    let label_of = |item: &Value| at_path(item, &select.label).and_then(scalar_text);
    let wanted = |pattern: &Option<String>| {
        pattern
            .as_deref()
            .map(|p| with_bundle_name(p, bundle_name).trim().to_lowercase())
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
    let (index, chosen_by) = match by_label {
        Some(index) => (index, ChosenBy::DefaultLabel),
        None => match by_filter() {
            Some(index) => (index, ChosenBy::DefaultFilter),
            None => (0, ChosenBy::FirstItem),
        },
    };
    let item = &items[index];
    let value = at_path(item, &select.value)
        .and_then(scalar_text)
        .ok_or_else(|| {
            format!(
                "discovery step `{step}`: the selected item has no `{}`",
                select.value
            )
        })?;
    Ok(Selection {
        step: step.to_string(),
        label: label_of(item).unwrap_or_else(|| value.clone()),
        value,
        chosen_by,
        candidates: items.len(),
    })
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
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(end) = rest[start..].find("}}") else {
            break;
        };
        let name = rest[start + 2..start + end].trim();
        out.push_str(&rest[..start]);
        if name == "bundle_name" {
            out.push_str(bundle_name);
        } else {
            out.push_str(&rest[start..start + end + 2]);
        }
        rest = &rest[start + end + 2..];
    }
    out.push_str(rest);
    out
}

/// Fills `{key}` / `{{ key }}` placeholders, each value percent-encoded for a URL path.
fn fill_template(template: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let open = rest[start..].len() - rest[start..].trim_start_matches('{').len();
        let after = &rest[start + open..];
        let Some(end) = after.find('}') else { break };
        let name = after[..end].trim();
        let close = after[end..].len() - after[end..].trim_start_matches('}').len();
        out.push_str(&rest[..start]);
        match lookup(name) {
            Some(value) => out.push_str(&encode_path_value(&value)),
            None => out.push_str(&rest[start..start + open + end + close]),
        }
        rest = &after[end + close..];
    }
    out.push_str(rest);
    out
}

/// Percent-encodes what may not appear in a URL path segment (RFC 3986 `pchar`).
fn encode_path_value(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
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
    fn templates_fill_and_encode() {
        let lookup = |k: &str| (k == "team_id").then(|| "a b/c:d@e".to_string());
        assert_eq!(
            fill_template(
                "https://g.example/teams/{team_id}/x/{{ team_id }}/{other}",
                &lookup
            ),
            "https://g.example/teams/a%20b%2Fc:d@e/x/a%20b%2Fc:d@e/{other}"
        );
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
