//! `all` as a domain: secrets, then messaging, then events; one plan with a section per
//! domain, one run, one summary, one exit code, one JSON document (a `domain` on every pack and
//! result), a JUnit test suite per domain.

use greentic_operator::base::exit_code;

use crate::support::packs::PackBuilder;
use crate::support::project::Project;

fn project(events_fail: bool) -> Project {
    let p = Project::new();
    p.pack(
        "secrets",
        "vault.gtpack",
        &PackBuilder::new("secrets-vault").passing("setup_default"),
    );
    p.pack(
        "messaging",
        "slack.gtpack",
        &PackBuilder::new("messaging-slack")
            .passing("setup_default")
            .passing("diagnostics"),
    );
    let events = PackBuilder::new("events-webhook");
    let events = if events_fail {
        events.failing("setup_default")
    } else {
        events.passing("setup_default")
    };
    p.pack("events", "webhook.gtpack", &events);
    p
}

#[test]
fn setup_all_runs_every_domain_in_order_with_one_summary() {
    let p = project(false);
    let run = p.run(&["dev", "setup", "all", "--tenant", "acme"]);
    run.code(exit_code::SUCCESS)
        .stdout_has("3 flows run: 3 passed, 0 failed");
    let secrets = run.stdout.find("secrets-vault setup_default").unwrap();
    let messaging = run.stdout.find("messaging-slack setup_default").unwrap();
    let events = run.stdout.find("events-webhook setup_default").unwrap();
    assert!(secrets < messaging && messaging < events, "{}", run.stdout);
    insta::assert_snapshot!("all_setup_stdout", p.normalise(&run.stdout));
    // Each run is recorded under its own domain.
    for dir in [
        "secrets/secrets-vault",
        "messaging/messaging-slack",
        "events/events-webhook",
    ] {
        assert!(p.state().join("runs").join(dir).exists(), "{dir}");
    }
}

#[test]
fn one_failing_domain_fails_the_whole_command() {
    let p = project(true);
    p.run(&["dev", "setup", "all", "--tenant", "acme"])
        .code(exit_code::FAILURE)
        .stdout_has("3 flows run: 2 passed, 1 failed");
}

#[test]
fn empty_domains_are_named_once_and_provider_applies_across_domains() {
    let p = Project::new();
    p.pack(
        "messaging",
        "slack.gtpack",
        &PackBuilder::new("messaging-slack").passing("setup_default"),
    );
    let run = p.run(&["dev", "diagnostics", "all", "--dry-run"]);
    run.code(exit_code::SUCCESS)
        .stdout_has("secrets: 0 packs (")
        .stdout_has("events: 0 packs (");
    assert!(!run.stderr.contains("warning: no"), "{}", run.stderr);
    p.pack(
        "events",
        "hook.gtpack",
        &PackBuilder::new("events-hook").passing("setup_default"),
    );
    let only = p.run(&[
        "dev",
        "setup",
        "all",
        "--dry-run",
        "--provider",
        "events-hook",
    ]);
    only.code(exit_code::SUCCESS).stdout_has("1 flow would run");
    assert!(!only.stdout.contains("messaging-slack"), "{}", only.stdout);
    p.run(&["dev", "setup", "all", "--dry-run", "--provider", "nope"])
        .code(exit_code::USAGE)
        .stderr_has("--provider nope matches no pack");
}

#[test]
fn json_is_one_document_and_junit_a_suite_per_domain() {
    let p = project(false);
    let run = p.run(&[
        "dev",
        "setup",
        "all",
        "--tenant",
        "acme",
        "--format",
        "json",
        "--junit",
        "report.xml",
    ]);
    run.code(exit_code::SUCCESS);
    let doc = run.json();
    assert_eq!(doc["command"]["domain"], "all");
    assert_eq!(doc["plan"]["domain"], "all");
    let domains: Vec<&str> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["domain"].as_str().unwrap())
        .collect();
    assert_eq!(domains, ["secrets", "messaging", "events"]);
    assert_eq!(doc["plan"]["packs"][0]["domain"], "secrets");
    insta::assert_snapshot!("all_setup_json", p.normalise(&run.stdout));
    let xml = std::fs::read_to_string(p.root().join("report.xml")).unwrap();
    for suite in [
        "dev setup secrets",
        "dev setup messaging",
        "dev setup events",
    ] {
        assert!(
            xml.contains(&format!("name=\"greentic-operator {suite}\"")),
            "{xml}"
        );
    }
}
