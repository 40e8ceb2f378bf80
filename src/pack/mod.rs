//! Where a pack is read: the domain table and pack discovery ([`domains`]), each pack's
//! manifest and setup entries ([`manifest`]).
//!
//! Pure values: nothing here runs a flow, writes a file or asks a person. May use `base`.

pub mod domains;
pub mod manifest;
