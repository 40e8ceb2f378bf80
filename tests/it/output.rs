//! What people and CI see: colours, the progress bar, JUnit, history, completions.

use greentic_operator::base::exit_code;
use quick_junit::{NonSuccessKind, TestCaseStatus};

use crate::support::normalise::realign;
use crate::support::packs::{FlowBody, PackBuilder, zip_entries};
use crate::support::project::{Project, Run, operator};
use crate::support::wasm;

fn two_packs() -> Project {
    let p = Project::new();
    p.pack(
        "messaging",
        "a.gtpack",
        &PackBuilder::new("messaging-a").passing("setup_default"),
    );
    p.pack(
        "messaging",
        "b.gtpack",
        &PackBuilder::new("messaging-b")
            .failing("setup_default")
            .passing("verify_webhooks"),
    );
    p
}

/// Runs the operator inside a pseudo-terminal (util-linux `script`), as a person would.
fn in_terminal(p: &Project, args: &str, env: &[(&str, &str)]) -> String {
    let bin = env!("CARGO_BIN_EXE_greentic-operator");
    let mut cmd = crate::support::project::clean_command("script");
    cmd.args(["-qec", &format!("{bin} {args}"), "/dev/null"])
        .current_dir(p.root())
        .env_remove("CI")
        .env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    String::from_utf8_lossy(&cmd.output().unwrap().stdout).into_owned()
}

#[test]
fn a_terminal_gets_a_progress_bar_and_colour_and_a_pipe_gets_neither() {
    let p = Project::new();
    let slow = PackBuilder::new("messaging-slow")
        .component(
            wasm::component_manifest("spinner"),
            wasm::component("{}", 1 << 42),
        )
        .flow("setup_default", FlowBody::Component("spinner".into()));
    p.pack("messaging", "slow.gtpack", &slow);
    let screen = in_terminal(
        &p,
        "dev setup messaging --tenant acme --timeout 1500ms",
        &[],
    );
    assert!(
        screen.contains("running: messaging-slow setup_default"),
        "{screen}"
    );
    assert!(
        screen.contains("\u{1b}["),
        "no colour on a terminal: {screen}"
    );

    let piped = p.run(&[
        "dev",
        "setup",
        "messaging",
        "--tenant",
        "acme",
        "--timeout",
        "1s",
    ]);
    assert!(!piped.stdout.contains("running:") && !piped.stderr.contains("running:"));
    assert!(!piped.stdout.contains('\u{1b}') && !piped.stderr.contains('\u{1b}'));
}

#[test]
fn no_color_turns_colour_off_and_always_turns_it_on() {
    let p = two_packs();
    let plain = in_terminal(
        &p,
        "dev setup messaging --tenant acme",
        &[("NO_COLOR", "1")],
    );
    assert!(
        plain.contains("Summary") && !plain.contains("\u{1b}[1m"),
        "{plain}"
    );
    let forced = p.run(&[
        "--color",
        "always",
        "dev",
        "setup",
        "messaging",
        "--tenant",
        "acme",
    ]);
    assert!(forced.stdout.contains("\u{1b}["));
}

#[test]
fn a_junit_report_that_cannot_be_written_fails_a_passing_run_after_it_ran() {
    let p = Project::new();
    p.pack(
        "messaging",
        "a.gtpack",
        &PackBuilder::new("messaging-a").passing("setup_default"),
    );
    std::fs::write(p.root().join("not-a-folder"), "").unwrap();
    let args = ["dev", "setup", "messaging", "--tenant", "acme", "--junit"];
    let run = p.run(&[&args[..], &["not-a-folder/report.xml"]].concat());
    run.code(exit_code::FAILURE);
    let said = format!("{}{}", run.stdout, run.stderr);
    assert!(said.contains("failed to write the JUnit report"), "{said}");
    assert!(said.contains("not-a-folder/report.xml"), "{said}");
    // The flow ran and was recorded before the report was written.
    p.first_run("messaging", "messaging-a", "setup_default");
    // The same with a writable path passes.
    p.run(&[&args[..], &["report.xml"]].concat())
        .code(exit_code::SUCCESS);
}

