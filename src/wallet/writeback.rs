//! Getting the disk going on a run's pages while the run is still writing.
//!
//! SQLite hands each page to the kernel with `pwrite` and, at commit, waits
//! in `fsync` until the disk holds them all. The kernel on its own starts
//! writing dirty pages only once a good share of memory is dirty, so for a
//! batch of images nearly all of the disk's work would wait for that
//! `fsync`, with the importing thread stopped. A [`Writeback`] thread asks
//! the kernel every millisecond to start writing whatever of the
//! wallet file is dirty (Linux's `sync_file_range`, which never waits), so
//! the disk works while the next badges are built and the commit's `fsync`
//! has little left to wait for. It changes nothing about durability: the
//! commit still flushes as before.
//!
//! The thread uses SQLite's own descriptor of the wallet file, found in
//! `/proc/self/fd`, and never opens or closes one of its own: closing any
//! descriptor of a file drops every POSIX lock the process holds on it,
//! SQLite's included. The run that starts the thread stops it before its
//! own connection can close; if the descriptor found was another
//! connection's and that one closes first, a call fails or starts the disk
//! early on whatever file reuses the number, and nothing changes on disk
//! either way. Elsewhere than Linux there is no thread and commits flush as
//! before.

use std::path::Path;
use std::sync::mpsc::{RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the kernel is asked to start writing. An import of the
/// bench's 1,000 images writes a batch's 16 MiB faster than the disk takes
/// them in, so each commit waits for what was written since the last ask:
/// asked every 5 ms, its flushes waited 78–81 ms in all; every 1 ms,
/// 52–54 ms (median import 0.257 → 0.243 s). Every 0.5 ms gained a little
/// more time for more CPU; every 0.25 ms took more CPU still.
const EVERY: Duration = Duration::from_millis(1);

/// A thread starting the disk on the wallet's dirty pages; stops when dropped.
#[derive(Debug)]
pub(super) struct Writeback {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Writeback {
    /// Starts one for the wallet file at `path`, open in this process, or
    /// `None` when it cannot be had (this is only ever an optimization).
    pub(super) fn start(path: &Path) -> Option<Writeback> {
        let fd = descriptor_of(path)?;
        let (stop, stopped) = channel::<()>();
        let thread = std::thread::Builder::new()
            .name("satchel-writeback".into())
            .spawn(move || {
                // Until the run drops its end of the channel.
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(EVERY) {
                    start_writing(fd);
                }
            })
            .ok()?;
        Some(Writeback {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for Writeback {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A descriptor this process holds on the file at `path`.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn descriptor_of(path: &Path) -> Option<i32> {
    let file = std::fs::canonicalize(path).ok()?;
    std::fs::read_dir("/proc/self/fd")
        .ok()?
        .flatten()
        .find(|entry| std::fs::read_link(entry.path()).is_ok_and(|target| target == file))?
        .file_name()
        .to_str()?
        .parse()
        .ok()
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn descriptor_of(_path: &Path) -> Option<i32> {
    None
}

/// Asks the kernel to start writing the file's dirty pages, without waiting.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn start_writing(fd: i32) {
    // SAFETY: `sync_file_range` touches no memory of ours and changes no
    // data: on any descriptor it at most starts writing that file's dirty
    // pages, and on a closed one it fails with EBADF.
    unsafe {
        libc::sync_file_range(fd, 0, 0, libc::SYNC_FILE_RANGE_WRITE);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn start_writing(_fd: i32) {}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    use super::*;

    #[test]
    fn finds_the_descriptor_sqlite_holds_and_only_for_an_open_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.sqlite3");
        assert!(descriptor_of(&path).is_none(), "no file yet");
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE t(x)").unwrap();
        let fd = descriptor_of(&path).expect("SQLite holds the file open");
        let held = std::fs::read_link(format!("/proc/self/fd/{fd}")).unwrap();
        assert_eq!(held, std::fs::canonicalize(&path).unwrap());
        // Another name of the same file finds it too.
        let dotted = dir.path().join(".").join("w.sqlite3");
        assert_eq!(descriptor_of(&dotted), Some(fd));
        drop(conn);
        assert!(descriptor_of(&path).is_none(), "closed with the connection");
    }
}
