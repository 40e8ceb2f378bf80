//! `dev secrets`: set (piped or prompted), list with the requirements each key meets, delete;
//! a setup finds what was set; no value in any output.

use greentic_operator::base::exit_code;

use crate::published_packs::telegram;
use crate::support::project::{Project, files_under};
use crate::support::terminal::Terminal;

const TOKEN: &str = "111:secret-set-by-hand";
const REQUIREMENT_URI: &str = "secrets://dev/acme/_/messaging_telegram/telegram_bot_token";

fn project() -> Project {
    let p = Project::new();
    p.pack("messaging", "telegram.gtpack", &telegram());
    p
}

#[test]
fn a_piped_secret_is_listed_with_what_it_meets_and_setup_finds_it() {
    let p = project();
    let set = p.run_with_stdin(
        &[
            "dev",
            "secrets",
            "set",
            "messaging-telegram",
            "TELEGRAM_BOT_TOKEN",
            "--tenant",
            "acme",
        ],
        &format!("{TOKEN}\n"),
    );
    set.code(exit_code::SUCCESS)
        .stdout_has(&format!("stored {REQUIREMENT_URI} (read back)"));
    assert_eq!(
        p.secret(REQUIREMENT_URI).as_deref(),
        Some(TOKEN),
        "the newline is not part of it"
    );

    let list = p.run(&["dev", "secrets", "list", "--tenant", "acme"]);
    list.code(exit_code::SUCCESS).stdout_has(
        "messaging_telegram  telegram_bot_token  messaging-telegram TELEGRAM_BOT_TOKEN",
    );
    let json = p
        .run(&[
            "dev", "secrets", "list", "--tenant", "acme", "--format", "json",
        ])
        .json();
    assert_eq!(
        json["keys"][0]["meets"][0],
        "messaging-telegram TELEGRAM_BOT_TOKEN"
    );
    assert_eq!(json["missing"].as_array().unwrap().len(), 0);

    p.file(
        "a.yaml",
        b"messaging-telegram:\n  public_base_url: https://bot.example\n",
    );
    let setup = p.run(&[
        "dev",
        "setup",
        "messaging",
        "--tenant",
        "acme",
        "--non-interactive",
        "--answers",
        "a.yaml",
    ]);
    setup
        .code(exit_code::SUCCESS)
        .stdout_has("bot_token (secret for TELEGRAM_BOT_TOKEN, secretsstore)");
    for run in [&set, &list, &setup] {
        assert!(!run.stdout.contains(TOKEN) && !run.stderr.contains(TOKEN));
    }
    for file in files_under(&p.state()) {
        let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
        assert!(!text.contains(TOKEN), "{} holds the secret", file.display());
    }
}

#[test]
fn a_secret_typed_at_the_prompt_is_hidden_and_stored() {
    let p = project();
    let args = [
        "dev",
        "secrets",
        "set",
        "messaging-telegram",
        "bot_token",
        "--tenant",
        "acme",
    ];
    let mut term = Terminal::start(&p, &args);
    term.answer(
        "value for secrets://dev/acme/_/messaging_telegram/bot_token",
        TOKEN,
    );
    let (code, screen) = term.finish();
    assert_eq!(code, i32::from(exit_code::SUCCESS), "{screen}");
    assert!(!screen.contains(TOKEN), "the value was echoed:\n{screen}");
    assert_eq!(
        p.secret("secrets://dev/acme/_/messaging_telegram/bot_token")
            .as_deref(),
        Some(TOKEN)
    );
}

