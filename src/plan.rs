//! The plan: for each discovered pack, which lifecycle flows run, which are skipped and why,
//! and which packs are in error. A pure value built from discovery and manifests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::answers::AnswerStatus;
use crate::device_code::metadata::DeviceCodeMetadata;
use crate::domains::{Action, Discovery, Domain};
use crate::manifest::{ManifestForm, PackInfo};
use crate::names::path_segment;

/// What one command will do.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub domain: Domain,
    pub action: Action,
    /// The providers folder that was looked at.
    pub providers_dir: PathBuf,
    pub providers_dir_exists: bool,
    pub packs: Vec<PlannedPack>,
}

/// One pack file and what happens to it.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedPack {
    pub path: PathBuf,
    pub file_name: String,
    /// The pack id when known, else the file stem.
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub info: Option<PackInfo>,
    pub steps: Vec<FlowStep>,
    /// Set when the pack cannot run at all; `steps` is then empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// (setup) Each question and where its answer comes from; never a value.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<AnswerStatus>,
    /// (diagnostics) Each secret requirement and whether the store holds it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<SecretPresence>,
    /// (setup) The provider's device-code login, run after its setup flow passes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_code: Option<DeviceCodeMetadata>,
    /// (diagnostics) Where the provider's device-code login stands for this tenant and team.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login: Option<LoginState>,
}

/// Where a provider's device-code login stands (never a token, never the device code).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LoginState {
    pub status: LoginStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
    pub state_file: std::path::PathBuf,
}

/// Where a login stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LoginStatus {
    Complete,
    Pending,
    Failed,
    NotStarted,
    /// The state file exists but cannot be read.
    Unreadable,
}

impl LoginStatus {
    pub fn word(self) -> &'static str {
        match self {
            LoginStatus::Complete => "complete",
            LoginStatus::Pending => "pending",
            LoginStatus::Failed => "failed",
            LoginStatus::NotStarted => "not_started",
            LoginStatus::Unreadable => "unreadable",
        }
    }
}

/// Whether the secrets store holds one of a pack's secret requirements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecretPresence {
    pub key: String,
    pub required: bool,
    pub present: bool,
    /// The setup question whose answer is this secret, when it has another name
    /// (`bot_token` for `TELEGRAM_BOT_TOKEN`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answered_by: Option<String>,
}

impl PlannedPack {
    /// Puts the pack in error: nothing of it runs.
    pub fn fail(&mut self, reason: String) {
        self.steps.clear();
        self.error = Some(reason);
    }

    /// True when at least one of its flows runs.
    pub fn runs_anything(&self) -> bool {
        self.steps.iter().any(|s| s.disposition == Disposition::Run)
    }
}

/// One lifecycle flow of one pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowStep {
    pub flow: String,
    #[serde(flatten)]
    pub disposition: Disposition,
}

/// Whether a flow runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "disposition", rename_all = "snake_case")]
pub enum Disposition {
    Run,
    Skip { reason: SkipReason },
}

/// Why a flow does not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// The pack does not declare this optional flow.
    NotDeclared,
    /// The pack lacks its setup flow and `--allow-missing-setup` was given.
    MissingSetupAllowed,
}

impl SkipReason {
    pub fn describe(self) -> &'static str {
        match self {
            SkipReason::NotDeclared => "not declared by the pack",
            SkipReason::MissingSetupAllowed => "not declared; allowed by --allow-missing-setup",
        }
    }
}

/// What the planner knows of one discovered pack before applying the rules.
#[derive(Debug)]
pub struct ScannedPack {
    pub path: PathBuf,
    pub manifest: Result<PackInfo, String>,
}

