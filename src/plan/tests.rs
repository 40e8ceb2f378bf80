//! Planning rules: which flows run or skip, `--provider`, duplicate ids, missing setup flows.

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
        providers: Vec::new(),
        flow_hints: Default::default(),
        ingress: Vec::new(),
        entrypoints: Default::default(),
        setup_offers: None,
    }
}

fn scan(file: &str, manifest: Result<PackInfo, ManifestError>) -> ScannedPack {
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
            .as_ref()
            .unwrap()
            .to_string()
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
    assert!(
        p.packs[0]
            .error
            .as_ref()
            .unwrap()
            .to_string()
            .contains("b.gtpack")
    );
    assert!(
        p.packs[1]
            .error
            .as_ref()
            .unwrap()
            .to_string()
            .contains("a.gtpack")
    );
    assert!(p.packs[2].error.is_none());
    assert_eq!(p.count_errors(), 2);
}

#[test]
fn ids_the_secrets_store_spells_alike_are_refused_even_when_provider_keeps_one() {
    let opts = PlanOptions {
        providers: vec!["messaging_alpha".into()],
        ..PlanOptions::default()
    };
    let p = plan(
        Domain::Messaging,
        Action::Remove,
        vec![
            scan("a.gtpack", Ok(info("messaging-alpha", &["remove"]))),
            scan("b.gtpack", Ok(info("messaging_alpha", &["remove"]))),
        ],
        opts,
    );
    assert_eq!(p.packs.len(), 1);
    let error = p.packs[0].error.as_ref().expect("refused");
    assert_eq!(
        error.to_string(),
        "declares pack id \"messaging_alpha\", which the secrets store files as messaging_alpha, as it does a.gtpack's \"messaging-alpha\": one's secrets would be the other's; keep one of them, or give one another pack id"
    );
    assert!(!p.packs[0].runs_anything());
}

/// (step, flow, runs) of each pack's first step.
fn first_steps(p: &Plan) -> Vec<(&str, &str, bool)> {
    p.packs
        .iter()
        .map(|pack| {
            let step = &pack.steps[0];
            let runs = step.disposition == Disposition::Run;
            (step.step.as_str(), step.flow.as_str(), runs)
        })
        .collect()
}

#[test]
fn custom_setup_runs_setup_custom_where_declared_and_setup_default_elsewhere() {
    let scans = || {
        vec![
            scan(
                "a.gtpack",
                Ok(info("a", &["setup_custom", "setup_default"])),
            ),
            scan("b.gtpack", Ok(info("b", &["setup_default"]))),
        ]
    };
    let custom = PlanOptions {
        custom: true,
        ..Default::default()
    };
    let p = plan(Domain::Messaging, Action::Setup, scans(), custom.clone());
    assert_eq!(
        first_steps(&p),
        [
            ("setup_custom", "setup_custom", true),
            ("setup_default", "setup_default", true)
        ]
    );
    let p = plan(
        Domain::Messaging,
        Action::Setup,
        scans(),
        PlanOptions::default(),
    );
    assert_eq!(first_steps(&p)[0], ("setup_default", "setup_default", true));
    // A pack with neither is in error, naming the flow it lacks.
    let none = vec![scan("c.gtpack", Ok(info("c", &["diagnostics"])))];
    let p = plan(Domain::Messaging, Action::Setup, none, custom);
    assert!(
        p.packs[0]
            .error
            .as_ref()
            .unwrap()
            .to_string()
            .contains("setup_default")
    );
}

#[test]
fn flow_hints_name_the_flow_a_step_runs_when_the_pack_declares_it() {
    let mut hinted = info("h", &["my_setup", "my_sync"]);
    hinted.flow_hints = [
        ("setup_default".to_string(), "my_setup".to_string()),
        ("sync_subscriptions".to_string(), "my_sync".to_string()),
        ("diagnostics".to_string(), "absent".to_string()),
    ]
    .into();
    let scans = || vec![scan("h.gtpack", Ok(hinted.clone()))];
    let steps = |action| {
        let p = plan(Domain::Messaging, action, scans(), PlanOptions::default());
        first_steps(&p)
            .into_iter()
            .map(|(s, f, r)| (s.to_string(), f.to_string(), r))
            .collect::<Vec<_>>()
    };
    let row = |s: &str, f: &str, r| vec![(s.to_string(), f.to_string(), r)];
    assert_eq!(steps(Action::Setup), row("setup_default", "my_setup", true));
    assert_eq!(
        steps(Action::SyncSubscriptions),
        row("sync_subscriptions", "my_sync", true)
    );
    // A hint to a flow the pack lacks is no flow: the step's own name, not declared.
    assert_eq!(
        steps(Action::Diagnostics),
        row("diagnostics", "diagnostics", false)
    );
}
