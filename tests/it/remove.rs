//! `dev remove`: each pack's `remove` flow, then everything the operator keeps for that
//! provider in one tenant and team (its setup answers, its secrets, its login state), and
//! nothing of another provider, tenant or team. Real packs, real runner.

use std::path::PathBuf;

use greentic_operator::base::exit_code;
use serde_json::Value;

use crate::published_packs::published;
use crate::support::project::{Project, Run};

const TENANTS: [&str; 2] = ["acme", "beta"];

/// Two providers of the published shapes (`bot_token` a secret question, `TELEGRAM_BOT_TOKEN`
/// a requirement), both with a passing `remove` flow unless `failing_remove`, set up for two
/// tenants.
fn project(failing_remove: bool) -> Project {
    let p = Project::new();
    let telegram = published("messaging-telegram");
    let telegram = if failing_remove {
        telegram.failing("remove")
    } else {
        telegram.passing("remove")
    };
    p.pack("messaging", "telegram.gtpack", &telegram);
    p.pack(
        "messaging",
        "other.gtpack",
        &published("messaging-other").passing("remove"),
    );
    let answers = |token: &str| {
        format!(
            "public_base_url: https://bot.example\n  bot_token: {token}\n  default_chat_id: \"42\""
        )
    };
    for tenant in TENANTS {
        let file = format!("answers-{tenant}.yaml");
        let yaml = format!(
            "messaging-telegram:\n  {}\nmessaging-other:\n  {}\n",
            answers(&format!("111:{tenant}-telegram")),
            answers(&format!("222:{tenant}-other"))
        );
        p.file(&file, yaml.as_bytes());
        p.run(&[
            "dev",
            "setup",
            "messaging",
            "--tenant",
            tenant,
            "--answers",
            &file,
        ])
        .code(exit_code::SUCCESS);
    }
    p
}

/// Every key the store holds for `tenant`, as `provider/key`.
fn keys(p: &Project, tenant: &str) -> Vec<String> {
    let list = p
        .run(&[
            "dev", "secrets", "list", "--tenant", tenant, "--format", "json",
        ])
        .json();
    list["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            format!(
                "{}/{}",
                k["provider"].as_str().unwrap(),
                k["key"].as_str().unwrap()
            )
        })
        .collect()
}

fn answers_file(p: &Project, tenant: &str, provider: &str) -> PathBuf {
    p.state()
        .join("config/dev")
        .join(tenant)
        .join("_")
        .join(provider)
        .join("setup-answers.json")
}

fn remove(p: &Project, extra: &[&str]) -> Run {
    let mut args = vec![
        "dev",
        "remove",
        "messaging",
        "--provider",
        "telegram",
        "--tenant",
        "acme",
    ];
    args.extend_from_slice(extra);
    p.run(&args)
}

