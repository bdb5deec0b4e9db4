//! A long run of inserts — the import of a folder or an archive — written
//! with as little copying as the wallet's safety allows.
//!
//! In WAL mode every page a commit changes goes to the log first and is
//! copied into the database file by a later checkpoint, so each image would
//! be written twice and read back once. While no other connection has the
//! wallet open, a [`Run`] switches it to a rollback journal instead: pages
//! appended to the end of the file (the images, which fill most of it) are
//! written once, in place, and only the few pages that held data before the
//! transaction (table and index leaves, the header) are journaled. Every
//! commit is then flushed twice (journal, then database), so badges are
//! written in batches ([`Wallet::insert_badges`]), each badge still
//! standing alone within its batch: it is one `INSERT`, which SQLite
//! applies whole or not at all. When the run ends the wallet returns
//! to WAL. If another connection holds the wallet (the window, a second
//! command), the switch is refused at once and the run stays in WAL with a
//! [`Checkpointer`] beside it, as before; a connection opening the wallet
//! during a run waits for the current batch and then brings it back to WAL
//! itself, which the run's next batch simply follows. While a run writes
//! through the journal, a [`Writeback`] thread starts the disk on its pages
//! before each commit has to wait for them.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::writeback::Writeback;
use super::{BUSY_TIMEOUT, Checkpointer, Inserted, NewBadge, Wallet, WalletError};

/// How the wallet is written during a run.
#[derive(Debug)]
pub struct Run {
    /// Set when the wallet stayed in WAL mode: copies the log on a thread
    /// of its own.
    checkpointer: Option<Checkpointer>,
    /// Whether the wallet left WAL mode for this run (and so must return).
    journaled: bool,
    /// Set when the run writes through a rollback journal: starts the disk
    /// on the pages written while the batch is still being built.
    writeback: Option<Writeback>,
    /// The page cache's size before the run (`PRAGMA cache_size`), restored
    /// when it ends; `None` for a run of one, which leaves it as it was.
    cache_before: Option<i64>,
}

/// The page cache, in KiB, during a long run. A run's new pages are written
/// once and never read again, so a large cache only holds them longer:
/// with SQLite's default of 2,000 KiB an import of the bench's 1,000 images
/// took 4–8 % more CPU and 6–13 % more time than with this (more fresh
/// memory to fault in, colder processor caches), new wallet or one of
/// 10,000 badges whose indexes no longer fit; 250–1,500 KiB measured alike.
const RUN_CACHE_KIB: i64 = 1000;

impl Run {
    /// Says that a batch was written (the checkpointer, if any, copies it).
    pub fn written(&self) {
        if let Some(checkpointer) = &self.checkpointer {
            checkpointer.nudge();
        }
    }

    /// Whether this run writes through a rollback journal.
    pub fn journaled(&self) -> bool {
        self.journaled
    }
}

impl Wallet {
    /// Starts a run of `badges` inserts (see the module's documentation);
    /// a run of one changes nothing.
    pub fn start_run(&mut self, badges: usize) -> Run {
        let long = badges > 1;
        let cache_before = long.then(|| self.set_cache_size(-RUN_CACHE_KIB)).flatten();
        let journaled = long && self.leave_wal();
        let checkpointer = if long && !journaled {
            self.checkpoint_in_background()
        } else {
            None
        };
        let writeback = if journaled {
            Writeback::start(&self.path)
        } else {
            None
        };
        Run {
            checkpointer,
            journaled,
            writeback,
            cache_before,
        }
    }

    /// Sets the page cache's size (negative: KiB; positive: pages), giving
    /// the size before; `None` when it could not be read.
    fn set_cache_size(&self, size: i64) -> Option<i64> {
        let before = self
            .conn
            .pragma_query_value(None, "cache_size", |r| r.get(0))
            .ok()?;
        // Only a closed connection fails this, and then nothing is cached.
        let _ = self.conn.pragma_update(None, "cache_size", size);
        Some(before)
    }

    /// Ends a run: the wallet returns to WAL mode. When another connection
    /// holds it just then, that connection (or the next to open the
    /// wallet) makes the switch instead; nothing is lost either way.
    pub fn end_run(&mut self, run: Run) {
        if let Some(before) = run.cache_before {
            self.set_cache_size(before);
        }
        drop(run.checkpointer);
        drop(run.writeback);
        if run.journaled {
            // Failing here leaves a valid rollback-journal wallet.
            let _ = self.conn.pragma_update(None, "journal_mode", "WAL");
            let _ = self.conn.pragma_update(None, "synchronous", "NORMAL");
        }
    }

