//! The SQLite wallet: badges with their original bytes, and the learner's identities.
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
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, params};
use serde::Serialize;

use crate::ErrorCode;
use crate::credential::{Credential, ObVersion};

/// The schema, one migration per entry. Append only: never edit a shipped entry.
const MIGRATIONS: &[&str] = &[
    // 1: badges and identities.
    r#"
    CREATE TABLE badge (
        id                 INTEGER PRIMARY KEY,
        dedup_key          TEXT NOT NULL UNIQUE,
        original           BLOB NOT NULL,
        media_type         TEXT NOT NULL,
        raw_text           TEXT NOT NULL,
        payload_kind       TEXT NOT NULL,
        fetched            TEXT,
        details            TEXT NOT NULL CHECK (details IN ('complete', 'awaiting')),
        details_error      TEXT,
        credential         TEXT NOT NULL,
        name               TEXT,
        issuer_name        TEXT,
        issued_on          TEXT,
        expires            TEXT,
        recipient          TEXT,
        ob_version         TEXT,
        hosted_url         TEXT,
        source             TEXT NOT NULL,
        imported_at        TEXT NOT NULL
    ) STRICT;
    CREATE INDEX badge_hosted_url ON badge(hosted_url);
    CREATE TABLE identity (
        id       INTEGER PRIMARY KEY,
        kind     TEXT NOT NULL CHECK (kind IN ('email', 'url', 'telephone')),
        value    TEXT NOT NULL COLLATE NOCASE,
        added_at TEXT NOT NULL,
        UNIQUE (kind, value)
    ) STRICT;
    "#,
];

/// The `application_id` stamped on every Satchel wallet ("SaTc").
const APPLICATION_ID: i64 = 0x5361_5463;

/// Why the wallet could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum WalletError {
    #[error("the wallet at {path} was written by a newer version of Satchel (schema {found}, this one knows {known}); update Satchel to open it")]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("{path} is not a Satchel wallet ({reason}); it was left untouched — choose another file with --wallet")]
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
    #[error("wallet database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

impl WalletError {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            WalletError::Io { .. } => ErrorCode::Io,
            WalletError::NoSuchBadge(_) => ErrorCode::NotFound,
            WalletError::BadIdentity(_) => ErrorCode::InvalidInput,
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

/// A badge about to enter the wallet.
#[derive(Debug, Clone)]
pub struct NewBadge {
    /// What makes two imports the same badge (see `import`).
    pub dedup_key: String,
    /// The file exactly as it came in.
    pub original: Vec<u8>,
    pub media_type: String,
    /// The credential text as found (URL, JSON or JWS), verbatim.
    pub raw_text: String,
    pub payload_kind: String,
    pub resolved: Resolved,
    /// Where it came from: a path, `archive.zip!/entry`, or `pasted`.
    pub source: String,
}

/// What is known of a badge's credential: the parsed model plus the remote
/// documents it was built from.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub credential: Credential,
    /// The remote documents fetched to understand the badge, verbatim, as a
    /// JSON object `{url: text}`.
    pub fetched: Option<String>,
    pub details: Details,
    /// Why details are still awaited.
    pub details_error: Option<String>,
}

/// The result of adding a badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    New(i64),
    /// The wallet already holds this badge; nothing changed.
    Duplicate(i64),
}

/// One row of the badge list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BadgeSummary {
    pub id: i64,
    pub name: Option<String>,
    pub issuer_name: Option<String>,
    pub issued_on: Option<String>,
    pub expires: Option<String>,
    pub recipient: Option<String>,
    pub ob_version: Option<String>,
    pub hosted_url: Option<String>,
    pub details: Details,
}

/// Everything the wallet holds about one badge.
#[derive(Debug, Clone, Serialize)]
pub struct Badge {
    #[serde(flatten)]
    pub summary: BadgeSummary,
    pub credential: Credential,
    pub media_type: String,
    pub raw_text: String,
    pub payload_kind: String,
    /// Remote documents fetched at import, `{url: text}`.
    pub fetched: Option<serde_json::Value>,
    pub details_error: Option<String>,
    pub source: String,
    pub imported_at: String,
    #[serde(skip)]
    pub original: Vec<u8>,
}

/// The kinds of identity a learner can claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IdentityKind {
    Email,
    Url,
    Telephone,
}

impl IdentityKind {
    fn as_str(self) -> &'static str {
        match self {
            IdentityKind::Email => "email",
            IdentityKind::Url => "url",
            IdentityKind::Telephone => "telephone",
        }
    }
}

/// One of the learner's identities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identity {
    pub kind: IdentityKind,
    pub value: String,
    pub added_at: String,
}