#[test]
fn a_deleted_secret_is_gone_and_listed_as_missing() {
    let p = project();
    let set = [
        "dev",
        "secrets",
        "set",
        "messaging-telegram",
        "bot_token",
        "--tenant",
        "acme",
    ];
    p.run_with_stdin(&set, TOKEN).code(exit_code::SUCCESS);
    let delete = [
        "dev",
        "secrets",
        "delete",
        "messaging-telegram",
        "bot_token",
        "--tenant",
        "acme",
    ];
    p.run(&delete)
        .code(exit_code::SUCCESS)
        .stdout_has("deleted secrets://dev/acme/_/messaging_telegram/bot_token");
    assert_eq!(
        p.secret("secrets://dev/acme/_/messaging_telegram/bot_token"),
        None
    );
    p.run(&["dev", "secrets", "list", "--tenant", "acme"])
        .code(exit_code::SUCCESS)
        .stdout_has("no keys stored")
        .stdout_has("missing: messaging-telegram TELEGRAM_BOT_TOKEN (required");
    p.run(&delete)
        .code(exit_code::FAILURE)
        .stderr_has("no secret secrets://dev/acme/_/messaging_telegram/bot_token in the store");
}

#[test]
fn secrets_need_a_tenant_and_a_value() {
    let p = project();
    p.run(&["dev", "secrets", "list"])
        .code(exit_code::USAGE)
        .stderr_has("--tenant is required");
    p.run_with_stdin(
        &[
            "dev",
            "secrets",
            "set",
            "messaging-telegram",
            "bot_token",
            "--tenant",
            "acme",
        ],
        "",
    )
    .code(exit_code::USAGE)
    .stderr_has("no value given");
}

const KEY_A: (&str, &str) = (
    "GREENTIC_DEV_MASTER_KEY",
    "key-a-0123456789abcdef0123456789abcdef",
);
const KEY_B: (&str, &str) = (
    "GREENTIC_DEV_MASTER_KEY",
    "key-b-fedcba9876543210fedcba9876543210",
);
const SET: [&str; 7] = [
    "dev",
    "secrets",
    "set",
    "messaging-telegram",
    "bot_token",
    "--tenant",
    "acme",
];

#[test]
fn a_store_written_with_another_master_key_is_said_by_every_command_that_reads_it() {
    let p = project();
    p.run_env(&SET, &[KEY_A], Some(TOKEN))
        .code(exit_code::SUCCESS);
    let store = p.root().join(".greentic/dev/.dev.secrets.env");
    let before = std::fs::read(&store).unwrap();
    let wrong = "cannot be decrypted with the GREENTIC_DEV_MASTER_KEY set";
    let diagnostics = ["dev", "diagnostics", "messaging", "--tenant", "acme"];
    let setup = [
        "dev",
        "setup",
        "messaging",
        "--tenant",
        "acme",
        "--non-interactive",
    ];
    let list = ["dev", "secrets", "list", "--tenant", "acme"];
    // Another tenant has nothing stored yet: its first secret would still mix two keys.
    let other_tenant = [
        "dev",
        "secrets",
        "set",
        "messaging-telegram",
        "bot_token",
        "--tenant",
        "beta",
    ];
    for args in [
        &diagnostics[..],
        &setup[..],
        &list[..],
        &SET[..],
        &other_tenant[..],
    ] {
        let run = p.run_env(args, &[KEY_B], Some("other-value"));
        run.code(exit_code::FAILURE)
            .stderr_has(wrong)
            .stderr_has(&store.display().to_string());
        assert!(!run.stdout.contains("missing"), "{args:?} said missing");
    }
    assert_eq!(std::fs::read(&store).unwrap(), before, "nothing written");
    p.run_env(&diagnostics, &[], None)
        .code(exit_code::FAILURE)
        .stderr_has("the dev store's default key (GREENTIC_DEV_MASTER_KEY is unset)");
    p.run_env(
        &["dev", "doctor", "messaging", "--tenant", "acme"],
        &[KEY_B],
        None,
    )
    .code(exit_code::FAILURE)
    .stdout_has(wrong);
    p.run_env(&diagnostics, &[KEY_A], None)
        .code(exit_code::SUCCESS)
        .stdout_has("TELEGRAM_BOT_TOKEN present");
}

