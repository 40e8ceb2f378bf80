//! The provider contract inside `dev setup`'s prepare phase: the pack loaded once into the
//! runner host, the provider's `qa-spec` joined into its questions, and, once the answers
//! settle (never in a dry run), its `apply-answers`, whose acceptance is what commits what
//! setup keeps.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use greentic_secrets_lib::SecretsManager;
use serde_json::{Map, Value, json};

use crate::pack::domains::Action;
use crate::pack::manifest::{
    APPLY_ANSWERS_OP, I18N_BUNDLE_OP, PackInfo, ProviderContract, QA_SPEC_OP,
};
use crate::plan::ContractReport;
use crate::setup::answers::{self, SetupForm, StoredAnswersError};
use crate::setup::contract::apply::{Applied, ContractVerdict, interpret};
use crate::setup::contract::fields::{join_schema, schema_fields};
use crate::setup::contract::host::{CallScope, HostError, PackHost};
use crate::setup::contract::labels::{Labels, wanted_locales};
use crate::setup::contract::qa::{join, text_keys};
use crate::setup::contract::qa_read::{QaSpecError, parse_qa_spec};
use crate::setup::contract::schema::{ConfigSchema, SchemaProblem, SecretPaths};
use crate::setup::keep::{PackSetup, PersistError, persist_configured};
use crate::state::secrets::{DevSecrets, SecretScope};

/// The mode of the provider's `qa-spec` and `apply-answers` calls for `action`: `upgrade` for
/// `dev update`, `setup` for `dev setup`.
pub fn contract_mode(action: Action) -> &'static str {
    match action {
        Action::Update => "upgrade",
        _ => "setup",
    }
}

