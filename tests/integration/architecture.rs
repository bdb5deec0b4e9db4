//! The shape of the code, checked: the core's modules point one way, and
//! the names other parts repeat (verification outcomes, error codes) are
//! defined once in Rust and agree everywhere else.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use satchel::ErrorCode;
use satchel::verify::Outcome;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The text of a Rust file without its comments, so a doc link is no use.
fn code_of(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Which of the core's top-level modules each one uses (`crate::x`, also
/// inside `use crate::{x, y::z}`). The faces (`main.rs`, `cli/`) and the
/// crate root are left out: they may use everything.
fn module_uses() -> BTreeMap<String, BTreeSet<String>> {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let top = relative.iter().next().unwrap().to_string_lossy();
        let module = top.trim_end_matches(".rs").to_owned();
        if ["main", "lib", "cli"].contains(&module.as_str()) {
            continue;
        }
        let code = code_of(file);
        let entry = uses.entry(module.clone()).or_default();
        for rest in code.split("crate::").skip(1) {
            let names: Vec<&str> = match rest.strip_prefix('{') {
                Some(group) => group
                    .split('}')
                    .next()
                    .unwrap()
                    .split(',')
                    .map(|part| part.trim().split("::").next().unwrap().trim())
                    .collect(),
                None => vec![
                    rest.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                        .next()
                        .unwrap(),
                ],
            };
            for name in names {
                let name = match name {
                    "Error" => "error",
                    "ErrorCode" | "Coded" => "outcome",
                    other => other,
                };
                if name != module && !name.is_empty() {
                    entry.insert(name.to_owned());
                }
            }
        }
    }
    uses
}

#[test]
fn the_core_modules_point_one_way() {
    let uses = module_uses();
    // Each module may use only modules in the layers before its own.
    let layers: [&[&str]; 8] = [
        &["outcome", "allocator"],
        &["bake", "credential", "http", "files"],
        &["wallet"],
        &["verify", "share"],
        &["export", "backpack"],
        &["intake"],
        &["ops"],
        &["error"],
    ];
    let layer_of = |m: &str| layers.iter().position(|l| l.contains(&m));
    for (module, used) in &uses {
        let own = layer_of(module).unwrap_or_else(|| panic!("{module} has no layer here"));
        for u in used {
            let theirs = layer_of(u).unwrap_or_else(|| panic!("{module} uses {u}, not a module"));
            let allowed = theirs < own || (module == "backpack" && u == "export");
            assert!(allowed, "{module} (layer {own}) uses {u} (layer {theirs})");
        }
    }
    assert!(
        uses["outcome"].is_empty(),
        "outcome is a leaf: {:?}",
        uses["outcome"]
    );
    for module in uses.keys().filter(|m| *m != "error" && *m != "ops") {
        assert!(
            !uses[module].contains("error"),
            "{module} returns the top-level error; it only wraps the modules' own"
        );
    }
}

#[test]
fn no_core_module_makes_an_untyped_error() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    for file in files {
        assert!(
            !code_of(&file).contains("Error::other("),
            "{} builds an error from a code and a string; give it a typed variant",
            file.display()
        );
    }
}

/// The quoted words after each `marker` in `text`.
fn quoted_after(text: &str, marker: &str) -> BTreeSet<String> {
    text.split(marker)
        .skip(1)
        .filter_map(|rest| rest.split(['"', '`', ':']).next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_window_names_exactly_the_cores_outcomes() {
    let js = std::fs::read_to_string(root().join("ui/js/badges.js")).unwrap();
    let labels = js
        .split("OUTCOME_LABELS = {")
        .nth(1)
        .and_then(|rest| rest.split('}').next())
        .expect("ui/js/badges.js defines OUTCOME_LABELS");
    let named: BTreeSet<String> = labels
        .lines()
        .filter_map(|l| l.trim().split(':').next())
        .filter(|k| !k.is_empty())
        .map(str::to_owned)
        .collect();
    let core: BTreeSet<String> = Outcome::ALL.iter().map(|o| o.as_str().to_owned()).collect();
    assert_eq!(named, core, "ui/js/badges.js OUTCOME_LABELS");
    // The grid's state filter offers every outcome, besides the local states.
    let html = std::fs::read_to_string(root().join("ui/index.html")).unwrap();
    let select = html
        .split(r#"<select id="filter-state">"#)
        .nth(1)
        .and_then(|rest| rest.split("</select>").next())
        .expect("ui/index.html has the state filter");
    let offered = quoted_after(select, "<option value=\"");
    let missing: Vec<&String> = core.difference(&offered).collect();
    assert!(missing.is_empty(), "the state filter lacks {missing:?}");
}

#[test]
fn error_codes_are_documented_and_the_window_knows_only_real_ones() {
    let core: BTreeSet<String> = ErrorCode::ALL
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect();
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let table = readme
        .split("### Error codes")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("the README has an error code table");
    // The first cell of each row: one code, or several separated by commas.
    let documented: BTreeSet<String> = table
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split(" |").next())
        .flat_map(|cell| cell.split(", "))
        .map(|code| code.trim_matches('`').to_owned())
        .collect();
    assert_eq!(documented, core, "README error code table");
    let mut ui = Vec::new();
    for entry in std::fs::read_dir(root().join("ui/js")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        ui.extend(quoted_after(&text, "code === \""));
    }
    // "internal" is the window's own code for a failure outside the core.
    for code in ui.iter().filter(|c| *c != "internal") {
        assert!(
            core.contains(code),
            "ui/js compares with unknown code {code:?}"
        );
    }
}