/// Options that shape the plan.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    pub providers: Vec<String>,
    pub allow_missing_setup: bool,
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
            .filter(|s| s.disposition != Disposition::Run)
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
    let mut packs: Vec<PlannedPack> = scanned.into_iter().map(pack_from_scan).collect();
    packs.extend(discovery.not_packs.iter().map(|np| PlannedPack {
        file_name: file_name(&np.path),
        label: stem(&np.path),
        path: np.path.clone(),
        info: None,
        steps: Vec::new(),
        error: Some(np.reason.clone()),
        answers: Vec::new(),
        secrets: Vec::new(),
        device_code: None,
        login: None,
    }));
    packs.sort_by(|a, b| a.file_name.cmp(&b.file_name));

    if !options.providers.is_empty() {
        for wanted in &options.providers {
            if !packs.iter().any(|p| matches_provider(p, wanted)) {
                let mut available: Vec<String> = packs.iter().map(|p| p.label.clone()).collect();
                available.sort();
                available.dedup();
                return Err(UnmatchedProvider {
                    unmatched: wanted.clone(),
                    dir: discovery.dir.clone(),
                    available,
                });
            }
        }
        packs.retain(|p| options.providers.iter().any(|w| matches_provider(p, w)));
    }

    mark_duplicate_ids(&mut packs);
    let spec = domain.spec();
    for pack in packs.iter_mut().filter(|p| p.error.is_none()) {
        let info = pack
            .info
            .as_ref()
            .expect("a pack without error has a manifest");
        let mut missing_required = Vec::new();
        for wanted in spec.wanted_flows(action) {
            let disposition = if info.declares(wanted.flow) {
                Disposition::Run
            } else if !wanted.required {
                Disposition::Skip {
                    reason: SkipReason::NotDeclared,
                }
            } else if options.allow_missing_setup {
                Disposition::Skip {
                    reason: SkipReason::MissingSetupAllowed,
                }
            } else {
                missing_required.push(wanted.flow);
                continue;
            };
            pack.steps.push(FlowStep {
                flow: wanted.flow.to_string(),
                disposition,
            });
        }
        if !missing_required.is_empty() {
            pack.steps.clear();
            pack.error = Some(format!(
                "does not declare {} (declared: {}); pass --allow-missing-setup to skip it",
                missing_required.join(", "),
                info.flows.join(", ")
            ));
        } else if info.form == ManifestForm::LegacyJson
            && pack.steps.iter().any(|s| s.disposition == Disposition::Run)
        {
            // The runner only runs packs with manifest.cbor: say so now, not as a load error.
            pack.steps.clear();
            pack.error = Some(
                "has only pack.manifest.json; the runner needs manifest.cbor (rebuild the pack with `greentic-pack build`)"
                    .to_string(),
            );
        }
    }

    Ok(Plan {
        domain,
        action,
        providers_dir: discovery.dir.clone(),
        providers_dir_exists: discovery.dir_exists,
        packs,
    })
}

fn pack_from_scan(scan: ScannedPack) -> PlannedPack {
    let file_name = file_name(&scan.path);
    match scan.manifest {
        Ok(info) => PlannedPack {
            label: path_segment(&info.pack_id),
            file_name,
            path: scan.path,
            info: Some(info),
            steps: Vec::new(),
            error: None,
            answers: Vec::new(),
            secrets: Vec::new(),
            device_code: None,
            login: None,
        },
        Err(reason) => PlannedPack {
            label: path_segment(&stem(&scan.path)),
            file_name,
            path: scan.path,
            info: None,
            steps: Vec::new(),
            error: Some(reason),
            answers: Vec::new(),
            secrets: Vec::new(),
            device_code: None,
            login: None,
        },
    }
}

/// `--provider` matches exactly: the pack id, the file name, or the file stem.
fn matches_provider(pack: &PlannedPack, wanted: &str) -> bool {
    pack.info.as_ref().is_some_and(|i| i.pack_id == wanted)
        || pack.file_name == wanted
        || stem(&pack.path) == wanted
}

