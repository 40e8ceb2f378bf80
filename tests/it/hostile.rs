//! Hostile packs: each gets one line naming the file and the reason; the others still run.

use std::fs;
use std::io::{Cursor, Write};
use std::path::Path;

use greentic_operator::base::exit_code;

use crate::support::packs::{PackBuilder, zip_entries};
use crate::support::project::Project;

fn good() -> PackBuilder {
    PackBuilder::new("events-good").passing("setup_default")
}

/// The manifest of a broken pack: its own id, so no case is reported as a duplicate of another.
fn other() -> PackBuilder {
    PackBuilder::new("events-broken").passing("setup_default")
}

fn manifest_bytes(pack: &PackBuilder) -> Vec<u8> {
    greentic_types::encode_pack_manifest(&pack.manifest()).unwrap()
}

/// A pack whose encoded manifest was edited as a CBOR value by `edit`.
fn cbor_edited(edit: impl FnOnce(&mut Vec<(ciborium::Value, ciborium::Value)>)) -> Vec<u8> {
    let mut value: ciborium::Value = ciborium::from_reader(&manifest_bytes(&other())[..]).unwrap();
    edit(value.as_map_mut().expect("the manifest is a map"));
    let mut bytes = Vec::new();
    ciborium::into_writer(&value, &mut bytes).unwrap();
    zip_entries(&[("manifest.cbor".into(), bytes)])
}

fn set_field(map: &mut [(ciborium::Value, ciborium::Value)], key: &str, value: ciborium::Value) {
    let slot = map
        .iter_mut()
        .find(|(k, _)| k.as_text() == Some(key))
        .unwrap_or_else(|| panic!("no field {key}"));
    slot.1 = value;
}

/// Replaces every occurrence of `from` by `to` (same length) in `bytes`.
fn patched(mut bytes: Vec<u8>, from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let mut hits = 0;
    let mut i = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to);
            hits += 1;
        }
        i += 1;
    }
    assert!(hits > 0, "nothing to patch");
    bytes
}

fn with_manifest(extra: &[(&str, &[u8])]) -> Vec<u8> {
    let mut entries = vec![("manifest.cbor".to_string(), manifest_bytes(&other()))];
    entries.extend(extra.iter().map(|(n, b)| (n.to_string(), b.to_vec())));
    zip_entries(&entries)
}

fn symlink_entry() -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().unix_permissions(0o644);
    writer.start_file("manifest.cbor", options).unwrap();
    writer.write_all(&manifest_bytes(&other())).unwrap();
    writer
        .add_symlink("components/link.wasm", "/etc/passwd", options)
        .unwrap();
    writer.finish().unwrap().into_inner()
}

/// `bytes` (a zip archive) whose end record declares `count` entries, its central directory
/// left as it is: parsing that many records from it would fail, so only a count read before
/// the directory is parsed gives the count's refusal.
fn declaring(mut bytes: Vec<u8>, count: u16) -> Vec<u8> {
    let eocd = bytes.len() - 22;
    assert_eq!(&bytes[eocd..eocd + 4], b"PK\x05\x06");
    for field in [eocd + 8, eocd + 10] {
        bytes[field..field + 2].copy_from_slice(&count.to_le_bytes());
    }
    bytes
}

