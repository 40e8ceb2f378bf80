//! One pack loaded into greentic-runner-host's `PackRuntime` (the runtime the runner uses for
//! flows) for calling operations outside a flow: a provider's contract ops through
//! `invoke_provider`, a component's operation through `invoke_component`. A host compiles only
//! the component it calls (the flow's nodes are the runner's); one load serves every call made
//! for the pack.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use greentic_runner_host::component_api::node::{ExecCtx, TenantCtx};
use greentic_runner_host::pack::{ComponentResolution, PackRuntime};
use greentic_runner_host::provider::ProviderBinding;
use greentic_runner_host::storage::{new_session_store, new_state_store};
use greentic_runner_host::{HostConfig, RunnerWasiPolicy, TenantBindings};
use greentic_secrets_lib::SecretsManager;
use serde_json::Value;

use crate::base::interrupt::{Interrupt, PROCESS_INTERRUPT};
use crate::base::watch::{Watch, Watched};
use crate::pack::manifest::{CBOR_MANIFEST, MAX_MANIFEST_BYTES, ProviderContract, open_zip};

/// Who the calls are made for, and the limits each runs under.
#[derive(Debug, Clone)]
pub struct CallScope {
    pub tenant: String,
    pub team: Option<String>,
    pub limits: CallLimits,
}

/// A provider op's limits, a flow's: `--timeout` for each load and each call, and after an
/// interrupt the grace period, then it is abandoned (the command then exits 130).
#[derive(Debug, Clone, Copy)]
pub struct CallLimits {
    pub timeout: Duration,
    pub grace: Duration,
    pub interrupt: &'static Interrupt,
}

impl CallLimits {
    /// The command's `--timeout` and `--grace-period`, watching the process's interrupt.
    pub fn new(timeout: Duration, grace: Duration) -> Self {
        Self {
            timeout,
            grace,
            interrupt: &PROCESS_INTERRUPT,
        }
    }

    /// Runs `work` on a thread of its own under these limits, as a flow runs; `what` names it
    /// in the error when it overstays.
    fn watch<T: Send + 'static>(
        &self,
        what: &str,
        work: impl FnOnce() -> Result<T, HostError> + Send + 'static,
    ) -> Result<T, HostError> {
        let watch = Watch::new(self.timeout, self.grace, self.interrupt);
        match watch.run(format!("provider {what}"), work) {
            Watched::Done(result) => result,
            Watched::TimedOut => Err(HostError::TimedOut {
                what: what.to_string(),
                limit: self.timeout,
            }),
            Watched::Interrupted => Err(HostError::Interrupted {
                what: what.to_string(),
            }),
            Watched::Panicked(message) => Err(HostError::Failed {
                what: what.to_string(),
                message: format!("it panicked: {message}"),
            }),
            Watched::NoThread(err) => Err(HostError::Failed {
                what: what.to_string(),
                message: format!("no thread could be started: {err}"),
            }),
            Watched::Vanished => Err(HostError::Failed {
                what: what.to_string(),
                message: "its thread ended without a result".to_string(),
            }),
        }
    }
}

impl Default for CallLimits {
    /// The lifecycle commands' defaults (`--timeout 10m`, `--grace-period 10s`), for commands
    /// without those flags (`dev doctor`).
    fn default() -> Self {
        Self::new(Duration::from_secs(600), Duration::from_secs(10))
    }
}

/// Why a pack could not be loaded or an operation not called.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    #[error("failed to load {} into the runner host: {source:#}", path.display())]
    Load {
        path: PathBuf,
        #[source]
        source: anyhow::Error,
    },
    #[error("failed to start a runtime for the runner host: {0}")]
    Runtime(#[source] std::io::Error),
    #[error("{target} {op} could not run: {source:#}")]
    Invoke {
        target: String,
        op: String,
        #[source]
        source: anyhow::Error,
    },
    #[error("{what} did not finish within {} (--timeout)", humantime::format_duration(*limit))]
    TimedOut { what: String, limit: Duration },
    #[error("{what} was interrupted before it finished")]
    Interrupted { what: String },
    #[error("{what} could not run: {message}")]
    Failed { what: String, message: String },
}

