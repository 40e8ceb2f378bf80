//! The plan: for each discovered pack, which lifecycle flows run, which are skipped and why,
//! and which packs are in error. A pure value built from discovery and manifests; [`prepare`]
//! gathers each planned pack's setup answers into it.
//!
//! May use `base`, `pack`, `state` and `setup`.

use std::path::{Path, PathBuf};

use crate::base::names::path_segment;
use crate::pack::domains::{Action, Discovery, Domain, Domains};
use crate::pack::ids::shared_store_names;
use crate::pack::manifest::{ManifestError, ManifestForm, PackInfo};

/// What one command will do.
#[derive(Debug, Clone)]
pub struct Plan {
    pub domain: Domains,
    pub action: Action,
    /// The providers folder that was looked at (`all`: the project's `providers/`).
    pub providers_dir: PathBuf,
    pub providers_dir_exists: bool,
    /// Each domain's providers folder, in plan order (one for a single domain).
    pub sections: Vec<PlanSection>,
    pub packs: Vec<PlannedPack>,
}

/// One domain's part of a plan.
#[derive(Debug, Clone)]
pub struct PlanSection {
    pub domain: Domain,
    pub providers_dir: PathBuf,
    pub providers_dir_exists: bool,
}

/// What the planner knows of one discovered pack before applying the rules.
#[derive(Debug)]
pub struct ScannedPack {
    pub path: PathBuf,
    pub manifest: Result<PackInfo, ManifestError>,
}

impl ScannedPack {
    /// Reads the pack at `path`; an unreadable one keeps the reason, for the plan to report.
    pub fn read(path: &Path) -> Self {
        Self {
            path: path.to_path_buf(),
            manifest: crate::pack::manifest::read_pack_info(path),
        }
    }

    /// Reads every pack of `paths`, in their order, on as many threads as there are cores:
    /// decoding manifests is most of planning's time, and each pack is independent.
    pub fn read_all(paths: &[PathBuf]) -> Vec<Self> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let chunk = paths.len().div_ceil(threads).max(64);
        if paths.len() <= chunk {
            return paths.iter().map(|path| Self::read(path)).collect();
        }
        std::thread::scope(|scope| {
            let workers: Vec<_> = paths
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || part.iter().map(|p| Self::read(p)).collect::<Vec<_>>())
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|worker| worker.join().expect("a pack reader panicked"))
                .collect()
        })
    }
}

/// Options that shape the plan.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    pub providers: Vec<String>,
    pub allow_missing_setup: bool,
    /// `dev setup --custom`: `setup_custom` where a pack declares it.
    pub custom: bool,
}

/// A `--provider` value that matched no pack: a usage error listing what exists.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "--provider {unmatched} matches no pack in {}; available: {}",
    dir.display(),
    if available.is_empty() { "none".to_string() } else { available.join(", ") }
)]
pub struct UnmatchedProvider {
    pub unmatched: String,
    pub dir: PathBuf,
    pub available: Vec<String>,
}

impl Plan {
    /// Every flow that will run, as (pack index, step index), in plan order.
    pub fn runnable(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.packs.iter().enumerate().flat_map(|(p, pack)| {
            pack.steps
                .iter()
                .enumerate()
                .filter(|(_, step)| step.disposition == Disposition::Run)
                .map(move |(s, _)| (p, s))
        })
    }

    pub fn count_runnable(&self) -> usize {
        self.runnable().count()
    }

    pub fn count_skipped(&self) -> usize {
        self.packs
            .iter()
            .flat_map(|p| &p.steps)
            .filter(|s| matches!(s.disposition, Disposition::Skip { .. }))
            .count()
    }

    pub fn count_errors(&self) -> usize {
        self.packs.iter().filter(|p| p.error.is_some()).count()
    }
}

/// Builds the plan of `action` on `domain` from what discovery found and each pack's manifest.
pub fn build_plan(
    domain: Domain,
    action: Action,
    discovery: &Discovery,
    scanned: Vec<ScannedPack>,
    options: &PlanOptions,
) -> Result<Plan, UnmatchedProvider> {
    let mut packs: Vec<PlannedPack> = scanned
        .into_iter()
        .map(|scan| pack_from_scan(domain, scan))
        .collect();
    packs.extend(discovery.not_packs.iter().map(|np| PlannedPack {
        domain,
        file_name: file_name(&np.path),
        label: stem(&np.path),
        path: np.path.clone(),
        info: None,
        steps: Vec::new(),
        error: Some(PackError::NotAPack(np.reason.clone())),
        answers: Vec::new(),
        ignored_answers: Vec::new(),
        secrets: Vec::new(),
        device_code: None,
        login: None,
        contract: None,
        stored: None,
        needs: None,
    }));
    packs.sort_by(|a, b| a.file_name.cmp(&b.file_name));

    mark_duplicate_ids(&mut packs);
    keep_wanted_providers(&mut packs, &options.providers, &discovery.dir)?;
    for pack in packs.iter_mut().filter(|p| p.error.is_none()) {
        plan_steps(pack, domain, action, options);
    }

    Ok(Plan {
        domain: Domains::One(domain),
        action,
        providers_dir: discovery.dir.clone(),
        providers_dir_exists: discovery.dir_exists,
        sections: vec![PlanSection {
            domain,
            providers_dir: discovery.dir.clone(),
            providers_dir_exists: discovery.dir_exists,
        }],
        packs,
    })
}

