//! The domain table (which folder, which lifecycle flows, what a missing setup means) and pack discovery.

mod discovery;

pub use discovery::{Discovery, DiscoveryError, NotAPack, discover};

use serde::Serialize;
use std::fmt;

/// A provider domain the operator knows. Adding one is a row in [`TABLE`] and a variant here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Domain {
    Messaging,
    Events,
    Secrets,
}

/// A lifecycle step: one `dev` subcommand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Setup,
    Diagnostics,
    Verify,
    /// `dev sync-subscriptions`: each pack's `sync_subscriptions` flow.
    SyncSubscriptions,
    /// `dev remove`: each pack's `remove` flow, then what the operator keeps for it.
    Remove,
    /// `dev update`: the answers changed from what is stored, then each pack's `update` flow.
    Update,
    /// `dev requirements`: what each provider needs, from its pack; its `requirements` flow
    /// where it declares one.
    Requirements,
}

/// What the plan does when a pack lacks the domain's setup flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingSetup {
    /// The pack is in error (unless `--allow-missing-setup`).
    Fails,
    /// The flow is skipped with a warning, like a missing diagnostics flow.
    Skips,
}

/// One row of the domain table.
#[derive(Debug)]
pub struct DomainSpec {
    pub domain: Domain,
    /// Folder under the project root holding the domain's `*.gtpack` files.
    pub providers_dir: &'static str,
    pub setup_flow: &'static str,
    pub diagnostics_flow: &'static str,
    pub verify_flows: &'static [&'static str],
    /// The flows `dev sync-subscriptions` runs (none for secrets providers).
    pub sync_flows: &'static [&'static str],
    pub missing_setup: MissingSetup,
    /// Whether the flows' input carries `public_base_url` (providers that receive webhooks).
    pub sends_public_base_url: bool,
}

/// The flow that syncs a provider's subscriptions (messaging and events).
const SYNC_SUBSCRIPTIONS: &str = "sync_subscriptions";

/// The flow `dev requirements` runs where a pack declares it.
const REQUIREMENTS: &str = "requirements";

/// The flow `dev update` runs with the changed answers.
const UPDATE: &str = "update";

/// The flow `dev remove` runs before deleting what the operator keeps for a provider.
const REMOVE: &str = "remove";

/// The setup flow `dev setup --custom` runs where a pack declares it (`setup_default`
/// elsewhere).
pub const SETUP_CUSTOM: &str = "setup_custom";

/// The whole table: the only place that knows how domains differ.
pub const TABLE: [DomainSpec; 3] = [
    DomainSpec {
        domain: Domain::Messaging,
        providers_dir: "providers/messaging",
        setup_flow: "setup_default",
        diagnostics_flow: "diagnostics",
        verify_flows: &["verify_webhooks"],
        sync_flows: &[SYNC_SUBSCRIPTIONS],
        missing_setup: MissingSetup::Fails,
        sends_public_base_url: true,
    },
    DomainSpec {
        domain: Domain::Events,
        providers_dir: "providers/events",
        setup_flow: "setup_default",
        diagnostics_flow: "diagnostics",
        verify_flows: &["verify_subscriptions"],
        sync_flows: &[SYNC_SUBSCRIPTIONS],
        missing_setup: MissingSetup::Fails,
        sends_public_base_url: true,
    },
    DomainSpec {
        domain: Domain::Secrets,
        providers_dir: "providers/secrets",
        setup_flow: "setup_default",
        diagnostics_flow: "diagnostics",
        verify_flows: &[],
        sync_flows: &[],
        missing_setup: MissingSetup::Skips,
        sends_public_base_url: false,
    },
];

impl Domain {
    pub const ALL: [Domain; 3] = [Domain::Messaging, Domain::Events, Domain::Secrets];

    /// This domain's row of [`TABLE`].
    pub fn spec(self) -> &'static DomainSpec {
        TABLE
            .iter()
            .find(|spec| spec.domain == self)
            .expect("every domain has a row in TABLE")
    }

    pub fn name(self) -> &'static str {
        match self {
            Domain::Messaging => "messaging",
            Domain::Events => "events",
            Domain::Secrets => "secrets",
        }
    }
}

/// The domains one command covers: one, or `all` of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domains {
    One(Domain),
    /// Secrets first (other providers read through secrets backends), then messaging, events.
    All,
}

impl Domains {
    /// In the order they are planned and run.
    pub const ALL_ORDER: [Domain; 3] = [Domain::Secrets, Domain::Messaging, Domain::Events];

