//! Secret values never land in a file outside the store: the runner's own files are written in
//! a private folder and reach the run folder only through the redactor, also when a flow is
//! abandoned at its timeout and writes later, and on a second Ctrl-C or a kill -9.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use greentic_operator::base::exit_code;
use serde_json::Value;

use crate::support::packs::{FlowBody, PackBuilder};
use crate::support::project::{Project, files_under, operator};
use crate::support::wasm;

const TOKEN: &str = "xoxb-late-writer-5150";

const SETUP_YAML: &str = "questions:
  - {name: bot_token, required: true, secret: true}
";

/// A pack whose setup flow runs one component: `spins` of CPU work, then the answer `output`.
fn spinning(id: &str, output: &str, spins: u64) -> PackBuilder {
    PackBuilder::new(id)
        .entry("assets/setup.yaml", SETUP_YAML.as_bytes())
        .component(
            wasm::component_manifest("spinner"),
            wasm::component(output, spins),
        )
        .flow("setup_default", FlowBody::Component("spinner".into()))
}

/// How long (ms) one setup of a spinning pack took, from its run.json.
fn measured_ms(spins: u64) -> f64 {
    let p = Project::new();
    p.pack(
        "messaging",
        "c.gtpack",
        &spinning("messaging-cal", "{}", spins),
    );
    p.file("a.yaml", b"bot_token: calibrating\n");
    p.setup_messaging(&["--answers", "a.yaml", "--timeout", "60s"])
        .code(exit_code::SUCCESS);
    let runs = p.run(&["dev", "runs", "--format", "json"]).json();
    runs["runs"][0]["duration_ms"].as_f64().unwrap()
}

/// The spin count that keeps the component busy about `target_ms` on this machine now.
fn spins_lasting(target_ms: f64) -> u64 {
    let base: u64 = 1 << 24;
    let (short, long) = (measured_ms(base), measured_ms(base * 8));
    let per_ms = (base * 7) as f64 / (long - short).max(1.0);
    let overhead = (short - base as f64 / per_ms).max(0.0);
    ((target_ms - overhead).max(1.0) * per_ms) as u64
}

/// Where the operator keeps its private folders (as `scratch` chooses).
fn scratch_base() -> PathBuf {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    }
}

/// The private folders of the operator process `pid`.
fn scratch_of(pid: u32) -> Vec<PathBuf> {
    let prefix = format!("greentic-operator-{pid}-");
    std::fs::read_dir(scratch_base())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path())
        .collect()
}

/// No file under `root` holds `secret`, but for the packs: the test's component carries the
/// value in its own code (so do its compiled copies, in the cache outside the project).
fn assert_no_file_holds(root: &Path, secret: &str) {
    let own_code = |file: &Path| file.starts_with(root.join("providers"));
    for file in files_under(root).into_iter().filter(|f| !own_code(f)) {
        let bytes = std::fs::read(&file).unwrap_or_default();
        let found = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
        assert!(!found, "{} holds the secret", file.display());
    }
}

