//! Fixtures for the window's tests, baked by the project's own code
//! (this crate): a few good badges, one whose every text
//! field is hostile markup, a duplicate and a file that is no badge at all.

use crate::images;
pub use crate::{badges, server};

use std::path::{Path, PathBuf};

use satchel::bake::{BakeSlot, bake};

/// The name (and description) of the hostile badge: markup that must show as text.
pub const HOSTILE_NAME: &str = "<img src=x onerror=alert(1)>";
/// The good badges' names, as the grid shows them.
pub const GOOD_NAMES: [&str; 3] = ["Knot Tying", "Bread Baking", "Star Gazing"];
/// The learner the fixtures are issued to.
pub const LEARNER: &str = "learner@satchel.example";

/// Writes the fixtures into `dir` and returns their paths: three good
/// badges (two PNG, one SVG), the hostile one, a byte-identical copy of the
/// first (a duplicate), and a text file that is not a badge.
pub fn write_fixtures(dir: &Path) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).expect("fixture dir");
    let mut paths = Vec::new();
    let mut put = |name: &str, bytes: Vec<u8>| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write fixture");
        paths.push(path);
    };
    for (i, name) in GOOD_NAMES.iter().enumerate() {
        let id = format!("https://badges.satchel.example/assertions/fixture-{i}");
        let text = badges::embedded_assertion(&id, name, "Fixture Guild", LEARNER).to_string();
        let (file, image) = if i == 2 {
            (format!("good-{i}.svg"), images::badge_svg(30))
        } else {
            (format!("good-{i}.png"), images::badge_png(96, 60 * i as u8))
        };
        put(
            &file,
            bake(&image, &text, BakeSlot::Assertion).expect("bake"),
        );
    }
    put("hostile.png", hostile_png());
    let first = std::fs::read(dir.join("good-0.png")).expect("read fixture");
    put("good-0-copy.png", first);
    put("notes.txt", b"shopping list: eggs, flour".to_vec());
    paths
}

/// A badge whose name, description, issuer and criteria link are hostile.
fn hostile_png() -> Vec<u8> {
    let id = "https://badges.satchel.example/assertions/hostile";
    let mut assertion = badges::embedded_assertion(id, HOSTILE_NAME, "<b>Evil</b> Issuer", LEARNER);
    let class = &mut assertion["badge"];
    class["description"] = HOSTILE_NAME.into();
    class["criteria"] =
        serde_json::json!({"id": "javascript:alert(2)", "narrative": "<script>alert(3)</script>"});
    class["issuer"]["url"] = "javascript:alert(4)".into();
    bake(
        &images::badge_png(96, 0),
        &assertion.to_string(),
        BakeSlot::Assertion,
    )
    .expect("bake")
}

/// Writes `count` distinct baked PNG badges (from 25 issuers) into `dir`,
/// for measurements with a large wallet.
pub fn write_many(dir: &Path, count: usize) -> PathBuf {
    std::fs::create_dir_all(dir).expect("fixture dir");
    for n in 0..count {
        let id = format!("https://badges.satchel.example/assertions/many-{n}");
        let name = format!("Skill {n:05}");
        let issuer = format!("Issuer {:02}", n % 25);
        let text = badges::embedded_assertion(&id, &name, &issuer, LEARNER).to_string();
        let image = images::badge_png(64, (n % 256) as u8);
        let baked = bake(&image, &text, BakeSlot::Assertion).expect("bake");
        std::fs::write(dir.join(format!("{n:05}.png")), baked).expect("write fixture");
    }
    dir.to_owned()
}

/// An OB 2.0 issuer on 127.0.0.1 hosting one assertion
/// (`/assertions/0.json`) for [`LEARNER`].
pub fn loopback_issuer() -> server::Issuer {
    let issuer = server::Issuer::start();
    let base = issuer.base.clone();
    issuer.json("/issuer.json", &badges::issuer(&base, "Loopback Academy"));
    issuer.json(
        "/badges/rust.json",
        &badges::badge_class(&base, "rust", "Rust Basics"),
    );
    issuer.json(
        "/assertions/0.json",
        &badges::assertion(&base, "rust", 0, LEARNER),
    );
    issuer
}

/// Runs `xdotool` with `args` (real pointer and keyboard input on the test
/// display); panics when it fails.
pub fn xdotool(args: &[&str]) {
    let status = std::process::Command::new("xdotool")
        .args(args)
        .status()
        .expect("run xdotool");
    assert!(status.success(), "xdotool {args:?} failed");
}
