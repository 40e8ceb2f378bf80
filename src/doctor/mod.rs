//! `dev doctor`'s checks: everything that can be known about a project without running a flow,
//! found in-process and offline, never writing anything. Each finding has a severity, the pack
//! file it is about, and the fix.
//!
//! May use `base`, `pack`, `state`, `setup`, `plan` and `run` (the logins' state).

mod components;
mod conformance;
mod contract;
mod ingress;
mod project;
mod setup;
mod store;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::pack::domains::{Action, Domain, discover};
use crate::plan::{
    PlanOptions, PlannedPack, ScannedPack, UnmatchedProvider, build_plan, every_provider_matches,
    matches_provider,
};
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

/// What the doctor looks at.
pub struct DoctorSettings {
    pub project_root: PathBuf,
    pub state_dir: PathBuf,
    pub domains: Vec<Domain>,
    /// The tenant and team whose secrets and logins are checked; `None` skips those checks.
    pub scope: Option<SecretScope>,
    /// The project's public URL (`--public-base-url`, else the tunnel file), when it has one.
    pub public_base_url: Option<String>,
    /// `--provider`: only these packs (id, file name or stem), across the domains.
    pub providers: Vec<String>,
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
    let mut packs = 0;
    let mut seen = Vec::new();
    for &domain in &settings.domains {
        let secrets = store.readable.then_some(store.secrets.as_ref());
        let examined = examine_domain(domain, settings, secrets);
        findings.extend(examined.findings);
        packs += examined.packs;
        seen.extend(examined.seen);
    }
    let providers_root = settings.project_root.join("providers");
    every_provider_matches(&seen, &settings.providers, &providers_root)?;
    findings.extend(project::stale_runs(&settings.state_dir));
    Ok(Diagnosis {
        findings,
        packs,
        elapsed: started.elapsed(),
    })
}

/// What one domain gave: its findings, how many packs were examined, and every pack found
/// (for `--provider`).
struct DomainExamined {
    findings: Vec<Finding>,
    packs: usize,
    seen: Vec<PlannedPack>,
}

/// The findings of one domain's packs (those `--provider` names, when given).
/// `secrets` is `None` when the store cannot be read (its own finding says so), `Some(None)`
/// when there is none yet.
fn examine_domain(
    domain: Domain,
    settings: &DoctorSettings,
    secrets: Option<Option<&DevSecrets>>,
) -> DomainExamined {
    let discovery = match discover(&settings.project_root, domain) {
        Ok(discovery) => discovery,
        Err(err) => {
            let findings = vec![Finding::new(Severity::Error, err.to_string())];
            return DomainExamined {
                findings,
                packs: 0,
                seen: Vec::new(),
            };
        }
    };
    let mut findings = project::lock_files(domain, &discovery.dir);
    let scanned = ScannedPack::read_all(&discovery.packs);
    let Ok(plan) = build_plan(
        domain,
        Action::Setup,
        &discovery,
        scanned,
        &PlanOptions::default(),
    ) else {
        return DomainExamined {
            findings,
            packs: 0,
            seen: Vec::new(),
        };
    };
    let wanted = |pack: &PlannedPack| {
        settings.providers.is_empty()
            || settings.providers.iter().any(|w| matches_provider(pack, w))
    };
    let mut packs = 0;
    for pack in plan.packs.iter().filter(|p| wanted(p)) {
        packs += 1;
        if let Some(error) = &pack.error {
            let finding = Finding::new(Severity::Error, format!("pack {error}"))
                .about(domain, &pack.path)
                .fix("rebuild the pack, or remove it from the providers folder");
            findings.push(finding);
        }
        let Some(info) = &pack.info else { continue };
        let at = |f: Finding| f.about(domain, &pack.path);
        findings.extend(components::check(&pack.path, info).into_iter().map(at));
        findings.extend(contract::check(&pack.path, info).into_iter().map(at));
        let context = setup::Context {
            domain,
            state_dir: &settings.state_dir,
            scope: settings.scope.as_ref(),
            secrets,
            public_base_url: settings.public_base_url.as_deref(),
        };
        findings.extend(setup::check(info, &context).into_iter().map(at));
    }
    DomainExamined {
        findings,
        packs,
        seen: plan.packs,
    }
}
