//! The badge table: adding, updating, listing and reading badges.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;

use super::checks::{LATEST_CHECK_COLUMNS, LatestCheck, latest_from_row};
use super::{Details, Wallet, WalletError, timestamp};
use crate::credential::{Credential, ObVersion};

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
    /// The newest verification check, if the badge was ever checked.
    pub status: Option<LatestCheck>,
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
fn opt_time(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
}
impl Wallet {
    /// Adds a badge unless one with the same key or the same hosted URL is
    /// already there, in which case nothing changes.
    pub fn insert_badge(
        &mut self,
        badge: &NewBadge,
        now: DateTime<Utc>,
    ) -> Result<Inserted, WalletError> {
        let tx = self.write_transaction()?;
        if let Some(id) = find_duplicate(&tx, badge)? {
            return Ok(Inserted::Duplicate(id));
        }
        tx.execute(
            "INSERT INTO badge (dedup_key, original, media_type, raw_text, payload_kind,
                details, credential, source, imported_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'awaiting', '{}', ?6, ?7)",
            params![
                badge.dedup_key,
                badge.original,
                badge.media_type,
                badge.raw_text,
                badge.payload_kind,
                badge.source,
                timestamp(now),
            ],
        )?;
        let id = tx.last_insert_rowid();
        write_details(&tx, id, &badge.resolved)?;
        tx.commit()?;
        Ok(Inserted::New(id))
    }

    /// Replaces what is known of a badge's credential (after its issuer
    /// answered), leaving the original bytes and raw text as they are.
    pub fn update_details(&mut self, id: i64, resolved: &Resolved) -> Result<(), WalletError> {
        let tx = self.write_transaction()?;
        if write_details(&tx, id, resolved)? == 0 {
            return Err(WalletError::NoSuchBadge(id));
        }
        tx.commit()?;
        Ok(())
    }

    /// Every badge, newest import first.
    pub fn list_badges(&self) -> Result<Vec<BadgeSummary>, WalletError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS}, {LATEST_CHECK_COLUMNS} FROM badge ORDER BY id DESC"
        ))?;
        let rows = stmt.query_map([], |r| {
            let mut summary = summary_from_row(r)?;
            summary.status = latest_from_row(r, 9)?;
            Ok(summary)
        })?;
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

    /// A badge's original bytes and their media type, and nothing else: what
    /// the window's image requests need, without parsing the credential.
    pub fn badge_original(&self, id: i64) -> Result<(String, Vec<u8>), WalletError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT media_type, original FROM badge WHERE id = ?1")?;
        stmt.query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .ok_or(WalletError::NoSuchBadge(id))
    }

    /// Takes a badge out of the wallet for good, with its check history, its
    /// places in collections and its push records (the schema cascades).
    pub fn delete_badge(&mut self, id: i64) -> Result<(), WalletError> {
        let tx = self.write_transaction()?;
        if tx.execute("DELETE FROM badge WHERE id = ?1", [id])? == 0 {
            return Err(WalletError::NoSuchBadge(id));
        }
        tx.commit()?;
        Ok(())
    }

    /// How many badges the wallet holds.
    pub fn badge_count(&self) -> Result<i64, WalletError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM badge", [], |r| r.get(0))?)
    }
}

pub(super) const SUMMARY_COLUMNS: &str =
    "id, name, issuer_name, issued_on, expires, recipient, ob_version, hosted_url, details";

pub(super) fn summary_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<BadgeSummary> {
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
        status: None,
    })
}

/// Writes the credential and the list columns derived from it; returns
/// how many rows changed (0 when there is no badge `id`).
fn write_details(tx: &Transaction<'_>, id: i64, resolved: &Resolved) -> Result<usize, WalletError> {
    let c = &resolved.credential;
    Ok(tx.execute(
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
    )?)
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
