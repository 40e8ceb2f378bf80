//! The provider contract of Greentic 1.2 (`greentic.provider-extension.v1`): a provider's own
//! questions (`qa-spec`), its verdict on the answers (`apply-answers`) and its config schema,
//! called in-process through greentic-runner-host ([`host`]).

pub mod apply;
pub mod cleanup;
pub mod fields;
pub mod host;
pub mod labels;
pub mod qa;
pub mod qa_read;
pub mod schema;
