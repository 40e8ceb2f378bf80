//! Findings about the dev secrets store: whether this process's key opens it, whether it has a
//! key of its own at all, and whether others on the machine can read its files.

use std::path::Path;

use super::{Finding, Severity};
use crate::state::secrets::{DevSecrets, MASTER_KEY_ENV, SecretScope, master_key_set};

/// The store as the doctor may read it, and what it found about the store itself.
pub struct StoreCheck {
    /// `None` when there is no store yet, or when it cannot be read (then a finding says why).
    pub secrets: Option<DevSecrets>,
    /// Whether secret presence can be told; false when the store cannot be read.
    pub readable: bool,
    pub findings: Vec<Finding>,
}

/// Opens the store at `path` without writing; with a `scope`, checks that this process's key
/// decrypts its secrets.
pub fn examine(path: &Path, scope: Option<&SecretScope>) -> StoreCheck {
    let mut findings = permission_findings(path);
    let opened = DevSecrets::check_folder(path).and_then(|()| DevSecrets::open(path, false));
    let opened = opened.and_then(|store| match (store, scope) {
        (Some(store), Some(scope)) => store.check_key(scope).map(|()| Some(store)),
        (store, _) => Ok(store),
    });
    let (secrets, readable) = match opened {
        Ok(secrets) => (secrets, true),
        Err(err) => {
            findings.push(Finding::new(Severity::Error, err.to_string()).fix(format!(
                "dev setup and dev secrets refuse this store until it can be read: {}",
                path.display()
            )));
            (None, false)
        }
    };
    if path.exists() && !master_key_set() {
        findings.push(unset_key_finding(path));
    }
    StoreCheck {
        secrets,
        readable,
        findings,
    }
}

/// The store holds secrets under the key every dev store shares: the empty string's.
fn unset_key_finding(path: &Path) -> Finding {
    Finding::new(
        Severity::Warning,
        format!(
            "{MASTER_KEY_ENV} is unset, so {} is encrypted with a key derived from the empty \
             string: anyone who can read the file can decrypt every secret in it",
            path.display()
        ),
    )
    .fix(format!(
        "export {MASTER_KEY_ENV}=$(openssl rand -hex 32) (give every Greentic tool that reads \
         this store the same key), move the store away, and set its secrets again"
    ))
}

/// The store file, its folder and its lock readable (or enterable) by others than the owner.
#[cfg(unix)]
fn permission_findings(path: &Path) -> Vec<Finding> {
    use std::os::unix::fs::PermissionsExt;
    let dir = path.parent().unwrap_or(Path::new("."));
    [(path, 0o077, "0600"), (dir, 0o077, "0700")]
        .into_iter()
        .filter_map(|(file, others, want)| {
            let mode = std::fs::metadata(file).ok()?.permissions().mode() & 0o777;
            (mode & others != 0).then(|| {
                Finding::new(
                    Severity::Warning,
                    format!(
                        "{} is mode {mode:04o}: other users on this machine can read the dev \
                         secrets store",
                        file.display()
                    ),
                )
                .fix(format!("chmod {want} {}", file.display()))
            })
        })
        .collect()
}

#[cfg(not(unix))]
fn permission_findings(_path: &Path) -> Vec<Finding> {
    Vec::new()
}