#[test]
fn remove_deletes_one_providers_data_in_one_tenant_and_nothing_else() {
    let p = project(false);
    let before_acme = keys(&p, "acme");
    let before_beta = keys(&p, "beta");
    assert!(
        before_acme
            .iter()
            .any(|k| k.starts_with("messaging_telegram/"))
    );
    let other_answers = std::fs::read(answers_file(&p, "acme", "messaging-other")).unwrap();

    let run = remove(&p, &["--yes", "--format", "json"]);
    let doc = run.code(exit_code::SUCCESS).json();
    assert_eq!(doc["results"][0]["flow"], "remove");
    assert_eq!(doc["results"][0]["outcome"]["status"], "passed");
    let removal = &doc["removals"][0];
    assert_eq!(removal["status"], "removed", "{doc:#}");
    let deleted: Vec<&str> = removal["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(
        deleted
            .iter()
            .all(|uri| uri.starts_with("secrets://dev/acme/_/messaging_telegram/")),
        "{deleted:?}"
    );
    assert!(!run.stdout.contains("111:acme-telegram"), "never a value");

    // acme's telegram keys and answers are gone; everything else reads back unchanged.
    let after_acme = keys(&p, "acme");
    assert!(
        after_acme
            .iter()
            .all(|k| !k.starts_with("messaging_telegram/"))
    );
    let others: Vec<&String> = before_acme
        .iter()
        .filter(|k| !k.starts_with("messaging_telegram/"))
        .collect();
    assert_eq!(after_acme.iter().collect::<Vec<_>>(), others);
    assert_eq!(keys(&p, "beta"), before_beta);
    assert!(!answers_file(&p, "acme", "messaging-telegram").exists());
    assert!(answers_file(&p, "beta", "messaging-telegram").exists());
    assert_eq!(
        std::fs::read(answers_file(&p, "acme", "messaging-other")).unwrap(),
        other_answers
    );
    assert_eq!(
        p.secret("secrets://dev/beta/_/messaging_telegram/bot_token")
            .as_deref(),
        Some("111:beta-telegram")
    );
    // Run history stays, the removal's own run included.
    let runs = p
        .run(&[
            "dev",
            "runs",
            "--provider",
            "telegram",
            "--tenant",
            "acme",
            "--format",
            "json",
        ])
        .json();
    let flows: Vec<&Value> = runs["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["flow"])
        .collect();
    assert_eq!(flows, ["remove", "setup_default"]);
}

#[test]
fn a_dry_run_lists_every_file_and_key_it_would_delete_and_deletes_nothing() {
    let p = project(false);
    let before = keys(&p, "acme");
    let run = remove(&p, &["--dry-run"]);
    run.code(exit_code::SUCCESS)
        .stdout_has("deletes for messaging-telegram:")
        .stdout_has(
            answers_file(&p, "acme", "messaging-telegram")
                .to_str()
                .unwrap(),
        )
        .stdout_has("secrets://dev/acme/_/messaging_telegram/bot_token")
        .stdout_has("secrets://dev/acme/_/messaging_telegram/telegram_bot_token");
    assert!(!run.stdout.contains("111:acme"), "never a value");
    let doc = remove(&p, &["--dry-run", "--format", "json"]).json();
    let stored = &doc["plan"]["packs"][0]["stored"];
    assert_eq!(stored["files"].as_array().unwrap().len(), 1, "{stored}");
    assert!(stored["secrets"].as_array().unwrap().len() >= 2, "{stored}");
    assert_eq!(keys(&p, "acme"), before);
    assert!(answers_file(&p, "acme", "messaging-telegram").exists());
}

#[test]
fn without_a_terminal_remove_needs_yes_and_without_a_tenant_it_needs_one() {
    let p = project(false);
    let before = keys(&p, "acme");
    remove(&p, &[])
        .code(exit_code::USAGE)
        .stderr_has("pass --yes");
    assert_eq!(keys(&p, "acme"), before);
    let runs = p.run(&["dev", "runs", "--format", "json"]).json();
    assert!(
        runs["runs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["flow"] != "remove"),
        "no remove flow ran"
    );
    p.run(&["dev", "remove", "messaging", "--dry-run"])
        .code(exit_code::USAGE)
        .stderr_has("dev remove needs --tenant");
}

#[test]
fn a_failing_remove_flow_keeps_the_data_unless_forced() {
    let p = project(true);
    let before = keys(&p, "acme");
    let run = remove(&p, &["--yes"]);
    run.code(exit_code::FAILURE)
        .stdout_has("KEPT")
        .stdout_has("pass --force");
    assert_eq!(keys(&p, "acme"), before);
    assert!(answers_file(&p, "acme", "messaging-telegram").exists());

    let forced = remove(&p, &["--yes", "--force", "--format", "json"]);
    let doc = forced.code(exit_code::FAILURE).json();
    assert_eq!(doc["removals"][0]["status"], "removed");
    assert!(
        keys(&p, "acme")
            .iter()
            .all(|k| !k.starts_with("messaging_telegram/"))
    );
    assert!(!answers_file(&p, "acme", "messaging-telegram").exists());
}

/// `messaging-alpha` and `messaging_alpha` are one provider in the secrets store: a second pack
/// whose id collides with a configured one is refused by every command that gathers packs, and
/// a removal of one never runs, so the other's keys stay.
#[test]
fn two_pack_ids_the_store_cannot_tell_apart_are_refused_and_nothing_is_deleted() {
    let p = Project::new();
    let pack = |id: &str| crate::support::packs::PackBuilder::new(id).passing("remove");
    p.pack("messaging", "alpha.gtpack", &pack("messaging-alpha"));
    let set = |provider: &str, key: &str| {
        p.run_with_stdin(
            &["dev", "secrets", "set", provider, key, "--tenant", "acme"],
            "value-of-alpha\n",
        )
    };
    set("messaging-alpha", "bot_token").code(exit_code::SUCCESS);
    const ALPHA_KEY: &str = "secrets://dev/acme/_/messaging_alpha/bot_token";
    assert!(p.secret(ALPHA_KEY).is_some());

    p.pack("messaging", "alpha2.gtpack", &pack("messaging_alpha"));
    let both = "packs providers/messaging/alpha.gtpack (id \"messaging-alpha\") and providers/messaging/alpha2.gtpack (id \"messaging_alpha\") share the secrets store's provider name messaging_alpha";
    set("messaging_alpha", "api_key")
        .code(exit_code::FAILURE)
        .stderr_has(both);
    p.run(&[
        "dev",
        "secrets",
        "delete",
        "messaging_alpha",
        "bot_token",
        "--tenant",
        "acme",
    ])
    .code(exit_code::FAILURE)
    .stderr_has(both);
    p.run(&["dev", "secrets", "list", "--tenant", "acme"])
        .code(exit_code::FAILURE)
        .stderr_has(both);

    let removal = p.run(&[
        "dev",
        "remove",
        "messaging",
        "--provider",
        "messaging_alpha",
        "--tenant",
        "acme",
        "--yes",
    ]);
    removal.code(exit_code::FAILURE).stdout_has(
        "declares pack id \"messaging_alpha\", which the secrets store files as messaging_alpha, as it does alpha.gtpack's \"messaging-alpha\"",
    );
    assert!(
        !p.state().join("runs").exists(),
        "no flow may run: {}",
        removal.stdout
    );
    assert_eq!(p.secret(ALPHA_KEY).as_deref(), Some("value-of-alpha"));

    p.run(&["dev", "doctor", "messaging"])
        .code(exit_code::FAILURE)
        .stdout_has("which the secrets store files as messaging_alpha");
}

/// The same collision across domains: `dev remove messaging` plans only messaging's packs, yet
/// the events pack `Messaging.Alpha` keeps its secrets under the same provider name. The
/// removal is refused and the key stays, as `dev remove all` refuses it.
#[test]
fn a_removal_of_one_domain_is_refused_when_another_domains_pack_shares_its_store_name() {
    let p = Project::new();
    let pack = |id: &str| crate::support::packs::PackBuilder::new(id).passing("remove");
    p.pack("messaging", "alpha.gtpack", &pack("messaging-alpha"));
    p.run_with_stdin(
        &[
            "dev",
            "secrets",
            "set",
            "messaging-alpha",
            "bot_token",
            "--tenant",
            "acme",
        ],
        "value-of-alpha\n",
    )
    .code(exit_code::SUCCESS);
    const ALPHA_KEY: &str = "secrets://dev/acme/_/messaging_alpha/bot_token";
    p.pack("events", "alpha.gtpack", &pack("Messaging.Alpha"));

    let removal = p.run(&["dev", "remove", "messaging", "--tenant", "acme", "--yes"]);
    removal.code(exit_code::FAILURE).stdout_has(
        "declares pack id \"messaging-alpha\", which the secrets store files as messaging_alpha, as it does events/alpha.gtpack's \"Messaging.Alpha\"",
    );
    assert!(
        !p.state().join("runs").exists(),
        "no flow may run: {}",
        removal.stdout
    );
    assert_eq!(p.secret(ALPHA_KEY).as_deref(), Some("value-of-alpha"));
}
