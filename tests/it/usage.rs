//! Usage errors exit 2 and say what to do.

use crate::support::project::Project;

#[test]
fn running_flows_needs_a_tenant() {
    Project::new()
        .run(&["dev", "setup", "messaging"])
        .code(2)
        .stderr_has("--tenant is required");
}

#[test]
fn names_that_could_escape_the_state_folder_are_refused() {
    for bad in ["../x", "a/b", "a\\b", ".", "", "acm\u{0435}"] {
        Project::new()
            .run(&["dev", "setup", "messaging", "--tenant", bad])
            .code(2)
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
        .code(2);
}

#[test]
fn an_unknown_domain_and_a_zero_parallelism_are_usage_errors() {
    let p = Project::new();
    p.run(&["dev", "setup", "billing", "--tenant", "acme"])
        .code(2);
    p.run(&[
        "dev",
        "setup",
        "messaging",
        "--tenant",
        "acme",
        "--parallel",
        "0",
    ])
    .code(2);
}
