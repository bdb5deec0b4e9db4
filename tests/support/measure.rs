//! Running the real `satchel` binary in benchmarks and measuring it.
//! Shared by path (`#[path]`) from the benches.

use std::process::{Command, Stdio};
use std::time::Instant;

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
