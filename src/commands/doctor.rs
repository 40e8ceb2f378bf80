//! `dev doctor [<domain>|all]`: examine the project (never writing it) and render the findings;
//! exit 1 when any is an error.

use crate::base::exit_code;
use crate::cli::request::DoctorRequest;
use crate::doctor::{DoctorSettings, Severity, examine};
use crate::report::doctor as render;
use crate::setup::tunnel::resolve_public_base_url;
use crate::state::component_cache::CacheLocation;
use crate::state::secrets::SecretScope;
use crate::state::state_layout::StateLayout;

pub fn run(request: &DoctorRequest) -> u8 {
    let layout = StateLayout::new(&request.state_dir);
    let public_base_url = resolve_public_base_url(
        request.public_base_url.as_deref(),
        &layout,
        request.tenant.as_deref(),
        request.team.as_deref(),
    )
    .map(|(url, _)| url);
    let settings = DoctorSettings {
        project_root: request.project_root.clone(),
        state_dir: request.state_dir.clone(),
        domains: request.domains.clone(),
        scope: request.tenant.as_ref().map(|tenant| SecretScope {
            env: request.env.clone(),
            tenant: tenant.clone(),
            team: request.team.clone(),
        }),
        public_base_url,
        providers: request.providers.clone(),
        cache: CacheLocation::from_env(),
    };
    let diagnosis = match examine(&settings) {
        Ok(diagnosis) => diagnosis,
        Err(unmatched) => {
            return crate::report::usage_error(request.format, &unmatched.to_string());
        }
    };
    let code = if diagnosis.count(Severity::Error) > 0 {
        exit_code::FAILURE
    } else {
        exit_code::SUCCESS
    };
    render::diagnosis(&diagnosis, request, code);
    code
}
