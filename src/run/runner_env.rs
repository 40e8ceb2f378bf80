//! The process environment the runner reads its settings from, set once by [`settle`], in
//! `main` before any other thread exists (the signal handler, the log writer and every runtime
//! start after it): `std::env::set_var` is only sound while the process has one thread.
//!
//! | variable | set to | why |
//! |---|---|---|
//! | `GREENTIC_ENV` | `--env` | the runner's secret paths and the operator's must name one env |
//! | `GREENTIC_WASM_MAX_EXEC_SECS` | `--timeout`, rounded up, + 2 s | a component call of a flow abandoned at `--timeout` is cut 1 to 2 s later (the host checks its deadline once a second), never before; an inherited value is replaced |
//! | `GREENTIC_CACHE_DIR` | `<state>/cache/components` | compiled components are kept in the state folder; an inherited value is kept. A dry run or `dev doctor` (which load providers to ask their questions) uses that folder only when it exists: they never create it |
//! | `GREENTIC_NO_CACHE` | `1`, for a dry run or `dev doctor` when the state folder has no component cache and none is inherited | the runner's default cache is `./.greentic` in the current folder, where nothing is ever written |
//! | `GREENTIC_PROVIDER_CORE_ONLY` | `0` | the runner host refuses every secret read of a provider component in its default provider-core-only mode; setup's providers read theirs from the dev store (as greentic-setup lets them). An inherited value is kept |

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

/// What the runner is to be told.
#[derive(Debug, Clone)]
pub struct RunnerEnv {
    pub env: String,
    /// The longest one flow may run; `None` for a command that runs no flow.
    pub timeout: Option<Duration>,
    pub component_cache: ComponentCache,
}

/// Where the runner keeps compiled components.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComponentCache {
    /// This folder (created by the runner when missing).
    Dir(PathBuf),
    /// Nowhere: compiled in memory for this process only.
    Off,
}

impl ComponentCache {
    /// For a command that writes nothing (a dry run, `dev doctor`): `folder` when it exists
    /// already, else no cache at all (never the runner's default in the current folder).
    pub fn read_only(folder: PathBuf) -> Self {
        if folder.is_dir() {
            Self::Dir(folder)
        } else {
            Self::Off
        }
    }
}

/// One variable [`settle`] set, and what it replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvChange {
    pub name: &'static str,
    pub value: OsString,
    /// The inherited value it replaced, if any.
    pub replaced: Option<OsString>,
}

/// Sets the runner's variables (see the module's table) and returns each change.
///
/// # Safety
/// Call it from `main` while the process has a single thread: no signal handler, logger,
/// runtime or scoped thread started yet (`std::env::set_var`'s own requirement).
pub unsafe fn settle(wanted: &RunnerEnv) -> Vec<EnvChange> {
    let mut settings: Vec<(&'static str, OsString, bool)> =
        vec![("GREENTIC_ENV", wanted.env.clone().into(), true)];
    if let Some(timeout) = wanted.timeout {
        // The host's ticker fires the deadline up to a second early: +2 keeps it past --timeout.
        let whole_secs = timeout.as_secs() + u64::from(timeout.subsec_nanos() > 0);
        let exec_secs = (whole_secs + 2).to_string();
        settings.push(("GREENTIC_WASM_MAX_EXEC_SECS", exec_secs.into(), true));
    }
    match &wanted.component_cache {
        ComponentCache::Dir(folder) => {
            settings.push(("GREENTIC_CACHE_DIR", folder.clone().into_os_string(), false));
        }
        // A cache folder the person chose is theirs to use.
        ComponentCache::Off if std::env::var_os("GREENTIC_CACHE_DIR").is_none() => {
            settings.push(("GREENTIC_NO_CACHE", "1".into(), false));
        }
        ComponentCache::Off => {}
    }
    settings.push(("GREENTIC_PROVIDER_CORE_ONLY", "0".into(), false));
    let mut changes = Vec::new();
    for (name, value, replace) in settings {
        let inherited = std::env::var_os(name);
        if inherited.as_ref() == Some(&value) || (inherited.is_some() && !replace) {
            continue;
        }
        // SAFETY: the caller guarantees the process has one thread (see above).
        unsafe { std::env::set_var(name, &value) };
        changes.push(EnvChange {
            name,
            value,
            replaced: inherited,
        });
    }
    changes
}
