//! Every JSON document the commands print: exactly one on stdout, valid against its committed
//! schema, its shape pinned by a normalised snapshot, and the error document (with the exit
//! code) whenever a command stops on an error.

use greentic_operator::base::exit_code;
use serde_json::Value;

use crate::published_packs::telegram;
use crate::support::packs::PackBuilder;
use crate::support::project::Project;
use crate::support::schema::valid_document;

const ANSWERS: &str = "messaging-telegram:\n  public_base_url: https://bot.example\n  bot_token: 111:document-token\n";

/// The telegram pack of the published shapes, a pack whose setup fails, and answers.
fn project() -> Project {
    let p = Project::new();
    p.pack("messaging", "telegram.gtpack", &telegram());
    p.pack(
        "messaging",
        "broken.gtpack",
        &PackBuilder::new("messaging-broken").failing("setup_default"),
    );
    p.file("answers.yaml", ANSWERS.as_bytes());
    p
}

fn json<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--format", "json"]);
    all
}

const SETUP: [&str; 7] = [
    "dev",
    "setup",
    "messaging",
    "--tenant",
    "acme",
    "--answers",
    "answers.yaml",
];

#[test]
fn each_lifecycle_step_prints_one_document_of_the_lifecycle_schema() {
    let p = project();
    let dry = p.run(&json(&[&SETUP[..], &["--dry-run"]].concat()));
    let doc = valid_document("lifecycle", &dry.code(exit_code::SUCCESS).stdout);
    assert_eq!(doc["results"], serde_json::json!([]));
    assert_eq!(doc["summary"], Value::Null);
    insta::assert_snapshot!("document_setup_dry_run", p.normalise(&dry.stdout));

    let real = p.run(&json(&SETUP));
    let doc = valid_document("lifecycle", &real.code(exit_code::FAILURE).stdout);
    assert_eq!(doc["status"], "failed");
    assert_eq!(doc["exit_code"], exit_code::FAILURE);
    assert!(doc["summary"]["duration_ms"].is_u64());
    assert!(doc["results"][0]["duration_ms"].is_u64());

    let diagnostics = p.run(&json(&[
        "dev",
        "diagnostics",
        "messaging",
        "--tenant",
        "acme",
    ]));
    valid_document("lifecycle", &diagnostics.stdout);
    insta::assert_snapshot!("document_diagnostics", p.normalise(&diagnostics.stdout));

    let verify = p.run(&json(&["dev", "verify", "all", "--dry-run"]));
    valid_document("lifecycle", &verify.code(exit_code::SUCCESS).stdout);
}

