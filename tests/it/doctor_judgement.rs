//! `dev doctor` judging as the rest of the operator does: nodes as the runner dispatches them,
//! stale runs of the scope examined, a mistyped project folder, the public URL against the
//! packs' own rules.

use greentic_operator::base::exit_code;
use serde_json::json;

use crate::support::packs::{FlowBody, PackBuilder};
use crate::support::project::{Project, Run};
use crate::support::wasm;

fn clean() -> PackBuilder {
    PackBuilder::new("messaging-clean")
        .passing("setup_default")
        .passing("diagnostics")
}

fn doctor(p: &Project, extra: &[&str]) -> Run {
    let mut args = vec!["dev", "doctor"];
    args.extend_from_slice(extra);
    p.run(&args)
}

fn node(component: &str, operation: Option<&str>, mapping: serde_json::Value) -> FlowBody {
    FlowBody::Node {
        component: component.into(),
        operation: operation.map(str::to_string),
        mapping,
    }
}

#[test]
fn nodes_the_runner_dispatches_itself_are_judged_as_it_will_and_setup_runs_them_offline() {
    let echo = || wasm::component(r#"{"echo": true}"#, 0);
    let p = Project::new();
    p.pack(
        "messaging",
        "emit.gtpack",
        &PackBuilder::new("messaging-emit").flow(
            "setup_default",
            node("emit.text", None, json!({"text": "hi"})),
        ),
    );
    // An id without an operation is `<component>.<operation>` to the runner.
    p.pack(
        "messaging",
        "split.gtpack",
        &PackBuilder::new("messaging-split")
            .component(wasm::component_manifest("fixture.echo"), echo())
            .flow("setup_default", node("fixture.echo.run", None, json!({}))),
    );
    // component.exec calls the component its input names.
    p.pack(
        "messaging",
        "exec.gtpack",
        &PackBuilder::new("messaging-exec")
            .component(wasm::component_manifest("fixture.echo"), echo())
            .flow(
                "setup_default",
                node(
                    "component.exec",
                    None,
                    json!({"component": "fixture.echo", "operation": "run", "input": {}}),
                ),
            ),
    );
    let run = doctor(&p, &["messaging"]);
    run.code(exit_code::SUCCESS)
        .stdout_has("3 packs: 0 errors, 0 warnings");
    p.setup_messaging(&[])
        .code(exit_code::SUCCESS)
        .stdout_has("3 passed");

    // What the runner cannot find is still named, in the words the runner reads it.
    let q = Project::new();
    q.pack(
        "messaging",
        "split.gtpack",
        &PackBuilder::new("messaging-split")
            .flow("setup_default", node("fixture.other.run", None, json!({}))),
    );
    q.pack(
        "messaging",
        "exec.gtpack",
        &PackBuilder::new("messaging-exec").flow(
            "setup_default",
            node("component.exec", None, json!({"input": {}})),
        ),
    );
    doctor(&q, &["messaging"])
        .code(exit_code::SUCCESS)
        .stdout_has("warning providers/messaging/split.gtpack: flow setup_default node step calls component fixture.other (the runner reads fixture.other.run as component fixture.other), which the pack does not contain")
        .stdout_has("warning providers/messaging/exec.gtpack: flow setup_default node step is component.exec without a component in its input");
}

#[test]
fn stale_runs_are_those_of_the_domain_providers_and_tenant_examined() {
    let p = Project::new();
    p.pack("messaging", "clean.gtpack", &clean());
    p.pack(
        "messaging",
        "other.gtpack",
        &PackBuilder::new("messaging-other").passing("setup_default"),
    );
    p.pack(
        "events",
        "timer.gtpack",
        &PackBuilder::new("events-timer").passing("setup_default"),
    );
    let stale = |domain: &str, pack: &str, id: &str, tenant: &str| {
        p.file(
            &format!("state/runs/{domain}/{pack}/setup_default/{id}/run.json"),
            format!(
                r#"{{"run_id": "{id}", "pack_id": "{pack}", "flow": "setup_default", "tenant": "{tenant}",
                    "started_at": "2026-01-01T00:00:00Z", "outcome": {{"status": "running"}}, "pid": 999999999}}"#
            )
            .as_bytes(),
        );
    };
    stale("messaging", "messaging-clean", "r1", "acme");
    stale("messaging", "messaging-other", "r2", "beta");
    stale("events", "events-timer", "r3", "acme");
    let named = |args: &[&str]| -> Vec<String> {
        let run = doctor(&p, args);
        ["r1", "r2", "r3"]
            .into_iter()
            .filter(|id| run.stdout.contains(&format!("run {id} of")))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(named(&["all"]), ["r1", "r2", "r3"]);
    assert_eq!(named(&["events"]), ["r3"]);
    assert_eq!(named(&["messaging", "--provider", "other"]), ["r2"]);
    assert_eq!(named(&["all", "--tenant", "acme"]), ["r1", "r3"]);
    assert_eq!(named(&["messaging", "--tenant", "acme"]), ["r1"]);
}

