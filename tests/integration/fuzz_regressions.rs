//! Replays `fuzz/regressions/<target>/`: inputs that once crashed a fuzz
//! target, or that stress it, run through the very property functions the
//! targets call (`fuzz/properties.rs`), on stable Rust in every test run.

use std::path::{Path, PathBuf};

#[path = "../../fuzz/properties.rs"]
mod properties;

/// Runs `property` on every file of `fuzz/regressions/<target>/`.
fn replay(target: &str, property: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no regression inputs in {}",
        dir.display()
    );
    for path in files {
        // Names the input when the property panics.
        eprintln!("replaying {}", path.display());
        property(&std::fs::read(&path).unwrap());
    }
}

#[test]
fn png_reader_regressions() {
    replay("png_reader", properties::png_reader);
}

#[test]
fn svg_reader_regressions() {
    replay("svg_reader", properties::svg_reader);
}

#[test]
fn bake_round_trip_regressions() {
    replay("bake_round_trip", properties::bake_round_trip);
}

#[test]
fn credential_parse_regressions() {
    replay("credential_parse", properties::credential_parse);
}

#[test]
fn zip_import_regressions() {
    replay("zip_import", properties::zip_import);
}

#[test]
fn capped_reader_regressions() {
    replay("capped_reader", properties::capped_reader);
}
