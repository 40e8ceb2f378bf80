//! The setup entries a pack may carry beside its manifest (`setup.yaml`,
//! `secret-requirements.json`, the requirements fixture): where each is looked for, unparsed.

/// The text of one entry of a pack, with the entry's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackText {
    pub entry: &'static str,
    pub text: String,
}

/// The setup entries a pack may hold, unparsed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SetupEntries {
    /// The first of [`SETUP_SPEC_ENTRIES`] present.
    pub setup_spec: Option<PackText>,
    /// The first of [`SECRET_REQUIREMENTS_ENTRIES`] present.
    pub secret_requirements: Option<PackText>,
    /// The first of [`REQUIREMENTS_FIXTURE_ENTRIES`] present: what the pack's author expects
    /// setup to require (Greentic's conformance fixture).
    pub requirements_fixture: Option<PackText>,
}

/// Where a pack's setup questions live, in the order greentic-setup looks.
pub const SETUP_SPEC_ENTRIES: [&str; 2] = ["assets/setup.yaml", "setup.yaml"];
/// Where a pack's secret requirements file lives, in the order greentic-setup looks.
pub const SECRET_REQUIREMENTS_ENTRIES: [&str; 4] = [
    "assets/secret-requirements.json",
    "assets/secret_requirements.json",
    "secret-requirements.json",
    "secret_requirements.json",
];
/// Where a pack carries its own requirements fixture, as Greentic's packs do.
pub const REQUIREMENTS_FIXTURE_ENTRIES: [&str; 2] = [
    "assets/fixtures/requirements.expected.json",
    "fixtures/requirements.expected.json",
];
/// Largest setup entry read: real ones are a few kilobytes.
pub const MAX_SETUP_ENTRY_BYTES: u64 = 1024 * 1024;