impl HostError {
    /// True when the command was interrupted while the op ran: nothing it would have
    /// allowed may happen now.
    pub fn is_interrupted(&self) -> bool {
        matches!(self, HostError::Interrupted { .. })
    }
}

/// A loaded pack and the runtime its calls run on. Each load and call runs on a thread of its
/// own under the scope's [`CallLimits`]; one abandoned keeps the pack until it ends.
pub struct PackHost {
    loaded: Arc<Loaded>,
    scope: CallScope,
}

struct Loaded {
    runtime: tokio::runtime::Runtime,
    pack: PackRuntime,
    /// The trimmed manifest the runtime was loaded from; dropped after it.
    _trimmed: Option<tempfile::TempDir>,
}

impl std::fmt::Debug for PackHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PackHost")
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

impl PackHost {
    /// Loads the pack at `pack_path` with `secrets` as the store its components read, and of
    /// its components only `component_ref` compiled (or read from the component cache). A pack
    /// whose manifest cannot be trimmed to that component is loaded whole.
    pub fn load(
        pack_path: &Path,
        component_ref: &str,
        scope: CallScope,
        secrets: Arc<dyn SecretsManager>,
    ) -> Result<Self, HostError> {
        let what = format!("load of {}", pack_path.display());
        let path = pack_path.to_path_buf();
        let component = component_ref.to_string();
        let tenant = scope.tenant.clone();
        let loaded = scope.limits.watch(&what, move || {
            Loaded::load(&path, &component, &tenant, secrets)
        })?;
        Ok(Self {
            loaded: Arc::new(loaded),
            scope,
        })
    }

    /// Calls the contract operation `op` of `provider` with `input`; its answer is JSON.
    pub fn call_provider(
        &self,
        provider: &ProviderContract,
        op: &str,
        input: &Value,
    ) -> Result<Value, HostError> {
        let target = format!("provider {}", provider.provider_type);
        let what = format!("{target} {op}");
        // The binding the registry would give, built from the declaration already read: the
        // registry also looks in the state store for a configured instance, which a setup
        // is about to create.
        let binding = ProviderBinding {
            provider_id: None,
            provider_type: provider.provider_type.clone(),
            component_ref: provider.runtime.component_ref.clone(),
            export: provider.runtime.export.clone(),
            world: provider.runtime.world.clone(),
            config_json: None,
            pack_ref: None,
        };
        let ctx = self.exec_ctx(&provider.runtime.component_ref, op);
        let bytes = serde_json::to_vec(input).expect("a JSON value serialises");
        let loaded = Arc::clone(&self.loaded);
        let op_name = op.to_string();
        self.scope.limits.watch(&what, move || {
            loaded
                .runtime
                .block_on(loaded.pack.invoke_provider(&binding, ctx, &op_name, bytes))
                .map_err(|source| HostError::Invoke {
                    target,
                    op: op_name,
                    source,
                })
        })
    }

    /// Calls `op` of the component `component_ref` with `request` as its JSON input.
    pub fn call_component(
        &self,
        component_ref: &str,
        op: &str,
        request: &Value,
    ) -> Result<Value, HostError> {
        let ctx = self.exec_ctx(component_ref, op);
        let loaded = Arc::clone(&self.loaded);
        let (target, op_name, input) = (
            component_ref.to_string(),
            op.to_string(),
            request.to_string(),
        );
        self.scope
            .limits
            .watch(&format!("{component_ref} {op}"), move || {
                loaded
                    .runtime
                    .block_on(
                        loaded
                            .pack
                            .invoke_component(&target, ctx, &op_name, None, input),
                    )
                    .map_err(|source| HostError::Invoke {
                        target,
                        op: op_name,
                        source,
                    })
            })
    }