#[test]
fn junit_lists_every_planned_flow_with_failures_and_skips() {
    let p = two_packs();
    p.run(&[
        "dev",
        "setup",
        "messaging",
        "--tenant",
        "acme",
        "--junit",
        "report.xml",
    ])
    .code(exit_code::FAILURE);
    let xml = std::fs::read_to_string(p.root().join("report.xml")).unwrap();
    // Read back with a JUnit parser, so the file is checked as CI tools will read it.
    let report = quick_junit::Report::deserialize_from_str(&xml).unwrap();
    assert_eq!(report.test_suites.len(), 1, "{xml}");
    let suite = &report.test_suites[0];
    assert_eq!(suite.name.as_str(), "greentic-operator dev setup messaging");
    let failures: Vec<&str> = suite
        .test_cases
        .iter()
        .filter_map(|case| match &case.status {
            TestCaseStatus::NonSuccess {
                kind: NonSuccessKind::Failure,
                message,
                ..
            } => Some(message.as_deref().unwrap_or_default()),
            _ => None,
        })
        .collect();
    assert_eq!(suite.test_cases.len(), 2);
    assert_eq!(failures.len(), 1);
    assert!(failures[0].contains("absent.component"), "{failures:?}");
    assert_eq!(suite.failures, 1, "{xml}");
    assert!(xml.contains("run folder: "));

    // A skipped flow is a skipped test case.
    p.run(&[
        "dev", "verify", "events", "--tenant", "acme", "--junit", "v.xml",
    ])
    .code(exit_code::SUCCESS);
    p.pack(
        "events",
        "e.gtpack",
        &PackBuilder::new("events-e").passing("setup_default"),
    );
    p.run(&[
        "dev", "verify", "events", "--tenant", "acme", "--junit", "v.xml",
    ])
    .code(exit_code::SUCCESS);
    let xml = std::fs::read_to_string(p.root().join("v.xml")).unwrap();
    assert!(
        xml.contains("<skipped message=\"not declared by the pack\""),
        "{xml}"
    );
}

#[test]
fn runs_take_provider_tenant_team_and_env_as_the_lifecycle_commands_do() {
    let p = two_packs();
    p.run(&["dev", "verify", "messaging", "--tenant", "acme"])
        .code(exit_code::SUCCESS);
    p.run(&[
        "dev",
        "verify",
        "messaging",
        "--tenant",
        "globex",
        "--team",
        "ops",
    ])
    .code(exit_code::SUCCESS);
    let listed = |args: &[&str]| -> Vec<(String, String)> {
        let doc = p
            .run(&[&["dev", "runs", "--format", "json"][..], args].concat())
            .code(exit_code::SUCCESS)
            .json();
        let runs = doc["runs"].as_array().unwrap().iter();
        runs.map(|r| {
            let tenant = r["tenant"].as_str().unwrap_or_default().to_string();
            (r["pack_id"].as_str().unwrap().to_string(), tenant)
        })
        .collect()
    };
    assert_eq!(listed(&[]).len(), 2, "one verify pack, two tenants");
    assert_eq!(
        listed(&["--tenant", "acme"]),
        [("messaging-b".to_string(), "acme".to_string())]
    );
    assert_eq!(listed(&["--team", "ops"]).len(), 1);
    assert_eq!(listed(&["--tenant", "acme", "--team", "ops"]).len(), 0);
    assert_eq!(listed(&["--env", "dev"]).len(), 2);
    assert_eq!(listed(&["--env", "prod"]).len(), 0);
    // The domain positional, as elsewhere (`all` by default; `--domain` still read).
    assert_eq!(listed(&["messaging"]).len(), 2);
    assert_eq!(listed(&["all"]).len(), 2);
    assert_eq!(listed(&["events"]).len(), 0);
    assert_eq!(listed(&["--domain", "events"]).len(), 0);
    // --provider: the pack id, the file name or its stem, repeatable.
    for provider in ["messaging-b", "b.gtpack", "b"] {
        assert_eq!(listed(&["--provider", provider]).len(), 2, "{provider}");
    }
    p.run(&["dev", "runs", "--provider", "nope"])
        .code(exit_code::USAGE)
        .stderr_has("--provider nope matches no recorded run")
        .stderr_has("messaging-b");
}