impl Identity {
    /// `email`, `url` or `telephone`.
    pub fn kind_name(&self) -> &'static str {
        self.kind.as_str()
    }

    /// Recognises what kind of identity a string is: an email address, an
    /// http(s) URL, or a telephone number (`tel:` or `+` and digits).
    pub fn classify(value: &str) -> Result<(IdentityKind, String), WalletError> {
        let v = value.trim();
        let bad = |why: &str| WalletError::BadIdentity(format!("{v:?} {why}"));
        if let Some(rest) = v.strip_prefix("tel:").or(v.strip_prefix("+").map(|_| v)) {
            let digits = rest
                .chars()
                .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.'))
                .collect::<String>();
            let body = digits.strip_prefix('+').unwrap_or(&digits);
            if body.len() < 3 || !body.chars().all(|c| c.is_ascii_digit()) {
                return Err(bad("is not a telephone number; write it as +15551234567"));
            }
            return Ok((IdentityKind::Telephone, format!("+{body}")));
        }
        if v.starts_with("http://") || v.starts_with("https://") {
            return url::Url::parse(v)
                .map(|u| (IdentityKind::Url, u.to_string()))
                .map_err(|e| bad(&format!("is not a valid URL ({e})")));
        }
        let email = v.strip_prefix("mailto:").unwrap_or(v);
        match email.split_once('@') {
            Some((local, domain))
                if !local.is_empty() && domain.contains('.') && !email.contains(char::is_whitespace) =>
            {
                Ok((IdentityKind::Email, email.to_owned()))
            }
            _ => Err(bad(
                "is not an email address, http(s) URL or telephone number",
            )),
        }
    }
}

/// An open wallet.
#[derive(Debug)]
pub struct Wallet {
    conn: Connection,
    path: PathBuf,
}

