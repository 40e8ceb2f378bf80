//! The committed demo project: it matches its generator and the README's command runs on it.

use std::fs;

use crate::support::demo;
use crate::support::project::{Project, operator};

#[test]
fn demo_packs_match_their_generator() {
    let root = demo::root();
    let regenerate = std::env::var_os("GREENTIC_REGENERATE_FIXTURES").is_some();
    for (relative, bytes) in demo::files() {
        let path = root.join(&relative);
        if regenerate {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, &bytes).unwrap();
        }
        let committed = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            committed == bytes,
            "{} differs from its generator; run GREENTIC_REGENERATE_FIXTURES=1 cargo test demo",
            relative.display()
        );
    }
}

#[test]
fn the_readme_command_sets_up_every_messaging_pack_of_the_demo() {
    let state = tempfile::tempdir().unwrap();
    let demo = Project::copy_of(&demo::root());
    let output = operator()
        .args([
            "dev",
            "setup",
            "messaging",
            "--tenant",
            "acme",
            "--project-root",
        ])
        .arg(demo.root())
        .arg("--state-dir")
        .arg(state.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("3 flows run: 3 passed, 0 failed"),
        "{stdout}"
    );
    for pack in ["messaging-slack", "messaging-teams", "messaging-webchat"] {
        assert!(
            state
                .path()
                .join("runs/messaging")
                .join(pack)
                .join("setup_default")
                .is_dir()
        );
    }
}

#[test]
fn demo_verify_skips_the_pack_without_verify_webhooks() {
    let state = tempfile::tempdir().unwrap();
    let demo = Project::copy_of(&demo::root());
    let output = operator()
        .args([
            "dev",
            "verify",
            "messaging",
            "--tenant",
            "acme",
            "--project-root",
        ])
        .arg(demo.root())
        .arg("--state-dir")
        .arg(state.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success());
    assert!(
        stderr.contains("messaging-teams (messaging-teams.gtpack): verify_webhooks not declared"),
        "{stderr}"
    );
}
