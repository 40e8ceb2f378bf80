//! One lifecycle command from request to exit code: discover, read manifests, plan, gather
//! setup answers, run, report.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::time::Duration;

use crate::answers::load_answers_file;
use crate::device_code;
use crate::device_code::record::ActionRecord;
use crate::domains::{Action, discover};
use crate::execute::{ExecSettings, execute};
use crate::exit_code;
use crate::input::FlowContext;
use crate::interrupt::{self, PROCESS_INTERRUPT};
use crate::logins;
use crate::manifest::read_pack_info;
use crate::plan::{PlanOptions, ScannedPack, build_plan};
use crate::report;
use crate::request::Request;
use crate::secrets::{DevSecrets, SecretScope, store_path};
use crate::setup::{self, SetupSources};
use crate::state_layout::StateLayout;
use crate::tunnel::resolve_public_base_url;

/// Runs `request` and returns the exit code (see [`crate::exit_code`]).
pub fn run(request: Request) -> u8 {
    let mut reporter = report::for_format(request.format, request.color);
    if request.tenant.is_none() && !request.dry_run {
        reporter.usage_error(
            "--tenant is required to run flows (or set GREENTIC_TENANT); --dry-run works without it",
        );
        return exit_code::USAGE;
    }

    let discovery = match discover(&request.project_root, request.domain) {
        Ok(discovery) => discovery,
        Err(err) => {
            reporter.fatal(&err);
            return exit_code::FAILURE;
        }
    };
    let scanned = discovery
        .packs
        .iter()
        .map(|path| ScannedPack {
            path: path.clone(),
            manifest: read_pack_info(path).map_err(|err| err.to_string()),
        })
        .collect();
    let options = PlanOptions {
        providers: request.providers.clone(),
        allow_missing_setup: request.setup.allow_missing_setup,
    };
    let mut plan = match build_plan(
        request.domain,
        request.action,
        &discovery,
        scanned,
        &options,
    ) {
        Ok(plan) => plan,
        Err(unmatched) => {
            reporter.usage_error(&unmatched.to_string());
            return exit_code::USAGE;
        }
    };

    // Secrets and setup answers, read before the plan is shown so it can say what is missing.
    let layout = StateLayout::new(&request.state_dir);
    let scope = SecretScope {
        env: request.env.clone(),
        tenant: request.tenant.clone().unwrap_or_default(),
        team: request.team.clone(),
    };
    // Planning only reads a store that exists; a real run creates it (see below).
    let store_file = store_path(&request.project_root);
    let mut secrets = match DevSecrets::open(&store_file, false) {
        Ok(secrets) => secrets,
        Err(err) => {
            reporter.fatal(&err);
            return exit_code::FAILURE;
        }
    };
    let public_base_url = resolve_public_base_url(
        request.public_base_url.as_deref(),
        &layout,
        request.tenant.as_deref(),
        request.team.as_deref(),
    );
    let mut setups = BTreeMap::new();
    if request.tenant.is_some() && request.action == Action::Diagnostics {
        setup::check_secret_presence(&mut plan, secrets.as_ref(), &scope);
        logins::check_login_states(&mut plan, &layout, &scope);
    }
    if request.action == Action::Setup {
        logins::attach_metadata(&mut plan);
        let runnable: Vec<&str> = plan
            .packs
            .iter()
            .filter(|p| p.runs_anything())
            .filter_map(|p| p.info.as_ref().map(|i| i.pack_id.as_str()))
            .collect();
        let answers_file = match &request.setup.answers {
            Some(path) => match load_answers_file(path, &runnable) {
                Ok(file) => {
                    for unknown in file.unknown_providers(&runnable) {
                        reporter.warning(&format!(
                            "{} answers provider {unknown}, which is not in the plan",
                            path.display()
                        ));
                    }
                    Some(file)
                }
                Err(err) => {
                    reporter.usage_error(&err.to_string());
                    return exit_code::USAGE;
                }
            },
            None => None,
        };
        let interactive =
            !request.setup.non_interactive && !request.dry_run && std::io::stdin().is_terminal();
        setups = setup::prepare(
            &mut plan,
            &SetupSources {
                layout: &layout,
                secrets: secrets.as_ref(),
                scope: &scope,
                answers_file: answers_file.as_ref(),
                public_base_url: public_base_url.clone(),
                interactive,
            },
        );
    }
    reporter.plan(&plan, &request);
    // Flows always get the dev store as their secrets manager: the runner's default (process
    // environment variables) refuses every env but dev/test/local.
    if secrets.is_none() && !request.dry_run {
        secrets = match DevSecrets::open(&store_file, true) {
            Ok(secrets) => secrets,
            Err(err) => {
                reporter.fatal(&err);
                return exit_code::FAILURE;
            }
        };
    }

    let Some(tenant) = request.tenant.clone().filter(|_| !request.dry_run) else {
        let code = if plan.count_errors() == 0 {
            exit_code::SUCCESS
        } else {
            exit_code::FAILURE
        };
        reporter.finish(&plan, None, code);
        write_junit(&request, &plan, None, reporter.as_mut());
        return code;
    };

    configure_runner_env(&layout, &request);
    // After the environment is set: the handler runs on a thread of its own.
    if let Err(err) = interrupt::install_handler() {
        tracing::warn!("cannot handle Ctrl-C gracefully: {err}");
    }
    let settings = ExecSettings {
        layout,
        ctx: FlowContext {
            tenant,
            team: request.team.clone(),
            env: request.env.clone(),
            public_base_url: public_base_url.map(|(url, _)| url),
        },
        parallel: request.parallel,
        offline: !request.online,
        timeout: request.timeout,
        grace: request.grace_period,
        secrets,
        scope,
        setups,
    };
    let mut execution = execute(&plan, &settings, &PROCESS_INTERRUPT, |event| {
        reporter.event(&event)
    });
    if request.action == Action::Setup
        && let Some(secrets) = &settings.secrets
    {
        let actions = run_device_code_actions(
            &plan,
            &execution,
            &settings,
            &request,
            secrets,
            reporter.as_mut(),
        );
        execution.add_actions(actions, &PROCESS_INTERRUPT);
    }
    let code = if execution.stats.interrupted {
        exit_code::INTERRUPTED
    } else if execution.stats.all_passed() {
        exit_code::SUCCESS
    } else {
        exit_code::FAILURE
    };
    reporter.finish(&plan, Some(&execution), code);
    write_junit(&request, &plan, Some(&execution), reporter.as_mut());
    code
}

