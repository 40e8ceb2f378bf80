//! The layering ARCHITECTURE.md declares, held against the code: every `src/` file is placed on
//! a layer, no import climbs to a higher layer, no two modules import each other, and no two
//! folders of `src/` do.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// One module of the table (`app`, `pack/plan/*`, `setup/device_code/record`) and its layer.
struct Placement {
    module: String,
    layer: usize,
}

fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The rows of the `| layer | modules |` table: `| 2 values | `pack/plan/*`, `cli/request` |`.
fn layer_table() -> Vec<Placement> {
    let text = fs::read_to_string(crate_root().join("ARCHITECTURE.md")).unwrap();
    let mut placements = Vec::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let [_, layer, modules, _] = cells.as_slice() else {
            continue;
        };
        let Some(layer) = layer.split_whitespace().next().and_then(|n| n.parse().ok()) else {
            continue;
        };
        for module in modules.split(',') {
            let module = module.trim().trim_matches('`').to_string();
            placements.push(Placement { module, layer });
        }
    }
    assert!(
        placements.len() > 10,
        "no layer table found in ARCHITECTURE.md"
    );
    placements
}

/// `src/a/b.rs` -> `a/b`; `src/a/mod.rs` -> `a/mod`.
fn module_of(path: &Path, src: &Path) -> String {
    let relative = path.strip_prefix(src).unwrap().with_extension("");
    relative.to_string_lossy().replace('\\', "/")
}

/// The table entry placing `module`: itself, else the nearest folder above it written
/// `folder/*` (`setup/answers/check` -> `setup/answers/*`, else `setup/*`).
fn unit_of<'a>(module: &str, table: &'a [Placement]) -> Option<&'a Placement> {
    let exact = table.iter().find(|p| p.module == module);
    let folders = std::iter::successors(module.rsplit_once('/').map(|(f, _)| f), |f| {
        f.rsplit_once('/').map(|(up, _)| up)
    });
    exact.or_else(|| {
        folders
            .map(|folder| format!("{folder}/*"))
            .find_map(|wanted| table.iter().find(|p| p.module == wanted))
    })
}

/// Every `.rs` file under `dir`.
pub(super) fn src_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            src_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module file a path of segments names: the longest prefix that is a file.
fn resolve(segments: &[&str], src: &Path) -> Option<String> {
    (1..=segments.len()).rev().find_map(|n| {
        let prefix = segments[..n].join("/");
        if src.join(format!("{prefix}.rs")).is_file() {
            Some(prefix)
        } else if src.join(&prefix).join("mod.rs").is_file() {
            Some(format!("{prefix}/mod"))
        } else {
            None
        }
    })
}

/// The modules `file` imports: every `crate::a::b` path, a top-level `use super::x` of a file
/// inside a folder, and a `mod.rs`'s `pub use child::...`.
fn imports(file: &Path, module: &str, src: &Path) -> BTreeSet<String> {
    let text = fs::read_to_string(file).unwrap();
    let mut found = BTreeSet::new();
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':';
    for (at, _) in text.match_indices("crate::") {
        let rest: String = text[at + 7..].chars().take_while(|c| ident(*c)).collect();
        let segments: Vec<&str> = rest.split("::").filter(|s| !s.is_empty()).collect();
        found.extend(resolve(&segments, src));
    }
    let folder = module.rsplit_once('/').map(|(f, _)| f.to_string());
    for line in text.lines() {
        let relative = line
            .strip_prefix("use super::")
            .filter(|_| !module.ends_with("/mod"))
            .zip(folder.as_deref());
        if let Some((rest, folder)) = relative {
            let rest: String = rest.chars().take_while(|c| ident(*c)).collect();
            let mut segments = vec![folder];
            segments.extend(rest.split("::").filter(|s| !s.is_empty()));
            found.extend(resolve(&segments, src));
        }
        let child = line.strip_prefix("pub use ").or(line.strip_prefix("use "));
        if let (Some(rest), Some(folder)) = (child, module.strip_suffix("/mod")) {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            found.extend(resolve(&[folder, &name], src).filter(|m| m != module));
        }
    }
    found.remove(module);
    found
}

/// Every `src/` module with the modules it imports.
fn import_graph() -> Vec<(String, BTreeSet<String>)> {
    let src = crate_root().join("src");
    let mut files = Vec::new();
    src_files(&src, &mut files);
    files
        .iter()
        .map(|file| {
            let module = module_of(file, &src);
            let targets = imports(file, &module, &src);
            (module, targets)
        })
        .collect()
}

#[test]
fn every_import_stays_on_its_layer_or_goes_down_and_none_closes_a_circle() {
    let table = layer_table();
    let mut problems = Vec::new();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, targets) in import_graph() {
        let Some(from) = unit_of(&module, &table) else {
            problems.push(format!(
                "src/{module}.rs is on no layer of ARCHITECTURE.md's table"
            ));
            continue;
        };
        for target in targets {
            let Some(to) = unit_of(&target, &table) else {
                continue;
            };
            if to.layer > from.layer {
                problems.push(format!(
                    "src/{module}.rs (layer {}) imports {target} (layer {})",
                    from.layer, to.layer
                ));
            }
            if to.module != from.module {
                edges
                    .entry(from.module.clone())
                    .or_default()
                    .insert(to.module.clone());
            }
        }
    }
    problems.extend(circles(&edges));
    assert!(
        problems.is_empty(),
        "layering broken:\n{}",
        problems.join("\n")
    );
}

/// The folder of `src/` a module lives in (`setup/answers/check` -> `setup`); a file at the
/// top (`app`) is its own.
fn folder_of(module: &str) -> &str {
    module.split('/').next().unwrap_or(module)
}

#[test]
fn no_two_folders_of_src_import_each_other() {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, targets) in import_graph() {
        let from = folder_of(&module);
        for target in targets.iter().map(|t| folder_of(t)).filter(|t| *t != from) {
            edges
                .entry(from.to_string())
                .or_default()
                .insert(target.to_string());
        }
    }
    let problems = circles(&edges);
    assert!(
        problems.is_empty(),
        "folders import each other (each folder's mod.rs says what it may use):\n{}",
        problems.join("\n")
    );
}

/// Every circle among modules, as `a -> b -> a`.
fn circles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        found: &mut Vec<String>,
    ) {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut circle = path[at..].to_vec();
            circle.push(node.to_string());
            found.push(format!("circle: {}", circle.join(" -> ")));
            return;
        }
        if !done.insert(node.to_string()) {
            return;
        }
        path.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            visit(next, edges, path, done, found);
        }
        path.pop();
    }
    let mut found = Vec::new();
    let mut done = BTreeSet::new();
    for node in edges.keys() {
        visit(node, edges, &mut Vec::new(), &mut done, &mut found);
    }
    found
}
