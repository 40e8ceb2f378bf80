//! One flag, one meaning: each test runs one shared flag on every subcommand that has it. The
//! first test holds this file's list against clap's definition, so a subcommand that gains one
//! of these flags fails until its test runs the flag there too.

use std::collections::{BTreeMap, BTreeSet};

use clap::CommandFactory;
use greentic_operator::base::exit_code;
use greentic_operator::cli::Cli;
use serde_json::Value;

use crate::published_packs::telegram;
use crate::support::packs::PackBuilder;
use crate::support::project::{Project, Run, operator};
use crate::support::schema::one_document;

/// Each shared flag and the subcommands (`dev <name>`) its test runs it on.
fn shared() -> Vec<(&'static str, Vec<&'static str>)> {
    let lifecycle = [
        REQUIREMENTS,
        SETUP,
        UPDATE,
        DIAGNOSTICS,
        VERIFY,
        SYNC,
        REMOVE,
    ];
    let with = |extra: &[&'static str]| [&lifecycle[..], extra].concat();
    vec![
        ("provider", with(&[RUNS, DOCTOR, LIST])),
        ("tenant", with(&[RUNS, DOCTOR, LIST, SET, DELETE])),
        ("team", with(&[RUNS, DOCTOR, LIST, SET, DELETE])),
        ("env", with(&[RUNS, DOCTOR, LIST, SET, DELETE])),
        ("format", with(&[RUNS, SHOW, DOCTOR, LIST, SET, DELETE])),
        (
            "project-root",
            with(&[RUNS, SHOW, DOCTOR, LIST, SET, DELETE]),
        ),
        ("state-dir", with(&[RUNS, SHOW, DOCTOR])),
        ("public-base-url", with(&[DOCTOR])),
        ("dry-run", with(&[])),
        ("parallel", with(&[])),
        ("junit", with(&[])),
        ("timeout", with(&[])),
        ("grace-period", with(&[])),
        ("online", with(&[])),
        ("answers", vec![SETUP, UPDATE]),
        ("non-interactive", vec![SETUP, UPDATE]),
    ]
}

const SETUP: &str = "setup";
const DIAGNOSTICS: &str = "diagnostics";
const VERIFY: &str = "verify";
const SYNC: &str = "sync-subscriptions";
const REMOVE: &str = "remove";
const UPDATE: &str = "update";
const REQUIREMENTS: &str = "requirements";
const RUNS: &str = "runs";
const SHOW: &str = "show";
const DOCTOR: &str = "doctor";
const LIST: &str = "secrets list";
const SET: &str = "secrets set";
const DELETE: &str = "secrets delete";

/// The flags clap gives each `dev` subcommand (its own and the global ones it inherits).
fn flags_by_subcommand() -> BTreeMap<String, BTreeSet<String>> {
    let mut cli = Cli::command();
    cli.build();
    let dev = cli.find_subcommand("dev").unwrap();
    let mut flags = BTreeMap::new();
    let mut add = |name: String, cmd: &clap::Command| {
        let longs = cmd
            .get_arguments()
            .filter(|a| !a.is_hide_set())
            .filter_map(|a| a.get_long().map(str::to_string))
            .collect();
        flags.insert(name, longs);
    };
    for sub in dev.get_subcommands() {
        if sub.has_subcommands() {
            for leaf in sub.get_subcommands().filter(|l| l.get_name() != "help") {
                add(format!("{} {}", sub.get_name(), leaf.get_name()), leaf);
            }
        } else if sub.get_name() != "help" {
            add(sub.get_name().to_string(), sub);
        }
    }
    flags
}

#[test]
fn every_flag_two_subcommands_share_is_tested_on_each_of_them() {
    let by_sub = flags_by_subcommand();
    let mut holders: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (sub, flags) in &by_sub {
        for flag in flags {
            holders.entry(flag).or_default().insert(sub);
        }
    }
    // Global to every command, and tested where they are handled (output, usage).
    let everywhere = ["verbose", "quiet", "color", "help", "version"];
    for (flag, subs) in holders.iter().filter(|(_, s)| s.len() > 1) {
        if everywhere.contains(flag) {
            continue;
        }
        let tested: BTreeSet<&str> = shared()
            .into_iter()
            .find(|(name, _)| name == flag)
            .map(|(_, subs)| subs.into_iter().collect())
            .unwrap_or_else(|| panic!("--{flag} is shared by {subs:?} and has no test here"));
        assert_eq!(&tested, subs, "--{flag}: tested on / held by");
    }
}

/// `dev <sub>` with `args` after it; `secrets list` becomes two words.
fn dev<'a>(sub: &'a str, args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["dev"];
    all.extend(sub.split(' '));
    all.extend_from_slice(args);
    all
}