impl Plan {
    /// One plan of `all`: the domains' plans in order, `--provider` applied across them, and
    /// pack ids checked for duplicates across them (they share the state folders).
    pub fn combine(
        plans: Vec<Plan>,
        providers_root: PathBuf,
        providers: &[String],
    ) -> Result<Plan, UnmatchedProvider> {
        let action = plans.first().map_or(Action::Setup, |p| p.action);
        let mut packs = Vec::new();
        let mut sections = Vec::new();
        for plan in plans {
            sections.extend(plan.sections);
            packs.extend(plan.packs);
        }
        mark_duplicate_ids(&mut packs);
        keep_wanted_providers(&mut packs, providers, &providers_root)?;
        Ok(Plan {
            domain: Domains::All,
            action,
            providers_dir_exists: sections.iter().any(|s| s.providers_dir_exists),
            providers_dir: providers_root,
            sections,
            packs,
        })
    }

    /// The packs of one domain of the plan.
    pub fn section_packs(&self, domain: Domain) -> impl Iterator<Item = &PlannedPack> {
        self.packs.iter().filter(move |p| p.domain == domain)
    }
}

/// `--provider`: keeps the packs a value names; a value naming none is a usage error listing
/// what exists.
fn keep_wanted_providers(
    packs: &mut Vec<PlannedPack>,
    providers: &[String],
    dir: &Path,
) -> Result<(), UnmatchedProvider> {
    if providers.is_empty() {
        return Ok(());
    }
    every_provider_matches(packs, providers, dir)?;
    packs.retain(|p| providers.iter().any(|w| matches_provider(p, w)));
    Ok(())
}

/// The first `--provider` value that names none of `packs` (found in `dir`), as the usage
/// error listing what exists.
pub fn every_provider_matches(
    packs: &[PlannedPack],
    providers: &[String],
    dir: &Path,
) -> Result<(), UnmatchedProvider> {
    for wanted in providers {
        if !packs.iter().any(|p| matches_provider(p, wanted)) {
            let mut available: Vec<String> = packs.iter().map(|p| p.label.clone()).collect();
            available.sort();
            available.dedup();
            return Err(UnmatchedProvider {
                unmatched: wanted.clone(),
                dir: dir.to_path_buf(),
                available,
            });
        }
    }
    Ok(())
}

/// The pack's steps for `action`, each decided from what the pack carries: the flow it
/// declares for the step; else its provider's `apply-answers` where that does the step (setup,
/// update, remove); else, for setup, nothing to do where its offers say `requires_setup:
/// false`. A required step none of these covers puts the pack in error (unless
/// `--allow-missing-setup`), as does a pack only the legacy JSON describes.
fn plan_steps(pack: &mut PlannedPack, domain: Domain, action: Action, options: &PlanOptions) {
    let spec = domain.spec();
    let info = pack
        .info
        .as_ref()
        .expect("a pack without error has a manifest");
    let mut missing_required = Vec::new();
    for wanted in spec.wanted_flows(action, options.custom) {
        // `setup_custom` where the pack declares it, else the step it falls back to.
        let step = match wanted.fallback {
            Some(fallback) if info.find_flow(wanted.flow).is_none() => fallback,
            _ => wanted.flow,
        };
        let found = info.find_flow(step);
        let disposition = match found {
            Some(_) => Disposition::Run,
            None if action.contract_does_it() && info.contract_applies() => Disposition::Contract,
            None if action == Action::Setup && info.needs_no_setup() => Disposition::NothingToDo,
            None if !wanted.required => Disposition::Skip {
                reason: SkipReason::NotDeclared,
            },
            None if options.allow_missing_setup => Disposition::Skip {
                reason: SkipReason::MissingSetupAllowed,
            },
            None => {
                missing_required.push(step);
                continue;
            }
        };
        pack.steps.push(FlowStep {
            flow: found.map_or(step, |(flow, _)| flow).to_string(),
            step: step.to_string(),
            disposition,
            found: found.map(|(_, how)| how),
        });
    }
    let runs = pack.steps.iter().any(|s| s.disposition == Disposition::Run);
    if info.form == ManifestForm::Older && (runs || !missing_required.is_empty()) {
        // What the action needs is decided as for any pack; why it cannot have it is the format.
        pack.steps.clear();
        pack.error = Some(PackError::OlderFormat {
            declared: info.flows.join(", "),
            lifecycle: runs,
        });
    } else if !missing_required.is_empty() {
        pack.steps.clear();
        pack.error = Some(PackError::MissingFlows {
            missing: missing_required.join(", "),
            declared: match info.flows.is_empty() {
                true => "no flows, no provider contract, no offer saying it needs no setup".into(),
                false => info.flows.join(", "),
            },
        });
    } else if info.form == ManifestForm::LegacyJson && runs {
        // The runner only runs packs with manifest.cbor: say so now, not as a load error.
        pack.steps.clear();
        pack.error = Some(PackError::LegacyOnly);
    }
}

