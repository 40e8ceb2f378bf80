//! Fuzzes the pack manifest reader with arbitrary bytes as a `.gtpack`: it must return an
//! error or a manifest, never panic, hang or exhaust memory.
#![no_main]

#[path = "../../src/manifest.rs"]
#[allow(dead_code)]
mod manifest;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = manifest::read_pack_info_from(std::io::Cursor::new(data));
});
