//! Flows that do not finish: `--timeout` ends them, Ctrl-C / SIGTERM stops the command cleanly.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use greentic_operator::base::exit_code;
use serde_json::Value;

use crate::support::packs::{FlowBody, PackBuilder};
use crate::support::project::{Project, interrupt, operator};
use crate::support::wasm;

/// A pack whose flow spins in wasm far longer than any test waits.
fn endless(id: &str) -> PackBuilder {
    PackBuilder::new(id)
        .component(
            wasm::component_manifest("spinner"),
            wasm::component(r#"{"done":true}"#, 1 << 42),
        )
        .flow("setup_default", FlowBody::Component("spinner".into()))
}

fn run_json(state: &Path, pack: &str) -> Option<(PathBuf, Value)> {
    let flow_dir = state
        .join("runs/messaging")
        .join(pack)
        .join("setup_default");
    let dir = std::fs::read_dir(flow_dir).ok()?.flatten().next()?.path();
    let value = serde_json::from_slice(&std::fs::read(dir.join("run.json")).ok()?).ok()?;
    Some((dir, value))
}

#[test]
fn a_flow_over_its_timeout_fails_with_a_complete_run_folder_and_the_next_flows_run() {
    let p = Project::new();
    p.pack(
        "messaging",
        "a-endless.gtpack",
        &endless("messaging-endless"),
    );
    p.pack(
        "messaging",
        "b-fine.gtpack",
        &PackBuilder::new("messaging-fine").passing("setup_default"),
    );
    p.run(&[
        "dev",
        "setup",
        "messaging",
        "--tenant",
        "acme",
        "--timeout",
        "2s",
    ])
    .code(exit_code::FAILURE)
    .stdout_has("TIMEOUT [")
    .stdout_has("messaging-endless setup_default: did not finish within 2s (--timeout)")
    .stdout_has("PASS [")
    .stdout_has("2 flows run: 1 passed, 1 failed");
    let (dir, record) = run_json(&p.state(), "messaging-endless").expect("run folder");
    assert_eq!(record["outcome"]["status"], "timed_out");
    assert_eq!(record["outcome"]["limit_ms"], 2000);
    for file in ["input.json", "summary.txt", "artifacts_dir"] {
        assert!(dir.join(file).is_file(), "{file}");
    }
    assert!(
        std::fs::read_to_string(dir.join("summary.txt"))
            .unwrap()
            .starts_with("status: timed out")
    );
}

#[test]
fn an_interrupt_starts_no_new_flow_marks_the_running_one_and_exits_130() {
    let p = Project::new();
    p.pack(
        "messaging",
        "a-endless.gtpack",
        &endless("messaging-endless"),
    );
    for id in ["b", "c"] {
        p.pack(
            "messaging",
            &format!("{id}.gtpack"),
            &PackBuilder::new(&format!("messaging-{id}")).passing("setup_default"),
        );
    }
    let child = operator()
        .args([
            "dev",
            "setup",
            "messaging",
            "--tenant",
            "acme",
            "--grace-period",
            "300ms",
        ])
        .current_dir(p.root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    // Wait until the endless flow has started (its run.json says so), then interrupt.
    let started = Instant::now();
    while run_json(&p.state(), "messaging-endless")
        .is_none_or(|(_, v)| v["outcome"]["status"] != "running")
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the flow never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let run = interrupt(child);

    run.code(exit_code::INTERRUPTED)
        .stdout_has("INTERRUPTED [")
        .stdout_has("Interrupted: 2 planned flows not started")
        .stdout_has("messaging-endless setup_default: interrupted before it finished");
    let (_, record) = run_json(&p.state(), "messaging-endless").unwrap();
    assert_eq!(record["outcome"]["status"], "interrupted");
    assert!(
        run_json(&p.state(), "messaging-b").is_none(),
        "no new flow may start"
    );
}

#[test]
fn the_timeout_flag_beats_an_inherited_wasm_deadline() {
    let p = Project::new();
    p.pack(
        "messaging",
        "a-endless.gtpack",
        &endless("messaging-endless"),
    );
    // Honoured, the inherited one-second deadline would trap the spinning component long
    // before --timeout and fail the flow as an error instead.
    let run = p.run_env(
        &[
            "dev",
            "setup",
            "messaging",
            "--tenant",
            "acme",
            "--timeout",
            "3s",
            "-vv",
        ],
        &[("GREENTIC_WASM_MAX_EXEC_SECS", "1")],
        None,
    );
    run.code(exit_code::FAILURE)
        .stdout_has("messaging-endless setup_default: did not finish within 3s (--timeout)")
        .stderr_has("GREENTIC_WASM_MAX_EXEC_SECS=\"5\" for the runner (was Some(\"1\"))");
}
