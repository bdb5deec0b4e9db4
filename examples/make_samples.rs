//! Writes the sample badge set in `assets/samples/` with Satchel's own baker:
//! `cargo run --example make_samples`. The samples need no network to be
//! understood, so a newcomer sees a full backpack at once.

use satchel::bake::{BakeSlot, bake};
use satchel_test_support::{badges, images};

fn main() -> anyhow::Result<()> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/samples");
    std::fs::create_dir_all(&dir)?;
    let learner = "learner@satchel.example";
    let ob2 = [
        (
            "first-aid",
            "First Aid Basics",
            "Riverside Red Cross Chapter",
            0,
        ),
        (
            "rust-fundamentals",
            "Rust Fundamentals",
            "Open Systems Academy",
            150,
        ),
        (
            "community-garden",
            "Community Gardener",
            "Greenway Volunteers",
            80,
        ),
    ];
    for (slug, name, issuer, hue) in ob2 {
        let id = format!("https://badges.satchel.example/assertions/{slug}");
        let text = badges::embedded_assertion(&id, name, issuer, learner).to_string();
        let baked = bake(&images::badge_png(128, hue), &text, BakeSlot::Assertion)?;
        std::fs::write(dir.join(format!("{slug}.png")), baked)?;
    }
    let id = "urn:uuid:6b1c0f7e-3c55-4c1a-9a59-8a4f3f0d2e11";
    let text =
        badges::ob3_credential(id, "Data Literacy", "Northfield College", learner).to_string();
    let baked = bake(&images::badge_png(128, 200), &text, BakeSlot::Credential)?;
    std::fs::write(dir.join("data-literacy.png"), baked)?;
    let id = "https://badges.satchel.example/assertions/map-reading";
    let text = badges::embedded_assertion(id, "Map Reading", "Trail Scouts", learner).to_string();
    let baked = bake(&images::badge_svg(40), &text, BakeSlot::Assertion)?;
    std::fs::write(dir.join("map-reading.svg"), baked)?;
    println!("wrote samples to {}", dir.display());
    Ok(())
}
