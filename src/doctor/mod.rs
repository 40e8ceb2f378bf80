//! `dev doctor`'s checks: everything that can be known about a project without running a flow,
//! found in-process and offline, never writing the project (a provider's contract is asked
//! through its component, which fills the shared compiled-component cache). Each finding has a
//! severity, the pack file it is about, and the fix.
//!
//! May use `base`, `pack`, `state`, `setup`, `plan` and `run` (the logins' state).

mod cache;
mod components;
mod conformance;
mod contract;
mod ingress;
mod project;
mod setup;
mod store;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::base::command_line::CommandScope;
use crate::pack::domains::{Action, Domain, discover};
use crate::plan::{
    Plan, PlanOptions, PlannedPack, ScannedPack, UnmatchedProvider, build_plan,
    every_provider_matches, matches_provider,
};
use crate::state::component_cache::CacheLocation;
use crate::state::history::{RunEntry, list_runs};
use crate::state::secrets::{DevSecrets, SecretScope};

/// How much a finding matters: an error makes `dev doctor` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// One thing the doctor found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    pub domain: Option<Domain>,
    /// The pack (or other file) it is about.
    pub file: Option<PathBuf>,
    pub message: String,
    /// What to do about it.
    pub fix: Option<String>,
}

impl Finding {
    pub fn new(severity: Severity, message: impl Into<String>) -> Self {
        Self {
            severity,
            domain: None,
            file: None,
            message: message.into(),
            fix: None,
        }
    }

    pub fn about(mut self, domain: Domain, file: &std::path::Path) -> Self {
        self.domain = Some(domain);
        self.file = Some(file.to_path_buf());
        self
    }

    pub fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }
}

/// A public base URL the project has, and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl {
    pub url: String,
    /// `--public-base-url`, or the tunnel file's path.
    pub from: String,
    /// Whether a setup in the doctor's scope would use it (the flag, or the tunnel file of its
    /// tenant and team); a tunnel file of another scope only may be used.
    pub in_scope: bool,
}

/// What the doctor looks at.
pub struct DoctorSettings {
    pub project_root: PathBuf,
    pub state_dir: PathBuf,
    pub domains: Vec<Domain>,
    /// The tenant and team whose secrets and logins are checked; `None` skips those checks.
    pub scope: Option<SecretScope>,
    /// The project's public URLs: `--public-base-url`, else the tunnel file of the tenant and
    /// team, else (without `--tenant`) every tunnel file found.
    pub public_base_urls: Vec<PublicUrl>,
    /// `--provider`: only these packs (id, file name or stem), across the domains.
    pub providers: Vec<String>,
    /// The scope the doctor was asked in, which every command a fix prints carries.
    pub command_scope: CommandScope,
    /// The compiled-component cache the command uses.
    pub cache: CacheLocation,
}

/// Everything found, in domain and pack order.
#[derive(Debug)]
pub struct Diagnosis {
    pub findings: Vec<Finding>,
    pub packs: usize,
    pub elapsed: Duration,
}

impl Diagnosis {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}

/// Examines the project. A `--provider` that names no pack of the domains examined is a usage
/// error listing the packs there are, as on the lifecycle commands.
pub fn examine(settings: &DoctorSettings) -> Result<Diagnosis, UnmatchedProvider> {
    let started = Instant::now();
    let store_file = crate::state::secrets::store_path(&settings.project_root);
    let store = store::examine(&store_file, settings.scope.as_ref());
    let mut findings = store.findings;
    let secrets = store.readable.then_some(store.secrets.as_ref());
    let mut plans = Vec::new();
    let mut folder_findings = Vec::new();
    for &domain in &settings.domains {
        match plan_domain(domain, settings) {
            Ok((plan, found)) => {
                plans.push(plan);
                folder_findings.push((domain, found));
            }
            Err(finding) => folder_findings.push((domain, vec![finding])),
        }
    }
    // One plan of every domain examined, as `dev setup all` makes it: a pack id declared in
    // two domains is an error there too (they share the state folders).
    let providers_root = settings.project_root.join("providers");
    findings.extend(project::missing_folders(&settings.project_root, &plans));
    let plan = Plan::combine(plans, providers_root.clone(), &[])?;
    every_provider_matches(&plan.packs, &settings.providers, &providers_root)?;
    let mut components = cache::ProjectComponents::new(&settings.cache);
    let examined: Vec<&PlannedPack> = plan.packs.iter().filter(|p| wanted(settings, p)).collect();
    // Counted before the contract checks compile anything.
    for pack in &examined {
        if let Some(info) = &pack.info {
            components.note(&pack.path, info);
        }
    }
    cache::warm_contracts(&settings.cache, &examined);
    let mut packs = 0;
    for (domain, found) in folder_findings {
        findings.extend(found);
        for pack in plan.section_packs(domain).filter(|p| wanted(settings, p)) {
            packs += 1;
            findings.extend(examine_pack(domain, pack, settings, secrets));
        }
    }
    findings.extend(run_findings(settings, &plan));
    findings.extend(components.finding(&settings.cache));
    Ok(Diagnosis {
        findings,
        packs,
        elapsed: started.elapsed(),
    })
}