    /// Switches to a rollback journal when no other connection has the
    /// wallet open, without waiting for one that has; whether it did.
    fn leave_wal(&mut self) -> bool {
        if self.conn.busy_timeout(Duration::ZERO).is_err() {
            return false;
        }
        let mode: Result<String, _> =
            self.conn
                .pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get(0));
        let mut left = mode.is_ok_and(|m| m.eq_ignore_ascii_case("delete"));
        // A rollback journal is flushed fully, so that a power cut mid-commit
        // cannot damage what the wallet held before; without that, back to WAL.
        if left
            && self
                .conn
                .pragma_update(None, "synchronous", "FULL")
                .is_err()
        {
            let _ = self.conn.pragma_update(None, "journal_mode", "WAL");
            left = false;
        }
        // Setting a busy timeout fails only on a closed connection.
        let _ = self.conn.busy_timeout(BUSY_TIMEOUT);
        left
    }

    /// Adds several badges in one transaction, each as [`insert_badge`]
    /// would on its own: a badge that cannot be written leaves the others
    /// in. When the disk fills before the batch is committed, each badge is
    /// tried again in a transaction of its own, so every badge that fits is
    /// kept. The results are in the order of `badges`; the error is the
    /// whole batch's when none could be written (another process kept the
    /// wallet busy, say).
    ///
    /// [`insert_badge`]: Wallet::insert_badge
    pub fn insert_badges(
        &mut self,
        badges: &[&NewBadge],
        now: DateTime<Utc>,
    ) -> Result<Vec<Result<Inserted, WalletError>>, WalletError> {
        match self.insert_together(badges, now) {
            Err(WalletError::DiskFull) => {
                Ok(badges.iter().map(|b| self.insert_badge(b, now)).collect())
            }
            together => together,
        }
    }

    fn insert_together(
        &mut self,
        badges: &[&NewBadge],
        now: DateTime<Utc>,
    ) -> Result<Vec<Result<Inserted, WalletError>>, WalletError> {
        let tx = self.write_transaction()?;
        let mut results = Vec::with_capacity(badges.len());
        for badge in badges {
            // No savepoint per badge: a badge is written by one `INSERT`,
            // and a statement that fails leaves the transaction as it was
            // before it. (A savepoint cost a copy of every table and index
            // page each badge touched, 8 % of an import's time.)
            let result = super::badges::insert_into(&tx, badge, now);
            // Some errors (a full disk while SQLite moved pages out of its
            // cache, an I/O error) make SQLite roll back the whole
            // transaction instead, this batch's earlier badges included.
            // The batch failed as a whole: go no further, or the next badge
            // would be committed on its own.
            match result {
                Err(e) if tx.is_autocommit() => return Err(e),
                result => results.push(result),
            }
        }
        tx.commit()?;
        Ok(results)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wallet::NewBadge;

    /// The value of `PRAGMA name` on the wallet's connection.
    fn pragma<T: rusqlite::types::FromSql>(wallet: &Wallet, name: &str) -> T {
        wallet
            .conn
            .pragma_query_value(None, name, |r| r.get(0))
            .unwrap()
    }

    fn journal_mode(wallet: &Wallet) -> String {
        pragma(wallet, "journal_mode")
    }

    fn cache_size(wallet: &Wallet) -> i64 {
        pragma(wallet, "cache_size")
    }

    fn image_badge(n: u8, size: usize) -> NewBadge {
        let text = format!(r#"{{"id":"urn:uuid:{n}"}}"#);
        let mut badge = NewBadge::json_for_tests(&format!("id:urn:uuid:{n}"), &text);
        badge.original = vec![n; size];
        badge.media_type = "image/png".into();
        badge
    }

    #[test]
    fn a_run_alone_writes_images_once_and_returns_to_wal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.sqlite3");
        let mut wallet = Wallet::open(&path).unwrap();
        let cache_before = cache_size(&wallet);
        let run = wallet.start_run(4);
        assert!(run.journaled());
        assert_eq!(cache_size(&wallet), -RUN_CACHE_KIB);
        assert_ne!(cache_before, -RUN_CACHE_KIB);
        assert_eq!(journal_mode(&wallet), "delete");
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        assert!(run.writeback.is_some(), "the disk is started early");
        let badges: Vec<NewBadge> = (1..=4).map(|n| image_badge(n, 256 * 1024)).collect();
        let results = wallet
            .insert_badges(&badges.iter().collect::<Vec<_>>(), Utc::now())
            .unwrap();
        assert!(
            results
                .iter()
                .all(|r| matches!(r, Ok(Inserted::New { .. })))
        );
        // No log: the images went straight into the database file.
        assert!(!dir.path().join("w.sqlite3-wal").exists());
        assert!(std::fs::metadata(&path).unwrap().len() >= 4 * 256 * 1024);
        wallet.end_run(run);
        assert_eq!(journal_mode(&wallet), "wal");
        assert_eq!(cache_size(&wallet), cache_before);
        drop(wallet);
        let wallet = Wallet::open(&path).unwrap();
        for (id, badge) in (1..).zip(&badges) {
            assert_eq!(wallet.badge_original(id).unwrap().1, badge.original);
        }
    }

    #[test]
    fn a_run_beside_another_connection_stays_in_wal_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.sqlite3");
        let mut wallet = Wallet::open(&path).unwrap();
        let window = Wallet::open(&path).unwrap();
        let started = std::time::Instant::now();
        let run = wallet.start_run(4);
        assert!(!run.journaled());
        assert!(run.writeback.is_none(), "the checkpointer flushes");
        assert!(started.elapsed() < BUSY_TIMEOUT / 2, "did not wait");
        assert_eq!(journal_mode(&wallet), "wal");
        let results = wallet
            .insert_badges(&[&image_badge(1, 1024)], Utc::now())
            .unwrap();
        assert!(matches!(results[0], Ok(Inserted::New { id: 1, .. })));
        run.written();
        wallet.end_run(run);
        assert_eq!(window.list_badges().unwrap().len(), 1);
    }

    #[test]
    fn a_badge_refused_within_a_batch_leaves_the_others_in() {
        let dir = tempfile::tempdir().unwrap();
        let mut wallet = Wallet::open(&dir.path().join("w.sqlite3")).unwrap();
        // Refused after its row is written, so the statement must be undone.
        wallet
            .conn
            .execute_batch(
                "CREATE TEMP TRIGGER refuse AFTER INSERT ON main.badge
                 WHEN length(NEW.original) = 7
                 BEGIN SELECT RAISE(ABORT, 'refused for the test'); END",
            )
            .unwrap();
        let run = wallet.start_run(3);
        let badges = [
            image_badge(1, 64 * 1024),
            image_badge(2, 7),
            image_badge(3, 10),
        ];
        let results = wallet
            .insert_badges(&badges.iter().collect::<Vec<_>>(), Utc::now())
            .unwrap();
        wallet.end_run(run);
        assert!(matches!(results[0], Ok(Inserted::New { .. })));
        assert!(
            matches!(&results[1], Err(e) if e.to_string().contains("refused for the test")),
            "{:?}",
            results[1]
        );
        assert!(matches!(results[2], Ok(Inserted::New { .. })));
        let kept: Vec<Vec<u8>> = wallet
            .list_badges()
            .unwrap()
            .iter()
            .map(|b| wallet.badge_original(b.id).unwrap().1)
            .collect();
        assert_eq!(kept.len(), 2);
        assert!(kept.contains(&badges[0].original) && kept.contains(&badges[2].original));
    }

    #[test]
    fn a_batch_finds_duplicates_among_its_own_badges() {
        let dir = tempfile::tempdir().unwrap();
        let mut wallet = Wallet::open(&dir.path().join("w.sqlite3")).unwrap();
        let run = wallet.start_run(4);
        // The second is the first again: the batch sees its own badges.
        let results = wallet
            .insert_badges(
                &[
                    &image_badge(1, 10),
                    &image_badge(1, 10),
                    &image_badge(3, 10),
                ],
                Utc::now(),
            )
            .unwrap();
        assert!(matches!(results[0], Ok(Inserted::New { id: 1, .. })));
        assert!(matches!(results[1], Ok(Inserted::Duplicate(1))));
        assert!(matches!(results[2], Ok(Inserted::New { .. })));
        wallet.end_run(run);
        assert_eq!(wallet.list_badges().unwrap().len(), 2);
    }
}
