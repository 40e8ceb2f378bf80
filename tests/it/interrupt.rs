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

/// Waits (a minute at most) until `pack`'s flow has started: its run.json says `running`.
fn wait_until_running(state: &Path, pack: &str) {
    let started = Instant::now();
    while run_json(state, pack).is_none_or(|(_, v)| v["outcome"]["status"] != "running") {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the flow never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
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
    wait_until_running(&p.state(), "messaging-endless");
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

#[test]
fn a_flow_over_its_timeout_is_timed_out_whichever_limit_fires_first() {
    // The runner's own wall limit and the operator's watch are both `--timeout`: when the
    // runner's fires first, its run ends `Failure` "exceeded max_run_wall_time_ms", which is
    // the same timeout.
    let p = Project::new();
    p.pack(
        "messaging",
        "a-endless.gtpack",
        &endless("messaging-endless"),
    );
    for limit in ["1500ms", "1s"] {
        let run = p.run(&[
            "dev",
            "setup",
            "messaging",
            "--tenant",
            "acme",
            "--timeout",
            limit,
            "--format",
            "json",
            "--junit",
            "report.xml",
        ]);
        let doc = run.code(exit_code::FAILURE).json();
        let outcome = &doc["results"][0]["outcome"];
        let ms = humantime::parse_duration(limit).unwrap().as_millis() as u64;
        assert_eq!(
            outcome["status"], "timed_out",
            "--timeout {limit}: {outcome}"
        );
        assert_eq!(outcome["limit_ms"], ms);
        let junit = std::fs::read_to_string(p.root().join("report.xml")).unwrap();
        assert!(junit.contains("(--timeout)"), "{junit}");
    }
    let runs = p.run(&["dev", "runs", "--format", "json"]).json();
    for entry in runs["runs"].as_array().unwrap() {
        assert_eq!(entry["status"], "timed_out", "{entry}");
    }
}

/// The lines of a child's stderr, as they come.
fn lines_of(stderr: std::process::ChildStderr) -> std::sync::mpsc::Receiver<String> {
    use std::io::BufRead;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines() {
            if line.map(|line| tx.send(line)).is_err() {
                break;
            }
        }
    });
    rx
}

/// Waits (a minute at most) until `lines` has shown one holding `text`.
fn wait_for_line(lines: &std::sync::mpsc::Receiver<String>, text: &str) {
    let mut seen = String::new();
    while !seen.contains(text) {
        match lines.recv_timeout(Duration::from_secs(60)) {
            Ok(line) => seen.push_str(&(line + "\n")),
            Err(_) => panic!("stderr never showed {text:?}:\n{seen}"),
        }
    }
}

#[test]
fn a_second_interrupt_prints_the_interrupted_document_and_the_run_reads_abandoned() {
    use std::io::Read;
    let p = Project::new();
    p.pack(
        "messaging",
        "a-endless.gtpack",
        &endless("messaging-endless"),
    );
    let mut child = p.spawn(&[
        "dev",
        "setup",
        "messaging",
        "--tenant",
        "acme",
        "--format",
        "json",
        "--grace-period",
        "10m",
        "--timeout",
        "2m",
    ]);
    wait_until_running(&p.state(), "messaging-endless");
    let stderr = lines_of(child.stderr.take().unwrap());
    let signal = |child: &std::process::Child| {
        // SAFETY: kill(2) on our own child, not yet waited for.
        assert_eq!(
            unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) },
            0
        );
    };
    signal(&child);
    wait_for_line(&stderr, "interrupt again to exit at once");
    signal(&child);
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(i32::from(exit_code::INTERRUPTED)));
    let doc = crate::support::schema::valid_document("error", &stdout);
    assert_eq!(doc["error"]["kind"], "interrupted");
    assert_eq!(doc["exit_code"], 130);

    // The flow's run.json still says `running`, and its process is gone.
    let runs = p.run(&["dev", "runs", "--format", "json"]).json();
    assert_eq!(runs["runs"][0]["status"], "abandoned", "{runs}");
    p.run(&["dev", "runs"]).stdout_has("abandoned");
    p.run(&["dev", "show", "latest"])
        .code(exit_code::SUCCESS)
        .stdout_has("status:   abandoned")
        .stdout_has("ended without finishing it");
    p.run(&["dev", "doctor"])
        .stdout_has("was left `running` by a process that no longer runs");
}

#[test]
fn ctrl_c_at_a_setup_prompt_prints_the_interrupted_document() {
    use crate::support::terminal::Terminal;
    let p = Project::new();
    p.pack(
        "messaging",
        "ask.gtpack",
        &PackBuilder::new("messaging-ask")
            .entry(
                "assets/setup.yaml",
                b"questions:\n  - {name: channel, title: Channel, required: true}\n",
            )
            .passing("setup_default"),
    );
    let args = [
        "dev",
        "setup",
        "messaging",
        "--tenant",
        "acme",
        "--format",
        "json",
    ];
    let mut term = Terminal::start(&p, &args);
    term.expect("Channel");
    term.interrupt();
    let (code, screen) = term.finish();
    assert_eq!(code, i32::from(exit_code::INTERRUPTED), "{screen}");
    assert!(
        screen.contains(r#""kind": "interrupted""#) && screen.contains(r#""exit_code": 130"#),
        "{screen}"
    );
    assert!(!p.state().join("config").exists(), "nothing was kept");
}

#[test]
fn a_running_record_written_on_another_host_is_not_called_abandoned() {
    // A state folder shared with a container: its runs' pids are not this host's.
    let p = Project::new();
    p.pack(
        "messaging",
        "a-endless.gtpack",
        &endless("messaging-endless"),
    );
    let mut child = p.spawn(&["dev", "setup", "messaging", "--tenant", "acme"]);
    wait_until_running(&p.state(), "messaging-endless");
    child.kill().unwrap();
    child.wait().unwrap();
    let (dir, mut record) = run_json(&p.state(), "messaging-endless").unwrap();
    assert!(record["host"].is_string(), "{record}");
    let status = |record: &Value| {
        std::fs::write(dir.join("run.json"), record.to_string()).unwrap();
        let runs = p.run(&["dev", "runs", "--format", "json"]).json();
        runs["runs"][0]["status"].as_str().unwrap().to_string()
    };
    assert_eq!(status(&record), "abandoned", "killed on this host");
    record["host"] = "a-container-sharing-the-project".into();
    assert_eq!(
        status(&record),
        "running",
        "another host's pid says nothing here"
    );
    p.run(&["dev", "show", "latest"])
        .stdout_has("status:   running")
        .stdout_has("host:     a-container-sharing-the-project, not this one");
    let doctor = p.run(&["dev", "doctor"]);
    assert!(
        !doctor.stdout.contains("no longer runs"),
        "{}",
        doctor.stdout
    );
}
