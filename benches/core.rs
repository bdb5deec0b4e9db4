//! Core benchmarks, run with `cargo bench --bench core` (release build).
//!
//! 1. unbake 1,000 PNGs with 1 KiB–1 MiB of pixel data, half with the badge
//!    chunk after `IDAT`, from memory: badges per second;
//! 2. `satchel import` of those 1,000 files from disk into a new wallet:
//!    seconds and the process's peak memory; in turn with it, in the same
//!    run, the Python `openbadges-bakery` (from PyPI, in a throw-away
//!    virtual environment) only reading the same files, whole process too;
//!    five runs of each, their medians, and the median of the ratios;
//! 3. `satchel import` of 10,000 such files (the same pictures, each baked
//!    ten times with other badges) into a new wallet, twice, to show that
//!    import stays linear: seconds per 1,000;
//! 4. listing a wallet of 10,000 badges: milliseconds, in-process and as
//!    `satchel list --json` (the median and the fastest of several runs).
//!
//! Figures print as `name: value unit` lines. `SATCHEL_BENCH_SCALE` (default 1)
//! divides the counts for a quick smoke run. `SATCHEL_BENCH_VENV` names a
//! folder for the bakery's virtual environment, made once and then reused
//! (default: a new one in the temporary folder, deleted afterwards).
//! `SATCHEL_BENCH_BIN` measures another `satchel` binary than the one built
//! with the bench (a copy of an earlier build, for before and after).
//! `SATCHEL_BENCH_KEEP` names a new or empty folder to work in and leave
//! behind with the 1,000 files (`badges/`), the wallet they were imported
//! into (`import.sqlite3`) and the 10,000-badge wallet (`big.sqlite3`), to
//! profile the CLI on the same data afterwards.

use satchel_test_support::{badges, images, measure};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use measure::run_cli;
use satchel::bake;
use satchel::wallet::Wallet;

fn main() {
    let scale = measure::scale();
    let temp = tempfile::tempdir().expect("temp dir");
    let keep = std::env::var_os("SATCHEL_BENCH_KEEP").map(PathBuf::from);
    if let Some(keep) = &keep {
        std::fs::create_dir_all(keep).expect("SATCHEL_BENCH_KEEP folder");
        let empty = std::fs::read_dir(keep).is_ok_and(|mut d| d.next().is_none());
        assert!(empty, "SATCHEL_BENCH_KEEP={} is not empty", keep.display());
    }
    let dir = keep.as_deref().unwrap_or(temp.path());

    let files = measure::baked_pngs(1000 / scale);
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

    let folder = dir.join("badges");
    measure::write_baked(&folder, &files, files.len());
    side_by_side(&folder, &dir.join("import.sqlite3"), files.len(), dir);
    if keep.is_none() {
        std::fs::remove_dir_all(&folder).expect("remove the 1,000 files");
    }

    let many = dir.join("many");
    measure::write_baked(&many, &files, 10 * files.len());
    drop(files);
    // Twice: on a virtual machine the first run may also pay for the host
    // handing over the memory its 1.5 GB of new file pages take, which the
    // second mostly reuses (see the README's ninth round).
    let wallet = dir.join("import10k.sqlite3");
    let runs: Vec<(f64, f64)> = (0..2)
        .map(|_| {
            remove_wallet(&wallet);
            import(&many, &wallet)
        })
        .collect();
    let peak = runs.iter().map(|r| r.1).fold(0.0, f64::max);
    println!(
        "import_10000_files: {:.2} s ({:.2} s per 1,000), again into a new wallet {:.2} s ({:.2} s per 1,000), peak {peak:.1} MiB",
        runs[0].0,
        runs[0].0 / 10.0,
        runs[1].0,
        runs[1].0 / 10.0
    );
    std::fs::remove_dir_all(&many).expect("remove the 10,000 files");
    remove_wallet(&wallet);

    let big = dir.join("big.sqlite3");
    fill_wallet(&big, 10_000 / scale);
    let w = Wallet::open(&big).unwrap();
    let start = Instant::now();
    let n = w.list_badges().unwrap().len();
    println!(
        "list_10000_in_process: {:.1} ms ({n} badges)",
        start.elapsed().as_secs_f64() * 1000.0
    );
    // One start-up is a few tens of milliseconds: on a shared machine a
    // single run says more about the others than about Satchel.
    let mut runs: Vec<(f64, f64)> = (0..LIST_RUNS)
        .map(|_| {
            run_cli(
                &measure::satchel_bin(env!("CARGO_BIN_EXE_satchel")),
                &["--wallet", big.to_str().unwrap(), "list", "--json"],
            )
        })
        .collect();
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let peak = runs.iter().map(|r| r.1).fold(0.0, f64::max);
    println!(
        "list_10000_cli: {:.1} ms median of {LIST_RUNS} (fastest {:.1} ms), peak {peak:.1} MiB",
        runs[LIST_RUNS / 2].0 * 1000.0,
        runs[0].0 * 1000.0
    );
}

/// How many times `satchel list --json` runs over the 10,000-badge wallet.
const LIST_RUNS: usize = 11;

