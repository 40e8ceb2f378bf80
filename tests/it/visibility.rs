//! `visible_if` chains: a question shown only by a hidden question's answer is hidden too, and a
//! hidden question is neither required, nor checked, nor kept, nor given to the flow.

use greentic_operator::base::exit_code;
use serde_json::{Value, json};

use crate::support::packs::{FlowBody, PackBuilder};
use crate::support::project::Project;

/// `mode` (default `simple`) shows `transport` (default `grpc`) only when `advanced`;
/// `transport` shows the required `grpc_port` only when `grpc`.
const CHAIN: &str = "questions:
  - name: mode
    kind: choice
    choices: [simple, advanced]
    default: simple
  - name: transport
    kind: choice
    choices: [grpc, http]
    default: grpc
    visible_if: {field: mode, eq: advanced}
  - name: grpc_port
    kind: number
    required: true
    visible_if: {field: transport, eq: grpc}
";

fn chained() -> Project {
    let p = Project::new();
    p.pack(
        "messaging",
        "chain.gtpack",
        &PackBuilder::new("messaging-chain")
            .entry("assets/setup.yaml", CHAIN.as_bytes())
            .flow(
                "setup_default",
                FlowBody::Emit(json!({"answers": "{{entry.answers_json}}"})),
            ),
    );
    p
}

fn answers(p: &Project, yaml: &str) {
    p.file("answers.yaml", yaml.as_bytes());
}

fn statuses(doc: &Value) -> Vec<(String, bool)> {
    doc["plan"]["packs"][0]["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let name = a["name"].as_str().unwrap().to_string();
            (name, a["hidden"].as_bool().unwrap_or(false))
        })
        .collect()
}

#[test]
fn a_question_shown_by_a_hidden_question_is_hidden_and_not_required() {
    let p = chained();
    let run = p.setup_messaging(&[]);
    run.code(exit_code::SUCCESS)
        .stdout_has("transport (hidden), grpc_port (hidden)");
    let stored = p.stored_answers("messaging-chain");
    assert_eq!(
        stored,
        json!({"mode": "simple"}),
        "a hidden default is not kept"
    );
    let (_, input) = p.first_run("messaging", "messaging-chain", "setup_default");
    assert_eq!(input["setup_answers"], json!({"mode": "simple"}));

    let doc = p.setup_messaging(&["--dry-run", "--format", "json"]).json();
    assert_eq!(
        statuses(&doc),
        [
            ("mode".to_string(), false),
            ("transport".to_string(), true),
            ("grpc_port".to_string(), true)
        ]
    );
}

#[test]
fn a_hidden_questions_answer_is_neither_checked_against_its_choices_nor_kept() {
    let p = chained();
    answers(&p, "transport: pigeon\n");
    p.setup_messaging(&["--answers", "answers.yaml"])
        .code(exit_code::SUCCESS);
    let stored = p.stored_answers("messaging-chain");
    assert!(stored.get("transport").is_none(), "{stored}");
}

#[test]
fn once_the_chain_is_shown_its_last_question_is_required_and_checked() {
    let p = chained();
    answers(&p, "mode: advanced\n");
    p.setup_messaging(&["--answers", "answers.yaml"])
        .code(exit_code::FAILURE)
        .stdout_has("lacks required setup answers: grpc_port");
    answers(&p, "mode: advanced\ntransport: pigeon\n");
    p.setup_messaging(&["--answers", "answers.yaml"])
        .code(exit_code::FAILURE)
        .stdout_has("setup answer transport of messaging-chain (from the --answers file) is not one of: grpc, http");
    answers(&p, "mode: advanced\ntransport: http\n");
    p.setup_messaging(&["--answers", "answers.yaml"])
        .code(exit_code::SUCCESS);
    let stored = p.stored_answers("messaging-chain");
    assert_eq!(stored, json!({"mode": "advanced", "transport": "http"}));
}

#[test]
fn an_answer_kept_earlier_is_removed_once_its_question_is_hidden() {
    let p = chained();
    answers(&p, "mode: advanced\ntransport: http\n");
    p.setup_messaging(&["--answers", "answers.yaml"])
        .code(exit_code::SUCCESS);
    answers(&p, "mode: simple\n");
    p.setup_messaging(&["--answers", "answers.yaml"])
        .code(exit_code::SUCCESS)
        .stdout_has("transport (hidden)");
    assert_eq!(
        p.stored_answers("messaging-chain"),
        json!({"mode": "simple"}),
        "the hidden transport is not kept"
    );
}