/// A messaging pack of the published shapes (file `telegram.gtpack`), one whose setup fails
/// (`broken.gtpack`), and an events pack; setup run once for tenant acme, and a secret of each
/// messaging provider stored for acme.
fn project() -> Project {
    let p = Project::new();
    p.pack(
        "messaging",
        "telegram.gtpack",
        &telegram().passing("update"),
    );
    p.pack(
        "messaging",
        "broken.gtpack",
        &PackBuilder::new("messaging-broken")
            .failing("setup_default")
            .passing("diagnostics")
            .passing("verify_webhooks")
            .passing("sync_subscriptions")
            .passing("remove")
            .passing("update")
            .passing("requirements"),
    );
    p.pack(
        "events",
        "timer.gtpack",
        &PackBuilder::new("events-timer").passing("setup_default"),
    );
    p.file(
        "answers.yaml",
        b"messaging-telegram:\n  public_base_url: https://bot.example\n  bot_token: 111:flag-token\n",
    );
    p.run(&[
        "dev",
        "setup",
        "all",
        "--tenant",
        "acme",
        "--answers",
        "answers.yaml",
    ])
    .code(exit_code::FAILURE);
    for provider in ["messaging-telegram", "messaging-broken"] {
        p.run_with_stdin(
            &[
                "dev", "secrets", "set", provider, "api_key", "--tenant", "acme",
            ],
            "value",
        )
        .code(exit_code::SUCCESS);
    }
    p
}

/// The arguments that make `sub` a command that reads (never runs a flow or changes the
/// store), for tests that compare outputs.
fn reading(sub: &str) -> Vec<&'static str> {
    match sub {
        SETUP | DIAGNOSTICS | VERIFY | SYNC | REMOVE | UPDATE | REQUIREMENTS => {
            vec!["all", "--dry-run"]
        }
        SET => vec!["messaging-telegram", "api_key"],
        DELETE => vec!["messaging-telegram", "no_such_key"],
        SHOW => vec!["latest"],
        _ => vec![],
    }
}

/// The packs a lifecycle document planned, the runs listed, the files the doctor reported,
/// or the providers of the keys listed: what `--provider` narrows.
fn selected(sub: &str, doc: &Value) -> BTreeSet<String> {
    let strings = |items: &Value, field: &str| -> BTreeSet<String> {
        items
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|i| i[field].as_str().map(str::to_string))
            .collect()
    };
    match sub {
        RUNS => strings(&doc["runs"], "pack_id"),
        DOCTOR => strings(&doc["findings"], "file")
            .into_iter()
            .map(|f| f.rsplit('/').next().unwrap().to_string())
            .collect(),
        LIST => strings(&doc["keys"], "provider"),
        _ => strings(&doc["plan"]["packs"], "label"),
    }
}

