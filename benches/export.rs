//! Export benchmark, run with `cargo bench --bench export` (release build):
//! `satchel export` of a 10,000-badge wallet to a ZIP, then `satchel import`
//! of that ZIP into a fresh wallet, each as its own process: wall seconds and
//! the process's peak memory. Figures print as `name: value unit` lines.
//! `SATCHEL_BENCH_SCALE` (default 1) divides the count for a quick run.

use chrono::Utc;
use measure::run_cli;
use satchel::bake::{self, BakeSlot};
use satchel::wallet::Wallet;
use satchel_test_support::{badges, images, measure};

fn main() {
    let n = 10_000 / measure::scale();
    let dir = tempfile::tempdir().expect("temp dir");
    let wallet = dir.path().join("wallet.sqlite3");
    fill_wallet(&wallet, n);
    let zip = dir.path().join("export.zip");
    let (secs, peak) = run_cli(
        env!("CARGO_BIN_EXE_satchel"),
        &[
            "--wallet",
            wallet.to_str().unwrap(),
            "export",
            zip.to_str().unwrap(),
        ],
    );
    let size = std::fs::metadata(&zip).unwrap().len() as f64 / 1048576.0;
    println!("export_{n}_badges: {secs:.2} s, peak {peak:.1} MiB, archive {size:.1} MiB");
    let fresh = dir.path().join("fresh.sqlite3");
    let (secs, peak) = run_cli(
        env!("CARGO_BIN_EXE_satchel"),
        &[
            "--wallet",
            fresh.to_str().unwrap(),
            "import",
            "--json",
            zip.to_str().unwrap(),
        ],
    );
    let restored = Wallet::open(&fresh).unwrap().badge_count().unwrap();
    assert_eq!(restored as usize, n, "every badge came back");
    println!("reimport_{n}_badges: {secs:.2} s, peak {peak:.1} MiB");
}

/// `n` badges: half baked PNGs, half plain JSON (re-baked on export), with
/// collections of 100 badges each.
fn fill_wallet(path: &std::path::Path, n: usize) {
    let mut w = Wallet::open(path).unwrap();
    let picture = images::badge_png(64, 3);
    for i in 0..n {
        let id = format!("https://bench.example/e/{i}");
        let text =
            badges::embedded_assertion(&id, &format!("Export {i}"), "Bench U", "b@bench.example")
                .to_string();
        let (original, media_type) = if i % 2 == 0 {
            let png = bake::bake(&picture, &text, BakeSlot::Assertion).unwrap();
            (png, "image/png")
        } else {
            (text.clone().into_bytes(), "application/json")
        };
        measure::insert_json_badge(&mut w, &id, &text, original, media_type);
    }
    for c in 0..n.div_ceil(100) {
        let col = w
            .create_collection(&format!("Collection {c}"), "", Utc::now())
            .unwrap();
        let ids: Vec<i64> = ((c * 100 + 1) as i64..=((c + 1) * 100).min(n) as i64).collect();
        w.add_to_collection(col.id, &ids).unwrap();
        w.set_collection_public(col.id, c % 2 == 0).unwrap();
    }
}