/// Why a provider's contract could not be followed; the pack's step fails with it.
#[derive(Debug, thiserror::Error)]
pub enum ContractError {
    #[error("provider contract: {0}")]
    Host(#[from] HostError),
    #[error("provider {provider}: {source}")]
    QaSpec {
        provider: String,
        #[source]
        source: QaSpecError,
    },
    #[error("provider {provider}: {source}; nothing was kept")]
    Schema {
        provider: String,
        #[source]
        source: SchemaProblem,
    },
    #[error("provider {provider} accepted the setup but it could not be kept: {source}")]
    Keep {
        provider: String,
        #[source]
        source: PersistError,
    },
    #[error(transparent)]
    Stored(#[from] StoredAnswersError),
}

/// A provider that refused: its words, ready for the pack's error line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub error: String,
    pub diagnostics: Vec<String>,
}

/// One pack's provider, loaded and asked.
pub struct ProviderCall {
    host: PackHost,
    provider: ProviderContract,
    pub report: ContractReport,
    /// `setup` or `upgrade` ([`contract_mode`]).
    mode: &'static str,
}

/// The provider of `info` whose contract setup follows: the first that declares `qa-spec` or
/// `apply-answers` (Greentic's packs declare one provider each).
pub fn contract_provider(info: &PackInfo) -> Option<&ProviderContract> {
    info.contract_provider()
}

/// Loads every pack of `packs` (index, path, the component to call) into the runner host, on
/// as many threads as there are cores: a load is most of the contract's cost, and each pack is
/// independent.
pub fn load_hosts(
    packs: &[(usize, &Path, &str)],
    scope: &CallScope,
    secrets: &Arc<dyn SecretsManager>,
) -> BTreeMap<usize, Result<PackHost, HostError>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = packs.len().div_ceil(threads).max(1);
    std::thread::scope(|threads| {
        let workers: Vec<_> = packs
            .chunks(chunk)
            .map(|part| {
                threads.spawn(move || {
                    part.iter()
                        .map(|&(index, path, component)| {
                            let secrets = Arc::clone(secrets);
                            let host = PackHost::load(path, component, scope.clone(), secrets);
                            (index, host)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().expect("a pack loader panicked"))
            .collect()
    })
}

/// The runner host of each pack of `plan` that `wanted` picks and whose provider declares a
/// contract, by the pack's index; loaded together before the packs are taken one by one (a
/// person may be asked between two).
pub fn load_plan_hosts(
    plan: &crate::plan::Plan,
    wanted: &dyn Fn(&crate::plan::PlannedPack) -> bool,
    scope: &CallScope,
    secrets: &Arc<dyn SecretsManager>,
) -> BTreeMap<usize, Result<PackHost, HostError>> {
    let packs: Vec<(usize, &Path, &str)> = plan
        .packs
        .iter()
        .enumerate()
        .filter(|(_, p)| wanted(p))
        .filter_map(|(index, p)| {
            let provider = contract_provider(p.info.as_ref()?)?;
            let component = provider.runtime.component_ref.as_str();
            Some((index, p.path.as_path(), component))
        })
        .collect();
    load_hosts(&packs, scope, secrets)
}

/// Where the provider of `info` declares `qa-spec`, asks it through `host` (the pack loaded)
/// and joins its questions into `form`, then its config schema's word on each (type, default,
/// choices, description, `x-redact`). `None` when the pack declares no contract.
pub fn ask(
    host: Result<PackHost, HostError>,
    info: &PackInfo,
    form: &mut SetupForm,
    mode: &'static str,
) -> Result<Option<ProviderCall>, ContractError> {
    let Some(provider) = contract_provider(info) else {
        return Ok(None);
    };
    let host = host?;
    let mut report = ContractReport {
        provider_type: provider.provider_type.clone(),
        ops: provider.ops.clone(),
        config_schema_ref: provider.config_schema_ref.clone(),
        component_ref: provider.runtime.component_ref.clone(),
        provider_questions: Vec::new(),
        disagreements: Vec::new(),
        verdict: None,
    };
    if provider.declares_op(QA_SPEC_OP) {
        let output = host.call_provider(provider, QA_SPEC_OP, &json!({"mode": mode}))?;
        let spec = parse_qa_spec(output, mode).map_err(|source| ContractError::QaSpec {
            provider: provider.provider_type.clone(),
            source,
        })?;
        let labels = labels(&host, provider, &spec);
        report.disagreements = join(form, &spec, &labels);
        report.provider_questions = spec.questions.iter().map(|q| q.id.clone()).collect();
    }
    join_schema(form, &schema_fields(&provider.config_schema));
    Ok(Some(ProviderCall {
        host,
        provider: provider.clone(),
        report,
        mode,
    }))
}

/// The provider's texts for the user's locale, then English, from its `i18n-bundle` op; a
/// bundle it cannot give leaves the keys to their fallbacks (never shown as keys).
fn labels(
    host: &PackHost,
    provider: &ProviderContract,
    spec: &greentic_types::schemas::component::v0_6_0::ComponentQaSpec,
) -> Labels {
    let mut labels = Labels::default();
    // Greentic's providers answer `i18n-bundle` beside `qa-spec` whether or not their pack
    // lists it (teams, webchat-gui); one that does not answers an error, read as no bundle.
    if !provider.declares_op(I18N_BUNDLE_OP) && !provider.declares_op(QA_SPEC_OP) {
        return labels;
    }
    let keys = text_keys(spec);
    for locale in wanted_locales() {
        if labels.is_complete_for(keys.keys()) {
            break;
        }
        match host.call_provider(provider, I18N_BUNDLE_OP, &json!(locale)) {
            Ok(bundle) => labels.add_bundle(&bundle),
            Err(err) => tracing::debug!(%locale, "no i18n bundle: {err}"),
        }
    }
    labels
}

impl ProviderCall {
    pub fn declares_apply(&self) -> bool {
        self.provider.declares_op(APPLY_ANSWERS_OP)
    }

    /// Calls `apply-answers` with the stored configuration and the settled answers; on
    /// acceptance checks the configuration against the provider's schema and keeps it with
    /// the answers. `Ok(Err(_))` is the provider's refusal (or a configuration breaking its
    /// schema): nothing is kept.
    pub fn apply_and_keep(
        &mut self,
        setup: &mut PackSetup,
        secrets: &DevSecrets,
        scope: &SecretScope,
    ) -> Result<Result<(), Rejection>, ContractError> {
        let current = answers::load_stored(&setup.config_path)?;
        let input = json!({
            "mode": self.mode,
            "current_config": current,
            "answers": setup.answers.values,
        });
        let output = self
            .host
            .call_provider(&self.provider, APPLY_ANSWERS_OP, &input)?;
        let config = match interpret(output) {
            Applied::Configured { config } => config,
            Applied::Rejected { error, diagnostics } => {
                return Ok(Err(self.reject(error, diagnostics)));
            }
        };
        let marked = match self.check_schema(&config)? {
            Ok(marked) => marked,
            Err(rejection) => return Ok(Err(rejection)),
        };
        let (public, kept) =
            persist_configured(setup, &config, &marked, secrets, scope).map_err(|source| {
                ContractError::Keep {
                    provider: self.provider.provider_type.clone(),
                    source,
                }
            })?;
        setup.committed = Some(public);
        self.report.verdict = Some(ContractVerdict::Configured { kept });
        Ok(Ok(()))
    }

    /// Checks `config` against the provider's schema; when it holds, what the schema marks
    /// secret.
    fn check_schema(
        &mut self,
        config: &Map<String, Value>,
    ) -> Result<Result<SecretPaths, Rejection>, ContractError> {
        let provider = &self.provider;
        let schema = ConfigSchema::compile(&provider.config_schema_ref, &provider.config_schema)
            .map_err(|source| ContractError::Schema {
                provider: provider.provider_type.clone(),
                source,
            })?;
        let violations = schema.violations(&Value::Object(config.clone()));
        if violations.is_empty() {
            return Ok(Ok(schema.secret_paths().clone()));
        }
        let error = format!(
            "the configuration it returned breaks its config schema {}",
            schema.entry
        );
        let diagnostics = violations.iter().map(ToString::to_string).collect();
        Ok(Err(self.reject(error, diagnostics)))
    }

    fn reject(&mut self, error: String, diagnostics: Vec<String>) -> Rejection {
        self.report.verdict = Some(ContractVerdict::Rejected {
            error: error.clone(),
            diagnostics: diagnostics.clone(),
        });
        Rejection { error, diagnostics }
    }
}
