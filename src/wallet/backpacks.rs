//! The backpack tables: connected backpacks, what was pushed to each, and
//! the collections mirrored there.
//!
//! Only names, URLs and ids live here. Access tokens, refresh tokens and
//! client secrets belong to the OS keyring (see `crate::backpack::secrets`);
//! a row only names the keyring entry that holds them.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::{Wallet, WalletError, timestamp};

/// A backpack about to be remembered.
#[derive(Debug, Clone)]
pub struct NewBackpack {
    pub name: String,
    /// `badgr`, `badge_connect` or `ob3`.
    pub kind: String,
    pub base_url: String,
    /// Discovered endpoints, as a JSON object.
    pub endpoints: serde_json::Value,
    /// The OAuth client Satchel signs in as (not a secret): the one a
    /// dynamic registration gave, or the Badgr application it was told.
    pub client_id: Option<String>,
    pub username: Option<String>,
    /// The name of the keyring entry that holds this backpack's secrets.
    pub secret_key: String,
}

/// A connected backpack, as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BackpackAccount {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub base_url: String,
    pub endpoints: serde_json::Value,
    pub client_id: Option<String>,
    pub username: Option<String>,
    #[serde(skip)]
    pub secret_key: String,
    pub added_at: String,
    /// Badges recorded as present on the backpack.
    pub pushed: i64,
}

/// How the last push of a badge to a backpack went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PushStatus {
    /// Sent and accepted.
    Pushed,
    /// The backpack already held it.
    AlreadyThere,
    /// It came from the backpack with `satchel pull`.
    Pulled,
    /// Refused or not sent; it will be tried again.
    Failed,
}

impl PushStatus {
    fn as_str(self) -> &'static str {
        match self {
            PushStatus::Pushed => "pushed",
            PushStatus::AlreadyThere => "already_there",
            PushStatus::Pulled => "pulled",
            PushStatus::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "pushed" => PushStatus::Pushed,
            "already_there" => PushStatus::AlreadyThere,
            "pulled" => PushStatus::Pulled,
            _ => PushStatus::Failed,
        }
    }

    /// Whether the badge is known to be on the backpack.
    pub fn is_present(self) -> bool {
        self != PushStatus::Failed
    }
}

/// The remembered state of one badge on one backpack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PushRecord {
    pub badge_id: i64,
    pub status: PushStatus,
    pub remote_id: Option<String>,
    /// For failures: the sentence shown to the learner.
    pub message: Option<String>,
    /// The backpack's own words, kept as evidence.
    pub evidence: Option<String>,
    pub pushed_at: String,
}

/// A collection mirrored to a backpack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemoteCollection {
    pub remote_id: String,
    pub share_url: Option<String>,
}

const ACCOUNT_COLUMNS: &str =
    "b.id, b.name, b.kind, b.base_url, b.endpoints, b.client_id, b.username,
     b.secret_key, b.added_at,
     (SELECT count(*) FROM backpack_push p WHERE p.backpack_id = b.id AND p.status <> 'failed')";

fn account_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<BackpackAccount> {
    let endpoints: String = r.get(4)?;
    Ok(BackpackAccount {
        id: r.get(0)?,
        name: r.get(1)?,
        kind: r.get(2)?,
        base_url: r.get(3)?,
        endpoints: serde_json::from_str(&endpoints).unwrap_or_default(),
        client_id: r.get(5)?,
        username: r.get(6)?,
        secret_key: r.get(7)?,
        added_at: r.get(8)?,
        pushed: r.get(9)?,
    })
}

impl Wallet {
    /// Remembers a backpack, or updates the one with the same name (a new
    /// sign-in keeps its push history). Returns its id.
    pub fn save_backpack(
        &mut self,
        backpack: &NewBackpack,
        now: DateTime<Utc>,
    ) -> Result<i64, WalletError> {
        let id = self.conn.query_row(
            "INSERT INTO backpack (name, kind, base_url, endpoints, client_id, username, secret_key, added_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, base_url = excluded.base_url,
                endpoints = excluded.endpoints, client_id = excluded.client_id,
                username = excluded.username, secret_key = excluded.secret_key
             RETURNING id",
            params![
                backpack.name,
                backpack.kind,
                backpack.base_url,
                backpack.endpoints.to_string(),
                backpack.client_id,
                backpack.username,
                backpack.secret_key,
                timestamp(now),
            ],
            |r| r.get(0),
        )?;
        Ok(id)
    }

