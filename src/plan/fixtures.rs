//! Plans built by hand for unit tests of what consumes a plan (scheduling, reports): messaging
//! packs under `/p/providers/messaging`, no manifest behind them.

use super::{Disposition, FlowStep, PackError, Plan, PlanSection, PlannedPack};
use crate::pack::domains::{Action, Domain, Domains};

/// A messaging pack named `label` with `steps`, in error when `error` is given.
pub fn pack(label: &str, steps: &[(&str, Disposition)], error: Option<&str>) -> PlannedPack {
    PlannedPack {
        domain: Domain::Messaging,
        path: format!("/p/providers/messaging/{label}.gtpack").into(),
        file_name: format!("{label}.gtpack"),
        label: label.into(),
        info: None,
        steps: steps
            .iter()
            .map(|(flow, disposition)| FlowStep {
                flow: flow.to_string(),
                step: flow.to_string(),
                disposition: disposition.clone(),
                found: None,
            })
            .collect(),
        error: error.map(|e| PackError::Unreadable(e.into())),
        answers: Vec::new(),
        ignored_answers: Vec::new(),
        secrets: Vec::new(),
        device_code: None,
        login: None,
        contract: None,
        stored: None,
        needs: None,
    }
}

/// A `dev setup messaging` plan of `packs`.
pub fn setup_plan(packs: Vec<PlannedPack>) -> Plan {
    let dir = "/p/providers/messaging";
    Plan {
        domain: Domains::One(Domain::Messaging),
        action: Action::Setup,
        providers_dir: dir.into(),
        providers_dir_exists: true,
        sections: vec![PlanSection {
            domain: Domain::Messaging,
            providers_dir: dir.into(),
            providers_dir_exists: true,
        }],
        packs,
    }
}