/// Two packs declaring one pack id would write to the same state folders and confuse every
/// later command: both are put in error, each naming the other file.
fn mark_duplicate_ids(packs: &mut [PlannedPack]) {
    let mut by_id: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (index, pack) in packs.iter().enumerate() {
        if let Some(info) = &pack.info {
            by_id.entry(info.pack_id.clone()).or_default().push(index);
        }
    }
    for (id, indexes) in by_id.into_iter().filter(|(_, v)| v.len() > 1) {
        let files: Vec<String> = indexes
            .iter()
            .map(|&i| packs[i].file_name.clone())
            .collect();
        for &i in &indexes {
            let others: Vec<&str> = files
                .iter()
                .filter(|f| **f != packs[i].file_name)
                .map(String::as_str)
                .collect();
            packs[i].error = Some(format!(
                "declares pack id {id:?}, as does {}; keep one of them",
                others.join(", ")
            ));
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn info(id: &str, flows: &[&str]) -> PackInfo {
        PackInfo {
            pack_id: id.into(),
            version: "1.0.0".into(),
            flows: flows.iter().map(|f| f.to_string()).collect(),
            form: ManifestForm::Cbor,
            secret_requirements: Vec::new(),
            components: Vec::new(),
            flow_nodes: Default::default(),
            setup_entries: Default::default(),
            oauth_device_code: None,
        }
    }

    fn scan(file: &str, manifest: Result<PackInfo, String>) -> ScannedPack {
        ScannedPack {
            path: PathBuf::from("/p/providers/x").join(file),
            manifest,
        }
    }

    fn discovery() -> Discovery {
        Discovery {
            dir: "/p/providers/x".into(),
            dir_exists: true,
            packs: vec![],
            not_packs: vec![],
        }
    }

    fn plan(domain: Domain, action: Action, scans: Vec<ScannedPack>, opts: PlanOptions) -> Plan {
        build_plan(domain, action, &discovery(), scans, &opts).unwrap()
    }

    #[test]
    fn verify_runs_declared_flows_and_skips_the_rest() {
        let p = plan(
            Domain::Messaging,
            Action::Verify,
            vec![
                scan(
                    "a.gtpack",
                    Ok(info("a", &["setup_default", "verify_webhooks"])),
                ),
                scan("b.gtpack", Ok(info("b", &["setup_default"]))),
            ],
            PlanOptions::default(),
        );
        assert_eq!(p.packs[0].steps[0].disposition, Disposition::Run);
        assert_eq!(
            p.packs[1].steps[0].disposition,
            Disposition::Skip {
                reason: SkipReason::NotDeclared
            }
        );
        assert_eq!(p.count_runnable(), 1);
        assert_eq!(p.count_skipped(), 1);
    }

    #[test]
    fn missing_setup_fails_messaging_but_skips_secrets() {
        let scans = || vec![scan("a.gtpack", Ok(info("a", &["diagnostics"])))];
        let messaging = plan(
            Domain::Messaging,
            Action::Setup,
            scans(),
            PlanOptions::default(),
        );
        assert!(
            messaging.packs[0]
                .error
                .as_deref()
                .unwrap()
                .contains("setup_default")
        );
        let allowed = plan(
            Domain::Messaging,
            Action::Setup,
            scans(),
            PlanOptions {
                allow_missing_setup: true,
                ..Default::default()
            },
        );
        assert!(allowed.packs[0].error.is_none());
        assert_eq!(allowed.count_skipped(), 1);
        let secrets = plan(
            Domain::Secrets,
            Action::Setup,
            scans(),
            PlanOptions::default(),
        );
        assert!(secrets.packs[0].error.is_none());
        assert_eq!(secrets.count_skipped(), 1);
    }

    #[test]
    fn provider_filter_is_exact_and_unmatched_lists_ids() {
        let scans = || {
            vec![
                scan(
                    "slack.gtpack",
                    Ok(info("messaging-slack", &["setup_default"])),
                ),
                scan(
                    "teams.gtpack",
                    Ok(info("messaging-teams", &["setup_default"])),
                ),
            ]
        };
        for wanted in ["messaging-slack", "slack.gtpack", "slack"] {
            let opts = PlanOptions {
                providers: vec![wanted.into()],
                ..Default::default()
            };
            let p = plan(Domain::Messaging, Action::Setup, scans(), opts);
            assert_eq!(p.packs.len(), 1, "{wanted}");
            assert_eq!(p.packs[0].label, "messaging-slack");
        }
        let opts = PlanOptions {
            providers: vec!["slac".into()],
            ..Default::default()
        };
        let err = build_plan(
            Domain::Messaging,
            Action::Setup,
            &discovery(),
            scans(),
            &opts,
        )
        .unwrap_err();
        assert_eq!(err.available, ["messaging-slack", "messaging-teams"]);
    }

    #[test]
    fn duplicate_pack_ids_put_both_packs_in_error() {
        let p = plan(
            Domain::Events,
            Action::Setup,
            vec![
                scan("a.gtpack", Ok(info("same", &["setup_default"]))),
                scan("b.gtpack", Ok(info("same", &["setup_default"]))),
                scan("c.gtpack", Ok(info("other", &["setup_default"]))),
            ],
            PlanOptions::default(),
        );
        assert!(p.packs[0].error.as_deref().unwrap().contains("b.gtpack"));
        assert!(p.packs[1].error.as_deref().unwrap().contains("a.gtpack"));
        assert!(p.packs[2].error.is_none());
        assert_eq!(p.count_errors(), 2);
    }
}