#[test]
fn runs_and_show_answer_what_happened_last_time() {
    let p = two_packs();
    p.run(&["dev", "setup", "messaging", "--tenant", "acme"])
        .code(exit_code::FAILURE);
    p.run(&["dev", "verify", "messaging", "--tenant", "acme"])
        .code(exit_code::SUCCESS);

    let all = p
        .run(&["dev", "runs", "--format", "json"])
        .code(exit_code::SUCCESS)
        .json();
    let runs = all["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 3);
    assert_eq!(runs[0]["flow"], "verify_webhooks", "newest first");
    let failed = p.run(&["dev", "runs", "--failed"]);
    failed
        .code(exit_code::SUCCESS)
        .stdout_has("messaging-b")
        .stdout_has("failed");
    assert!(!failed.stdout.contains("messaging-a"));
    let last = p
        .run(&["dev", "runs", "--last", "1", "--format", "json"])
        .json();
    assert_eq!(last["runs"].as_array().unwrap().len(), 1);

    p.run(&["dev", "show", "latest"])
        .code(exit_code::SUCCESS)
        .stdout_has("status:   passed")
        .stdout_has("step: {\"flow\":\"verify_webhooks\",\"ok\":true,\"pack\":\"messaging-b\"}")
        .stdout_has("transcript: ");
    let failed_id = runs.iter().find(|r| r["status"] == "failed").unwrap()["run_id"]
        .as_str()
        .unwrap()
        .to_string();
    p.run(&["dev", "show", &failed_id])
        .code(exit_code::SUCCESS)
        .stdout_has("failed node step: [")
        .stdout_has("absent.component");
    p.run(&["dev", "show", "nope"])
        .code(exit_code::USAGE)
        .stderr_has("no run \"nope\"");

    // The whole table, and a passed and a failed run in detail, as a person reads them. The
    // table is lined up again because a timestamp's placeholder is narrower than it.
    let table = p.run(&["dev", "runs"]);
    let table = realign(&p.normalise(&table.code(exit_code::SUCCESS).stdout));
    insta::assert_snapshot!("runs_table", table);
    let passed = p.run(&["dev", "show", "latest"]);
    insta::assert_snapshot!("show_passed", p.normalise(&passed.stdout));
    let failed = p.run(&["dev", "show", &failed_id]);
    insta::assert_snapshot!("show_failed", p.normalise(&failed.stdout));
}

#[test]
fn completions_help_and_version_work() {
    let bash = Run::from(operator().args(["completions", "bash"]).output().unwrap());
    bash.code(exit_code::SUCCESS)
        .stdout_has("complete -F _greentic__operator");
    let help = Run::from(
        operator()
            .args(["dev", "setup", "--help"])
            .output()
            .unwrap(),
    );
    help.code(exit_code::SUCCESS)
        .stdout_has("Example:")
        .stdout_has("--answers");
    let version = Run::from(operator().arg("--version").output().unwrap());
    version
        .code(exit_code::SUCCESS)
        .stdout_has(env!("CARGO_PKG_VERSION"));
}

#[test]
fn human_output_snapshot_plan_results_summary_failures() {
    let p = two_packs();
    p.pack(
        "messaging",
        "c.gtpack",
        &PackBuilder::new("messaging-c").passing("diagnostics"),
    );
    p.file("providers/messaging/d.gtpack", b"not a zip");
    let run = p.run(&[
        "dev",
        "setup",
        "messaging",
        "--tenant",
        "acme",
        "--allow-missing-setup",
    ]);
    run.code(exit_code::FAILURE);
    insta::assert_snapshot!("setup_stdout", p.normalise(&run.stdout));
    insta::assert_snapshot!("setup_stderr", p.normalise(&run.stderr));
}

#[test]
fn pack_errors_snapshot_each_named_by_its_file_while_the_other_packs_run() {
    let p = Project::new();
    let pack = |file: &str, id: &str, flow: &str| {
        p.pack("messaging", file, &PackBuilder::new(id).passing(flow));
    };
    pack("a.gtpack", "messaging-a", "setup_default");
    pack("dup1.gtpack", "messaging-dup", "setup_default");
    pack("dup2.gtpack", "messaging-dup", "setup_default");
    pack("no-setup.gtpack", "messaging-no-setup", "diagnostics");
    p.file("providers/messaging/corrupt.gtpack", b"not a zip");
    p.file(
        "providers/messaging/no-manifest.gtpack",
        &zip_entries(&[("README.md".into(), b"no manifest here".to_vec())]),
    );
    let run = p.run(&["dev", "setup", "messaging", "--tenant", "acme"]);
    run.code(exit_code::FAILURE);
    insta::assert_snapshot!("pack_errors_stdout", p.normalise(&run.stdout));
    insta::assert_snapshot!("pack_errors_stderr", p.normalise(&run.stderr));
}

#[test]
fn twenty_packs_run_eight_at_once_get_twenty_ids() {
    let p = Project::new();
    for n in 0..20 {
        p.pack(
            "messaging",
            &format!("p{n:02}.gtpack"),
            &PackBuilder::new(&format!("messaging-p{n:02}")).passing("diagnostics"),
        );
    }
    p.run(&[
        "dev",
        "diagnostics",
        "messaging",
        "--tenant",
        "acme",
        "--parallel",
        "8",
    ])
    .code(exit_code::SUCCESS);
    let all = p
        .run(&["dev", "runs", "--last", "100", "--format", "json"])
        .json();
    let ids: std::collections::BTreeSet<&str> = all["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["run_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 20, "{ids:?}");
    for id in ids {
        p.run(&["dev", "show", id]).code(exit_code::SUCCESS);
    }
}

#[test]
fn show_refuses_an_id_two_runs_share_and_names_both_folders() {
    let p = Project::new();
    let old = |pack: &str| {
        let dir = format!("state/runs/messaging/{pack}/setup_default/20260101T000000.000Z");
        p.file(
            &format!("{dir}/run.json"),
            format!(
                r#"{{"run_id": "20260101T000000.000Z", "pack_id": "{pack}", "flow": "setup_default",
                    "started_at": "2026-01-01T00:00:00Z", "outcome": {{"status": "passed"}}}}"#
            )
            .as_bytes(),
        );
        p.root().join(dir)
    };
    let (a, b) = (old("messaging-a"), old("messaging-b"));
    p.run(&["dev", "show", "20260101T000000.000Z"])
        .code(exit_code::USAGE)
        .stderr_has("2 runs have the id \"20260101T000000.000Z\"")
        .stderr_has(&a.display().to_string())
        .stderr_has(&b.display().to_string());
    p.run(&["dev", "show", &b.display().to_string()])
        .code(exit_code::SUCCESS)
        .stdout_has("messaging-b");
}

