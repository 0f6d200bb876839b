//! The layering of `src/`: a module may use only modules of lower layers, so there are no
//! cycles between the crate's top-level modules and a newcomer can read them bottom up.
//! The order is stated here once and, in words, in ARCHITECTURE.md ("Invariants"); the
//! test reads both and fails when they disagree.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// The crate's top-level modules, lowest layer first. Modules of one layer do not use
/// each other.
const LAYERS: &[&[&str]] = &[
    &["time", "random", "kinds", "prefetch", "error"],
    &["engine"],
    &["rules"],
    &["workload"],
    &["scenario"],
    &["metrics"],
    &["sim"],
    &["study", "trace_builder"],
    &["sweep"],
    &["report"],
    &["verify", "logs"],
    &["cli"],
    &["app"],
];

/// Uses that break the order, each with the reason it is still there. The test fails
/// when one is no longer needed, so the list only shrinks.
const EXCEPTIONS: &[(&str, &str, &str)] = &[(
    "cli",
    "app",
    "the import and calibrate commands' clap arguments live beside their code in app",
)];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a piece of source names through `crate::` paths, comments
/// excluded; `crate::{a, b::c}` names `a` and `b`.
fn used_modules(source: &str) -> BTreeSet<String> {
    let code: String = source
        .lines()
        .map(|line| line.split("//").next().unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut used = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        if code[..at].ends_with('$') {
            continue;
        }
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // Only the first level of the group names top-level modules.
            let mut depth = 0;
            let mut start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    _ if start && !c.is_whitespace() => {
                        used.insert(ident(&group[i..]));
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            used.insert(ident(rest));
        }
    }
    used.retain(|m| !m.is_empty() && m != "self");
    used
}

/// Each (user, used) pair of top-level modules, with one file that shows it.
fn module_uses() -> Vec<(String, String, PathBuf)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut uses = Vec::new();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        let first = relative.components().next().unwrap().as_os_str();
        let module = first.to_str().unwrap().trim_end_matches(".rs").to_string();
        if module == "lib" || module == "main" {
            continue;
        }
        for used in used_modules(&fs::read_to_string(&file).unwrap()) {
            if used != module {
                uses.push((module.clone(), used, relative.to_path_buf()));
            }
        }
    }
    uses
}

#[test]
fn no_module_uses_a_module_of_its_own_or_a_higher_layer() {
    let mut wrong = Vec::new();
    let mut excused = BTreeSet::new();
    for (user, used, file) in module_uses() {
        let (Some(from), Some(to)) = (layer_of(&user), layer_of(&used)) else {
            wrong.push(format!(
                "{}: `{user}` or `{used}` is missing from LAYERS",
                file.display()
            ));
            continue;
        };
        if to < from {
            continue;
        }
        if EXCEPTIONS.iter().any(|(a, b, _)| *a == user && *b == used) {
            excused.insert((user, used));
            continue;
        }
        wrong.push(format!(
            "src/{}: `{user}` (layer {from}) uses `{used}` (layer {to})",
            file.display()
        ));
    }
    assert!(
        wrong.is_empty(),
        "lower layers must not use higher ones (tests/integration/layers.rs):\n{}",
        wrong.join("\n")
    );
    for (user, used, _) in EXCEPTIONS {
        assert!(
            excused.contains(&(user.to_string(), used.to_string())),
            "the exception `{user}` -> `{used}` is no longer needed; remove it here and in \
             ARCHITECTURE.md"
        );
    }
}

#[test]
fn every_top_level_module_has_a_layer() {
    let lib = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    for line in lib.lines() {
        let declared = line
            .strip_prefix("pub mod ")
            .or_else(|| line.strip_prefix("mod "));
        if let Some(module) = declared.and_then(|m| m.strip_suffix(';')) {
            assert!(
                layer_of(module).is_some(),
                "`{module}` is missing from LAYERS"
            );
        }
    }
}

#[test]
fn architecture_md_states_the_same_order() {
    let stated = LAYERS
        .iter()
        .map(|layer| {
            layer
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect::<Vec<_>>()
        .join(" < ");
    let doc =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md")).unwrap();
    let doc = doc.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        doc.contains(&stated),
        "ARCHITECTURE.md must state the layers as in tests/integration/layers.rs: {stated}"
    );
    for (user, used, _) in EXCEPTIONS {
        let named = format!("`{user}` → `{used}`");
        assert!(doc.contains(&named), "ARCHITECTURE.md must explain {named}");
    }
}

#[test]
fn used_modules_reads_paths_groups_and_skips_comments() {
    let source = "use crate::time::Span;\n\
                  use crate::{rules::policy::Policy, workload};\n\
                  // crate::app is only mentioned\n\
                  let x = crate::sim::run(y);\n";
    let found: Vec<_> = used_modules(source).into_iter().collect();
    assert_eq!(found, ["rules", "sim", "time", "workload"]);
}
