//! Which flow a pack runs for a lifecycle step: its flow hint, a flow of the step's name, a
//! flow whose entrypoint it is, or the step's name spelled with `-`.

use super::PackInfo;

/// How a lifecycle step found the pack's flow for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowMatch {
    /// A flow of the step's own name.
    Named,
    /// The flow the pack's flow hints name for the step.
    Hint,
    /// A flow listing the step's name among its entrypoints.
    Entrypoint,
    /// A flow of the step's name spelled with `-` (`setup-default`, as Greentic's February
    /// 2026 events packs spell it).
    Spelling,
}

impl FlowMatch {
    pub fn describe(self) -> &'static str {
        match self {
            FlowMatch::Named => "the step's own flow",
            FlowMatch::Hint => "named by the pack's flow hints",
            FlowMatch::Entrypoint => "the flow whose entrypoint it is",
            FlowMatch::Spelling => "the step's name as the pack spells it",
        }
    }
}

impl PackInfo {
    /// The flow that runs for lifecycle step `step` (`setup_default`, `update`, ...): the one
    /// the pack's flow hints name when it declares that flow, else the step's own name.
    pub fn flow_for<'a>(&'a self, step: &'a str) -> &'a str {
        self.find_flow(step).map_or(step, |(flow, _)| flow)
    }

    /// The flow the pack declares for lifecycle step `step`, and how it was found: its flow
    /// hint, a flow of the step's name, a flow whose entrypoint it is, or the step's name
    /// spelled with `-` (as greentic-operator 1.2.1 finds entry flows by id and entrypoint).
    pub fn find_flow<'a>(&'a self, step: &'a str) -> Option<(&'a str, FlowMatch)> {
        if let Some(flow) = self.flow_hints.get(step).filter(|f| self.declares(f)) {
            return Some((flow, FlowMatch::Hint));
        }
        if self.declares(step) {
            return Some((step, FlowMatch::Named));
        }
        if let Some(flow) = self.entrypoints.get(step).filter(|f| self.declares(f)) {
            return Some((flow, FlowMatch::Entrypoint));
        }
        let dashed = step.replace('_', "-");
        if dashed != step {
            if let Some(flow) = self.flows.iter().find(|f| **f == dashed) {
                return Some((flow, FlowMatch::Spelling));
            }
            if let Some(flow) = self.entrypoints.get(&dashed).filter(|f| self.declares(f)) {
                return Some((flow, FlowMatch::Spelling));
            }
        }
        None
    }
}
