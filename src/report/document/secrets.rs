//! The documents of `dev secrets list | set | delete --format json`. Never a value.

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::Serialize;

use super::{DomainName, FormatVersion};
use crate::setup::secret_needs::{KeyRow, Listing, SecretNeed};

#[derive(Debug, Serialize, JsonSchema)]
pub struct ListDocument {
    pub format_version: FormatVersion,
    /// The store file.
    pub store: PathBuf,
    pub env: String,
    pub tenant: String,
    pub team: Option<String>,
    pub keys: Vec<KeyView>,
    /// Requirements of the project's packs that no stored key meets.
    pub missing: Vec<NeedView>,
}

/// One stored key and the pack requirements it meets.
#[derive(Debug, Serialize, JsonSchema)]
pub struct KeyView {
    /// The provider segment as the store spells it (`messaging_telegram`).
    pub provider: String,
    pub key: String,
    pub uri: String,
    /// `<pack id> <requirement>` for each requirement it meets.
    pub meets: Vec<String>,
}

impl From<&KeyRow> for KeyView {
    fn from(row: &KeyRow) -> Self {
        Self {
            provider: row.key.provider.clone(),
            key: row.key.key.clone(),
            uri: row.key.uri.clone(),
            meets: row.meets.clone(),
        }
    }
}

/// A secret a pack needs that the store lacks.
#[derive(Debug, Serialize, JsonSchema)]
pub struct NeedView {
    pub domain: DomainName,
    pub pack_id: String,
    pub pack_file: PathBuf,
    /// As the pack spells it (`TELEGRAM_BOT_TOKEN`).
    pub requirement: String,
    pub required: bool,
    /// The setup question asking for it under another name (`bot_token`).
    pub answered_by: Option<String>,
    /// The store keys that would meet it.
    pub keys: Vec<String>,
}

impl From<&SecretNeed> for NeedView {
    fn from(need: &SecretNeed) -> Self {
        Self {
            domain: need.domain.into(),
            pack_id: need.pack_id.clone(),
            pack_file: need.pack_file.clone(),
            requirement: need.requirement.clone(),
            required: need.required,
            answered_by: need.answered_by.clone(),
            keys: need.keys.clone(),
        }
    }
}

impl From<&Listing> for ListDocument {
    fn from(listing: &Listing) -> Self {
        Self {
            format_version: FormatVersion,
            store: listing.store.clone(),
            env: listing.scope.env.clone(),
            tenant: listing.scope.tenant.clone(),
            team: listing.scope.team.clone(),
            keys: listing.keys.iter().map(KeyView::from).collect(),
            missing: listing.missing.iter().map(NeedView::from).collect(),
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct StoredDocument {
    pub format_version: FormatVersion,
    /// The secret's URI (`secrets://<env>/<tenant>/<team>/<provider>/<key>`), read back.
    pub stored: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct DeletedDocument {
    pub format_version: FormatVersion,
    pub deleted: String,
}
