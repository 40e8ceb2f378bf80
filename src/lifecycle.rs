//! One lifecycle command from request to exit code: discover, read manifests, plan, run, report.

use crate::domains::discover;
use crate::execute::{ExecSettings, execute};
use crate::exit_code;
use crate::input::{FlowContext, resolve_public_base_url};
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
    use_component_cache(&layout);
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
    };
    let execution = execute(&plan, &settings, |event| reporter.event(&event));
    let code = if execution.stats.all_passed() {
        exit_code::SUCCESS
    } else {
        exit_code::FAILURE
    };
    reporter.finish(&plan, Some(&execution), code);
    code
}

/// Points the runner's compiled-component cache into the state folder instead of the
/// current folder, unless the user chose a place with `GREENTIC_CACHE_DIR`.
fn use_component_cache(layout: &StateLayout) {
    if std::env::var_os("GREENTIC_CACHE_DIR").is_none() {
        // SAFETY: called before any flow runs, while this is the only thread of the process
        // (the runner reads the variable only when a run builds its cache configuration).
        unsafe { std::env::set_var("GREENTIC_CACHE_DIR", layout.component_cache()) };
    }
}
