//! Core benchmarks, run with `cargo bench --bench core` (release build).
//!
//! 1. unbake 1,000 PNGs with 1 KiB–1 MiB of pixel data, half with the badge
//!    chunk after `IDAT`, from memory: badges per second;
//! 2. `satchel import` of those 1,000 files from disk into a new wallet:
//!    seconds and the process's peak memory;
//! 3. listing a wallet of 10,000 badges: milliseconds, in-process and as
//!    `satchel list --json`.
//!
//! Figures print as `name: value unit` lines. `SATCHEL_BENCH_SCALE` (default 1)
//! divides the counts for a quick smoke run.

use satchel_test_support::{badges, images, measure};
use std::time::Instant;

use measure::run_cli;
use satchel::bake::{self, BakeSlot};
use satchel::wallet::Wallet;

fn main() {
    let scale = measure::scale();
    let dir = tempfile::tempdir().expect("temp dir");

    let files = make_pngs(1000 / scale);
    let total_mib = files.iter().map(Vec::len).sum::<usize>() as f64 / 1048576.0;
    println!("unbake_set: {} files, {total_mib:.1} MiB", files.len());
    let rounds = 5;
    let start = Instant::now();
    for _ in 0..rounds {
        for f in &files {
            let u = bake::unbake(f).expect("baked");
            std::hint::black_box(u);
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "unbake: {:.0} badges/s ({:.0} MiB/s)",
        (files.len() * rounds) as f64 / secs,
        total_mib * rounds as f64 / secs
    );

    let folder = dir.path().join("badges");
    std::fs::create_dir_all(&folder).unwrap();
    for (i, f) in files.iter().enumerate() {
        std::fs::write(folder.join(format!("{i:04}.png")), f).unwrap();
    }
    drop(files);
    let wallet = dir.path().join("import.sqlite3");
    let (secs, peak) = run_cli(
        env!("CARGO_BIN_EXE_satchel"),
        &[
            "--wallet",
            wallet.to_str().unwrap(),
            "import",
            "--json",
            folder.to_str().unwrap(),
        ],
    );
    println!("import_1000_files: {secs:.2} s, peak {peak:.1} MiB");

    let big = dir.path().join("big.sqlite3");
    fill_wallet(&big, 10_000 / scale);
    let w = Wallet::open(&big).unwrap();
    let start = Instant::now();
    let n = w.list_badges().unwrap().len();
    println!(
        "list_10000_in_process: {:.1} ms ({n} badges)",
        start.elapsed().as_secs_f64() * 1000.0
    );
    let (secs, peak) = run_cli(
        env!("CARGO_BIN_EXE_satchel"),
        &["--wallet", big.to_str().unwrap(), "list", "--json"],
    );
    println!(
        "list_10000_cli: {:.1} ms, peak {peak:.1} MiB",
        secs * 1000.0
    );
}

/// 1,000 distinct baked PNGs, pixel data from 1 KiB to 1 MiB on a log scale;
/// odd ones carry the badge chunk after `IDAT`.
fn make_pngs(n: usize) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| {
            let size = (1024.0 * 1024f64.powf(i as f64 / n as f64)) as usize;
            let picture = images::noise_png(size, i as u64);
            let id = format!("https://bench.example/a/{i}");
            let text = badges::embedded_assertion(
                &id,
                &format!("Bench {i}"),
                "Bench U",
                "b@bench.example",
            )
            .to_string();
            if i % 2 == 0 {
                bake::bake(&picture, &text, BakeSlot::Assertion).expect("bake")
            } else {
                images::insert_before_iend(&picture, &[images::itxt("openbadges", &text)])
            }
        })
        .collect()
}

/// Inserts `n` badges straight through the wallet API.
fn fill_wallet(path: &std::path::Path, n: usize) {
    let mut w = Wallet::open(path).unwrap();
    let picture = images::badge_png(64, 3);
    for i in 0..n {
        let id = format!("https://bench.example/l/{i}");
        let text =
            badges::embedded_assertion(&id, &format!("Listed {i}"), "List U", "b@bench.example")
                .to_string();
        measure::insert_json_badge(&mut w, &id, &text, picture.clone(), "image/png");
    }
}