#[test]
fn provider_takes_an_id_a_file_name_or_a_stem_everywhere_and_no_match_is_a_usage_error() {
    let p = project();
    let subs = tested_on("provider");
    for &sub in &subs {
        let base = [&reading(sub)[..], &["--tenant", "acme", "--format", "json"]].concat();
        let expected: BTreeSet<String> = match sub {
            DOCTOR => ["telegram.gtpack".to_string()].into(),
            LIST => ["messaging_telegram".to_string()].into(),
            _ => ["messaging-telegram".to_string()].into(),
        };
        for name in ["messaging-telegram", "telegram.gtpack", "telegram"] {
            let run = p.run(&dev(sub, &[&base[..], &["--provider", name]].concat()));
            let doc = one_document(&run.stdout);
            assert_eq!(selected(sub, &doc), expected, "dev {sub} --provider {name}");
        }
        // Repeatable: two providers, both kept.
        let two = ["--provider", "telegram", "--provider", "broken.gtpack"];
        let run = p.run(&dev(sub, &[&base[..], &two].concat()));
        assert_eq!(
            selected(sub, &one_document(&run.stdout)).len(),
            2,
            "dev {sub} with two --provider"
        );
        let run = p.run(&dev(sub, &[&base[..], &["--provider", "nope"]].concat()));
        run.code(exit_code::USAGE)
            .stderr_has("--provider nope matches no")
            .stderr_has("messaging-telegram");
        assert_eq!(one_document(&run.stdout)["error"]["kind"], "usage");
    }
}

/// `sub`'s output for tenant/team/env given as `flag value`, and the same given through the
/// variable; the two must agree.
fn by_flag_and_by_variable(p: &Project, sub: &str, flag: &str, value: &str, var: &str) -> String {
    let mut args = reading(sub);
    args.extend(["--format", "json"]);
    if flag != "--tenant" {
        args.extend(["--tenant", "acme"]);
    }
    let by_flag = p.run_with_stdin(&dev(sub, &[&args[..], &[flag, value]].concat()), "value");
    let by_var = p.run_env(&dev(sub, &args), &[(var, value)], Some("value"));
    assert_eq!(
        by_flag.code, by_var.code,
        "dev {sub} {flag}: {}",
        by_flag.stderr
    );
    let (a, b) = (p.normalise(&by_flag.stdout), p.normalise(&by_var.stdout));
    assert_eq!(a, b, "dev {sub}: {flag} {value} and {var}={value} differ");
    a
}

#[test]
fn tenant_team_and_env_scope_every_command_alike_by_flag_or_by_variable() {
    let p = project();
    for (flag, var, other) in [
        ("tenant", "GREENTIC_TENANT", "beta"),
        ("team", "GREENTIC_TEAM", "ops"),
        ("env", "GREENTIC_ENV", "staging"),
    ] {
        let subs = tested_on(flag);
        for &sub in &subs {
            let out = by_flag_and_by_variable(&p, sub, &format!("--{flag}"), other, var);
            let doc = one_document(&out);
            // Acme's state (its runs, its keys) is not the other scope's.
            match sub {
                RUNS => assert_eq!(doc["runs"], serde_json::json!([]), "runs --{flag}"),
                LIST => assert_eq!(doc["keys"], serde_json::json!([]), "list --{flag}"),
                SETUP | DIAGNOSTICS | VERIFY | SYNC | REMOVE | UPDATE | REQUIREMENTS => {
                    let key = flag.to_string();
                    assert_eq!(doc["command"][&key], other, "dev {sub} --{flag}");
                }
                SET | DELETE => {
                    let uri = doc["stored"].as_str().or(doc["error"]["message"].as_str());
                    assert!(uri.unwrap().contains(other), "dev {sub} --{flag}: {doc}");
                }
                _ => {}
            }
        }
    }
}

#[test]
fn format_json_prints_exactly_one_document_on_every_subcommand() {
    let p = project();
    let subs = tested_on("format");
    for &sub in &subs {
        let args = [&reading(sub)[..], &["--tenant", "acme", "--format", "json"]].concat();
        let args: Vec<&str> = match sub {
            SHOW => args
                .into_iter()
                .filter(|a| *a != "--tenant" && *a != "acme")
                .collect(),
            _ => args,
        };
        let run = p.run_with_stdin(&dev(sub, &args), "value");
        let doc = one_document(&run.stdout);
        assert_eq!(
            doc["format_version"],
            greentic_operator::report::FORMAT_VERSION,
            "dev {sub}"
        );
        assert!(
            !run.stdout.contains('\u{1b}'),
            "dev {sub}: no colour in JSON"
        );
    }
}

/// The operator started in `cwd`, `value` piped to its standard input.
fn run_in(cwd: &std::path::Path, args: &[&str]) -> Run {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = operator()
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"value").unwrap();
    Run::from(child.wait_with_output().unwrap())
}