/// Log lines take the same colour decision as the rest of the output: plain when stderr is a
/// file or a pipe (also without `--color`), plain with `--color never` or in CI at a terminal,
/// coloured with `--color always`.
#[test]
fn log_lines_are_coloured_only_where_the_rest_of_the_output_is() {
    let p = two_packs();
    let args = ["-v", "dev", "setup", "messaging", "--tenant", "acme"];
    let logged = |stderr: &str| stderr.lines().any(|l| l.contains("INFO"));
    let mut cmd = operator();
    cmd.args(args)
        .current_dir(p.root())
        .env_remove("NO_COLOR")
        .env_remove("CI");
    let piped = Run::from(cmd.output().unwrap());
    assert!(logged(&piped.stderr), "{}", piped.stderr);
    assert!(!piped.stderr.contains('\u{1b}'), "{}", piped.stderr);

    // At a terminal: the log lines (not the progress bar's cursor moves) carry no escape.
    let log_lines = |screen: &str| -> Vec<String> {
        let lines = screen.lines().filter(|l| l.contains("INFO"));
        lines.map(str::to_string).collect()
    };
    for (flags, env) in [("--color never", vec![]), ("", vec![("CI", "true")])] {
        let screen = in_terminal(
            &p,
            &format!("{flags} -v dev setup messaging --tenant acme"),
            &env,
        );
        let lines = log_lines(&screen);
        assert!(!lines.is_empty(), "{screen}");
        assert!(
            lines
                .iter()
                .all(|l| !l.contains("\u{1b}[2m") && !l.contains("\u{1b}[32m")),
            "{flags} {env:?}: {lines:?}"
        );
    }

    let forced = p.run(&[&["--color", "always"], &args[..]].concat());
    assert!(
        forced.stderr.contains("\u{1b}[32m INFO"),
        "{}",
        forced.stderr
    );
}

/// `-vv` is the operator's and Greentic's details, not the compiler's: a first setup (its
/// component compiled, the cache empty) logs the variables set for the runner and no line of
/// wasmtime or cranelift, unless `RUST_LOG` names them.
#[test]
fn verbose_logs_are_greentics_and_the_compiler_speaks_only_when_named() {
    let pack = PackBuilder::new("messaging-compiled")
        .component(wasm::component_manifest("echo"), wasm::component("{}", 0))
        .flow("setup_default", FlowBody::Component("echo".into()));
    let compiler = |stderr: &str| {
        let lines = stderr.lines().filter(|l| {
            l.contains(" cranelift") || l.contains(" wasmtime") || l.contains(" regalloc2")
        });
        lines.count()
    };
    let args = ["-vv", "dev", "setup", "messaging", "--tenant", "acme"];
    let p = Project::new();
    p.pack("messaging", "compiled.gtpack", &pack);
    let first = p.run(&args);
    first
        .code(exit_code::SUCCESS)
        .stderr_has("GREENTIC_ENV=\"dev\" for the runner");
    assert_eq!(compiler(&first.stderr), 0, "{}", first.stderr);

    let p = Project::new();
    p.pack("messaging", "compiled.gtpack", &pack);
    let named = p.run_env(
        &args,
        &[("RUST_LOG", "debug,cranelift_codegen=debug")],
        None,
    );
    named.code(exit_code::SUCCESS);
    assert!(compiler(&named.stderr) > 0, "{}", named.stderr);
}
