//! Writes `assets/default-badge.png` and `assets/default-badge.svg`, the
//! pictures a badge that came as JSON, JWS or a URL is baked into on export:
//! `cargo run --example make_default_badge`. Drawn by the project's own
//! test-picture code, so no outside artwork is involved.

use satchel_test_support::images;

fn main() -> anyhow::Result<()> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    std::fs::write(dir.join("default-badge.png"), images::badge_png(256, 170))?;
    std::fs::write(dir.join("default-badge.svg"), images::badge_svg(170))?;
    println!("wrote {}/default-badge.{{png,svg}}", dir.display());
    Ok(())
}