#[test]
fn a_secret_a_flow_answers_after_its_timeout_lands_in_no_file() {
    // The late flow would answer (the secret, under a key the runner does not redact) half a
    // second after its one-second timeout, while the next flow keeps the process alive. The
    // runner 1.2.2 aborts it at its own wall limit and writes its run.json then, after the
    // operator closed the run folder: that late file, and any answer a runner lets through,
    // go to the private folder, which is gone by then.
    let late = spins_lasting(1500.0);
    let p = Project::new();
    let answer = format!(r#"{{"leak":"{TOKEN}"}}"#);
    p.pack(
        "messaging",
        "a-late.gtpack",
        &spinning("messaging-late", &answer, late),
    );
    p.pack(
        "messaging",
        "b-wait.gtpack",
        &spinning("messaging-wait", "{}", 1 << 42),
    );
    p.file(
        "a.yaml",
        format!("messaging-late: {{bot_token: {TOKEN}}}\nmessaging-wait: {{bot_token: {TOKEN}}}\n")
            .as_bytes(),
    );
    let run = p.setup_messaging(&["--answers", "a.yaml", "--timeout", "1s", "--parallel", "1"]);
    // (Whether the late flow overran depends on how busy the machine is; the file check below
    // holds either way.)
    run.code(exit_code::FAILURE)
        .stdout_has("messaging-wait setup_default: did not finish within 1s (--timeout)");
    std::fs::remove_file(p.root().join("a.yaml")).unwrap();
    assert_no_file_holds(p.root(), TOKEN);
    assert_no_file_holds(&scratch_base(), TOKEN);
}

#[test]
fn the_runner_files_reach_the_run_folder_redacted() {
    let p = Project::new();
    let answer = format!(r#"{{"leak":"{TOKEN}"}}"#);
    p.pack(
        "messaging",
        "a.gtpack",
        &spinning("messaging-a", &answer, 1),
    );
    p.file("a.yaml", format!("bot_token: {TOKEN}\n").as_bytes());
    p.setup_messaging(&["--answers", "a.yaml"])
        .code(exit_code::SUCCESS);
    let (dir, _) = p.first_run("messaging", "messaging-a", "setup_default");
    let transcript = std::fs::read_to_string(dir.join("artifacts/transcript.jsonl")).unwrap();
    assert!(
        transcript.contains(r#""leak":"__REDACTED__""#),
        "{transcript}"
    );
    let runner_run: Value =
        serde_json::from_slice(&std::fs::read(dir.join("artifacts/run.json")).unwrap()).unwrap();
    assert_eq!(runner_run["status"], "Success");
    std::fs::remove_file(p.root().join("a.yaml")).unwrap();
    assert_no_file_holds(p.root(), TOKEN);
}

/// Starts `dev setup` of an endless flow and returns once the flow runs.
fn start_endless(p: &Project) -> std::process::Child {
    p.pack(
        "messaging",
        "e.gtpack",
        &spinning("messaging-e", "{}", 1 << 42),
    );
    p.file("a.yaml", format!("bot_token: {TOKEN}\n").as_bytes());
    let child = operator()
        .args([
            "dev",
            "setup",
            "messaging",
            "--tenant",
            "acme",
            "--answers",
            "a.yaml",
        ])
        .current_dir(p.root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while scratch_of(child.id()).is_empty() || files_under(&scratch_of(child.id())[0]).is_empty() {
        assert!(started.elapsed() < Duration::from_secs(60), "never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

#[test]
fn a_second_ctrl_c_removes_the_runner_files_before_exiting() {
    let p = Project::new();
    let child = start_endless(&p);
    let pid = child.id();
    for _ in 0..2 {
        // SAFETY: kill(2) on our own child, not yet waited for.
        assert_eq!(unsafe { libc::kill(pid as libc::pid_t, libc::SIGINT) }, 0);
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(i32::from(exit_code::INTERRUPTED)));
    assert_eq!(scratch_of(pid), Vec::<PathBuf>::new());
}

#[test]
fn the_runner_files_of_a_killed_operator_are_removed_by_the_next() {
    let p = Project::new();
    let mut child = start_endless(&p);
    let pid = child.id();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(scratch_of(pid).len(), 1, "left behind by kill -9");
    #[cfg(unix)]
    {
        let open: Vec<_> = modes_under(&scratch_of(pid)[0])
            .into_iter()
            .filter(|(_, mode)| mode & 0o077 != 0)
            .collect();
        assert!(open.is_empty(), "left open to others: {open:?}");
    }
    std::fs::remove_file(p.root().join("providers/messaging/e.gtpack")).unwrap();
    p.pack(
        "messaging",
        "ok.gtpack",
        &PackBuilder::new("messaging-ok").passing("diagnostics"),
    );
    p.run(&["dev", "diagnostics", "messaging", "--tenant", "acme"])
        .code(exit_code::SUCCESS);
    assert_eq!(scratch_of(pid), Vec::<PathBuf>::new());
}

/// Every folder and file under `root`, `root` included, each with its mode (permission bits).
#[cfg(unix)]
fn modes_under(root: &Path) -> Vec<(PathBuf, u32)> {
    use std::os::unix::fs::PermissionsExt;
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(path) = stack.pop() {
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        found.push((path.clone(), meta.permissions().mode() & 0o7777));
        if meta.is_dir() {
            stack.extend(
                std::fs::read_dir(&path)
                    .unwrap()
                    .flatten()
                    .map(|e| e.path()),
            );
        }
    }
    found
}

/// `cat file` as user `nobody` (uid 65534): whether it printed the file. `None` when this test
/// cannot become `nobody` (not root, or no `setpriv`).
#[cfg(unix)]
fn read_as_nobody(file: &Path) -> Option<bool> {
    let as_nobody = |args: &[&std::ffi::OsStr]| {
        std::process::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .args(args)
            .output()
            .ok()
    };
    // The switch itself checked, so a refused read means the file's modes refused it.
    let who = as_nobody(&["id".as_ref(), "-u".as_ref()])?;
    if String::from_utf8_lossy(&who.stdout).trim() != "65534" {
        return None;
    }
    Some(
        as_nobody(&["cat".as_ref(), file.as_os_str()])?
            .status
            .success(),
    )
}

#[cfg(unix)]
#[test]
fn the_runner_files_of_a_running_flow_are_closed_to_other_users() {
    let p = Project::new();
    let mut child = start_endless(&p);
    let scratch = scratch_of(child.id()).remove(0);
    let modes = modes_under(&scratch);
    let files: Vec<PathBuf> = files_under(&scratch);
    let read: Vec<(PathBuf, Option<bool>)> = files
        .iter()
        .map(|f| (f.clone(), read_as_nobody(f)))
        .collect();
    child.kill().unwrap();
    child.wait().unwrap();
    let _ = std::fs::remove_dir_all(&scratch);

    assert!(!files.is_empty(), "the runner wrote nothing yet");
    assert_eq!(modes[0], (scratch.clone(), 0o700), "the folder itself");
    let open: Vec<_> = modes.iter().filter(|(_, m)| m & 0o077 != 0).collect();
    assert!(
        open.is_empty(),
        "open to others while the flow ran: {open:?}"
    );
    let read_by_nobody: Vec<_> = read.iter().filter(|(_, r)| *r == Some(true)).collect();
    assert!(
        read_by_nobody.is_empty(),
        "user nobody read {read_by_nobody:?}"
    );
}

#[test]
fn a_secret_of_three_bytes_is_in_no_file_under_state() {
    const SHORT: &str = "k9Z";
    let p = Project::new();
    p.pack("messaging", "a.gtpack", &spinning("messaging-a", "{}", 1));
    p.file("a.yaml", format!("bot_token: {SHORT}\n").as_bytes());
    let run = p.setup_messaging(&["--answers", "a.yaml"]);
    run.code(exit_code::SUCCESS);
    let (dir, input) = p.first_run("messaging", "messaging-a", "setup_default");
    assert_eq!(input["setup_answers"]["bot_token"], "__REDACTED__");
    let text = std::fs::read_to_string(dir.join("input.json")).unwrap();
    assert!(!text.contains(SHORT), "{text}");
    assert_eq!(
        p.secret("secrets://dev/acme/_/messaging_a/bot_token")
            .as_deref(),
        Some(SHORT),
        "kept in the store"
    );
    assert!(!run.stdout.contains(SHORT) && !run.stderr.contains(SHORT));
    assert_no_file_holds(&p.state(), SHORT);
}

#[test]
fn a_secret_an_older_tool_left_in_setup_answers_json_is_moved_to_the_store() {
    const OLD: &str = "xoxb-left-by-greentic-setup-8181";
    let p = Project::new();
    p.pack("messaging", "a.gtpack", &spinning("messaging-a", "{}", 1));
    // greentic-setup 1.2.1 kept every answer in this file, secrets and all.
    p.file(
        "state/config/dev/acme/_/messaging-a/setup-answers.json",
        format!(r#"{{"Bot-Token": "{OLD}", "region": "eu"}}"#).as_bytes(),
    );
    p.setup_messaging(&[]).code(exit_code::SUCCESS);
    assert_eq!(
        p.stored_answers("messaging-a"),
        serde_json::json!({"region": "eu"})
    );
    assert_eq!(
        p.secret("secrets://dev/acme/_/messaging_a/bot_token")
            .as_deref(),
        Some(OLD),
        "kept in the store"
    );
    assert_no_file_holds(&p.state(), OLD);
}

#[test]
fn a_secret_equal_to_the_tenant_leaves_the_runs_history_whole() {
    let p = Project::new();
    p.pack("messaging", "a.gtpack", &spinning("messaging-a", "{}", 1));
    // A placeholder secret in development, spelled as the tenant.
    p.file("a.yaml", b"bot_token: acme\n");
    p.setup_messaging(&["--answers", "a.yaml"])
        .code(exit_code::SUCCESS);
    let (dir, input) = p.first_run("messaging", "messaging-a", "setup_default");
    assert_eq!(input["setup_answers"]["bot_token"], "__REDACTED__");
    let record: Value =
        serde_json::from_slice(&std::fs::read(dir.join("run.json")).unwrap()).unwrap();
    assert_eq!(record["tenant"], "acme");
    let summary = std::fs::read_to_string(dir.join("summary.txt")).unwrap();
    assert!(summary.contains("tenant: acme\n"), "{summary}");
    let runs = p
        .run(&[
            "dev", "runs", "--tenant", "acme", "--env", "dev", "--format", "json",
        ])
        .json();
    assert_eq!(runs["runs"].as_array().map(Vec::len), Some(1), "{runs}");
}