#[test]
fn a_mistyped_project_root_is_warned_about() {
    let p = Project::new();
    p.pack("messaging", "clean.gtpack", &clean());
    doctor(&p, &["all", "--project-root", "no-such-folder"])
        .code(exit_code::SUCCESS)
        .stdout_has("warning the project folder ")
        .stdout_has("no-such-folder does not exist (fix: check --project-root");
    // A folder that exists but holds no providers folder of the domains examined.
    p.file("elsewhere/readme.txt", b"not a project");
    doctor(&p, &["all", "--project-root", "elsewhere"])
        .stdout_has("elsewhere has no providers folder of the domains examined (providers/secrets, providers/messaging, providers/events do not exist)");
    doctor(&p, &["events"]).stdout_has("(providers/events do not exist)");
    let fine = doctor(&p, &["all"]);
    assert!(!fine.stdout.contains("do not exist"), "{}", fine.stdout);
}

#[test]
fn the_public_url_is_found_in_any_tunnel_file_and_checked_against_the_packs_rules() {
    let url_pack = || {
        clean().entry(
            "assets/setup.yaml",
            b"questions:\n  - name: public_base_url\n    required: true\n    validate: {regex: '^https://'}\n",
        )
    };
    let p = Project::new();
    p.pack("messaging", "clean.gtpack", &url_pack());
    p.file(
        "state/runtime/acme.default/public_base_url.txt",
        b"https://tunnel.example\n",
    );
    // Without --tenant, the tunnel file of any tenant is the project's URL.
    let run = doctor(&p, &["messaging"]);
    run.code(exit_code::SUCCESS);
    assert!(
        !run.stdout.contains("asks for public_base_url"),
        "{}",
        run.stdout
    );
    // A URL the pack's own rule refuses is an error, as setup would fail on it.
    doctor(&p, &["messaging", "--public-base-url", "http://insecure.example"])
        .code(exit_code::FAILURE)
        .stdout_has("error   providers/messaging/clean.gtpack: the public URL http://insecure.example (--public-base-url) does not match ^https://");
    p.file(
        "state/runtime/acme.default/public_base_url.txt",
        b"http://tunnel.example\n",
    );
    doctor(&p, &["messaging", "--tenant", "acme"])
        .code(exit_code::FAILURE)
        .stdout_has("the public URL http://tunnel.example (")
        .stdout_has("acme.default/public_base_url.txt) does not match ^https://");
    doctor(&p, &["messaging"])
        .code(exit_code::SUCCESS)
        .stdout_has(
            "warning providers/messaging/clean.gtpack: the public URL http://tunnel.example",
        );
}

#[test]
fn the_public_url_fix_names_the_tunnel_file_of_the_state_folder_and_scope_given() {
    let p = Project::new();
    p.pack(
        "messaging",
        "clean.gtpack",
        &clean().entry(
            "assets/setup.yaml",
            b"questions:\n  - name: public_base_url\n    required: true\n",
        ),
    );
    let state = p.root().join("other state");
    let state_arg = state.display().to_string();
    let args = [
        "messaging",
        "--tenant",
        "acme",
        "--team",
        "blue",
        "--state-dir",
        state_arg.as_str(),
    ];
    let file = state.join("runtime/acme.blue/public_base_url.txt");
    doctor(&p, &args)
        .stdout_has("asks for public_base_url")
        .stdout_has(&format!("start a tunnel that writes {}", file.display()))
        .stdout_has("--public-base-url https://...`");
    // Doing as the fix says ends the warning.
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, "https://tunnel.example\n").unwrap();
    let run = doctor(&p, &args);
    assert!(
        !run.stdout.contains("asks for public_base_url"),
        "{}",
        run.stdout
    );
}