/// The recorded runs of the scope examined that need a person: stale or unreadable.
fn run_findings(settings: &DoctorSettings, plan: &Plan) -> Vec<Finding> {
    // `--provider` named packs: their runs are those of their pack ids.
    let ids: Vec<&str> = plan
        .packs
        .iter()
        .filter(|p| wanted(settings, p))
        .filter_map(|p| p.info.as_ref().map(|i| i.pack_id.as_str()))
        .collect();
    let runs: Vec<RunEntry> = list_runs(&settings.state_dir)
        .into_iter()
        .filter(|run| in_scope(settings, &ids, run))
        .collect();
    let mut findings = project::stale_runs(&runs);
    findings.extend(project::unreadable_runs(&runs));
    findings
}

/// A recorded run of the domains, `--provider` packs (`ids`), tenant and team examined. An unreadable
/// run does not say its tenant: it is kept whatever the tenant.
fn in_scope(settings: &DoctorSettings, ids: &[&str], run: &RunEntry) -> bool {
    let provider = settings.providers.is_empty()
        || ids.contains(&run.pack_id.as_str())
        || settings.providers.iter().any(|p| run.is_of_provider(p));
    let scope = match (&settings.scope, run.unreadable.is_some()) {
        (Some(scope), false) => {
            run.tenant.as_deref() == Some(scope.tenant.as_str())
                && (scope.team.is_none() || run.team == scope.team)
                && run.env.as_deref().is_none_or(|env| env == scope.env)
        }
        _ => true,
    };
    settings.domains.contains(&run.domain) && provider && scope
}

fn wanted(settings: &DoctorSettings, pack: &PlannedPack) -> bool {
    settings.providers.is_empty() || settings.providers.iter().any(|w| matches_provider(pack, w))
}

/// One domain's plan (of `dev setup`, every pack) and the findings about its folder; the
/// folder's own problem when it cannot be read.
fn plan_domain(domain: Domain, settings: &DoctorSettings) -> Result<(Plan, Vec<Finding>), Finding> {
    let discovery = discover(&settings.project_root, domain)
        .map_err(|err| Finding::new(Severity::Error, err.to_string()))?;
    let findings = project::lock_files(domain, &discovery.dir);
    let scanned = ScannedPack::read_all(&discovery.packs);
    let options = PlanOptions::default();
    let plan = build_plan(domain, Action::Setup, &discovery, scanned, &options)
        .map_err(|unmatched| Finding::new(Severity::Error, unmatched.to_string()))?;
    Ok((plan, findings))
}

/// The findings of one pack.
/// `secrets` is `None` when the store cannot be read (its own finding says so), `Some(None)`
/// when there is none yet.
fn examine_pack(
    domain: Domain,
    pack: &PlannedPack,
    settings: &DoctorSettings,
    secrets: Option<Option<&DevSecrets>>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let Some(error) = &pack.error {
        let finding = Finding::new(Severity::Error, format!("pack {error}"))
            .about(domain, &pack.path)
            .fix("rebuild the pack, or remove it from the providers folder");
        findings.push(finding);
    }
    let Some(info) = &pack.info else {
        return findings;
    };
    let at = |f: Finding| f.about(domain, &pack.path);
    findings.extend(components::check(&pack.path, info).into_iter().map(at));
    findings.extend(contract::check(&pack.path, info).into_iter().map(at));
    let context = setup::Context {
        domain,
        state_dir: &settings.state_dir,
        scope: settings.scope.as_ref(),
        secrets,
        public_base_urls: &settings.public_base_urls,
        commands: &settings.command_scope,
    };
    findings.extend(setup::check(info, &context).into_iter().map(at));
    findings
}