/// The device-code logins of `dev setup`, after every flow. Waiting for a person is bounded by
/// `--device-code-timeout`; without it, by the code's own expiry at a terminal, and by five
/// minutes where nobody may be watching (`--non-interactive`, CI, no terminal).
fn run_device_code_actions(
    plan: &crate::plan::Plan,
    execution: &crate::events::Execution,
    settings: &ExecSettings,
    request: &Request,
    secrets: &DevSecrets,
    reporter: &mut dyn report::Reporter,
) -> Vec<ActionRecord> {
    let watched = !request.setup.non_interactive
        && std::env::var_os("CI").is_none()
        && std::io::stdin().is_terminal()
        && std::io::stderr().is_terminal();
    let poll_limit = request
        .setup
        .device_code_timeout
        .or((!watched).then_some(UNWATCHED_LOGIN_WAIT));
    let action_settings = logins::ActionSettings {
        layout: &settings.layout,
        scope: &settings.scope,
        secrets,
        bundle_name: device_code::discovery::bundle_name(&request.project_root),
        interactive: watched,
        poll_limit,
        relogin: request.setup.relogin,
    };
    logins::run_actions(
        plan,
        execution,
        &settings.setups,
        &action_settings,
        &PROCESS_INTERRUPT,
        |event| reporter.event(&event),
    )
}

/// How long a device-code login is waited for when nobody may be watching.
const UNWATCHED_LOGIN_WAIT: Duration = Duration::from_secs(300);

fn write_junit(
    request: &Request,
    plan: &crate::plan::Plan,
    execution: Option<&crate::events::Execution>,
    reporter: &mut dyn report::Reporter,
) {
    if let Some(path) = &request.junit
        && let Err(err) = report::junit::write_junit(path, plan, execution)
    {
        reporter.warning(&format!(
            "failed to write the JUnit report {}: {err}",
            path.display()
        ));
    }
}

/// Settings the runner reads only from the environment, each left alone when the user set it:
/// the compiled-component cache goes into the state folder instead of the current folder; a
/// wasm call's deadline follows `--timeout`, so a flow abandoned as timed out stops soon after
/// instead of spinning on for the runner's default five minutes; and the runner's secret paths
/// use the same environment as the operator's (`--env`); and provider components may read
/// their secrets.
fn configure_runner_env(layout: &StateLayout, request: &Request) {
    let timeout: Duration = request.timeout;
    let settings = [
        (
            "GREENTIC_CACHE_DIR",
            layout.component_cache().into_os_string(),
        ),
        (
            "GREENTIC_WASM_MAX_EXEC_SECS",
            (timeout.as_secs() + 1).to_string().into(),
        ),
        ("GREENTIC_ENV", request.env.clone().into()),
        // The host refuses every secret read of a provider component in its default
        // "provider-core only" mode; providers set up here read their secrets from the dev
        // store (as greentic-setup lets them).
        ("GREENTIC_PROVIDER_CORE_ONLY", "0".into()),
    ];
    for (name, value) in settings {
        if std::env::var_os(name).is_none() {
            // SAFETY: called before any flow runs and before the signal handler's thread
            // starts, while this is the only thread of the process.
            unsafe { std::env::set_var(name, value) };
        }
    }
}
