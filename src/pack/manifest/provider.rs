//! The provider contract a pack declares (`greentic.provider-extension.v1`): each provider's
//! type, its operations, its config schema (read from the archive in the manifest's pass) and
//! the component that implements it.

use std::io::{self, Read};

use greentic_types::pack_manifest::ExtensionInline;
use greentic_types::provider::{PROVIDER_EXTENSION_ID, ProviderExtensionInline};
use zip::ZipArchive;

use super::MAX_SETUP_ENTRY_BYTES;

/// The operation that lists a provider's setup questions for a mode.
pub const QA_SPEC_OP: &str = "qa-spec";
/// The operation that turns answers into the provider's configuration.
pub const APPLY_ANSWERS_OP: &str = "apply-answers";
/// The operation that gives a provider's texts for one locale.
pub const I18N_BUNDLE_OP: &str = "i18n-bundle";

/// One provider a pack declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderContract {
    /// `messaging.webchat-gui`, `messaging.telegram.bot`...
    pub provider_type: String,
    pub ops: Vec<String>,
    /// The JSON Schema of its configuration, as the extension names it.
    pub config_schema_ref: String,
    pub runtime: ProviderRuntime,
    /// The schema file, looked up as named and under `assets/`.
    pub config_schema: SchemaFile,
}

/// The component implementing a provider, and the world it declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderRuntime {
    pub component_ref: String,
    pub export: String,
    pub world: String,
}

/// What the archive holds at a provider's `config_schema_ref`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SchemaFile {
    /// The entry found and its text.
    Found { entry: String, text: String },
    /// No entry of these names.
    Missing { looked: Vec<String> },
    /// The entry exists but cannot be read as text (too big, not UTF-8, broken).
    Unreadable { entry: String, reason: String },
    /// Not looked up (a pack whose schema entries were not read).
    #[default]
    NotRead,
}

impl ProviderContract {
    pub fn declares_op(&self, op: &str) -> bool {
        self.ops.iter().any(|o| o == op)
    }
}

/// The providers of a decoded manifest's extension; none when it declares no extension.
pub(super) fn declared_providers(manifest: &greentic_types::PackManifest) -> Vec<ProviderContract> {
    let inline = manifest
        .extensions
        .as_ref()
        .and_then(|extensions| extensions.get(PROVIDER_EXTENSION_ID))
        .and_then(|extension| extension.inline.as_ref());
    // greentic-types decodes the payload untagged: a payload with a field it does not know
    // lands in `Other`, and is read here with its forward-compatible parser.
    let parsed = match inline {
        Some(ExtensionInline::Provider(payload)) => Some(payload.clone()),
        Some(ExtensionInline::Other(value)) => {
            serde_json::from_value::<ProviderExtensionInline>(value.clone()).ok()
        }
        None => None,
    };
    parsed
        .map(|payload| payload.providers)
        .unwrap_or_default()
        .into_iter()
        .map(|decl| ProviderContract {
            provider_type: decl.provider_type,
            ops: decl.ops,
            config_schema_ref: decl.config_schema_ref,
            runtime: ProviderRuntime {
                component_ref: decl.runtime.component_ref,
                export: decl.runtime.export,
                world: decl.runtime.world,
            },
            config_schema: SchemaFile::NotRead,
        })
        .collect()
}

/// The entries a schema reference may name: as written, then under `assets/` (where
/// greentic-pack also copies it).
pub fn schema_entries(reference: &str) -> Vec<String> {
    let name = reference.trim_start_matches("./").trim_start_matches('/');
    let mut names = vec![name.to_string()];
    if !name.starts_with("assets/") {
        names.push(format!("assets/{name}"));
    }
    names
}

/// Reads each provider's schema file from the archive.
pub(super) fn read_schemas<R: Read + io::Seek>(
    archive: &mut ZipArchive<R>,
    providers: &mut [ProviderContract],
) {
    for provider in providers {
        provider.config_schema = read_schema(archive, &provider.config_schema_ref);
    }
}

fn read_schema<R: Read + io::Seek>(archive: &mut ZipArchive<R>, reference: &str) -> SchemaFile {
    let looked = schema_entries(reference);
    let Some(entry) = looked
        .iter()
        .find(|name| archive.index_for_name(name).is_some())
        .cloned()
    else {
        return SchemaFile::Missing { looked };
    };
    let unreadable = |reason: String| SchemaFile::Unreadable {
        entry: entry.clone(),
        reason,
    };
    let file = match archive.by_name(&entry) {
        Ok(file) => file,
        Err(err) => return unreadable(err.to_string()),
    };
    if file.size() > MAX_SETUP_ENTRY_BYTES {
        return unreadable(format!(
            "it is {} bytes; at most {MAX_SETUP_ENTRY_BYTES} are read",
            file.size()
        ));
    }
    let mut text = String::new();
    match file.take(MAX_SETUP_ENTRY_BYTES).read_to_string(&mut text) {
        Ok(_) => SchemaFile::Found { entry, text },
        Err(err) => unreadable(err.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schema_is_looked_for_as_named_and_under_assets() {
        assert_eq!(
            schema_entries("schemas/messaging/x/public.config.schema.json"),
            [
                "schemas/messaging/x/public.config.schema.json",
                "assets/schemas/messaging/x/public.config.schema.json"
            ]
        );
        assert_eq!(schema_entries("assets/a.json"), ["assets/a.json"]);
    }
}