/// `bytes` (a zip archive) with a zip64 end record and locator declaring `total` entries,
/// the 32-bit counts saturated as a zip64 writer leaves them.
fn declaring_zip64(bytes: &[u8], total: u64) -> Vec<u8> {
    let eocd_at = bytes.len() - 22;
    let eocd = &bytes[eocd_at..];
    let word = |at: usize| u64::from(u32::from_le_bytes(eocd[at..at + 4].try_into().unwrap()));
    let mut out = bytes[..eocd_at].to_vec();
    out.extend_from_slice(b"PK\x06\x06");
    out.extend_from_slice(&44u64.to_le_bytes());
    out.extend_from_slice(&[45, 0, 45, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    out.extend_from_slice(&total.to_le_bytes());
    out.extend_from_slice(&total.to_le_bytes());
    out.extend_from_slice(&word(12).to_le_bytes());
    out.extend_from_slice(&word(16).to_le_bytes());
    out.extend_from_slice(b"PK\x06\x07");
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&(eocd_at as u64).to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes());
    let mut end = eocd.to_vec();
    end[8..12].copy_from_slice(&[0xFF; 4]);
    out.extend_from_slice(&end);
    out
}

/// (file name, bytes, the reason expected after the file's path).
fn corpus() -> Vec<(&'static str, Vec<u8>, String)> {
    let good_bytes = good().build();
    let not_zip = "is not a readable zip archive".to_string();
    let json = |doc: &str| zip_entries(&[("pack.manifest.json".into(), doc.as_bytes().to_vec())]);
    let many: Vec<(String, Vec<u8>)> =
        std::iter::once(("manifest.cbor".to_string(), manifest_bytes(&other())))
            .chain((0..10_000).map(|i| (format!("assets/{i}"), Vec::new())))
            .collect();
    let mut schema = other().manifest();
    schema.schema_version = "pack-v9".into();
    vec![
        ("empty.gtpack", Vec::new(), not_zip.clone()),
        (
            "truncated.gtpack",
            good_bytes[..good_bytes.len() / 2].to_vec(),
            not_zip.clone(),
        ),
        (
            "text.gtpack",
            b"definitely not a zip archive".to_vec(),
            not_zip.clone(),
        ),
        (
            "no-manifest.gtpack",
            zip_entries(&[("README.md".into(), b"hi".to_vec())]),
            "has no manifest.cbor (nor pack.manifest.json)".into(),
        ),
        (
            "cbor-garbage.gtpack",
            zip_entries(&[("manifest.cbor".into(), b"\xff\x00\x13garbage".to_vec())]),
            "has a manifest.cbor that is neither greentic-pack 1.x's manifest (".into(),
        ),
        (
            "json-garbage.gtpack",
            json("{not json"),
            "has a pack.manifest.json that is not valid JSON".into(),
        ),
        (
            "json-pack-id-number.gtpack",
            json(r#"{"meta":{"pack_id":42,"entry_flows":["setup_default"]}}"#),
            "has a pack.manifest.json whose pack_id is not a string".into(),
        ),
        (
            "json-flows-not-list.gtpack",
            json(r#"{"meta":{"pack_id":"x"},"flows":"setup_default"}"#),
            "has a pack.manifest.json whose flows is not a list".into(),
        ),
        (
            "json-bad-flow-id.gtpack",
            json(r#"{"meta":{"pack_id":"x","entry_flows":["bad flow!"]}}"#),
            "has a pack.manifest.json whose flows holds an invalid flow id \"bad flow!\"".into(),
        ),
        (
            "json-bad-pack-id.gtpack",
            json(r#"{"meta":{"pack_id":"../x","entry_flows":["setup_default"]}}"#),
            "has a pack.manifest.json whose pack_id \"../x\" is not a valid pack id".into(),
        ),
        (
            "cbor-pack-id-index.gtpack",
            cbor_edited(|m| set_field(m, "pack_id", 999.into())),
            "has a manifest.cbor that is neither greentic-pack 1.x's manifest (invalid symbol index 999 in pack_ids)".into(),
        ),
        (
            "cbor-flows-not-list.gtpack",
            cbor_edited(|m| set_field(m, "flows", "setup_default".into())),
            "has a manifest.cbor that is neither greentic-pack 1.x's manifest (".into(),
        ),
        (
            "cbor-bad-flow-id.gtpack",
            zip_entries(&[(
                "manifest.cbor".into(),
                patched(manifest_bytes(&other()), b"setup_default", b"setup default"),
            )]),
            "has a manifest.cbor that is neither greentic-pack 1.x's manifest (".into(),
        ),
        (
            "unknown-schema.gtpack",
            zip_entries(&[(
                "manifest.cbor".into(),
                greentic_types::encode_pack_manifest(&schema).unwrap(),
            )]),
            "uses manifest schema \"pack-v9\"; this operator reads \"pack-v1\"".into(),
        ),
        (
            "zero-flows.gtpack",
            PackBuilder::new("events-zero").build(),
            "does not declare setup_default (declared: no flows, no provider contract, no offer saying it needs no setup)".into(),
        ),
        (
            "oversized-manifest.gtpack",
            zip_entries(&[("manifest.cbor".into(), vec![0u8; 17 * 1024 * 1024])]),
            "has a manifest.cbor of 17825792 bytes; at most 16777216 are read".into(),
        ),
        (
            "zip-bomb.gtpack",
            zip_entries(&[("manifest.cbor".into(), vec![0u8; 12 * 1024 * 1024])]),
            "has a manifest.cbor compressed 1028:1, over the 100:1 accepted (a zip bomb?)".into(),
        ),
        (
            "many-entries.gtpack",
            zip_entries(&many),
            "holds 10001 entries; at most 10000 are allowed".into(),
        ),
        (
            "declared-count.gtpack",
            declaring(other().build(), 60_000),
            "holds 60000 entries; at most 10000 are allowed".into(),
        ),
        (
            "declared-zip64-count.gtpack",
            declaring_zip64(&other().build(), 780_000),
            "holds 780000 entries; at most 10000 are allowed".into(),
        ),
        (
            "dotdot.gtpack",
            with_manifest(&[("assets/../../evil", b"x")]),
            "has an unsafe entry name \"assets/../../evil\": it climbs out of the pack with `..`"
                .into(),
        ),
        (
            "absolute.gtpack",
            with_manifest(&[("/etc/evil", b"x")]),
            "has an unsafe entry name \"/etc/evil\": it is an absolute path".into(),
        ),
        (
            "backslash.gtpack",
            with_manifest(&[("assets\\evil", b"x")]),
            "has an unsafe entry name \"assets\\\\evil\": it contains a backslash".into(),
        ),
        (
            "nul.gtpack",
            with_manifest(&[("assets/a\0b", b"x")]),
            "has an unsafe entry name \"assets/a\\0b\": it contains a NUL byte".into(),
        ),
        (
            "non-utf8.gtpack",
            patched(
                with_manifest(&[("assets/\u{e9}t\u{e9}", b"x")]),
                "\u{e9}t".as_bytes(),
                b"\xff\xfet",
            ),
            "has an unsafe entry name \"assets/\u{fffd}\u{fffd}t\u{e9}\": it is not valid UTF-8"
                .into(),
        ),
        (
            "symlink-entry.gtpack",
            symlink_entry(),
            "has an unsafe entry name \"components/link.wasm\": it is a symbolic link".into(),
        ),
        (
            "duplicate-entries.gtpack",
            patched(
                with_manifest(&[("assets/dup-a", b"1"), ("assets/dup-b", b"2")]),
                b"dup-b",
                b"dup-a",
            ),
            "has duplicate entry names (3 entries, 2 distinct names)".into(),
        ),
    ]
}

/// Cases that are not bytes: folders, links, special and huge files.
fn odd_files(dir: &Path, outside: &Path) -> Vec<(&'static str, String)> {
    fs::create_dir_all(dir.join("folder.gtpack")).unwrap();
    std::os::unix::fs::symlink(
        outside.join("missing.gtpack"),
        dir.join("broken-link.gtpack"),
    )
    .unwrap();
    let fifo = dir.join("fifo.gtpack");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let huge = fs::File::create(dir.join("huge.gtpack")).unwrap();
    huge.set_len(65 * 1024 * 1024).unwrap();
    vec![
        ("folder.gtpack", "is a folder, not a pack file".into()),
        ("broken-link.gtpack", "cannot be read".into()),
        ("fifo.gtpack", "is not a regular file".into()),
        (
            "huge.gtpack",
            "is 68157440 bytes; packs over 67108864 bytes are refused".into(),
        ),
    ]
}

#[test]
fn every_malformed_pack_is_one_clear_error_and_the_good_packs_still_run() {
    let p = Project::new();
    let outside = tempfile::tempdir().unwrap();
    let dir = p.root().join("providers/events");
    let mut expected: Vec<(String, String)> = Vec::new();
    for (file, bytes, reason) in corpus() {
        p.file(&format!("providers/events/{file}"), &bytes);
        expected.push((file.into(), reason));
    }
    for (file, reason) in odd_files(&dir, outside.path()) {
        expected.push((file.into(), reason));
    }
    // A link to a pack outside the folder is followed: projects link packs built elsewhere.
    fs::write(
        outside.path().join("linked.gtpack"),
        PackBuilder::new("events-linked")
            .passing("setup_default")
            .build(),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("linked.gtpack"),
        dir.join("linked.gtpack"),
    )
    .unwrap();
    p.pack("events", "good.gtpack", &good());
    assert!(
        expected.len() >= 25,
        "the corpus has {} cases",
        expected.len()
    );

    let run = p.run(&["dev", "setup", "events", "--tenant", "acme"]);
    run.code(exit_code::FAILURE)
        .stdout_has("PASS [")
        .stdout_has("events-good setup_default")
        .stdout_has("events-linked setup_default")
        .stdout_has("2 flows run: 2 passed, 0 failed");
    // Each reason once, under `Pack errors:`, and nowhere else.
    for (file, reason) in &expected {
        let line = format!("  {}: {reason}", dir.join(file).display());
        assert!(
            run.stdout.lines().any(|l| l.starts_with(&line)),
            "no line {line:?} in stdout:\n{}",
            run.stdout
        );
        let path = dir.join(file).display().to_string();
        let said = run
            .stdout
            .lines()
            .chain(run.stderr.lines())
            .filter(|l| l.contains(&path) && l.contains(reason.as_str()))
            .count();
        assert_eq!(said, 1, "{file}'s reason said {said} times");
    }
}

#[test]
fn an_unreadable_pack_is_an_error_when_permissions_apply() {
    use std::os::unix::fs::PermissionsExt;
    let p = Project::new();
    p.pack("events", "locked.gtpack", &good());
    let path = p.root().join("providers/events/locked.gtpack");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).unwrap();
    let run = p.run(&["dev", "setup", "events", "--dry-run"]);
    if fs::read(&path).is_ok() {
        // Running as root: permissions do not stop reads, so the pack is simply planned.
        run.code(exit_code::SUCCESS).stdout_has("events-good");
    } else {
        run.code(exit_code::FAILURE)
            .stderr_has("locked.gtpack cannot be opened: Permission denied");
    }
}

#[test]
fn randomly_damaged_packs_never_panic_the_manifest_reader() {
    let original = PackBuilder::new("events-fuzz")
        .passing("setup_default")
        .passing("diagnostics")
        .build();
    let mut rng = fastrand::Rng::with_seed(0x5eed);
    let (mut ok, mut err) = (0, 0);
    for _ in 0..2_000 {
        let mut bytes = original.clone();
        match rng.u8(0..4) {
            0 => bytes.truncate(rng.usize(0..bytes.len())),
            1 => {
                for _ in 0..rng.usize(1..8) {
                    let i = rng.usize(0..bytes.len());
                    bytes[i] = rng.u8(..);
                }
            }
            2 => {
                let at = rng.usize(0..bytes.len());
                let len = rng.usize(1..64);
                bytes.splice(at..at, std::iter::repeat_with(|| rng.u8(..)).take(len));
            }
            _ => {
                let at = rng.usize(0..bytes.len());
                let end = (at + rng.usize(1..64)).min(bytes.len());
                bytes.drain(at..end);
            }
        }
        match greentic_operator::pack::manifest::read_pack_info_from(Cursor::new(bytes)) {
            Ok(_) => ok += 1,
            Err(_) => err += 1,
        }
    }
    // Most damage must be noticed; some (a flipped byte in a timestamp) is harmless.
    assert!(err > ok, "{err} errors, {ok} successes");
}
