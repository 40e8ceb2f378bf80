//! Every command the operator prints for a person to run (a doctor's fix, a listing's hint) runs
//! as printed, in the scope it was asked in (tenant, team, env), and settles what it was
//! printed for.

use greentic_operator::base::exit_code;

use crate::support::packs::PackBuilder;
use crate::support::project::{Project, Run};

/// The commands in backticks on the lines of `text` that contain `about`.
pub fn printed_commands(text: &str, about: &str) -> Vec<Vec<String>> {
    text.lines()
        .filter(|line| line.contains(about))
        .flat_map(|line| line.split('`').skip(1).step_by(2))
        .filter(|quoted| quoted.starts_with("greentic-operator "))
        .map(|quoted| shell_words::split(quoted).expect("a quoted command"))
        .collect()
}

/// Runs the first command printed on the line about `about`, `input` on its standard input.
pub fn run_first_printed(p: &Project, text: &str, about: &str, input: &str) -> Run {
    let commands = printed_commands(text, about);
    let command = commands
        .first()
        .unwrap_or_else(|| panic!("no command printed about {about:?}:\n{text}"));
    assert_eq!(command[0], "greentic-operator");
    let args: Vec<&str> = command[1..].iter().map(String::as_str).collect();
    p.run_with_stdin(&args, input)
}

fn asking() -> PackBuilder {
    PackBuilder::new("messaging-clean")
        .passing("setup_default")
        .entry(
            "assets/setup.yaml",
            b"questions:\n  - name: bot_token\n    secret: true\n    required: true\n",
        )
        .entry(
            "assets/secret-requirements.json",
            br#"[{"key": "CLEAN_BOT_TOKEN", "scope": {"env": "<env>"}}]"#,
        )
}

const SCOPE: [&str; 6] = ["--tenant", "acme", "--team", "blue", "--env", "staging"];

#[test]
fn the_doctors_secret_fix_runs_as_printed_for_the_team_and_env_asked_and_settles_it() {
    let p = Project::new();
    p.pack("messaging", "clean.gtpack", &asking());
    let mut args = vec!["dev", "doctor", "messaging"];
    args.extend(SCOPE);
    let missing = "secret CLEAN_BOT_TOKEN is not in the dev store";
    let before = p.run(&args);
    before.stdout_has(missing);
    run_first_printed(&p, &before.stdout, missing, "t0ken-value").code(exit_code::SUCCESS);
    let after = p.run(&args);
    after.stdout_has("secret CLEAN_BOT_TOKEN is in the dev store");
    assert!(!after.stdout.contains(missing), "{}", after.stdout);
}

#[test]
fn the_secrets_listings_hint_runs_as_printed_and_settles_it() {
    let p = Project::new();
    p.pack("messaging", "clean.gtpack", &asking());
    let mut args = vec!["dev", "secrets", "list"];
    args.extend(SCOPE);
    let missing = "missing: messaging-clean CLEAN_BOT_TOKEN";
    let before = p.run(&args);
    before.code(exit_code::SUCCESS).stdout_has(missing);
    run_first_printed(&p, &before.stdout, missing, "t0ken-value").code(exit_code::SUCCESS);
    let after = p.run(&args);
    after.code(exit_code::SUCCESS).stdout_has("CLEAN_BOT_TOKEN");
    assert!(!after.stdout.contains(missing), "{}", after.stdout);
}

/// The operator started in `cwd` with `args`, `input` on its standard input.
fn run_in(cwd: &std::path::Path, args: &[String], input: &str) -> Run {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = crate::support::project::operator()
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    Run::from(child.wait_with_output().unwrap())
}

#[test]
fn a_fix_printed_for_another_folder_names_that_folder_and_runs_from_where_it_was_printed() {
    let p = Project::new();
    p.pack("messaging", "clean.gtpack", &asking());
    let elsewhere = tempfile::tempdir().unwrap();
    let root = p.root().display().to_string();
    let doctor = [
        "dev",
        "doctor",
        "messaging",
        "--tenant",
        "acme",
        "--project-root",
        &root,
    ]
    .map(String::from);
    let missing = "secret CLEAN_BOT_TOKEN is not in the dev store";
    let before = run_in(elsewhere.path(), &doctor, "");
    before.stdout_has(missing).stdout_has("--project-root");
    let fix = &printed_commands(&before.stdout, missing)[0];
    run_in(elsewhere.path(), &fix[1..], "t0ken-value").code(exit_code::SUCCESS);
    let after = run_in(elsewhere.path(), &doctor, "");
    assert!(!after.stdout.contains(missing), "{}", after.stdout);
    assert!(
        !elsewhere.path().join(".greentic").exists(),
        "nothing written where it ran"
    );
}

#[test]
fn show_of_an_unknown_run_names_a_runs_command_for_the_same_state_folder() {
    let p = Project::new();
    p.pack(
        "messaging",
        "a.gtpack",
        &PackBuilder::new("messaging-a").passing("setup_default"),
    );
    let state = p.root().join("elsewhere-state").display().to_string();
    p.run(&[
        "dev",
        "setup",
        "messaging",
        "--tenant",
        "acme",
        "--state-dir",
        &state,
    ])
    .code(exit_code::SUCCESS);
    let show = p.run(&["dev", "show", "nope", "--state-dir", &state]);
    show.code(exit_code::USAGE);
    let runs = run_first_printed(&p, &show.stderr, "no run", "");
    runs.code(exit_code::SUCCESS).stdout_has("messaging-a");
}
