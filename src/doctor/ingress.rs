//! A pack's webhook ingress (`messaging.provider_ingress.v1`): its component is called by a
//! host serving webhooks, by the one function the extension names (`export`, e.g.
//! `handle-webhook`), never as a flow node; so it is judged by that declaration. The operator
//! serves no webhooks: a component lacking the function is a warning, not an error.

use std::io::{Read, Seek};

use zip::ZipArchive;

use super::{Finding, Severity};
use crate::pack::manifest::{
    INGRESS_EXTENSION, IngressDeclaration, PackInfo, exported_functions_in,
};

/// What the component of `ingress` exports, judged by the function its declaration names.
pub(super) fn finding<R: Read + Seek>(
    archive: &mut ZipArchive<R>,
    ingress: &IngressDeclaration,
) -> Finding {
    let id = &ingress.component_ref;
    let who = format!(
        "component {id} (the webhook ingress {INGRESS_EXTENSION} declares, world {})",
        ingress.world
    );
    let functions = match exported_functions_in(archive, id) {
        Ok(functions) => functions,
        Err(err) => {
            return Finding::new(Severity::Warning, format!("{who}: {err}"))
                .fix("rebuild the pack with its ingress component");
        }
    };
    let wanted = &ingress.export;
    let found = functions.iter().find(|f| {
        let name = f.rsplit_once('#').map_or(f.as_str(), |(_, name)| name);
        name == wanted
    });
    match found {
        Some(function) => Finding::new(
            Severity::Info,
            format!(
                "{who} exports {function}, the function a webhook host calls (this operator \
                 serves no webhooks and never runs it as a flow node)"
            ),
        ),
        None => Finding::new(
            Severity::Warning,
            format!(
                "{who} does not export {wanted} (it exports {}): a host serving webhooks cannot \
                 call it",
                if functions.is_empty() {
                    "no function".to_string()
                } else {
                    functions.join(", ")
                }
            ),
        )
        .fix("rebuild the pack with the provider's real ingress component"),
    }
}

/// An ingress naming a component the pack does not list: a webhook host would find nothing.
pub(super) fn unlisted(info: &PackInfo) -> Vec<Finding> {
    info.ingress
        .iter()
        .filter(|ingress| info.component_world(&ingress.component_ref).is_none())
        .map(|ingress| {
            Finding::new(
                Severity::Warning,
                format!(
                    "its webhook ingress ({INGRESS_EXTENSION}) names component {}, which the \
                     pack does not list: a host serving webhooks cannot call it",
                    ingress.component_ref
                ),
            )
            .fix("rebuild the pack with its ingress component")
        })
        .collect()
}

/// The ingress `id` is the component of, when no flow node calls it and no provider runs
/// on it (a provider's runtime is judged by its contract, a node by the runner).
pub(super) fn declared_for<'a>(
    ingress: &'a [IngressDeclaration],
    id: &str,
) -> Option<&'a IngressDeclaration> {
    ingress.iter().find(|i| i.component_ref == id)
}
