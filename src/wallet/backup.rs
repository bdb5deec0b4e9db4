//! Backups of the whole wallet with SQLite's online backup, and restoring them.
//!
//! A backup is one consistent snapshot, taken in a single backup step so that
//! other processes writing to the wallet meanwhile neither block it nor tear
//! it; it is written to a temporary file beside the target and renamed into
//! place, so a crash never leaves a half-written backup under the real name.
//! Restoring checks the file first (a Satchel wallet of a known schema that
//! passes `PRAGMA integrity_check`), keeps the current wallet as a safety copy,
//! and only then copies the backup in, in one step.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use std::os::raw::c_int;
use std::time::{Duration, Instant};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use super::{BUSY_TIMEOUT, Wallet, WalletError, check_wallet};

impl Wallet {
    /// Writes a consistent copy of the wallet to `dest`, replacing it atomically.
    pub fn backup_to(&self, dest: &Path) -> Result<(), WalletError> {
        let tmp = sibling(dest, "partial");
        let _ = std::fs::remove_file(&tmp);
        let result = (|| {
            let mut out = Connection::open(&tmp)?;
            copy_whole(&Backup::new(&self.conn, &mut out)?)?;
            // A backup is one self-contained file, not a WAL pair.
            out.pragma_update(None, "journal_mode", "DELETE")?;
            out.close().map_err(|(_, e)| e)?;
            std::fs::rename(&tmp, dest).map_err(|source| WalletError::Io {
                path: dest.to_owned(),
                source,
            })
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }

    /// Replaces the wallet's contents with the backup at `src`, after checking
    /// it. The wallet as it was is first saved beside it; returns that copy's path.
    pub fn restore_from(&mut self, src: &Path, now: DateTime<Utc>) -> Result<PathBuf, WalletError> {
        let backup =
            Connection::open_with_flags(src, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|e| {
                WalletError::Foreign {
                    path: src.to_owned(),
                    reason: e.to_string(),
                }
            })?;
        let version = check_wallet(&backup, src)?;
        if version == 0 {
            return Err(WalletError::Foreign {
                path: src.to_owned(),
                reason: "it is an empty database, not a wallet backup".to_owned(),
            });
        }
        let verdict: String = backup.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if verdict != "ok" {
            return Err(WalletError::Damaged(format!(
                "{}: {verdict}",
                src.display()
            )));
        }
        let page_size = |c: &Connection| -> rusqlite::Result<i64> {
            c.pragma_query_value(None, "page_size", |r| r.get(0))
        };
        if page_size(&backup)? != page_size(&self.conn)? {
            // SQLite copies into a wallet in WAL mode only pages of its own
            // size (a backup of a wallet made before new wallets had
            // today's `PAGE_SIZE`): the wallet leaves WAL for the copy and
            // returns to it below, which it cannot while another connection
            // has it open.
            let mode: String =
                self.conn
                    .pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get(0))?;
            if mode.eq_ignore_ascii_case("wal") {
                return Err(WalletError::Busy);
            }
        }
        let safety = sibling(
            &self.path,
            &format!("before-restore-{}", now.format("%Y%m%dT%H%M%S")),
        );
        self.backup_to(&safety)?;
        copy_whole(&Backup::new(&backup, &mut self.conn)?)?;
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        self.migrate(version)?;
        Ok(safety)
    }
}

/// Copies every page in one step, so the copy is one consistent snapshot.
/// While another process commits to a wallet in its rollback journal (an
/// import's batches) the step cannot start; it is tried again until the
/// wallet's busy timeout has passed.
fn copy_whole(backup: &Backup<'_, '_>) -> Result<(), WalletError> {
    let started = Instant::now();
    loop {
        match backup.step(c_int::MAX)? {
            StepResult::Done => return Ok(()),
            StepResult::Busy | StepResult::Locked if started.elapsed() < BUSY_TIMEOUT => {
                std::thread::sleep(Duration::from_millis(10));
            }
            // One step copies everything, so `More` never comes.
            _ => return Err(WalletError::Busy),
        }
    }
}

/// `file.ext` → `file.ext.<suffix>` in the same folder.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".");
    name.push(suffix);
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wallet::NewBadge;

    #[test]
    fn a_backup_with_pages_of_another_size_restores() {
        let dir = tempfile::tempdir().unwrap();
        let old_path = dir.path().join("old.sqlite3");
        {
            // A wallet made before new wallets had larger pages.
            let conn = Connection::open(&old_path).unwrap();
            conn.execute_batch("PRAGMA page_size = 4096; CREATE TABLE t (x); DROP TABLE t;")
                .unwrap();
        }
        let mut old = Wallet::open(&old_path).unwrap();
        let page_size = |w: &Wallet| -> i64 {
            w.conn
                .pragma_query_value(None, "page_size", |r| r.get(0))
                .unwrap()
        };
        assert_eq!(page_size(&old), 4096);
        let badge = NewBadge::json_for_tests("id:urn:uuid:1", r#"{"id":"urn:uuid:1"}"#);
        old.insert_badge(&badge, Utc::now()).unwrap();
        let backup = dir.path().join("old-backup.sqlite3");
        old.backup_to(&backup).unwrap();

        let mut new = Wallet::open(&dir.path().join("new.sqlite3")).unwrap();
        assert_eq!(page_size(&new), crate::wallet::PAGE_SIZE);
        new.restore_from(&backup, Utc::now()).unwrap();
        assert_eq!(new.list_badges().unwrap().len(), 1);
        let mode: String = new
            .conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }
}
