//! Running the real `satchel` binary in benchmarks and measuring it, and
//! filling wallets fast for them.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use chrono::Utc;
use satchel::bake::{self, BakeSlot};
use satchel::credential;
use satchel::wallet::{Details, NewBadge, Resolved, Wallet};

use crate::{badges, images};

/// `SATCHEL_BENCH_SCALE` (default 1): divides the benches' counts for a quick run.
pub fn scale() -> usize {
    std::env::var("SATCHEL_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
        .max(1)
}

/// The `satchel` binary to measure: `SATCHEL_BENCH_BIN` when set (a build
/// kept aside, to compare before and after in one sitting), else `built`,
/// the one built with the bench.
pub fn satchel_bin(built: &str) -> String {
    std::env::var("SATCHEL_BENCH_BIN").unwrap_or_else(|_| built.to_owned())
}

/// Inserts an understood JSON badge straight through the wallet API,
/// keyed by its id, with `original` as its file bytes.
pub fn insert_json_badge(
    w: &mut Wallet,
    id: &str,
    text: &str,
    original: Vec<u8>,
    media_type: &str,
) {
    let badge = NewBadge {
        credential_key: format!("id:{id}"),
        original,
        media_type: media_type.into(),
        raw_text: text.to_owned(),
        payload_kind: "json".into(),
        resolved: Resolved {
            credential: credential::parse(text).expect("bench credential parses"),
            fetched: None,
            details: Details::Complete,
            details_error: None,
        },
        source: "bench".into(),
    };
    w.insert_badge(&badge, Utc::now()).expect("insert");
}

/// Runs the `satchel` binary `bin` with `args`, its output discarded, and checks that it ran
/// (exit status 0, or 1 when some item failed); returns wall seconds and
/// the child's own peak RSS in MiB.
pub fn run_cli(bin: &str, args: &[&str]) -> (f64, f64) {
    let run = run_timed(bin, args);
    assert!(
        run.code == 0 || run.code == 1,
        "satchel {args:?} exited {}",
        run.code
    );
    (run.secs, run.peak_mib)
}

/// One timed run of a program.
#[derive(Debug)]
pub struct TimedRun {
    /// Wall seconds, from fork to exit.
    pub secs: f64,
    /// The child's own peak RSS, in MiB.
    pub peak_mib: f64,
    /// Its exit status (-1 when killed by a signal).
    pub code: i32,
    /// What it wrote on standard output.
    pub stdout: Vec<u8>,
}

/// Runs `program` with `args` and measures it. The peak comes from GNU
/// `time`, which forks the program from its own small process: a child
/// forked straight from this bench would inherit the bench's high-water mark.
pub fn run_timed(program: &str, args: &[&str]) -> TimedRun {
    let report = tempfile::NamedTempFile::new().expect("temp file");
    let start = Instant::now();
    let output = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(report.path())
        .arg(program)
        .args(args)
        .stdout(Stdio::piped())
        .output()
        .expect("run a program under /usr/bin/time (Debian package `time`)");
    let secs = start.elapsed().as_secs_f64();
    let text = std::fs::read_to_string(report.path()).expect("time report");
    let kib: f64 = text
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .expect("peak RSS in KiB");
    TimedRun {
        secs,
        peak_mib: kib / 1024.0,
        code: output.status.code().unwrap_or(-1),
        stdout: output.stdout,
    }
}

/// The text of bench badge `i`: an OB 2.0 assertion with its BadgeClass
/// and issuer embedded.
pub fn bench_badge(i: usize) -> String {
    let id = format!("https://bench.example/a/{i}");
    badges::embedded_assertion(&id, &format!("Bench {i}"), "Bench U", "b@bench.example").to_string()
}

/// 1,000 distinct baked PNGs, pixel data from 1 KiB to 1 MiB on a log scale;
/// odd ones carry the badge chunk after `IDAT`.
pub fn baked_pngs(n: usize) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| {
            let size = (1024.0 * 1024f64.powf(i as f64 / n as f64)) as usize;
            let picture = images::noise_png(size, i as u64);
            let text = bench_badge(i);
            if i % 2 == 0 {
                bake::bake(&picture, &text, BakeSlot::Assertion).expect("bake")
            } else {
                images::insert_before_iend(&picture, &[images::itxt("openbadges", &text)])
            }
        })
        .collect()
}

/// Writes `count` distinct baked PNGs into `folder`: the pictures of
/// `files` in turn, the first round as they are, later rounds baked again
/// with badges of their own.
pub fn write_baked(folder: &Path, files: &[Vec<u8>], count: usize) {
    std::fs::create_dir_all(folder).expect("bench folder");
    for i in 0..count {
        let picture = &files[i % files.len()];
        let bytes = if i < files.len() {
            picture.clone()
        } else {
            let text = bench_badge(i);
            bake::bake(picture, &text, BakeSlot::Assertion).expect("bake")
        };
        std::fs::write(folder.join(format!("{i:05}.png")), bytes).expect("write a badge");
    }
    // The files are on disk before anything is timed, as a learner's are:
    // otherwise the kernel writes them out during the import and its
    // flushes wait for them.
    sync_disk();
}

/// Waits until the disk holds everything written so far (`sync`), so that
/// what comes next is not timed waiting for it.
pub fn sync_disk() {
    let synced = Command::new("sync").status();
    assert!(synced.is_ok_and(|s| s.success()), "sync failed");
}

/// Removes the wallet at `path` and the files SQLite keeps beside it (its
/// log, shared memory and rollback journal), those that exist.
pub fn remove_wallet(path: &Path) {
    for end in ["", "-wal", "-shm", "-journal"] {
        let mut name = path.as_os_str().to_owned();
        name.push(end);
        let _ = std::fs::remove_file(name);
    }
}
