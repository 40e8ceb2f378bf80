//! The process environment the runner reads its settings from, set once by [`settle`], in
//! `main` before any other thread exists (the signal handler, the log writer and every runtime
//! start after it): `std::env::set_var` is only sound while the process has one thread.
//!
//! | variable | set to | why |
//! |---|---|---|
//! | `GREENTIC_ENV` | `--env` | (flows) the runner's secret paths and the operator's must name one env |
//! | `GREENTIC_WASM_MAX_EXEC_SECS` | `--timeout`, rounded up, + 2 s | (flows) a component call of a flow abandoned at `--timeout` is cut 1 to 2 s later (the host checks its deadline once a second), never before; an inherited value is replaced |
//! | `GREENTIC_PROVIDER_CORE_ONLY` | `0` | (flows) the runner host refuses every secret read of a provider component in its default provider-core-only mode; setup's providers read theirs from the dev store (as greentic-setup lets them). An inherited value is kept |
//! | `GREENTIC_CACHE_DIR` | the compiled-component cache (`state::component_cache`) | (every command) every loader of the process shares one cache, never the runner host's default in the current folder; an inherited value is the cache itself |
//! | `GREENTIC_NO_CACHE` | `1` when the cache is off | (every command) without a cache folder, nothing is compiled into the current folder |

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

/// What the runner is to be told.
#[derive(Debug, Clone)]
pub struct RunnerEnv {
    /// For a command that runs flows; `None` for the others.
    pub flows: Option<FlowEnv>,
    /// The compiled-component cache's folder; `None` when it is off.
    pub component_cache: Option<PathBuf>,
}

/// What the flows' runner is told.
#[derive(Debug, Clone)]
pub struct FlowEnv {
    pub env: String,
    pub timeout: Duration,
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
    // (name, value, whether an inherited value is replaced)
    let mut settings: Vec<(&'static str, OsString, bool)> = Vec::new();
    if let Some(flows) = &wanted.flows {
        // The host's ticker fires the deadline up to a second early: +2 keeps it past --timeout.
        let whole_secs = flows.timeout.as_secs() + u64::from(flows.timeout.subsec_nanos() > 0);
        let exec_secs = (whole_secs + 2).to_string();
        settings.push(("GREENTIC_ENV", flows.env.clone().into(), true));
        settings.push(("GREENTIC_WASM_MAX_EXEC_SECS", exec_secs.into(), true));
        settings.push(("GREENTIC_PROVIDER_CORE_ONLY", "0".into(), false));
    }
    match &wanted.component_cache {
        Some(root) => settings.push(("GREENTIC_CACHE_DIR", root.clone().into(), true)),
        None => settings.push(("GREENTIC_NO_CACHE", "1".into(), true)),
    }
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
