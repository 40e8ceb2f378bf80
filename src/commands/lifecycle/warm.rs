//! The warm-up phase: every component the command will load, compiled into the shared cache
//! in parallel before the provider contract and the flows load them one pack at a time.

use crate::base::interrupt::PROCESS_INTERRUPT;
use crate::cli::request::Request;
use crate::pack::manifest::ManifestForm;
use crate::plan::Plan;
use crate::plan::contract::contract_provider;
use crate::run::events::Event;
use crate::run::warmup::{WarmItem, warm};
use crate::state::component_cache::CacheLocation;

/// Compiles what `request` will load from `plan` (nothing when the cache is off).
pub(super) fn warm_phase(request: &Request, plan: &Plan, emit: &mut dyn FnMut(Event<'_>)) {
    let CacheLocation::At { root, .. } = CacheLocation::from_env() else {
        return;
    };
    let items = planned_components(request, plan);
    if items.is_empty() {
        return;
    }
    let stats = warm(&root, &items, &PROCESS_INTERRUPT, &mut |step| {
        emit(Event::Warmup { step })
    });
    tracing::debug!(
        "components: {} compiled, {} already compiled, {} shared, {} not compiled ahead ({:?})",
        stats.compiled,
        stats.cached,
        stats.duplicates,
        stats.failed,
        stats.elapsed
    );
    emit(Event::WarmupFinished { stats });
}

/// The components the command loads: a run loads every component of each pack that runs a
/// flow (the runner compiles a pack's whole component list); a dry run of setup or update
/// only asks each provider's contract, through its one component.
fn planned_components(request: &Request, plan: &Plan) -> Vec<WarmItem> {
    let mut items = Vec::new();
    for pack in plan.packs.iter().filter(|p| p.runs_anything()) {
        let Some(info) = pack.info.as_ref().filter(|i| i.form == ManifestForm::Cbor) else {
            continue;
        };
        let ids: Vec<&str> = if !request.dry_run {
            info.components.iter().map(|c| c.id.as_str()).collect()
        } else if request.action.takes_answers() {
            contract_provider(info)
                .map(|p| p.runtime.component_ref.as_str())
                .into_iter()
                .collect()
        } else {
            Vec::new()
        };
        items.extend(ids.into_iter().map(|id| WarmItem {
            pack: pack.label.clone(),
            pack_path: pack.path.clone(),
            component: id.to_string(),
        }));
    }
    items
}