#[test]
fn project_root_and_state_dir_name_the_same_folders_from_anywhere() {
    let p = project();
    let elsewhere = tempfile::tempdir().unwrap();
    let root = p.root().to_str().unwrap().to_string();
    let subs = tested_on("project-root");
    for &sub in &subs {
        let mut args = reading(sub);
        if sub != SHOW {
            args.extend(["--tenant", "acme"]);
        }
        args.extend(["--format", "json"]);
        let inside = p.run_with_stdin(&dev(sub, &args), "value");
        let outside = run_in(
            elsewhere.path(),
            &dev(sub, &[&args[..], &["--project-root", &root]].concat()),
        );
        assert_eq!(inside.code, outside.code, "dev {sub}: {}", outside.stderr);
        // A printed command carries the --project-root it was asked with, to run as printed.
        let outside_text = outside
            .stdout
            .replace(&format!(" --project-root {root}"), "");
        assert_eq!(
            steady(one_document(&inside.stdout)),
            steady(one_document(&outside_text)),
            "dev {sub} --project-root"
        );
    }
    // --state-dir: a run recorded there is what runs / show / doctor read there.
    let state = elsewhere.path().join("state");
    let state = state.to_str().unwrap();
    p.run(&[
        "dev",
        "diagnostics",
        "messaging",
        "--tenant",
        "acme",
        "--state-dir",
        state,
    ])
    .code(exit_code::SUCCESS);
    let subs = tested_on("state-dir");
    for &sub in &subs {
        let mut args = reading(sub);
        if sub != SHOW {
            args.extend(["--tenant", "acme"]);
        }
        let run = p.run(&dev(
            sub,
            &[&args[..], &["--format", "json", "--state-dir", state]].concat(),
        ));
        let doc = one_document(&run.stdout);
        match sub {
            RUNS => assert!(
                doc["runs"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|r| r["flow"] == "diagnostics"),
                "runs --state-dir lists only the runs recorded there"
            ),
            SHOW => assert_eq!(doc["run"]["flow"], "diagnostics"),
            SETUP | DIAGNOSTICS | VERIFY | SYNC | REMOVE | UPDATE | REQUIREMENTS => {
                assert_eq!(doc["command"]["state_dir"], state)
            }
            _ => {}
        }
    }
}

/// What of `doc` says which domains `dev <sub>` covered.
fn domains_covered(sub: &str, doc: &Value) -> BTreeSet<String> {
    let of = |items: &Value, field: &str| -> BTreeSet<String> {
        let items = items
            .as_array()
            .unwrap_or_else(|| panic!("dev {sub}: {doc}"));
        items
            .iter()
            .filter_map(|i| i[field].as_str().map(str::to_string))
            .collect()
    };
    match sub {
        RUNS => of(&doc["runs"], "domain"),
        DOCTOR => doc["domains"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_str().unwrap().to_string())
            .collect(),
        // Keys have no domain: the providers whose keys are listed stand for it.
        LIST => of(&doc["keys"], "provider")
            .into_iter()
            .map(|p| p.split('_').next().unwrap().to_string())
            .collect(),
        _ => of(&doc["plan"]["packs"], "domain"),
    }
}

/// `doc` without what differs between two runs of one command (the doctor's duration).
fn steady(mut doc: Value) -> Value {
    if let Some(summary) = doc.get_mut("summary").filter(|s| s.is_object()) {
        summary["duration_ms"] = Value::Null;
    }
    doc
}

