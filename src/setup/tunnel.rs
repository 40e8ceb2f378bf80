//! The project's public base URL: `--public-base-url`, else the tunnel file under the state
//! folder.

use std::fs;

use crate::setup::answers::AnswerSource;
use crate::state::state_layout::StateLayout;

/// Finds the project's public base URL: the flag wins, else the tunnel file
/// `state/runtime/<tenant>.<team or default>/public_base_url.txt`, else none.
/// Also says which of the two answered, for the plan.
pub fn resolve_public_base_url(
    flag: Option<&str>,
    layout: &StateLayout,
    tenant: Option<&str>,
    team: Option<&str>,
) -> Option<(String, AnswerSource)> {
    if let Some(url) = flag {
        return Some((url.trim().to_string(), AnswerSource::PublicBaseUrlFlag));
    }
    let text = fs::read_to_string(layout.public_base_url_file(tenant?, team)).ok()?;
    let url = text.lines().next().unwrap_or_default().trim();
    (!url.is_empty()).then(|| (url.to_string(), AnswerSource::TunnelFile))
}

/// Every tunnel file of the state folder, whatever its tenant and team, as (file, URL), sorted
/// by file: what a command without `--tenant` can still know of the project's public URLs.
pub fn every_tunnel_url(layout: &StateLayout) -> Vec<(std::path::PathBuf, String)> {
    let Ok(scopes) = fs::read_dir(layout.runtime_dir()) else {
        return Vec::new();
    };
    let mut found: Vec<_> = scopes
        .flatten()
        .map(|scope| scope.path().join("public_base_url.txt"))
        .filter_map(|file| {
            let text = fs::read_to_string(&file).ok()?;
            let url = text.lines().next().unwrap_or_default().trim().to_string();
            (!url.is_empty()).then_some((file, url))
        })
        .collect();
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tunnel_file_is_read_when_no_flag_is_given() {
        let state = tempfile::tempdir().unwrap();
        let layout = StateLayout::new(state.path());
        assert_eq!(
            resolve_public_base_url(None, &layout, Some("acme"), None),
            None
        );
        let file = layout.public_base_url_file("acme", None);
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(&file, "https://tunnel.example\n").unwrap();
        assert_eq!(
            resolve_public_base_url(None, &layout, Some("acme"), None),
            Some(("https://tunnel.example".into(), AnswerSource::TunnelFile))
        );
        let flag = resolve_public_base_url(Some("https://flag.example"), &layout, None, None);
        assert_eq!(
            flag,
            Some((
                "https://flag.example".into(),
                AnswerSource::PublicBaseUrlFlag
            ))
        );
    }
}