    /// Every connected backpack, by name.
    pub fn backpacks(&self) -> Result<Vec<BackpackAccount>, WalletError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM backpack b ORDER BY b.name"
        ))?;
        let rows = stmt.query_map([], account_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The backpack called `name`, if there is one.
    pub fn backpack(&self, name: &str) -> Result<Option<BackpackAccount>, WalletError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM backpack b WHERE b.name = ?1"
        ))?;
        Ok(stmt.query_row([name], account_from_row).optional()?)
    }

    /// Forgets a backpack and its push history. Returns whether it existed.
    pub fn remove_backpack(&mut self, name: &str) -> Result<bool, WalletError> {
        Ok(self
            .conn
            .execute("DELETE FROM backpack WHERE name = ?1", [name])?
            > 0)
    }

    /// Records how sending (or pulling) one badge went, replacing any earlier record.
    pub fn record_push(
        &mut self,
        backpack_id: i64,
        record: &PushRecord,
    ) -> Result<(), WalletError> {
        self.conn.execute(
            "INSERT INTO backpack_push (backpack_id, badge_id, status, remote_id, message, evidence, pushed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (backpack_id, badge_id) DO UPDATE SET status = excluded.status,
                remote_id = coalesce(excluded.remote_id, backpack_push.remote_id),
                message = excluded.message, evidence = excluded.evidence,
                pushed_at = excluded.pushed_at",
            params![
                backpack_id,
                record.badge_id,
                record.status.as_str(),
                record.remote_id,
                record.message,
                record.evidence,
                record.pushed_at,
            ],
        )?;
        Ok(())
    }

    /// Every badge's remembered state on one backpack.
    pub fn push_records(&self, backpack_id: i64) -> Result<Vec<PushRecord>, WalletError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT badge_id, status, remote_id, message, evidence, pushed_at
             FROM backpack_push WHERE backpack_id = ?1 ORDER BY badge_id",
        )?;
        let rows = stmt.query_map([backpack_id], |r| {
            Ok(PushRecord {
                badge_id: r.get(0)?,
                status: PushStatus::parse(&r.get::<_, String>(1)?),
                remote_id: r.get(2)?,
                message: r.get(3)?,
                evidence: r.get(4)?,
                pushed_at: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The remote copy of a collection on a backpack, if one was made.
    pub fn remote_collection(
        &self,
        backpack_id: i64,
        collection_id: i64,
    ) -> Result<Option<RemoteCollection>, WalletError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT remote_id, share_url FROM backpack_collection
             WHERE backpack_id = ?1 AND collection_id = ?2",
        )?;
        Ok(stmt
            .query_row([backpack_id, collection_id], |r| {
                Ok(RemoteCollection {
                    remote_id: r.get(0)?,
                    share_url: r.get(1)?,
                })
            })
            .optional()?)
    }

    /// Remembers the remote copy of a collection.
    pub fn record_remote_collection(
        &mut self,
        backpack_id: i64,
        collection_id: i64,
        remote: &RemoteCollection,
        now: DateTime<Utc>,
    ) -> Result<(), WalletError> {
        self.conn.execute(
            "INSERT INTO backpack_collection (backpack_id, collection_id, remote_id, share_url, pushed_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (backpack_id, collection_id) DO UPDATE SET remote_id = excluded.remote_id,
                share_url = excluded.share_url, pushed_at = excluded.pushed_at",
            params![
                backpack_id,
                collection_id,
                remote.remote_id,
                remote.share_url,
                timestamp(now)
            ],
        )?;
        Ok(())
    }
}