/// How many times the import of the 1,000 files and the bakery's reading
/// of them run, in turn: on a shared machine one run of each says as much
/// about the other processes as about either program.
const SIDE_BY_SIDE_RUNS: usize = 5;

/// Imports the `count` files of `folder` into a new wallet at `wallet` and
/// has the Python bakery (its environment in `scratch`) read them, in turn,
/// [`SIDE_BY_SIDE_RUNS`] times; prints the median and the range of each,
/// and the median of the runs' ratios (each import against the bakery's
/// reading right after it).
fn side_by_side(folder: &Path, wallet: &Path, count: usize, scratch: &Path) {
    let python = python_bakery(scratch);
    let folder_arg = folder.to_str().expect("utf-8 path");
    let (mut imports, mut bakeries, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let (mut import_peak, mut bakery_peak) = (0f64, 0f64);
    for _ in 0..SIDE_BY_SIDE_RUNS {
        remove_wallet(wallet);
        let (secs, peak) = import(folder, wallet);
        imports.push(secs);
        import_peak = import_peak.max(peak);
        let Ok(python) = &python else { continue };
        let run = measure::run_timed(
            python.to_str().expect("utf-8 path"),
            &["-c", BAKERY_READ, folder_arg],
        );
        assert_eq!(run.code, 0, "the bakery script failed");
        let found = String::from_utf8_lossy(&run.stdout);
        assert_eq!(found.trim(), count.to_string(), "bakery found");
        bakeries.push(run.secs);
        bakery_peak = bakery_peak.max(run.peak_mib);
        ratios.push(secs / run.secs);
    }
    let runs = imports.len();
    let (median, low, high) = spread(&mut imports);
    println!(
        "import_1000_files: median {median:.3} s of {runs} ({low:.3}–{high:.3}), peak {import_peak:.1} MiB"
    );
    match python {
        Ok(_) => {
            let (median, low, high) = spread(&mut bakeries);
            println!(
                "bakery_read_1000_files: median {median:.3} s of {runs} ({low:.3}–{high:.3}), peak {bakery_peak:.1} MiB (Python openbadges-bakery, reading only)"
            );
            let (median, low, high) = spread(&mut ratios);
            println!(
                "import_vs_bakery: {median:.2} times the bakery's time (median of {runs} runs' ratios; {low:.2}–{high:.2})"
            );
        }
        Err(why) => println!("bakery_read_1000_files: skipped: {why}"),
    }
}

/// Removes the wallet at `path` with the files beside it, and waits until
/// the disk has no more of it to write, so that the next import does not
/// wait for the last one's.
fn remove_wallet(path: &Path) {
    measure::remove_wallet(path);
    measure::sync_disk();
}

/// The median, the smallest and the largest of `values`.
fn spread(values: &mut [f64]) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    (
        values[values.len() / 2],
        values[0],
        values[values.len() - 1],
    )
}

/// `satchel import --json <folder>` into a new wallet: wall seconds and peak MiB.
fn import(folder: &Path, wallet: &Path) -> (f64, f64) {
    run_cli(
        &measure::satchel_bin(env!("CARGO_BIN_EXE_satchel")),
        &[
            "--wallet",
            wallet.to_str().expect("utf-8 path"),
            "import",
            "--json",
            folder.to_str().expect("utf-8 path"),
        ],
    )
}

/// Reads every file of the folder named first with the bakery, in name
/// order, and prints how many held a badge.
const BAKERY_READ: &str = "
import os, sys
from openbadges_bakery import unbake
folder = sys.argv[1]
found = 0
for name in sorted(os.listdir(folder)):
    with open(os.path.join(folder, name), 'rb') as f:
        if unbake(f):
            found += 1
print(found)
";

/// The Python of a virtual environment holding `openbadges-bakery` from
/// PyPI: `SATCHEL_BENCH_VENV` when set (made there the first time), else a
/// new one under `scratch`. Why not, when Python, venv or pip cannot make one.
fn python_bakery(scratch: &Path) -> Result<PathBuf, String> {
    let venv = std::env::var_os("SATCHEL_BENCH_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| scratch.join("venv"));
    let python = venv.join("bin/python");
    let ready = |python: &Path| {
        Command::new(python)
            .args(["-c", "import openbadges_bakery"])
            .status()
            .is_ok_and(|s| s.success())
    };
    if ready(&python) {
        return Ok(python);
    }
    let step = |program: &Path, args: &[&str], what: &str| -> Result<(), String> {
        let out = Command::new(program)
            .args(args)
            .output()
            .map_err(|e| format!("{what}: cannot run {}: {e}", program.display()))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{what} failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    };
    let venv_text = venv.to_str().ok_or("the venv path is not UTF-8")?;
    step(
        Path::new("python3"),
        &["-m", "venv", venv_text],
        "python3 -m venv",
    )?;
    step(
        &python,
        &["-m", "pip", "install", "--quiet", "openbadges-bakery"],
        "pip install openbadges-bakery",
    )?;
    Ok(python)
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
