//! Several operators on one project at once, as scripts and two terminals start them: every
//! value a command said it stored is there afterwards, a killed writer blocks nobody and tears
//! nothing, a wait for a lock is said and ends at Ctrl-C, and one tenant's or team's answers
//! are never another's.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use greentic_operator::base::exit_code;
use serde_json::json;

use crate::support::packs::{FlowBody, PackBuilder};
use crate::support::project::{Project, Run, interrupt, operator};

const STORE: &str = ".greentic/dev/.dev.secrets.env";

fn uri(provider: &str, key: &str) -> String {
    format!("secrets://dev/acme/_/{provider}/{key}")
}

/// `dev secrets set <provider> <key> --tenant acme`, the value piped in, not waited for.
fn spawn_set(p: &Project, provider: &str, key: &str, value: &str) -> Child {
    let mut child = operator()
        .args(["dev", "secrets", "set", provider, key, "--tenant", "acme"])
        .current_dir(p.root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start binary");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(format!("{value}\n").as_bytes()).unwrap();
    drop(stdin);
    child
}

fn finish(child: Child) -> Run {
    Run::from(child.wait_with_output().unwrap())
}

#[test]
fn twenty_concurrent_secret_sets_keep_all_twenty() {
    let p = Project::new();
    let children: Vec<Child> = (0..20)
        .map(|n| {
            spawn_set(
                &p,
                "messaging-slack",
                &format!("key_{n}"),
                &format!("value-{n}"),
            )
        })
        .collect();
    for (n, child) in children.into_iter().enumerate() {
        finish(child).code(exit_code::SUCCESS).stdout_has(&format!(
            "stored {} (read back)",
            uri("messaging_slack", &format!("key_{n}"))
        ));
    }
    for n in 0..20 {
        let key = format!("key_{n}");
        assert_eq!(
            p.secret(&uri("messaging_slack", &key)).as_deref(),
            Some(format!("value-{n}").as_str()),
            "{key} was said to be stored"
        );
    }
    let list = p.run(&["dev", "secrets", "list", "--tenant", "acme"]);
    list.code(exit_code::SUCCESS);
    for n in 0..20 {
        list.stdout_has(&format!("key_{n}"));
    }
}

#[test]
fn a_set_and_a_delete_at_once_keep_each_ones_change_and_touch_nothing_else() {
    let p = Project::new();
    for round in 0..4 {
        for key in ["gone", "kept"] {
            finish(spawn_set(&p, "p", key, &format!("{key}-{round}"))).code(exit_code::SUCCESS);
        }
        let set = spawn_set(&p, "p", "added", &format!("added-{round}"));
        let delete = p.spawn(&["dev", "secrets", "delete", "p", "gone", "--tenant", "acme"]);
        finish(set).code(exit_code::SUCCESS);
        finish(delete).code(exit_code::SUCCESS);
        assert_eq!(p.secret(&uri("p", "gone")), None, "round {round}");
        assert_eq!(p.secret(&uri("p", "added")), Some(format!("added-{round}")));
        assert_eq!(p.secret(&uri("p", "kept")), Some(format!("kept-{round}")));
    }
}

/// A pack whose setup asks a secret `token` and a public `region`, and echoes the region.
fn asking_pack(id: &str) -> PackBuilder {
    let setup = "questions:\n  - {name: token, secret: true, required: true}\n  - {name: region}\n";
    PackBuilder::new(id)
        .entry("assets/setup.yaml", setup.as_bytes())
        .flow(
            "setup_default",
            FlowBody::Emit(json!({"region": "{{entry.setup_answers.region}}"})),
        )
}

#[test]
fn two_setups_of_two_packs_at_once_keep_both_packs_secrets_and_earlier_ones() {
    let p = Project::new();
    p.pack("messaging", "alpha.gtpack", &asking_pack("messaging-alpha"));
    p.pack("messaging", "beta.gtpack", &asking_pack("messaging-beta"));
    finish(spawn_set(&p, "messaging-alpha", "by_hand", "kept")).code(exit_code::SUCCESS);
    for round in 0..3 {
        for id in ["alpha", "beta"] {
            let answers = format!("token: {id}-token-{round}\nregion: {id}-{round}\n");
            p.file(&format!("{id}.yaml"), answers.as_bytes());
        }
        let start = |id: &str| {
            let provider = format!("messaging-{id}");
            let answers = format!("{id}.yaml");
            p.spawn(&[
                "dev",
                "setup",
                "messaging",
                "--tenant",
                "acme",
                "--non-interactive",
                "--provider",
                &provider,
                "--answers",
                &answers,
            ])
        };
        let (alpha, beta) = (start("alpha"), start("beta"));
        finish(alpha).code(exit_code::SUCCESS);
        finish(beta).code(exit_code::SUCCESS);
        for id in ["alpha", "beta"] {
            let provider = format!("messaging_{id}");
            assert_eq!(
                p.secret(&uri(&provider, "token")),
                Some(format!("{id}-token-{round}")),
                "round {round}"
            );
            let stored = p.stored_answers(&format!("messaging-{id}"));
            assert_eq!(stored["region"], format!("{id}-{round}"));
        }
        assert_eq!(
            p.secret(&uri("messaging_alpha", "by_hand")).as_deref(),
            Some("kept")
        );
    }
}

#[test]
fn a_lock_holder_killed_with_kill_9_blocks_nobody() {
    let p = Project::new();
    finish(spawn_set(&p, "p", "old", "old-value")).code(exit_code::SUCCESS);
    let lock = p.root().join(format!("{STORE}.lock"));
    // flock(1) holds the lock itself (`-o`: the command it starts does not inherit it).
    let mut holder = std::process::Command::new("flock")
        .arg("-o")
        .arg(&lock)
        .args(["sleep", "60"])
        .spawn()
        .expect("flock(1) from util-linux");
    wait_until_locked(&lock);
    holder.kill().unwrap(); // SIGKILL
    holder.wait().unwrap();
    finish(spawn_set(&p, "p", "new", "new-value")).code(exit_code::SUCCESS);
    assert_eq!(p.secret(&uri("p", "old")).as_deref(), Some("old-value"));
    assert_eq!(p.secret(&uri("p", "new")).as_deref(), Some("new-value"));
}

#[test]
fn writers_killed_mid_write_leave_the_old_store_or_the_new_one_never_a_torn_one() {
    let p = Project::new();
    finish(spawn_set(&p, "p", "before", "intact")).code(exit_code::SUCCESS);
    let mut rng = fastrand::Rng::with_seed(16);
    for n in 0..12 {
        let mut child = spawn_set(&p, "p", &format!("key_{n}"), &format!("value-{n}"));
        std::thread::sleep(Duration::from_millis(rng.u64(0..40)));
        let _ = child.kill(); // SIGKILL, wherever the writer is
        let _ = child.wait();
    }
    assert_eq!(p.secret(&uri("p", "before")).as_deref(), Some("intact"));
    for n in 0..12 {
        let value = p.secret(&uri("p", &format!("key_{n}")));
        assert!(
            value.is_none() || value == Some(format!("value-{n}")),
            "key_{n} reads {value:?}"
        );
    }
    p.run(&["dev", "secrets", "list", "--tenant", "acme"])
        .code(exit_code::SUCCESS)
        .stdout_has("before");
    finish(spawn_set(&p, "p", "after", "fine")).code(exit_code::SUCCESS);
}

/// Holds the exclusive lock of `file`'s lock file from this test process.
fn hold_lock(p: &Project, file: &str) -> std::fs::File {
    let path = p.root().join(format!("{file}.lock"));
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let lock = std::fs::File::create(&path).unwrap();
    lock.lock().unwrap();
    lock
}

/// Blocks until another process holds the lock file at `path`.
fn wait_until_locked(path: &Path) {
    for _ in 0..500 {
        if let Ok(file) = std::fs::File::open(path)
            && matches!(file.try_lock(), Err(std::fs::TryLockError::WouldBlock))
        {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("nobody took {}", path.display());
}

/// Waits for `needle` on the child's stderr (read on a thread), then hands the child back with
/// what it printed so far.
fn await_stderr(mut child: Child, needle: &'static str) -> (Child, String) {
    let stderr = child.stderr.take().unwrap();
    let (seen, heard) = mpsc::channel();
    std::thread::spawn(move || {
        let mut text = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            text.push_str(&line);
            text.push('\n');
            if line.contains(needle) {
                let _ = seen.send(text.clone());
            }
        }
    });
    let text = heard
        .recv_timeout(Duration::from_secs(60))
        .unwrap_or_else(|_| panic!("never said {needle:?}"));
    (child, text)
}

#[test]
fn a_wait_for_the_store_is_said_and_ends_at_ctrl_c_with_nothing_written() {
    let p = Project::new();
    let held = hold_lock(&p, STORE);
    let child = spawn_set(&p, "p", "waiting", "never-stored");
    let (child, stderr) = await_stderr(child, "waiting for");
    assert!(
        stderr.contains(&format!("{STORE}.lock: another greentic-operator")),
        "{stderr}"
    );
    let run = interrupt(child);
    run.code(exit_code::INTERRUPTED);
    drop(held);
    assert!(!p.root().join(STORE).exists(), "nothing was written");
}

#[test]
fn a_setup_waiting_for_the_store_ends_at_ctrl_c_with_its_secret_unstored() {
    let p = Project::new();
    p.pack("messaging", "alpha.gtpack", &asking_pack("messaging-alpha"));
    p.file("a.yaml", b"token: unstored\nregion: eu\n");
    let held = hold_lock(&p, STORE);
    let child = p.spawn(&[
        "dev",
        "setup",
        "messaging",
        "--tenant",
        "acme",
        "--non-interactive",
        "--answers",
        "a.yaml",
    ]);
    let (child, _) = await_stderr(child, "waiting for");
    interrupt(child).code(exit_code::INTERRUPTED);
    drop(held);
    assert_eq!(p.secret(&uri("messaging_alpha", "token")), None);
}

/// `dev setup messaging --tenant <tenant> [--team <team>] --non-interactive`.
fn setup_args<'a>(tenant: &'a str, team: Option<&'a str>) -> Vec<&'a str> {
    let mut args = vec!["dev", "setup", "messaging", "--tenant", tenant];
    args.extend(team.map(|t| ["--team", t]).into_iter().flatten());
    args.push("--non-interactive");
    args
}

#[test]
fn each_tenant_and_team_reads_back_only_its_own_answers() {
    let p = Project::new();
    p.pack("messaging", "alpha.gtpack", &asking_pack("messaging-alpha"));
    let scopes: [(&str, Option<&str>, &str); 3] = [
        ("acme", None, "eu-west"),
        ("beta", None, "us-east"),
        ("acme", Some("blue"), "ap-south"),
    ];
    for (tenant, team, region) in scopes {
        p.file(
            "a.yaml",
            format!("token: {tenant}-token\nregion: {region}\n").as_bytes(),
        );
        let mut args = setup_args(tenant, team);
        args.extend(["--answers", "a.yaml"]);
        p.run(&args).code(exit_code::SUCCESS);
    }
    // Set up again without answers: each scope finds its own stored ones.
    for (tenant, team, region) in scopes {
        let mut args = setup_args(tenant, team);
        args.push("--dry-run");
        p.run(&args)
            .code(exit_code::SUCCESS)
            .stdout_has("region (stored)");
        assert_eq!(
            p.stored_answers_of(tenant, team, "messaging-alpha")["region"],
            region,
            "{tenant} {team:?}"
        );
        let token = format!(
            "secrets://dev/{tenant}/{}/messaging_alpha/token",
            team.unwrap_or("_")
        );
        assert_eq!(p.secret(&token), Some(format!("{tenant}-token")));
    }
}