/// The current time as stored in the wallet.
pub fn timestamp(now: DateTime<Utc>) -> String {
    now.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn opt_time(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
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
        let foreign = |reason: String| WalletError::Foreign {
            path: path.to_owned(),
            reason,
        };
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| foreign(e.to_string()))?;
        conn.busy_timeout(Duration::from_secs(10))?;
        // Reading the header tells a non-database apart before anything is written.
        let app_id: i64 = conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .map_err(|e| foreign(e.to_string()))?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let tables: i64 = conn.query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table'",
            [],
            |r| r.get(0),
        )?;
        if app_id != APPLICATION_ID && (app_id != 0 || tables > 0) {
            return Err(foreign(format!(
                "it is an SQLite database of another program (application id {app_id:#x}, {tables} tables)"
            )));
        }
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(WalletError::TooNew {
                path: path.to_owned(),
                found: version,
                known,
            });
        }
        conn.pragma_update(None, "journal_mode", "WAL")?;
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
    fn migrate(&mut self, from: i64) -> Result<(), WalletError> {
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(from as usize) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "application_id", APPLICATION_ID)?;
            tx.pragma_update(None, "user_version", index as i64 + 1)?;
            tx.commit()?;
        }
        Ok(())
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

    /// Adds a badge unless one with the same key or the same hosted URL is
    /// already there, in which case nothing changes.
    pub fn insert_badge(
        &mut self,
        badge: &NewBadge,
        now: DateTime<Utc>,
    ) -> Result<Inserted, WalletError> {
        let tx = self.conn.transaction()?;
        if let Some(id) = find_duplicate(&tx, badge)? {
            return Ok(Inserted::Duplicate(id));
        }
        let c = &badge.resolved.credential;
        tx.execute(
            "INSERT INTO badge (dedup_key, original, media_type, raw_text, payload_kind,
                fetched, details, details_error, credential, name, issuer_name, issued_on,
                expires, recipient, ob_version, hosted_url, source, imported_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
            params![
                badge.dedup_key,
                badge.original,
                badge.media_type,
                badge.raw_text,
                badge.payload_kind,
                badge.resolved.fetched,
                badge.resolved.details.as_str(),
                badge.resolved.details_error,
                serde_json::to_string(c).expect("credentials always serialize"),
                c.name,
                c.issuer_name,
                opt_time(c.issued_on),
                opt_time(c.expires),
                c.recipient.as_ref().map(|r| r.identity.clone()),
                c.ob_version.map(ObVersion::as_str),
                c.hosted_url,
                badge.source,
                timestamp(now),
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(Inserted::New(id))
    }

    /// Replaces what is known of a badge's credential (after its issuer
    /// answered), leaving the original bytes and raw text as they are.
    pub fn update_details(&mut self, id: i64, resolved: &Resolved) -> Result<(), WalletError> {
        let c = &resolved.credential;
        let changed = self.conn.execute(
            "UPDATE badge SET fetched = ?2, details = ?3, details_error = ?4, credential = ?5,
                name = ?6, issuer_name = ?7, issued_on = ?8, expires = ?9, recipient = ?10,
                ob_version = ?11, hosted_url = ?12
             WHERE id = ?1",
            params![
                id,
                resolved.fetched,
                resolved.details.as_str(),
                resolved.details_error,
                serde_json::to_string(c).expect("credentials always serialize"),
                c.name,
                c.issuer_name,
                opt_time(c.issued_on),
                opt_time(c.expires),
                c.recipient.as_ref().map(|r| r.identity.clone()),
                c.ob_version.map(ObVersion::as_str),
                c.hosted_url,
            ],
        )?;
        if changed == 0 {
            return Err(WalletError::NoSuchBadge(id));
        }
        Ok(())
    }

    /// Every badge, newest import first.
    pub fn list_badges(&self) -> Result<Vec<BadgeSummary>, WalletError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM badge ORDER BY id DESC"
        ))?;
        let rows = stmt.query_map([], summary_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The ids of badges whose details still wait for their issuer.
    pub fn awaiting_details(&self) -> Result<Vec<i64>, WalletError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM badge WHERE details = 'awaiting' ORDER BY id")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Everything about one badge.
    pub fn badge(&self, id: i64) -> Result<Badge, WalletError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS}, credential, media_type, raw_text, payload_kind, fetched,
                    details_error, source, imported_at, original
             FROM badge WHERE id = ?1"
        ))?;
        let badge = stmt
            .query_row([id], |r| {
                let credential: String = r.get(9)?;
                let fetched: Option<String> = r.get(13)?;
                Ok(Badge {
                    summary: summary_from_row(r)?,
                    credential: serde_json::from_str(&credential).unwrap_or_default(),
                    media_type: r.get(10)?,
                    raw_text: r.get(11)?,
                    payload_kind: r.get(12)?,
                    fetched: fetched.and_then(|f| serde_json::from_str(&f).ok()),
                    details_error: r.get(14)?,
                    source: r.get(15)?,
                    imported_at: r.get(16)?,
                    original: r.get(17)?,
                })
            })
            .optional()?;
        badge.ok_or(WalletError::NoSuchBadge(id))
    }

    /// How many badges the wallet holds.
    pub fn badge_count(&self) -> Result<i64, WalletError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM badge", [], |r| r.get(0))?)
    }

    /// Adds an identity; adding one that is there already changes nothing.
    /// Returns the identity as stored.
    pub fn add_identity(
        &mut self,
        value: &str,
        now: DateTime<Utc>,
    ) -> Result<Identity, WalletError> {
        let (kind, value) = Identity::classify(value)?;
        self.conn.execute(
            "INSERT INTO identity (kind, value, added_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (kind, value) DO NOTHING",
            params![kind.as_str(), value, timestamp(now)],
        )?;
        let added_at = self.conn.query_row(
            "SELECT added_at FROM identity WHERE kind = ?1 AND value = ?2",
            params![kind.as_str(), value],
            |r| r.get(0),
        )?;
        Ok(Identity {
            kind,
            value,
            added_at,
        })
    }

    /// Removes an identity; returns whether one was there.
    pub fn remove_identity(&mut self, value: &str) -> Result<bool, WalletError> {
        let (kind, value) = Identity::classify(value)?;
        let n = self.conn.execute(
            "DELETE FROM identity WHERE kind = ?1 AND value = ?2",
            params![kind.as_str(), value],
        )?;
        Ok(n > 0)
    }

    /// The learner's identities, oldest first.
    pub fn identities(&self) -> Result<Vec<Identity>, WalletError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT kind, value, added_at FROM identity ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            let kind: String = r.get(0)?;
            Ok(Identity {
                kind: match kind.as_str() {
                    "url" => IdentityKind::Url,
                    "telephone" => IdentityKind::Telephone,
                    _ => IdentityKind::Email,
                },
                value: r.get(1)?,
                added_at: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

const SUMMARY_COLUMNS: &str =
    "id, name, issuer_name, issued_on, expires, recipient, ob_version, hosted_url, details";

fn summary_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<BadgeSummary> {
    let details: String = r.get(8)?;
    Ok(BadgeSummary {
        id: r.get(0)?,
        name: r.get(1)?,
        issuer_name: r.get(2)?,
        issued_on: r.get(3)?,
        expires: r.get(4)?,
        recipient: r.get(5)?,
        ob_version: r.get(6)?,
        hosted_url: r.get(7)?,
        details: Details::parse(&details),
    })
}

/// The badge already in the wallet that `badge` repeats, by key or hosted URL.
fn find_duplicate(tx: &Transaction<'_>, badge: &NewBadge) -> Result<Option<i64>, WalletError> {
    let by_key = tx
        .query_row(
            "SELECT id FROM badge WHERE dedup_key = ?1",
            [&badge.dedup_key],
            |r| r.get(0),
        )
        .optional()?;
    if by_key.is_some() {
        return Ok(by_key);
    }
    match &badge.resolved.credential.hosted_url {
        Some(url) => Ok(tx
            .query_row(
                "SELECT id FROM badge WHERE hosted_url = ?1 LIMIT 1",
                [url],
                |r| r.get(0),
            )
            .optional()?),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_are_recognised_and_normalised() {
        assert_eq!(
            Identity::classify(" Ann@Example.org ").unwrap(),
            (IdentityKind::Email, "Ann@Example.org".to_owned())
        );
        assert_eq!(
            Identity::classify("tel:+1 (555) 123-4567").unwrap(),
            (IdentityKind::Telephone, "+15551234567".to_owned())
        );
        assert_eq!(
            Identity::classify("https://ann.example.org").unwrap().0,
            IdentityKind::Url
        );
        let err = Identity::classify("ann").unwrap_err().to_string();
        assert!(err.contains("\"ann\""), "{err}");
    }
}
