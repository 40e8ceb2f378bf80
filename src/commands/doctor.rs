//! `dev doctor [<domain>|all]`: examine the project (never writing it) and render the findings;
//! exit 1 when any is an error.

use crate::base::command_line::CommandScope;
use crate::base::exit_code;
use crate::cli::request::DoctorRequest;
use crate::doctor::{DoctorSettings, PublicUrl, Severity, examine};
use crate::report::doctor as render;
use crate::setup::answers::AnswerSource;
use crate::setup::tunnel::{every_tunnel_url, resolve_public_base_url};
use crate::state::component_cache::CacheLocation;
use crate::state::secrets::SecretScope;
use crate::state::state_layout::StateLayout;

/// The URL a setup in the doctor's scope would use; without a tenant (and no flag), every
/// tunnel file there is, since any of them may be.
fn public_urls(request: &DoctorRequest, layout: &StateLayout) -> Vec<PublicUrl> {
    let tenant = request.tenant.as_deref();
    if request.public_base_url.is_some() || tenant.is_some() {
        let resolved = resolve_public_base_url(
            request.public_base_url.as_deref(),
            layout,
            tenant,
            request.team.as_deref(),
        );
        let tunnel = tenant.map(|t| layout.public_base_url_file(t, request.team.as_deref()));
        return resolved
            .map(|(url, source)| PublicUrl {
                url,
                from: match (source, tunnel) {
                    (AnswerSource::TunnelFile, Some(file)) => file.display().to_string(),
                    _ => "--public-base-url".to_string(),
                },
                in_scope: true,
            })
            .into_iter()
            .collect();
    }
    every_tunnel_url(layout)
        .into_iter()
        .map(|(file, url)| PublicUrl {
            url,
            from: file.display().to_string(),
            in_scope: false,
        })
        .collect()
}

pub fn run(request: &DoctorRequest) -> u8 {
    let layout = StateLayout::new(&request.state_dir);
    let public_base_urls = public_urls(request, &layout);
    let settings = DoctorSettings {
        project_root: request.project_root.clone(),
        state_dir: request.state_dir.clone(),
        domains: request.domains.clone(),
        scope: request.tenant.as_ref().map(|tenant| SecretScope {
            env: request.env.clone(),
            tenant: tenant.clone(),
            team: request.team.clone(),
        }),
        public_base_urls,
        providers: request.providers.clone(),
        command_scope: CommandScope::new(
            request.tenant.as_deref(),
            request.team.as_deref(),
            &request.env,
            &request.project_root,
            &request.state_dir,
        ),
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
