//! The SQLite wallet: badges with their original bytes, identities, checks and
//! collections, and the issuers' key documents verification keeps.
//!
//! One function, [`Wallet::open`], opens every connection the same way (WAL,
//! foreign keys, a busy timeout) and brings the schema up to date with
//! append-only migrations keyed by `PRAGMA user_version`, each applied in its
//! own transaction. A database written by a newer Satchel, or a file that is
//! not a Satchel wallet, is refused and never touched. Every write is one
//! short transaction; no network I/O happens here.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction};
use serde::Serialize;

use crate::outcome::{Coded, ErrorCode};

mod backpacks;
mod backup;
mod badges;
mod checkpoint;
mod checks;
mod collections;
mod identities;
mod key_documents;
mod run;
mod snapshot;
mod writeback;

pub use backpacks::{BackpackAccount, NewBackpack, PushRecord, PushStatus, RemoteCollection};
pub use badges::{Badge, BadgeSummary, Inserted, NewBadge, Resolved, content_key};
pub use checkpoint::Checkpointer;
pub use checks::{CheckInput, CheckRecord, LatestCheck, Outcome};
pub use collections::{Collection, CollectionContents, CollectionError};
pub use identities::{Identity, IdentityKind};
pub use key_documents::KeyDocument;
pub use run::Run;
pub use snapshot::{
    BackpackRecord, BadgeRecord, BadgeWithOriginal, CollectionRecord, IdentityRecord,
    MirroredCollection, PublishedRecord, PushRow, RestoredBadge, Snapshot,
};
/// The schema, one migration per file. Append only: never edit a shipped entry.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_badges.sql"),
    include_str!("migrations/0002_checks.sql"),
    include_str!("migrations/0003_collections.sql"),
    include_str!("migrations/0004_backpacks.sql"),
    include_str!("migrations/0005_positions.sql"),
    include_str!("migrations/0006_unsupported.sql"),
    include_str!("migrations/0007_credential_key.sql"),
    include_str!("migrations/0008_suspended_and_key_documents.sql"),
    include_str!("migrations/0009_badge_summary.sql"),
];

/// The page size of new wallets (wallets made earlier keep theirs).
const PAGE_SIZE: i64 = 32 * 1024;

/// How long a write waits for another connection's transaction to end.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The `application_id` stamped on every Satchel wallet ("SaTc").
const APPLICATION_ID: i64 = 0x5361_5463;

/// Why the wallet could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum WalletError {
    #[error(
        "the wallet at {path} was written by a newer version of Satchel (schema {found}, this one knows {known}); update Satchel to open it"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error(
        "{path} is not a Satchel wallet ({reason}); it was left untouched — choose another file with --wallet"
    )]
    Foreign { path: PathBuf, reason: String },
    #[error("cannot use the wallet at {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no badge with id {0} in the wallet; `satchel list` shows the ids")]
    NoSuchBadge(i64),
    #[error("{0}")]
    BadIdentity(String),
    #[error(
        "the wallet database is damaged ({0}); nothing was changed — restore your latest backup with `satchel restore <file>`"
    )]
    Damaged(String),
    #[error(
        "the disk holding the wallet is full; the last change was not saved and nothing was lost — free some space and try again"
    )]
    DiskFull,
    #[error(
        "another Satchel window or command kept the wallet busy; nothing was changed — try again once it has finished"
    )]
    Busy,
    #[error("wallet database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error(
        "the backup comes from a newer Satchel (wallet schema {found}, this one knows {known}); update Satchel to restore it"
    )]
    BackupTooNew { found: i64, known: i64 },
    #[error("{0}")]
    BadBackup(String),
    #[error("no random source to name a collection's public page: {0}")]
    NoRandom(String),
}

impl From<rusqlite::Error> for WalletError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode as Sql;
        match e.sqlite_error_code() {
            Some(Sql::DatabaseCorrupt | Sql::NotADatabase) => WalletError::Damaged(e.to_string()),
            Some(Sql::DiskFull) => WalletError::DiskFull,
            Some(Sql::DatabaseBusy | Sql::DatabaseLocked) => WalletError::Busy,
            _ => WalletError::Sqlite(e),
        }
    }
}

impl Coded for WalletError {
    fn code(&self) -> ErrorCode {
        match self {
            WalletError::Io { .. } => ErrorCode::Io,
            WalletError::NoSuchBadge(_) => ErrorCode::NotFound,
            WalletError::BadIdentity(_) => ErrorCode::InvalidInput,
            WalletError::BackupTooNew { .. } => ErrorCode::Unsupported,
            WalletError::BadBackup(_) => ErrorCode::MalformedCredential,
            WalletError::NoRandom(_) => ErrorCode::Io,
            _ => ErrorCode::Wallet,
        }
    }
}

/// Whether a badge's details are all known or still wait for its issuer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Details {
    Complete,
    /// Kept with its URL and image; the issuer could not be reached yet.
    Awaiting,
}

impl Details {
    fn as_str(self) -> &'static str {
        match self {
            Details::Complete => "complete",
            Details::Awaiting => "awaiting",
        }
    }

    fn parse(s: &str) -> Self {
        if s == "complete" {
            Details::Complete
        } else {
            Details::Awaiting
        }
    }
}
/// An open wallet.
#[derive(Debug)]
pub struct Wallet {
    conn: Connection,
    path: PathBuf,
}

fn foreign(path: &Path, reason: String) -> WalletError {
    WalletError::Foreign {
        path: path.to_owned(),
        reason,
    }
}

