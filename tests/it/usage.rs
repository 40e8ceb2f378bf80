//! Usage errors exit 2 and say what to do.

use greentic_operator::base::exit_code;

use crate::support::packs::PackBuilder;
use crate::support::project::{Project, files_under};

#[test]
fn running_flows_needs_a_tenant() {
    Project::new()
        .run(&["dev", "setup", "messaging"])
        .code(exit_code::USAGE)
        .stderr_has("--tenant is required");
}

#[test]
fn names_that_could_escape_the_state_folder_are_refused() {
    for bad in ["../x", "a/b", "a\\b", ".", "", "acm\u{0435}"] {
        Project::new()
            .run(&["dev", "setup", "messaging", "--tenant", bad])
            .code(exit_code::USAGE)
            .stderr_has("--tenant");
    }
    Project::new()
        .run(&[
            "dev",
            "setup",
            "messaging",
            "--tenant",
            "acme",
            "--team",
            "../t",
        ])
        .code(exit_code::USAGE);
}

#[test]
fn an_unknown_domain_and_a_zero_parallelism_are_usage_errors() {
    let p = Project::new();
    p.run(&["dev", "setup", "billing", "--tenant", "acme"])
        .code(exit_code::USAGE);
    p.run(&[
        "dev",
        "setup",
        "messaging",
        "--tenant",
        "acme",
        "--parallel",
        "0",
    ])
    .code(exit_code::USAGE);
}

/// Every file under `root`, relative to it.
fn all_files(root: &std::path::Path) -> Vec<std::path::PathBuf> {
    files_under(root)
        .into_iter()
        .map(|f| f.strip_prefix(root).unwrap().to_path_buf())
        .collect()
}

#[test]
fn hostile_names_write_nothing_and_runs_write_only_inside_the_state_folder() {
    use crate::support::packs::PackBuilder;
    let p = Project::new();
    p.pack(
        "messaging",
        "m.gtpack",
        &PackBuilder::new("messaging-m").passing("setup_default"),
    );
    let before = all_files(p.root());
    let long = "t".repeat(500);
    for bad in [
        "../x",
        "a/b",
        "a\\b",
        ".",
        "..",
        "",
        "a\0b",
        &long,
        "acm\u{0435}",
        "\u{ff0e}\u{ff0e}",
    ] {
        let args = [
            "dev",
            "setup",
            "messaging",
            "--tenant",
            "acme",
            "--team",
            bad,
        ];
        if bad.contains('\0') {
            // An argument cannot hold a NUL; the validator's unit test covers it.
            continue;
        }
        p.run(&args).code(exit_code::USAGE);
        assert_eq!(
            all_files(p.root()),
            before,
            "--team {bad:?} wrote something"
        );
    }
    p.run(&[
        "dev",
        "setup",
        "messaging",
        "--tenant",
        "acme",
        "--team",
        "blue",
    ])
    .code(exit_code::SUCCESS);
    for file in all_files(p.root()) {
        assert!(
            file.starts_with("state")
                || file.starts_with(".greentic/dev")
                || before.contains(&file),
            "{} was written outside the state folder and the dev secrets store",
            file.display()
        );
    }
}

#[test]
fn upper_case_names_are_refused_by_the_store_rule_before_anything_runs() {
    let p = Project::new();
    p.pack(
        "messaging",
        "a.gtpack",
        &crate::support::packs::PackBuilder::new("messaging-a").passing("setup_default"),
    );
    for args in [
        &["dev", "setup", "messaging", "--tenant", "Acme"][..],
        &[
            "dev",
            "setup",
            "messaging",
            "--tenant",
            "acme",
            "--team",
            "Blue",
        ],
        &[
            "dev",
            "setup",
            "messaging",
            "--tenant",
            "acme",
            "--env",
            "Dev",
        ],
        &["dev", "secrets", "list", "--tenant", "Acme"],
        &["dev", "setup", "messaging", "--tenant", "a/b"],
        &[
            "dev",
            "diagnostics",
            "messaging",
            "--tenant",
            "acme",
            "--team",
            "x/y",
        ],
    ] {
        p.run(args)
            .code(exit_code::USAGE)
            .stderr_has("use only lower-case ASCII letters");
    }
    for (provider, key, said) in [
        (
            "messaging/slack",
            "k",
            "contains '/'; use only ASCII letters",
        ),
        ("messaging-a", "bot token", "contains ' '"),
        ("messaging-a", "", "must not be empty"),
    ] {
        p.run_env(
            &["dev", "secrets", "set", provider, key, "--tenant", "acme"],
            &[],
            Some("value-1"),
        )
        .code(exit_code::USAGE)
        .stderr_has(said);
    }
    assert!(!p.state().exists(), "nothing ran");
    assert!(!p.root().join(".greentic").exists(), "nothing stored");
}

#[test]
fn quiet_leaves_only_errors_on_stderr() {
    let p = Project::new();
    p.pack(
        "events",
        "e.gtpack",
        &PackBuilder::new("events-e").passing("setup_default"),
    );
    // providers/messaging does not exist: a warning, unless -q.
    let loud = p.run(&["dev", "setup", "messaging", "--tenant", "acme", "--dry-run"]);
    assert!(loud.stderr.contains("warning"), "{}", loud.stderr);
    let quiet = p.run(&[
        "dev",
        "setup",
        "messaging",
        "--tenant",
        "acme",
        "--dry-run",
        "-q",
    ]);
    assert_eq!(quiet.stderr, "", "-q printed more than errors");
    assert_eq!(quiet.stdout, loud.stdout, "stdout is the same");
    // Errors still are.
    p.run(&["dev", "runs", "--provider", "nope", "-q"])
        .code(exit_code::USAGE)
        .stderr_has("error: ");
}