    pub fn list(self) -> Vec<Domain> {
        match self {
            Domains::One(domain) => vec![domain],
            Domains::All => Self::ALL_ORDER.to_vec(),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Domains::One(domain) => domain.name(),
            Domains::All => "all",
        }
    }
}

impl fmt::Display for Domains {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Domains {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Action::Setup => "setup",
            Action::Diagnostics => "diagnostics",
            Action::Verify => "verify",
            Action::SyncSubscriptions => "sync-subscriptions",
            Action::Remove => "remove",
            Action::Update => "update",
            Action::Requirements => "requirements",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Action {
    /// Every lifecycle step, in the order the README lists them.
    pub const ALL: [Action; 7] = [
        Action::Requirements,
        Action::Setup,
        Action::Update,
        Action::Diagnostics,
        Action::Verify,
        Action::SyncSubscriptions,
        Action::Remove,
    ];

    /// Whether the step gathers setup answers (and keeps them once the provider accepts them).
    pub fn takes_answers(self) -> bool {
        matches!(self, Action::Setup | Action::Update)
    }

    /// Whether a provider's `apply-answers` can do the step of a pack that has no flow for it
    /// (in mode `setup`, `upgrade` or `remove`).
    pub fn contract_does_it(self) -> bool {
        matches!(self, Action::Setup | Action::Update | Action::Remove)
    }
}

/// Every lifecycle step name any action of any domain runs (`setup_default`, `diagnostics`,
/// `verify_webhooks`, ...), once each.
pub fn lifecycle_steps() -> Vec<&'static str> {
    let mut steps: Vec<&'static str> = TABLE
        .iter()
        .flat_map(|spec| {
            Action::ALL.into_iter().flat_map(move |action| {
                [false, true]
                    .into_iter()
                    .flat_map(move |custom| spec.wanted_flows(action, custom))
            })
        })
        .map(|wanted| wanted.flow)
        .collect();
    steps.sort_unstable();
    steps.dedup();
    steps
}

/// A lifecycle flow an action asks for, and whether lacking it is fatal for the pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WantedFlow {
    pub flow: &'static str,
    pub required: bool,
    /// The step that runs instead when the pack declares no flow for this one
    /// (`setup_custom` -> `setup_default`).
    pub fallback: Option<&'static str>,
}

impl DomainSpec {
    /// The flows `action` runs on each pack of this domain, in order; `custom` asks setup for
    /// `setup_custom` first.
    pub fn wanted_flows(&self, action: Action, custom: bool) -> Vec<WantedFlow> {
        let optional = |flow| WantedFlow {
            flow,
            required: false,
            fallback: None,
        };
        match action {
            Action::Setup => vec![WantedFlow {
                flow: if custom {
                    SETUP_CUSTOM
                } else {
                    self.setup_flow
                },
                required: self.missing_setup == MissingSetup::Fails,
                fallback: custom.then_some(self.setup_flow),
            }],
            Action::Diagnostics => vec![optional(self.diagnostics_flow)],
            Action::Verify => self.verify_flows.iter().map(|&f| optional(f)).collect(),
            Action::SyncSubscriptions => self.sync_flows.iter().map(|&f| optional(f)).collect(),
            Action::Remove => vec![optional(REMOVE)],
            Action::Update => vec![optional(UPDATE)],
            Action::Requirements => vec![optional(REQUIREMENTS)],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_domain_has_exactly_one_row() {
        for domain in Domain::ALL {
            assert_eq!(TABLE.iter().filter(|s| s.domain == domain).count(), 1);
            assert!(domain.spec().providers_dir.ends_with(domain.name()));
        }
    }

    #[test]
    fn verify_flows_follow_the_design() {
        let flows = |d: Domain| -> Vec<&str> {
            d.spec()
                .wanted_flows(Action::Verify, false)
                .iter()
                .map(|w| w.flow)
                .collect()
        };
        assert_eq!(flows(Domain::Messaging), ["verify_webhooks"]);
        assert_eq!(flows(Domain::Events), ["verify_subscriptions"]);
        assert!(flows(Domain::Secrets).is_empty());
    }

    #[test]
    fn only_secrets_tolerates_a_missing_setup_flow() {
        for domain in Domain::ALL {
            let setup = domain.spec().wanted_flows(Action::Setup, false);
            assert_eq!(setup[0].flow, "setup_default");
            assert_eq!(setup[0].required, domain != Domain::Secrets);
        }
    }
}