#[cfg(unix)]
#[test]
fn the_store_is_its_owners_only_after_set_and_setup_and_doctor_says_when_it_is_not() {
    use std::os::unix::fs::PermissionsExt;
    let p = project();
    let store = p.root().join(".greentic/dev/.dev.secrets.env");
    let dir = store.parent().unwrap().to_path_buf();
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    p.run_env(&SET, &[KEY_A], Some(TOKEN))
        .code(exit_code::SUCCESS);
    assert_eq!((mode(&store), mode(&dir)), (0o600, 0o700));

    // Loosened by hand: the doctor says so; the next write replaces the store (0600) but
    // leaves the folder as its owner set it: an existing folder is never changed.
    std::fs::set_permissions(&store, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let doctor = ["dev", "doctor", "messaging", "--tenant", "acme"];
    p.run_env(&doctor, &[KEY_A], None)
        .stdout_has("is mode 0644: other users on this machine can read the dev secrets store")
        .stdout_has("is mode 0755");
    p.file(
        "a.yaml",
        b"messaging-telegram:\n  public_base_url: https://bot.example\n",
    );
    p.run_env(
        &[
            "dev",
            "setup",
            "messaging",
            "--tenant",
            "acme",
            "--non-interactive",
            "--answers",
            "a.yaml",
        ],
        &[KEY_A],
        None,
    )
    .code(exit_code::SUCCESS);
    assert_eq!((mode(&store), mode(&dir)), (0o600, 0o755));
    let checked = p.run_env(&doctor, &[KEY_A], None);
    assert!(
        !checked.stdout.contains("is mode 0644"),
        "{}",
        checked.stdout
    );
    checked.stdout_has("is mode 0755");
    assert!(!checked.stdout.contains("is unset"), "{}", checked.stdout);
    p.run_env(&doctor, &[], None)
        .stdout_has("GREENTIC_DEV_MASTER_KEY is unset, so");
}

#[test]
fn set_and_delete_take_a_pack_by_its_file_stem_as_every_provider_flag_does() {
    let p = project();
    p.run_with_stdin(
        &[
            "dev",
            "secrets",
            "set",
            "telegram",
            "bot_token",
            "--tenant",
            "acme",
        ],
        TOKEN,
    )
    .code(exit_code::SUCCESS)
    .stdout_has("stored secrets://dev/acme/_/messaging_telegram/bot_token");
    assert_eq!(
        p.secret("secrets://dev/acme/_/messaging_telegram/bot_token")
            .as_deref(),
        Some(TOKEN)
    );
    p.run(&[
        "dev",
        "secrets",
        "delete",
        "telegram.gtpack",
        "bot_token",
        "--tenant",
        "acme",
    ])
    .code(exit_code::SUCCESS)
    .stdout_has("deleted secrets://dev/acme/_/messaging_telegram/bot_token");
    // A provider with no pack in the project is taken as typed.
    p.run_with_stdin(
        &[
            "dev",
            "secrets",
            "set",
            "messaging-elsewhere",
            "key",
            "--tenant",
            "acme",
        ],
        "v",
    )
    .code(exit_code::SUCCESS)
    .stdout_has("stored secrets://dev/acme/_/messaging_elsewhere/key");
}

#[cfg(unix)]
#[test]
fn a_store_in_a_folder_others_may_write_is_refused_and_the_folder_left_as_it_was() {
    use std::os::unix::fs::PermissionsExt;
    let p = project();
    let shared = p.root().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let path = shared.join("dev.env");
    let env = [KEY_A, ("GREENTIC_DEV_SECRETS_PATH", path.to_str().unwrap())];
    let set = p.run_env(&SET, &env, Some(TOKEN));
    set.code(exit_code::FAILURE)
        .stderr_has(&format!(
            "refusing the dev secrets store {}: its folder {} is not private (it is writable \
             by every user (mode 1777))",
            path.display(),
            shared.display()
        ))
        .stderr_has("mkdir -m 700");
    let mode = std::fs::metadata(&shared).unwrap().permissions().mode() & 0o7777;
    assert_eq!(
        mode, 0o1777,
        "the shared folder keeps its mode and sticky bit"
    );
    assert!(!path.exists());
    let doctor = p.run_env(
        &["dev", "doctor", "messaging", "--tenant", "acme"],
        &env,
        None,
    );
    doctor.stdout_has("refusing the dev secrets store");

    // The same store in a folder of its own, made for it, is taken.
    let own = shared.join("mine/dev.env");
    let env = [KEY_A, ("GREENTIC_DEV_SECRETS_PATH", own.to_str().unwrap())];
    p.run_env(&SET, &env, Some(TOKEN)).code(exit_code::SUCCESS);
    let own_dir = std::fs::metadata(own.parent().unwrap()).unwrap();
    assert_eq!(own_dir.permissions().mode() & 0o777, 0o700);
    assert_eq!(
        std::fs::metadata(&shared).unwrap().permissions().mode() & 0o7777,
        0o1777
    );
}

#[test]
fn a_bare_relative_store_path_is_a_file_in_the_current_folder() {
    let p = project();
    let env = [KEY_A, ("GREENTIC_DEV_SECRETS_PATH", "rel.env")];
    p.run_env(&SET, &env, Some(TOKEN))
        .code(exit_code::SUCCESS)
        .stdout_has("stored secrets://dev/acme/_/messaging_telegram/bot_token");
    assert!(p.root().join("rel.env").is_file());
    p.run_env(&["dev", "secrets", "list", "--tenant", "acme"], &env, None)
        .code(exit_code::SUCCESS)
        .stdout_has("bot_token");
}

#[test]
fn list_of_a_domain_matches_provider_against_every_key_of_the_store() {
    let p = project();
    p.run_with_stdin(
        &[
            "dev",
            "secrets",
            "set",
            "telegram-legacy",
            "bot_token",
            "--tenant",
            "acme",
        ],
        "v4lue",
    )
    .code(exit_code::SUCCESS)
    .stdout_has("secrets://dev/acme/_/telegram_legacy/bot_token");
    let listed = p.run(&[
        "dev",
        "secrets",
        "list",
        "messaging",
        "--provider",
        "telegram-legacy",
        "--tenant",
        "acme",
    ]);
    listed
        .code(exit_code::SUCCESS)
        .stdout_has("telegram_legacy")
        .stdout_has("bot_token");
    // Without --provider, a domain lists only its packs' providers.
    let domain = p.run(&["dev", "secrets", "list", "messaging", "--tenant", "acme"]);
    assert!(
        !domain.stdout.contains("telegram_legacy"),
        "{}",
        domain.stdout
    );
}

#[test]
fn list_refuses_a_provider_named_by_no_pack_and_no_key_naming_both() {
    let args = |line: &'static str| line.split(' ').collect::<Vec<_>>();
    let p = project();
    p.run_with_stdin(
        &args("dev secrets set telegram bot_token --tenant acme"),
        "v4lue",
    )
    .code(exit_code::SUCCESS);
    let empty = Project::new();
    for (project, packs, providers) in [
        (&p, "messaging-telegram", "messaging_telegram"),
        (&empty, "none", "none"),
    ] {
        project
            .run(&args("dev secrets list --provider nope --tenant acme"))
            .code(exit_code::USAGE)
            .stderr_has(&format!(
                "--provider nope matches no pack of the project and no provider of the store; \
                 packs: {packs}; providers with keys: {providers}"
            ));
    }
}

#[test]
fn set_refuses_a_name_that_packs_of_two_domains_answer_to() {
    let p = Project::new();
    let pack = |id: &str| crate::support::packs::PackBuilder::new(id).passing("setup_default");
    p.pack("messaging", "hook.gtpack", &pack("messaging-hook"));
    p.pack("events", "hook.gtpack", &pack("events-hook"));
    p.run_with_stdin(
        &["dev", "secrets", "set", "hook", "token", "--tenant", "acme"],
        "v4lue",
    )
    .code(exit_code::USAGE)
    .stderr_has(
        "hook names 2 packs of the project (events-hook, messaging-hook): give the pack id",
    );
    assert!(
        !p.root().join(".greentic/dev").exists()
            || p.secret("secrets://dev/acme/_/hook/token").is_none()
    );
    p.run_with_stdin(
        &[
            "dev",
            "secrets",
            "set",
            "events-hook",
            "token",
            "--tenant",
            "acme",
        ],
        "v4lue",
    )
    .code(exit_code::SUCCESS);
}
