//! Replays `fuzz/regressions/<target>/`: inputs that once crashed a fuzz
//! target, or that stress it, run through the same properties on stable Rust
//! in every test run.

use std::path::{Path, PathBuf};

use satchel::bake::{self, ImageKind};
use satchel::credential;
use satchel::files::Archive;

fn inputs(target: &str) -> Vec<PathBuf> {
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
    files
}

#[test]
fn image_reader_regressions_never_panic_and_round_trip() {
    for target in ["png_reader", "svg_reader"] {
        for path in inputs(target) {
            let data = std::fs::read(&path).unwrap();
            let Ok(read) = bake::unbake(&data) else {
                continue;
            };
            if let Ok(rebaked) = bake::bake(&data, &read.text, read.slot) {
                let again =
                    bake::unbake(&rebaked).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                assert_eq!(again.text, read.text, "{}", path.display());
                assert!(matches!(again.image, ImageKind::Png | ImageKind::Svg));
            }
        }
    }
}

#[test]
fn credential_regressions_never_panic() {
    for path in inputs("credential_parse") {
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        if let Ok(c) = credential::parse(&text) {
            let stored = serde_json::to_string(&c).unwrap();
            assert_eq!(
                serde_json::from_str::<credential::Credential>(&stored).unwrap(),
                c
            );
        }
    }
}

#[test]
fn zip_regressions_never_panic() {
    for path in inputs("zip_import") {
        let Ok(mut archive) = Archive::open(&path) else {
            continue;
        };
        if let Ok(entries) = archive.entries() {
            for entry in entries {
                let _ = archive.read(entry.index);
            }
        }
    }
}