#[test]
fn runs_and_show_print_documents_of_their_schemas() {
    let p = project();
    p.run(&SETUP).code(exit_code::FAILURE);
    let runs = p.run(&json(&["dev", "runs"]));
    let doc = valid_document("runs", &runs.code(exit_code::SUCCESS).stdout);
    assert_eq!(doc["runs"].as_array().unwrap().len(), 2);
    // Newest first, and in plan order the failing pack ran first: the order of the two is a
    // matter of milliseconds, so the snapshot is of one run.
    let mut one = doc["runs"][0].clone();
    one["run_id"] = "[RUN_ID]".into();
    one["run_dir"] = "[RUN_DIR]".into();
    one["pack_id"] = "[PACK]".into();
    one["status"] = "[STATUS]".into();
    one["started_at"] = "[TIMESTAMP]".into();
    one["duration_ms"] = "[MS]".into();
    insta::assert_snapshot!("document_run_entry", format!("{one:#}"));

    let telegram = doc["runs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["pack_id"] == "messaging-telegram")
        .unwrap();
    let folder = telegram["run_dir"].as_str().unwrap();
    let show = p.run(&json(&["dev", "show", folder]));
    let doc = valid_document("show", &show.code(exit_code::SUCCESS).stdout);
    assert_eq!(doc["record"]["format_version"], 1, "run.json keeps its own");
    let mut shape = doc.clone();
    shape["record"] = "[run.json]".into();
    insta::assert_snapshot!("document_show", p.normalise(&format!("{shape:#}")));
    assert!(
        doc["artifacts_dir"]
            .as_str()
            .unwrap()
            .ends_with("artifacts")
    );
}

#[test]
fn the_doctor_prints_one_document_of_its_schema() {
    let p = project();
    let doctor = p.run(&json(&["dev", "doctor", "messaging", "--tenant", "acme"]));
    let doc = valid_document("doctor", &doctor.stdout);
    assert_eq!(i64::from(doctor.code), doc["exit_code"].as_i64().unwrap());
    assert_eq!(doc["packs"], 2);
    insta::assert_snapshot!("document_doctor", p.normalise(&doctor.stdout));
}

#[test]
fn secrets_set_list_and_delete_print_documents_of_their_schemas() {
    let p = project();
    let set = ["dev", "secrets", "set", "messaging-telegram", "bot_token"];
    let stored = p.run_with_stdin(&json(&[&set[..], &["--tenant", "acme"]].concat()), "v\n");
    let doc = valid_document("secrets-set", &stored.code(exit_code::SUCCESS).stdout);
    assert_eq!(
        doc["stored"],
        "secrets://dev/acme/_/messaging_telegram/bot_token"
    );
    insta::assert_snapshot!("document_secrets_set", &stored.stdout);

    let list = p.run(&json(&["dev", "secrets", "list", "--tenant", "acme"]));
    valid_document("secrets-list", &list.code(exit_code::SUCCESS).stdout);
    insta::assert_snapshot!("document_secrets_list", p.normalise(&list.stdout));

    let delete = [
        "dev",
        "secrets",
        "delete",
        "messaging-telegram",
        "bot_token",
    ];
    let delete = json(&[&delete[..], &["--tenant", "acme"]].concat());
    let deleted = p.run(&delete);
    valid_document("secrets-delete", &deleted.code(exit_code::SUCCESS).stdout);
    insta::assert_snapshot!("document_secrets_delete", &deleted.stdout);
    // Deleting it again is an error: the error document, exit 1.
    let again = p.run(&delete);
    let doc = valid_document("error", &again.code(exit_code::FAILURE).stdout);
    assert_eq!(doc["error"]["kind"], "failure");
    insta::assert_snapshot!("document_error", &again.stdout);
}

/// A command line and how it must stop.
struct Stop {
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
    code: u8,
    kind: &'static str,
}

const KEY_A: (&str, &str) = ("GREENTIC_DEV_MASTER_KEY", "key-a-0123456789abcdef0123");
const KEY_B: (&str, &str) = ("GREENTIC_DEV_MASTER_KEY", "key-b-fedcba9876543210fedc");

#[test]
fn every_command_stopped_by_an_error_prints_the_error_document_and_its_exit_code() {
    let p = project();
    p.run_env(
        &[
            "dev",
            "secrets",
            "set",
            "messaging-telegram",
            "bot_token",
            "--tenant",
            "acme",
        ],
        &[KEY_A],
        Some("v"),
    )
    .code(exit_code::SUCCESS);
    let usage = |args| Stop {
        args,
        env: &[KEY_A],
        code: exit_code::USAGE,
        kind: "usage",
    };
    let stops = [
        // clap's own refusals: an unknown domain, an unknown flag, a bad value.
        usage(&["dev", "setup", "nowhere"]),
        usage(&["dev", "runs", "--no-such-flag"]),
        usage(&["dev", "doctor", "--tenant", "Not/A/Name"]),
        // The commands' own.
        usage(&["dev", "setup", "messaging"]),
        usage(&[
            "dev",
            "diagnostics",
            "messaging",
            "--dry-run",
            "--provider",
            "nope",
        ]),
        usage(&["dev", "verify", "all", "--dry-run", "--provider", "nope"]),
        usage(&["dev", "runs", "--provider", "nope"]),
        usage(&["dev", "show", "no-such-run"]),
        usage(&["dev", "doctor", "--provider", "nope"]),
        usage(&["dev", "secrets", "list"]),
        usage(&[
            "dev",
            "secrets",
            "list",
            "--tenant",
            "acme",
            "--provider",
            "nope",
        ]),
        // A store written with another key stops every command that reads it.
        Stop {
            args: &[
                "dev",
                "setup",
                "messaging",
                "--tenant",
                "acme",
                "--non-interactive",
            ],
            env: &[KEY_B],
            code: exit_code::FAILURE,
            kind: "failure",
        },
        Stop {
            args: &["dev", "secrets", "list", "--tenant", "acme"],
            env: &[KEY_B],
            code: exit_code::FAILURE,
            kind: "failure",
        },
    ];
    for stop in stops {
        let run = p.run_env(&json(stop.args), stop.env, None);
        let doc = valid_document("error", &run.stdout);
        assert_eq!(
            run.code,
            i32::from(stop.code),
            "{:?}: {}",
            stop.args,
            run.stderr
        );
        assert_eq!(doc["exit_code"], stop.code, "{:?}", stop.args);
        assert_eq!(doc["error"]["kind"], stop.kind, "{:?}", stop.args);
        let message = doc["error"]["message"].as_str().unwrap();
        assert!(
            !message.is_empty() && run.stderr.contains(message.lines().next().unwrap()),
            "{:?}: the document says what stderr says: {message:?} / {}",
            stop.args,
            run.stderr
        );
    }
}
