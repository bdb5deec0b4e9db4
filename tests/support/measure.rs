//! Running the real `satchel` binary in benchmarks and measuring it, and
//! filling wallets fast for them. Shared by path (`#[path]`) from the benches.
#![allow(dead_code)] // each bench needs a different subset

use std::process::{Command, Stdio};
use std::time::Instant;

use chrono::Utc;
use satchel::credential;
use satchel::wallet::{Details, NewBadge, Resolved, Wallet};

/// `SATCHEL_BENCH_SCALE` (default 1): divides the benches' counts for a quick run.
pub fn scale() -> usize {
    std::env::var("SATCHEL_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
        .max(1)
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
        dedup_key: format!("id:{id}"),
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

/// Runs `satchel args…` with its output discarded and checks that it ran
/// (exit status 0, or 1 when some item failed); returns wall seconds and
/// the child's own peak RSS in MiB.
// The child is reaped by `wait4` below, which clippy does not see.
#[allow(clippy::zombie_processes)]
pub fn run_cli(args: &[&str]) -> (f64, f64) {
    let start = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_satchel"))
        .args(args)
        .stdout(Stdio::null())
        .spawn()
        .expect("run satchel");
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child and writes into locals we own.
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(pid, child.id() as libc::pid_t, "wait4 failed");
    let code = libc::WEXITSTATUS(status);
    assert!(code == 0 || code == 1, "satchel {args:?} exited {code}");
    (secs, usage.ru_maxrss as f64 / 1024.0)
}
