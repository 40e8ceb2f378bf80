//! Real runs through the real runner: verdicts, run folders, exit codes, parallelism.

use std::fs;
use std::path::{Path, PathBuf};

use greentic_operator::base::exit_code;
use serde_json::Value;

use crate::support::packs::{FlowBody, PackBuilder, zip_entries};
use crate::support::project::{Project, files_under};
use crate::support::wasm;

/// Every run folder under `state/runs`, sorted.
fn run_dirs(state: &Path) -> Vec<PathBuf> {
    files_under(&state.join("runs"))
        .into_iter()
        .filter(|f| {
            f.file_name().is_some_and(|n| n == "run.json")
                && !f.parent().unwrap().ends_with("artifacts")
        })
        .map(|f| f.parent().unwrap().to_path_buf())
        .collect()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&fs::read(path).unwrap()).unwrap()
}

#[test]
fn a_passing_run_writes_its_folder_with_the_verdict_and_input() {
    let p = Project::new();
    p.pack(
        "messaging",
        "slack.gtpack",
        &PackBuilder::new("messaging-slack").passing("setup_default"),
    );
    p.file(
        "state/runtime/acme.blue/public_base_url.txt",
        b"https://tunnel.example\n",
    );
    p.run(&[
        "dev",
        "setup",
        "messaging",
        "--tenant",
        "acme",
        "--team",
        "blue",
        "--env",
        "staging",
    ])
    .code(exit_code::SUCCESS)
    .stdout_has("PASS")
    .stdout_has("1 flow run: 1 passed, 0 failed");

    let dirs = run_dirs(&p.state());
    assert_eq!(dirs.len(), 1);
    let dir = &dirs[0];
    assert!(
        dir.starts_with(
            p.state()
                .join("runs/messaging/messaging-slack/setup_default")
        )
    );
    let run = read_json(&dir.join("run.json"));
    assert_eq!(run["format_version"], 1);
    assert_eq!(run["outcome"]["status"], "passed");
    assert_eq!(run["runner_result"]["status"], "Success");
    assert_eq!(run["tenant"], "acme");
    // The operator's own fields (greentic-operator 1.2.1's are around them: published_packs).
    let input = read_json(&dir.join("input.json"));
    let own = serde_json::json!({
        "tenant": "acme", "team": "blue", "operator_env": "staging",
        "public_base_url": "https://tunnel.example",
        "setup_answers": {}
    });
    for (key, value) in own.as_object().unwrap() {
        assert_eq!(&input[key], value, "{key}");
    }
    let summary = fs::read_to_string(dir.join("summary.txt")).unwrap();
    assert!(summary.starts_with("status: passed\n"), "{summary}");
    assert!(summary.contains("tenant: acme") && summary.contains("flow: setup_default"));
    let artifacts = fs::read_to_string(dir.join("artifacts_dir")).unwrap();
    let transcript = Path::new(artifacts.trim()).join("transcript.jsonl");
    assert!(transcript.is_file(), "runner artifacts at {artifacts}");
    // The runner's component cache lives in the state folder, not the current folder; the only
    // thing under .greentic is the dev secrets store's folder (its file appears with the first
    // secret stored).
    assert!(!p.root().join(".greentic/cache").exists());
    let greentic: Vec<_> = fs::read_dir(p.root().join(".greentic"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(greentic, ["dev"]);
}

#[test]
fn a_real_wasm_component_runs_and_its_output_reaches_the_transcript() {
    let p = Project::new();
    let pack = PackBuilder::new("messaging-wasm")
        .component(
            wasm::component_manifest("echo"),
            wasm::component(r#"{"hello":"from wasm"}"#, 1000),
        )
        .flow("setup_default", FlowBody::Component("echo".into()));
    p.pack("messaging", "wasm.gtpack", &pack);
    p.run(&["dev", "setup", "messaging", "--tenant", "acme"])
        .code(exit_code::SUCCESS);
    let dir = &run_dirs(&p.state())[0];
    let transcript = fs::read_to_string(dir.join("artifacts/transcript.jsonl")).unwrap();
    assert!(
        transcript.contains(r#""outputs":{"hello":"from wasm"}"#),
        "{transcript}"
    );
    assert!(p.cache().is_dir());
}

#[test]
fn a_failing_flow_and_a_corrupt_pack_exit_1_while_the_other_packs_still_run() {
    let p = Project::new();
    p.pack(
        "events",
        "a-good.gtpack",
        &PackBuilder::new("events-good").passing("setup_default"),
    );
    p.pack(
        "events",
        "b-bad.gtpack",
        &PackBuilder::new("events-bad").failing("setup_default"),
    );
    p.file(
        "providers/events/c-corrupt.gtpack",
        b"PK\x03\x04 this is not a zip",
    );
    p.pack(
        "events",
        "d-good.gtpack",
        &PackBuilder::new("events-good2").passing("setup_default"),
    );
    let run = p.run(&["dev", "setup", "events", "--tenant", "acme"]);
    run.code(exit_code::FAILURE)
        .stdout_has("3 flows run: 2 passed, 1 failed, 0 skipped, 1 pack error")
        .stdout_has(
            "FAIL events-bad setup_default: node step: component 'absent.component' not found",
        )
        .stdout_has("c-corrupt.gtpack: is not a readable zip archive");
    let bad = run_dirs(&p.state())
        .into_iter()
        .find(|d| d.to_string_lossy().contains("events-bad"))
        .unwrap();
    let record = read_json(&bad.join("run.json"));
    assert_eq!(record["outcome"]["status"], "failed");
    assert_eq!(record["outcome"]["runner_status"], "PartialFailure");
    assert_eq!(record["outcome"]["failed_nodes"][0]["node_id"], "step");
    assert!(
        fs::read_to_string(bad.join("summary.txt"))
            .unwrap()
            .contains("failed node: step")
    );
}

#[test]
fn a_flow_that_runs_no_node_is_not_a_pass() {
    let p = Project::new();
    p.pack(
        "secrets",
        "empty.gtpack",
        &PackBuilder::new("secrets-empty").flow("diagnostics", FlowBody::Empty),
    );
    p.run(&["dev", "diagnostics", "secrets", "--tenant", "acme"])
        .code(exit_code::FAILURE)
        .stdout_has("EMPTY")
        .stdout_has("executed no node");
}

#[test]
fn a_pack_the_runner_refuses_is_an_error_for_that_pack_only() {
    let p = Project::new();
    // The manifest is fine, so the plan runs it; the entry named in it is unsafe for the runner.
    let manifest = greentic_types::encode_pack_manifest(
        &PackBuilder::new("events-odd")
            .passing("setup_default")
            .manifest(),
    )
    .unwrap();
    p.file(
        "providers/events/odd.gtpack",
        &zip_entries(&[
            ("manifest.cbor".into(), manifest),
            ("../escape".into(), b"x".to_vec()),
        ]),
    );
    p.pack(
        "events",
        "fine.gtpack",
        &PackBuilder::new("events-fine").passing("setup_default"),
    );
    p.run(&["dev", "setup", "events", "--tenant", "acme"])
        .code(exit_code::FAILURE)
        .stdout_has("odd.gtpack: has an unsafe entry name \"../escape\"")
        .stdout_has("1 flow run: 1 passed");
}

#[test]
fn parallel_runs_report_exactly_what_a_sequential_run_reports() {
    let p = Project::new();
    for i in 0..6 {
        let id = format!("messaging-p{i}");
        let pack = if i % 3 == 1 {
            PackBuilder::new(&id).failing("diagnostics")
        } else {
            PackBuilder::new(&id).passing("diagnostics")
        };
        p.pack("messaging", &format!("p{i}.gtpack"), &pack);
    }
    let one = p.run(&[
        "dev",
        "diagnostics",
        "messaging",
        "--tenant",
        "acme",
        "--parallel",
        "1",
    ]);
    let four = p.run(&[
        "dev",
        "diagnostics",
        "messaging",
        "--tenant",
        "acme",
        "--parallel",
        "4",
    ]);
    one.code(exit_code::FAILURE);
    four.code(exit_code::FAILURE);
    // Byte for byte once durations and run ids are placeholders: plan order, whatever ends first.
    assert_eq!(p.normalise(&one.stdout), p.normalise(&four.stdout));
    assert!(four.stdout.contains("6 flows run: 4 passed, 2 failed"));
    assert_eq!(run_dirs(&p.state()).len(), 12);
}

#[test]
fn two_runs_in_the_same_second_get_two_folders() {
    let p = Project::new();
    p.pack(
        "events",
        "e.gtpack",
        &PackBuilder::new("events-e")
            .passing("setup_default")
            .passing("diagnostics"),
    );
    let first = crate::support::project::operator()
        .args(["dev", "setup", "events", "--tenant", "acme"])
        .current_dir(p.root())
        .spawn()
        .unwrap();
    let second = p.run(&["dev", "setup", "events", "--tenant", "acme"]);
    let first = first.wait_with_output().unwrap();
    assert!(first.status.success());
    second.code(exit_code::SUCCESS);
    let dirs = run_dirs(&p.state());
    assert_eq!(dirs.len(), 2, "{dirs:?}");
    for dir in dirs {
        assert_eq!(
            read_json(&dir.join("run.json"))["outcome"]["status"],
            "passed"
        );
    }
}

#[test]
fn json_output_is_one_document_with_plan_results_and_summary() {
    let p = Project::new();
    p.pack(
        "messaging",
        "a.gtpack",
        &PackBuilder::new("messaging-a").passing("setup_default"),
    );
    p.pack(
        "messaging",
        "b.gtpack",
        &PackBuilder::new("messaging-b").failing("setup_default"),
    );
    let run = p.run(&[
        "dev",
        "setup",
        "messaging",
        "--tenant",
        "acme",
        "--format",
        "json",
    ]);
    let doc = run.code(exit_code::FAILURE).json();
    insta::assert_snapshot!("json_document", p.normalise(&run.stdout));
    assert_eq!(
        doc["format_version"],
        greentic_operator::report::FORMAT_VERSION
    );
    assert_eq!(doc["command"]["tenant"], "acme");
    assert_eq!(doc["plan"]["packs"].as_array().unwrap().len(), 2);
    assert_eq!(doc["results"][0]["outcome"]["status"], "passed");
    assert_eq!(doc["results"][1]["outcome"]["status"], "failed");
    assert_eq!(doc["summary"]["passed"], 1);
    assert_eq!(doc["summary"]["failed"], 1);
    assert_eq!(doc["exit_code"], exit_code::FAILURE);
    assert!(
        Path::new(doc["results"][0]["run_dir"].as_str().unwrap())
            .join("run.json")
            .is_file()
    );
}