/// A connection to the wallet file at `path`, nothing read yet.
fn connect(path: &Path) -> Result<Connection, WalletError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| foreign(path, e.to_string()))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // The same plan whatever the values bound. Without this, a statement
    // whose plan SQLite compared against a bound value (any `col = ?1 …
    // ORDER BY`) is prepared again each time it comes back from the cache.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(conn)
}

/// Reads the first row of every table, which fails on a wallet damaged
/// past its first page.
fn read_every_table(conn: &Connection) -> Result<(), WalletError> {
    let mut stmt = conn.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")?;
    let tables = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    for table in tables {
        let quoted = table.replace('"', "\"\"");
        conn.query_row(&format!("SELECT 1 FROM \"{quoted}\" LIMIT 1"), [], |_| {
            Ok(())
        })
        .optional()?;
    }
    Ok(())
}

/// Whether SQLite could not make the shared-memory index of a wallet in
/// WAL mode (a full disk).
fn no_room_for_index(e: &rusqlite::Error) -> bool {
    use rusqlite::ffi;
    e.sqlite_error().is_some_and(|e| {
        matches!(
            e.extended_code,
            ffi::SQLITE_IOERR_SHMOPEN | ffi::SQLITE_IOERR_SHMSIZE | ffi::SQLITE_IOERR_SHMMAP
        )
    })
}

/// Checks, before anything is written, that `conn` holds a Satchel wallet
/// (or a new, empty database) of a schema this version knows; returns the
/// schema version.
fn check_wallet(conn: &Connection, path: &Path) -> Result<i64, WalletError> {
    let app_id: i64 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(|e| foreign(path, e.to_string()))?;
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let tables: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table'",
        [],
        |r| r.get(0),
    )?;
    if app_id != APPLICATION_ID && (app_id != 0 || tables > 0) {
        return Err(foreign(
            path,
            format!(
                "it is an SQLite database of another program (application id {app_id:#x}, {tables} tables)"
            ),
        ));
    }
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(WalletError::TooNew {
            path: path.to_owned(),
            found: version,
            known,
        });
    }
    Ok(version)
}

/// The current time as stored in the wallet.
pub fn timestamp(now: DateTime<Utc>) -> String {
    now.to_rfc3339_opts(SecondsFormat::Millis, true)
}
impl Wallet {
    /// The wallet's default location: `$XDG_DATA_HOME/satchel/wallet.sqlite3`.
    pub fn default_path() -> Option<PathBuf> {
        directories::ProjectDirs::from("org", "Satchel", "satchel")
            .map(|d| d.data_dir().join("wallet.sqlite3"))
    }

    /// Opens (creating if needed) the wallet at `path` and migrates it.
    pub fn open(path: &Path) -> Result<Wallet, WalletError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| WalletError::Io {
                path: dir.to_owned(),
                source,
            })?;
        }
        let mut conn = connect(path)?;
        if conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))
            .is_err_and(|e| no_room_for_index(&e))
        {
            // A wallet in WAL mode needs an index file beside it, made anew
            // whenever the wallet is opened after all connections closed; on
            // a full disk it cannot be. With exclusive locking SQLite keeps
            // that index in memory: this process alone can then still read
            // the wallet, and write whatever fits.
            drop(conn);
            conn = connect(path)?;
            conn.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
        }
        let version = check_wallet(&conn, path)?;
        let empty = || -> rusqlite::Result<bool> {
            Ok(conn.pragma_query_value::<i64, _>(None, "page_count", |r| r.get(0))? == 0)
        };
        if version == 0 && empty()? {
            // A new wallet: its pages are 32 KiB, an eighth as many writes
            // for the same images as SQLite's default of 4 KiB (an import
            // of the bench's 1,000 images took 9 % less time than with
            // 16 KiB, for a file 1.4 % larger; 64 KiB gained no more).
            conn.pragma_update(None, "page_size", PAGE_SIZE)?;
        }
        let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            // Switching writes the header: first make sure the wallet is
            // readable past it, so a damaged one is reported, never changed.
            read_every_table(&conn)?;
            // WAL lets readers go on while one connection writes. A wallet
            // an import has taken out of WAL for a moment (see [`Run`]), or
            // one on a disk too full for the log, works as it is until a
            // later open.
            let _ = conn.pragma_update(None, "journal_mode", "WAL");
        }
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut wallet = Wallet {
            conn,
            path: path.to_owned(),
        };
        wallet.migrate(version)?;
        Ok(wallet)
    }

    /// Applies every migration after `from`, each in its own transaction.
    /// Another process may be migrating the same file at the same moment, so
    /// each step re-reads the version under the write lock and skips what is done.
    fn migrate(&mut self, from: i64) -> Result<(), WalletError> {
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(from as usize) {
            let tx = self.write_transaction()?;
            let current: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
            if current > index as i64 {
                continue;
            }
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "application_id", APPLICATION_ID)?;
            tx.pragma_update(None, "user_version", index as i64 + 1)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// A write transaction that takes the write lock at once, so a change
    /// that reads before it writes waits for another process's writer
    /// (busy timeout) instead of failing when it tries to upgrade.
    pub(super) fn write_transaction(&mut self) -> rusqlite::Result<Transaction<'_>> {
        self.conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
    }

    /// Checkpoints this wallet on a thread of its own during a long run of
    /// writes (see [`Checkpointer`]); `None` when that cannot start.
    pub fn checkpoint_in_background(&self) -> Option<Checkpointer> {
        Checkpointer::start(&self.path)
    }

    /// Where this wallet lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open wallet.
    pub fn schema_version(&self) -> Result<i64, WalletError> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }
}

#[cfg(test)]
mod schema_tests;
