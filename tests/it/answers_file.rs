//! `--answers` files whose shape cannot be told: refused, saying why and how to fix them,
//! before anything runs or is kept.

use greentic_operator::base::exit_code;

use crate::support::packs::PackBuilder;
use crate::support::project::Project;

const TOKEN: &str = "xoxb-mixed-shape-0815";

fn slack() -> PackBuilder {
    PackBuilder::new("messaging-slack")
        .entry(
            "assets/setup.yaml",
            b"questions:\n  - {name: channel, required: true}\n  - {name: region}\n  - {name: bot_token, required: true, secret: true}\n",
        )
        .passing("setup_default")
}

#[test]
fn a_file_mixing_a_providers_section_with_loose_answers_is_refused_naming_both() {
    let p = Project::new();
    p.pack("messaging", "slack.gtpack", &slack());
    p.file(
        "mixed.yaml",
        format!("messaging-slack:\n  channel: ops\n  bot_token: {TOKEN}\nregion: us\n").as_bytes(),
    );
    let run = p.setup_messaging(&["--answers", "mixed.yaml"]);
    run.code(exit_code::USAGE).stderr_has(
        "mixes answers keyed by provider (messaging-slack) with answers outside any provider (region); \
         which provider those are for cannot be told, so nothing of it is used: put each under its \
         provider's id (e.g. {\"messaging-slack\": {\"region\": ...}})",
    );
    assert!(!run.stdout.contains(TOKEN) && !run.stderr.contains(TOKEN));
    assert!(!p.state().join("config").exists(), "nothing was kept");

    let json = p.setup_messaging(&["--answers", "mixed.yaml", "--format", "json"]);
    let doc = json.code(exit_code::USAGE).json();
    assert_eq!(doc["error"]["kind"], "usage");

    // greentic-setup's `tenant`, `team` and `env` beside the sections are not answers.
    p.file(
        "keyed.yaml",
        format!("tenant: acme\nmessaging-slack:\n  channel: ops\n  bot_token: {TOKEN}\n")
            .as_bytes(),
    );
    p.setup_messaging(&["--answers", "keyed.yaml"])
        .code(exit_code::SUCCESS);
    assert_eq!(p.stored_answers("messaging-slack")["channel"], "ops");
}