#[test]
fn the_domain_is_a_positional_and_all_means_every_domain_wherever_it_is_taken() {
    let p = project();
    for sub in [
        SETUP,
        DIAGNOSTICS,
        VERIFY,
        SYNC,
        REMOVE,
        UPDATE,
        RUNS,
        DOCTOR,
        LIST,
    ] {
        let lifecycle = [SETUP, DIAGNOSTICS, VERIFY, SYNC, REMOVE, UPDATE].contains(&sub);
        let mut tail = vec!["--tenant", "acme", "--format", "json"];
        if lifecycle {
            tail.push("--dry-run");
        }
        let document = |domain: Option<&str>| {
            let args = [domain.as_slice(), &tail].concat();
            one_document(&p.run(&dev(sub, &args)).stdout)
        };
        let covered = |domain| domains_covered(sub, &document(Some(domain)));
        let only = |name: &str| BTreeSet::from([name.to_string()]);
        assert_eq!(
            covered("messaging"),
            only("messaging"),
            "dev {sub} messaging"
        );
        if sub != LIST {
            assert_eq!(covered("events"), only("events"), "dev {sub} events");
        }
        let all = covered("all");
        assert!(all.contains("messaging"), "dev {sub} all: {all:?}");
        if [SETUP, DIAGNOSTICS, RUNS, DOCTOR].contains(&sub) {
            assert!(all.contains("events"), "dev {sub} all: {all:?}");
        }
        if lifecycle {
            // A lifecycle step always says what it acts on.
            p.run(&dev(sub, &tail)).code(exit_code::USAGE);
        } else {
            assert_eq!(
                steady(document(None)),
                steady(document(Some("all"))),
                "dev {sub} without a domain is dev {sub} all"
            );
        }
    }
}

/// `dev <sub> messaging --tenant acme --format json` (setup with the answers), then `extra`.
fn lifecycle(p: &Project, sub: &str, extra: &[&str]) -> Run {
    let mut args = vec!["messaging", "--tenant", "acme", "--format", "json"];
    if sub == SETUP || sub == UPDATE {
        args.extend(["--answers", "answers.yaml", "--non-interactive"]);
    }
    if sub == REMOVE {
        args.push("--yes");
    }
    p.run(&dev(sub, &[&args[..], extra].concat()))
}

fn tested_on(flag: &str) -> Vec<&'static str> {
    shared().into_iter().find(|(f, _)| *f == flag).unwrap().1
}

