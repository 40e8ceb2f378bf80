//! `dev runs` and `dev show` on what a person finds in the state folder: an unreadable
//! `run.json`, filters that match nothing, a pack that never ran, a timed-out run's limit.

use greentic_operator::base::exit_code;

use crate::support::packs::PackBuilder;
use crate::support::project::Project;

const RUNS: &str = "state/runs/messaging/messaging-a/setup_default";

fn one_pack() -> Project {
    let p = Project::new();
    p.pack(
        "messaging",
        "a.gtpack",
        &PackBuilder::new("messaging-a").passing("setup_default"),
    );
    p
}

/// Two runs of the pack, the newer one's `run.json` cut short; returns that run's folder.
fn truncated_newest(p: &Project) -> std::path::PathBuf {
    p.setup_messaging(&[]).code(exit_code::SUCCESS);
    p.setup_messaging(&[]).code(exit_code::SUCCESS);
    let doc = p.run(&["dev", "runs", "--format", "json"]).json();
    let newest = std::path::PathBuf::from(doc["runs"][0]["run_dir"].as_str().unwrap());
    let run_json = newest.join("run.json");
    let text = std::fs::read(&run_json).unwrap();
    std::fs::write(&run_json, &text[..text.len() / 2]).unwrap();
    newest
}

#[test]
fn an_unreadable_run_json_is_shown_as_unreadable_with_its_folder_everywhere() {
    let p = one_pack();
    let folder = truncated_newest(&p);
    let folder_text = folder.display().to_string();
    let id = folder.file_name().unwrap().to_string_lossy().into_owned();

    let runs = p.run(&["dev", "runs"]);
    runs.code(exit_code::SUCCESS)
        .stdout_has("unreadable")
        .stdout_has(&format!("{folder_text}: run.json is unreadable"));
    let doc = p.run(&["dev", "runs", "--format", "json"]).json();
    assert_eq!(doc["runs"].as_array().unwrap().len(), 2, "{doc}");
    assert_eq!(doc["runs"][0]["status"], "unreadable", "{doc}");
    assert_eq!(doc["runs"][0]["run_id"], id.as_str());

    // `latest` is that run, not silently the older one; its folder names it too.
    for named in ["latest", folder_text.as_str()] {
        p.run(&["dev", "show", named])
            .code(exit_code::SUCCESS)
            .stdout_has("status:   unreadable")
            .stdout_has("error:    run.json is unreadable")
            .stdout_has(&format!("run folder: {folder_text}"));
    }
    p.run(&["dev", "doctor", "messaging"]).stdout_has(&format!(
        "warning {RUNS}/{id}: run {id} of messaging-a setup_default: run.json is unreadable"
    ));
}

#[test]
fn a_provider_that_never_ran_matches_no_run_and_filters_are_named() {
    let p = one_pack();
    p.pack(
        "messaging",
        "never.gtpack",
        &PackBuilder::new("messaging-never").passing("setup_default"),
    );
    p.run(&["dev", "runs"])
        .code(exit_code::SUCCESS)
        .stdout_has("no runs recorded in ");
    p.run(&[
        "dev",
        "setup",
        "messaging",
        "--tenant",
        "acme",
        "--provider",
        "a",
    ])
    .code(exit_code::SUCCESS);
    // A project pack that has simply never run: by id, file name or stem.
    for named in ["messaging-never", "never.gtpack", "never"] {
        p.run(&["dev", "runs", "--provider", named])
            .code(exit_code::SUCCESS)
            .stdout_has(&format!("no runs match --provider {named} (1 recorded in "));
    }
    p.run(&["dev", "runs", "events", "--tenant", "acme", "--failed"])
        .code(exit_code::SUCCESS)
        .stdout_has("no runs match events, --tenant acme, --failed (1 recorded in ");
    // A value naming nothing at all stays a usage error.
    p.run(&["dev", "runs", "--provider", "nope"])
        .code(exit_code::USAGE)
        .stderr_has("--provider nope matches no recorded run");
}

#[test]
fn show_names_the_team_the_env_and_a_timed_out_runs_limit() {
    let p = Project::new();
    p.file(
        &format!("{RUNS}/20260101T000000.000Z-1/run.json"),
        br#"{"format_version": 1, "run_id": "20260101T000000.000Z-1", "pack_id": "messaging-a",
            "flow": "setup_default", "tenant": "acme", "team": "blue", "env": "staging",
            "started_at": "2026-01-01T00:00:00Z", "duration": 2004,
            "outcome": {"status": "timed_out", "limit_ms": 2000}}"#,
    );
    p.run(&["dev", "show", "latest"])
        .code(exit_code::SUCCESS)
        .stdout_has("status:   timed_out")
        .stdout_has("tenant:   acme")
        .stdout_has("team:     blue")
        .stdout_has("env:      staging")
        .stdout_has("limit:    2s (--timeout)");
}
