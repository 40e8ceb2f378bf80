//! One lifecycle command from request to exit code: discover, read manifests, plan, run, report.

use std::time::Duration;

use crate::domains::discover;
use crate::execute::{ExecSettings, execute};
use crate::exit_code;
use crate::input::{FlowContext, resolve_public_base_url};
use crate::interrupt::{self, PROCESS_INTERRUPT};
use crate::manifest::read_pack_info;
use crate::plan::{PlanOptions, ScannedPack, build_plan};
use crate::report;
use crate::request::Request;
use crate::state_layout::StateLayout;

/// Runs `request` and returns the exit code (see [`crate::exit_code`]).
pub fn run(request: Request) -> u8 {
    let mut reporter = report::for_format(request.format);
    let tenant = match (&request.tenant, request.dry_run) {
        (Some(tenant), _) => Some(tenant.clone()),
        (None, true) => None,
        (None, false) => {
            reporter.usage_error(
                "--tenant is required to run flows (or set GREENTIC_TENANT); --dry-run works without it",
            );
            return exit_code::USAGE;
        }
    };

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
        allow_missing_setup: request.allow_missing_setup,
    };
    let plan = match build_plan(
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
    reporter.plan(&plan, &request);

    let Some(tenant) = tenant.filter(|_| !request.dry_run) else {
        let code = if plan.count_errors() == 0 {
            exit_code::SUCCESS
        } else {
            exit_code::FAILURE
        };
        reporter.finish(&plan, None, code);
        return code;
    };

    let layout = StateLayout::new(&request.state_dir);
    configure_runner_env(&layout, request.timeout);
    // After the environment is set: the handler runs on a thread of its own.
    if let Err(err) = interrupt::install_handler() {
        tracing::warn!("cannot handle Ctrl-C gracefully: {err}");
    }
    let public_base_url = resolve_public_base_url(
        request.public_base_url.as_deref(),
        &layout,
        &tenant,
        request.team.as_deref(),
    );
    let settings = ExecSettings {
        layout,
        ctx: FlowContext {
            tenant,
            team: request.team.clone(),
            env: request.env.clone(),
            public_base_url,
        },
        parallel: request.parallel,
        offline: !request.online,
        timeout: request.timeout,
        grace: request.grace_period,
    };
    let execution = execute(&plan, &settings, &PROCESS_INTERRUPT, |event| {
        reporter.event(&event)
    });
    let code = if execution.stats.interrupted {
        exit_code::INTERRUPTED
    } else if execution.stats.all_passed() {
        exit_code::SUCCESS
    } else {
        exit_code::FAILURE
    };
    reporter.finish(&plan, Some(&execution), code);
    code
}

/// Settings the runner reads only from the environment, each left alone when the user set it:
/// the compiled-component cache goes into the state folder instead of the current folder, and
/// a wasm call's deadline follows `--timeout`, so a flow abandoned as timed out stops soon
/// after instead of spinning on for the runner's default five minutes.
fn configure_runner_env(layout: &StateLayout, timeout: Duration) {
    let settings = [
        (
            "GREENTIC_CACHE_DIR",
            layout.component_cache().into_os_string(),
        ),
        (
            "GREENTIC_WASM_MAX_EXEC_SECS",
            (timeout.as_secs() + 1).to_string().into(),
        ),
    ];
    for (name, value) in settings {
        if std::env::var_os(name).is_none() {
            // SAFETY: called before any flow runs and before the signal handler's thread
            // starts, while this is the only thread of the process.
            unsafe { std::env::set_var(name, value) };
        }
    }
}