    fn exec_ctx(&self, component_ref: &str, op: &str) -> ExecCtx {
        let call_id = format!("greentic-operator:{component_ref}:{op}");
        ExecCtx {
            tenant: TenantCtx {
                tenant: self.scope.tenant.clone(),
                team: self.scope.team.clone(),
                user: None,
                trace_id: None,
                i18n_id: None,
                correlation_id: Some(call_id.clone()),
                deadline_unix_ms: None,
                attempt: 1,
                idempotency_key: Some(call_id),
            },
            i18n_id: None,
            flow_id: format!("setup-component/{op}"),
            node_id: Some(component_ref.to_string()),
        }
    }
}

impl Loaded {
    /// Loads the pack at `pack_path` with only `component_ref` compiled (see [`PackHost::load`]).
    fn load(
        pack_path: &Path,
        component_ref: &str,
        tenant: &str,
        secrets: Arc<dyn SecretsManager>,
    ) -> Result<Self, HostError> {
        let load_error = |source| HostError::Load {
            path: pack_path.to_path_buf(),
            source,
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(HostError::Runtime)?;
        let trimmed = trimmed_manifest(pack_path, component_ref).map_err(load_error)?;
        let resolution = ComponentResolution {
            materialized_root: trimmed.as_ref().map(|dir| dir.path().to_path_buf()),
            ..ComponentResolution::default()
        };
        let pack = runtime
            .block_on(load_runtime(pack_path, tenant, secrets, resolution))
            .map_err(load_error)?;
        Ok(Self {
            runtime,
            pack,
            _trimmed: trimmed,
        })
    }
}

/// A folder holding the manifest of the archive at `pack_path` with only `component_ref` among
/// its components and no flows. The runner host reads a materialized manifest first and finds
/// the component in the archive, so it compiles that one alone. `None` (load the pack whole)
/// for a folder pack, a manifest greentic-types cannot read, or one that does not list the
/// component.
fn trimmed_manifest(
    pack_path: &Path,
    component_ref: &str,
) -> anyhow::Result<Option<tempfile::TempDir>> {
    if !pack_path.is_file() {
        return Ok(None);
    }
    let file = std::fs::File::open(pack_path)
        .with_context(|| format!("failed to open {}", pack_path.display()))?;
    // Opened as every pack archive is: its entry count checked before its directory is read.
    let mut archive = open_zip(file).with_context(|| format!("pack {}", pack_path.display()))?;
    let mut bytes = Vec::new();
    match archive.by_name(CBOR_MANIFEST) {
        Ok(entry) => entry.take(MAX_MANIFEST_BYTES + 1).read_to_end(&mut bytes)?,
        Err(_) => return Ok(None),
    };
    let Ok(mut manifest) = greentic_types::decode_pack_manifest(&bytes) else {
        return Ok(None);
    };
    manifest
        .components
        .retain(|c| c.id.as_str() == component_ref);
    if manifest.components.is_empty() {
        return Ok(None);
    }
    manifest.flows.clear();
    let encoded = greentic_types::encode_pack_manifest(&manifest)
        .context("failed to write the trimmed manifest")?;
    let dir = tempfile::Builder::new()
        .prefix("greentic-operator-host-")
        .tempdir()
        .context("failed to create a temporary folder")?;
    std::fs::write(dir.path().join("manifest.cbor"), encoded)
        .context("failed to write the trimmed manifest")?;
    Ok(Some(dir))
}

async fn load_runtime(
    pack_path: &Path,
    tenant: &str,
    secrets: Arc<dyn SecretsManager>,
    resolution: ComponentResolution,
) -> anyhow::Result<PackRuntime> {
    let config = HostConfig::from_gtbind(TenantBindings {
        tenant: tenant.to_string(),
        packs: Vec::new(),
        env_passthrough: Vec::new(),
    });
    PackRuntime::load(
        pack_path,
        Arc::new(config),
        None,
        Some(pack_path),
        Some(new_session_store()),
        Some(new_state_store()),
        Arc::new(RunnerWasiPolicy::default()),
        secrets,
        None,
        false,
        resolution,
    )
    .await
}
