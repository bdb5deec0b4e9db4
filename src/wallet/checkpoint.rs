//! Copying the write-ahead log into the database file on a thread of its
//! own while a long run of writes goes on.
//!
//! In WAL mode every commit appends the changed pages to the log, and the
//! connection that commits also copies the log into the database (a
//! checkpoint, with its disk flushes) whenever the log has grown long. An
//! import of many large images would spend much of its time in those copies
//! and flushes, one writer on one core. A [`Checkpointer`] does them on a
//! second connection and thread, nudged after each commit, so the writer
//! only appends; once the log is all copied, the next write starts it again
//! from the beginning. Its checkpoints are passive (they never wait for or
//! block the writer) and purely an optimization: when it cannot open or
//! falls behind, the writer's own checkpoints go on as before.

use std::path::Path;
use std::sync::mpsc::{SyncSender, sync_channel};
use std::thread::JoinHandle;

use rusqlite::{Connection, OpenFlags};

/// A checkpointing thread for one wallet file; stops when dropped.
#[derive(Debug)]
pub struct Checkpointer {
    nudge: Option<SyncSender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts checkpointing the wallet at `path`, or `None` when no second
    /// connection or thread can be had (the writer then checkpoints alone).
    pub(super) fn start(path: &Path) -> Option<Checkpointer> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .ok()?;
        // One pending nudge is enough: a checkpoint copies all there is.
        let (nudge, nudged) = sync_channel::<()>(1);
        let thread = std::thread::Builder::new()
            .name("satchel-checkpoint".into())
            .spawn(move || {
                while nudged.recv().is_ok() {
                    // Busy (another checkpoint runs) or failed: the next
                    // nudge or the writer's own checkpoint catches up.
                    let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                }
            })
            .ok()?;
        Some(Checkpointer {
            nudge: Some(nudge),
            thread: Some(thread),
        })
    }

    /// Says that a commit added to the log.
    pub fn nudge(&self) {
        if let Some(nudge) = &self.nudge {
            // Full: a checkpoint is already due; gone: the thread stopped.
            let _ = nudge.try_send(());
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        drop(self.nudge.take());
        if let Some(thread) = self.thread.take() {
            // The thread ends at its next wait; a panic in it changed nothing.
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::wallet::{NewBadge, Wallet};

    #[test]
    fn a_nudge_copies_the_log_into_the_database_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.sqlite3");
        let mut wallet = Wallet::open(&path).unwrap();
        let before = std::fs::metadata(&path).unwrap().len();
        let original = vec![7u8; 512 * 1024];
        let mut badge = NewBadge::json_for_tests("id:urn:uuid:1", r#"{"id":"urn:uuid:1"}"#);
        badge.original = original.clone();
        badge.media_type = "image/png".into();
        let checkpointer = wallet.checkpoint_in_background().expect("starts");
        wallet.insert_badge(&badge, chrono::Utc::now()).unwrap();
        // The log is far below the writer's own checkpoint threshold, so
        // only the checkpointer can have put the image into the file.
        assert!(std::fs::metadata(&path).unwrap().len() < before + 512 * 1024);
        checkpointer.nudge();
        drop(checkpointer);
        assert!(std::fs::metadata(&path).unwrap().len() >= before + 512 * 1024);
        let (_, stored) = wallet.badge_original(1).unwrap();
        assert_eq!(stored, original);
    }
}