fn pack_from_scan(domain: Domain, scan: ScannedPack) -> PlannedPack {
    let file_name = file_name(&scan.path);
    match scan.manifest {
        Ok(info) => PlannedPack {
            domain,
            label: path_segment(&info.pack_id),
            file_name,
            path: scan.path,
            info: Some(info),
            steps: Vec::new(),
            error: None,
            answers: Vec::new(),
            ignored_answers: Vec::new(),
            secrets: Vec::new(),
            device_code: None,
            login: None,
            contract: None,
            stored: None,
            needs: None,
        },
        Err(reason) => PlannedPack {
            domain,
            label: path_segment(&stem(&scan.path)),
            file_name,
            path: scan.path,
            info: None,
            steps: Vec::new(),
            error: Some(PackError::Unreadable(reason.to_string())),
            answers: Vec::new(),
            ignored_answers: Vec::new(),
            secrets: Vec::new(),
            device_code: None,
            login: None,
            contract: None,
            stored: None,
            needs: None,
        },
    }
}

/// `--provider` matches exactly: the pack id, the file name, or the file stem.
pub fn matches_provider(pack: &PlannedPack, wanted: &str) -> bool {
    let pack_id = pack.info.as_ref().map(|i| i.pack_id.as_str());
    crate::pack::names_pack(wanted, pack_id, Some(&pack.path))
}

/// Two packs declaring one pack id would write to the same state folders and confuse every
/// later command, and two whose ids the secrets store spells alike (`messaging-alpha`,
/// `messaging_alpha`) would share one provider's secrets: all are put in error, each naming
/// the others. Marked before `--provider` keeps some, so a removal of one never runs.
fn mark_duplicate_ids(packs: &mut [PlannedPack]) {
    let with_ids: Vec<usize> = (0..packs.len())
        .filter(|&i| packs[i].info.is_some())
        .collect();
    let ids = with_ids.iter().map(|&i| pack_id(&packs[i]));
    let groups: Vec<(String, Vec<usize>)> = shared_store_names(ids)
        .into_iter()
        .map(|(name, group)| (name, group.into_iter().map(|g| with_ids[g]).collect()))
        .collect();
    for (store_name, indexes) in groups {
        // Across domains a file is named with its domain (`events/x.gtpack`).
        let one_domain = indexes
            .iter()
            .all(|&i| packs[i].domain == packs[indexes[0]].domain);
        let name = |pack: &PlannedPack| match one_domain {
            true => pack.file_name.clone(),
            false => format!("{}/{}", pack.domain, pack.file_name),
        };
        let same_id = indexes
            .iter()
            .all(|&i| pack_id(&packs[i]) == pack_id(&packs[indexes[0]]));
        let described: Vec<(String, String)> = indexes
            .iter()
            .map(|&i| {
                let file = name(&packs[i]);
                match same_id {
                    true => (file.clone(), file),
                    false => (file.clone(), format!("{file}'s {:?}", pack_id(&packs[i]))),
                }
            })
            .collect();
        for &i in &indexes {
            let own = name(&packs[i]);
            let others: Vec<&str> = described
                .iter()
                .filter(|(file, _)| *file != own)
                .map(|(_, text)| text.as_str())
                .collect();
            let id = pack_id(&packs[i]).to_string();
            let others = others.join(", ");
            packs[i].fail(match same_id {
                true => PackError::DuplicateId { id, others },
                false => PackError::StoreNameShared {
                    id,
                    store_name: store_name.clone(),
                    others,
                },
            });
        }
    }
}

impl Plan {
    /// A one-domain plan's packs whose ids meet in the secrets store and state folders the id
    /// of a pack of another domain (`others`: those domains' packs), put in error as `all`'s
    /// plan puts them, by the same marking: `dev remove messaging` would delete the events
    /// pack's secrets too, `dev setup messaging` overwrite them. Packs already in error keep
    /// their error.
    pub fn mark_ids_of_other_domains(&mut self, others: Vec<PlannedPack>) {
        let open: Vec<usize> = (0..self.packs.len())
            .filter(|&i| self.packs[i].error.is_none())
            .collect();
        let mut joined: Vec<PlannedPack> = open.iter().map(|&i| self.packs[i].clone()).collect();
        joined.extend(others);
        mark_duplicate_ids(&mut joined);
        for (slot, &i) in open.iter().enumerate() {
            if let Some(error) = joined[slot].error.take() {
                self.packs[i].fail(error);
            }
        }
    }
}

fn pack_id(pack: &PlannedPack) -> &str {
    pack.info.as_ref().map_or("", |info| info.pack_id.as_str())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

pub mod contract;
mod pack;
pub mod prepare;
pub mod requirements;

pub use pack::*;

#[cfg(test)]
pub mod fixtures;
#[cfg(test)]
mod tests;