#[test]
fn public_base_url_reaches_every_flow_and_the_doctor_alike() {
    let p = project();
    p.file(
        "token.yaml",
        b"messaging-telegram:\n  bot_token: 111:flag-token\n",
    );
    let url = "https://flag.example";
    for &sub in &tested_on("public-base-url") {
        if sub == DOCTOR {
            let run = p.run(&dev(
                sub,
                &["messaging", "--format", "json", "--public-base-url", url],
            ));
            let doc = one_document(&run.stdout);
            let text = doc["findings"].to_string();
            assert!(!text.contains("asks for public_base_url"), "doctor: {text}");
            continue;
        }
        // (An answers file's own public_base_url would win over the flag in setup.)
        let run = match sub {
            SETUP | UPDATE => p.run(&dev(
                sub,
                &[
                    "messaging",
                    "--tenant",
                    "acme",
                    "--format",
                    "json",
                    "--answers",
                    "token.yaml",
                    "--public-base-url",
                    url,
                ],
            )),
            _ => lifecycle(&p, sub, &["--public-base-url", url]),
        };
        let doc = one_document(&run.stdout);
        let result = doc["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["pack_id"] == "messaging-telegram")
            .or(doc["results"].get(0))
            .unwrap_or_else(|| panic!("dev {sub} ran nothing: {doc}"));
        let input = std::fs::read(
            std::path::Path::new(result["run_dir"].as_str().unwrap()).join("input.json"),
        )
        .unwrap();
        let input: Value = serde_json::from_slice(&input).unwrap();
        assert_eq!(input["public_base_url"], url, "dev {sub}: {input:#}");
    }
}

#[test]
fn dry_run_plans_everywhere_and_runs_and_records_nothing() {
    let p = project();
    let runs_before = one_document(&p.run(&["dev", "runs", "--format", "json"]).stdout);
    for &sub in &tested_on("dry-run") {
        let run = lifecycle(&p, sub, &["--dry-run"]);
        let doc = one_document(&run.stdout);
        assert_eq!(doc["command"]["dry_run"], true, "dev {sub}");
        assert_eq!(doc["results"], serde_json::json!([]), "dev {sub}");
        assert!(!doc["plan"]["packs"].as_array().unwrap().is_empty());
    }
    let runs_after = one_document(&p.run(&["dev", "runs", "--format", "json"]).stdout);
    assert_eq!(runs_before, runs_after, "a dry run records no run");
}

#[test]
fn parallel_runs_the_same_flows_in_plan_order_everywhere_and_zero_is_refused() {
    let p = project();
    let order = |doc: &Value| -> Vec<String> {
        doc["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| format!("{} {}", r["pack_id"], r["outcome"]["status"]))
            .collect()
    };
    for &sub in &tested_on("parallel") {
        let one = one_document(&lifecycle(&p, sub, &["--parallel", "1"]).stdout);
        let two = one_document(&lifecycle(&p, sub, &["--parallel", "2"]).stdout);
        assert_eq!(order(&one), order(&two), "dev {sub} --parallel");
        lifecycle(&p, sub, &["--parallel", "0"]).code(exit_code::USAGE);
    }
}

#[test]
fn junit_writes_a_report_everywhere_and_an_unwritable_path_fails_the_command() {
    let p = project();
    for &sub in &tested_on("junit") {
        let path = p.root().join(format!("{sub}.xml"));
        lifecycle(&p, sub, &["--junit", path.to_str().unwrap()]);
        let xml = std::fs::read_to_string(&path).unwrap();
        assert!(xml.contains("<testsuite"), "dev {sub}: {xml}");
        let unwritable = p
            .root()
            .join("providers/messaging/telegram.gtpack/report.xml");
        let run = lifecycle(
            &p,
            sub,
            &["--dry-run", "--junit", unwritable.to_str().unwrap()],
        );
        run.code(exit_code::FAILURE)
            .stderr_has("failed to write the JUnit report");
    }
}

#[test]
fn timeout_and_grace_period_take_one_duration_syntax_everywhere() {
    let p = project();
    for flag in ["timeout", "grace-period"] {
        for &sub in &tested_on(flag) {
            let flag = format!("--{flag}");
            for good in ["90s", "5m", "1500ms"] {
                lifecycle(&p, sub, &["--dry-run", &flag, good]).code(exit_code::SUCCESS);
            }
            for bad in ["0s", "soon", "-5s"] {
                let run = lifecycle(&p, sub, &["--dry-run", &flag, bad]);
                run.code(exit_code::USAGE);
                assert_eq!(one_document(&run.stdout)["error"]["kind"], "usage");
            }
        }
    }
}

#[test]
fn online_plans_the_same_flows_everywhere() {
    let p = project();
    for &sub in &tested_on("online") {
        let offline = one_document(&lifecycle(&p, sub, &["--dry-run"]).stdout);
        let online = one_document(&lifecycle(&p, sub, &["--dry-run", "--online"]).stdout);
        assert_eq!(offline["plan"], online["plan"], "dev {sub} --online");
    }
}

#[test]
fn answers_and_non_interactive_feed_setup_and_update_alike() {
    let p = project();
    // Setup stored telegram's answers from answers.yaml; update takes a file of the same
    // shape, names what changes, and never asks with --non-interactive.
    p.file(
        "change.yaml",
        b"messaging-telegram:\n  default_chat_id: \"77\"\n",
    );
    for &sub in &tested_on("answers") {
        let run = p.run(&dev(
            sub,
            &[
                "messaging",
                "--tenant",
                "acme",
                "--provider",
                "telegram",
                "--answers",
                "change.yaml",
                "--non-interactive",
                "--dry-run",
                "--format",
                "json",
            ],
        ));
        let doc = one_document(&run.stdout);
        let answers = &doc["plan"]["packs"][0]["answers"];
        let chat = answers
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == "default_chat_id")
            .unwrap();
        assert_eq!(chat["source"], "answers_file", "dev {sub}: {chat}");
        let bot = answers
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == "bot_token")
            .unwrap();
        // Not in the file: both take the stored secret, and neither asks for it.
        assert_eq!(bot["source"], "secrets_store", "dev {sub}: {bot}");
    }
    let subs = tested_on("non-interactive");
    assert_eq!(*subs, tested_on("answers"));
}
