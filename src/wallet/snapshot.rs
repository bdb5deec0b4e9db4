//! Reading the whole wallet out, row for row, and writing it back in.
//!
//! This module owns the mapping between the wallet's tables and plain
//! serializable records, so that a backup loses nothing: badges with every
//! column (the original bytes travel beside them), identities, collections
//! with their order and flags, the publishing state, the connected backpacks
//! with what was pushed to each, and the verification history in `badge_check`.
//! No secret is ever in a snapshot: a backpack row names the OS keyring
//! entry that holds its sign-in, a random name that is not a secret; after a
//! restore on another machine that entry is not there, and the learner
//! signs in again (`satchel backpack add`), which keeps the push history. That table belongs to verification, so its rows
//! are copied column by column as the live schema names them, whatever columns
//! it grows. Where the bytes are stored (a ZIP, in `export::bundle`) is not
//! this module's business. [`Wallet::restore`] is one transaction: all or nothing.

use std::collections::HashMap;

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::badges::{Placement, place};
use super::collections::new_public_id;
use super::{Wallet, WalletError};

/// Every column of one `badge` row except the original bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadgeRecord {
    pub id: i64,
    pub dedup_key: String,
    pub media_type: String,
    pub raw_text: String,
    pub payload_kind: String,
    pub fetched: Option<String>,
    pub details: String,
    pub details_error: Option<String>,
    /// The normalized credential, as the JSON text stored.
    pub credential: String,
    pub name: Option<String>,
    pub issuer_name: Option<String>,
    pub issued_on: Option<String>,
    pub expires: Option<String>,
    pub recipient: Option<String>,
    pub ob_version: Option<String>,
    pub hosted_url: Option<String>,
    pub source: String,
    pub imported_at: String,
    /// What names the credential (schema 7); exports made before it take
    /// their `dedup_key`, which was that name then.
    #[serde(default)]
    pub credential_key: Option<String>,
}

/// One of the learner's identities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityRecord {
    pub kind: String,
    pub value: String,
    pub added_at: String,
}

/// A collection with its badges in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionRecord {
    pub id: i64,
    pub public_id: String,
    pub name: String,
    pub description: String,
    pub public: bool,
    pub position: i64,
    pub created_at: String,
    /// Badge ids, first to last.
    pub badges: Vec<i64>,
}

/// Where the last publish went and which badge pages it wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedRecord {
    pub base_url: String,
    pub published_at: String,
    /// `(badge id, page URL)`.
    pub pages: Vec<(i64, String)>,
}

/// A connected backpack (`backpack` row), what was pushed to it and the
/// collections mirrored there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackpackRecord {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub base_url: String,
    /// Discovered endpoints, the JSON text stored.
    pub endpoints: String,
    pub client_id: Option<String>,
    pub username: Option<String>,
    /// The keyring entry's name (random, not a secret): on the same machine
    /// a restored backpack keeps its sign-in.
    pub secret_key: String,
    pub added_at: String,
    pub pushes: Vec<PushRow>,
    pub collections: Vec<MirroredCollection>,
}

/// One `backpack_push` row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushRow {
    pub badge_id: i64,
    pub status: String,
    pub remote_id: Option<String>,
    pub message: Option<String>,
    pub evidence: Option<String>,
    pub pushed_at: String,
}

/// One `backpack_collection` row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MirroredCollection {
    pub collection_id: i64,
    pub remote_id: String,
    pub share_url: Option<String>,
    pub pushed_at: String,
}

/// Everything in the wallet except the badges, which are streamed (see
/// [`Wallet::for_each_badge_record`]) so that a large wallet is never held
/// in memory whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The wallet's schema version (`PRAGMA user_version`).
    pub schema_version: i64,
    pub identities: Vec<IdentityRecord>,
    pub collections: Vec<CollectionRecord>,
    /// `badge_check` rows, oldest first, each as `{column: value}`.
    pub checks: Vec<Map<String, Value>>,
    pub published: Option<PublishedRecord>,
    /// Absent from exports made before backpacks were kept.
    #[serde(default)]
    pub backpacks: Vec<BackpackRecord>,
}

/// What happened to one badge of a restore.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RestoredBadge {
    /// The badge's id in the backup.
    pub old_id: i64,
    /// Its id in this wallet.
    pub badge_id: i64,
    /// The wallet already held the same credential; the stored one was kept.
    pub duplicate: bool,
    /// The badge already here with the same name (id) or hosted URL but
    /// other content, when it was added beside one.
    pub beside: Option<i64>,
}

/// A badge record and its original bytes, as a restore consumes them.
pub type BadgeWithOriginal = (BadgeRecord, Vec<u8>);

const BADGE_COLUMNS: &str = "id, dedup_key, media_type, raw_text, payload_kind, fetched, details,
    details_error, credential, name, issuer_name, issued_on, expires, recipient, ob_version,
    hosted_url, source, imported_at, credential_key";

fn badge_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<BadgeRecord> {
    Ok(BadgeRecord {
        id: r.get(0)?,
        dedup_key: r.get(1)?,
        media_type: r.get(2)?,
        raw_text: r.get(3)?,
        payload_kind: r.get(4)?,
        fetched: r.get(5)?,
        details: r.get(6)?,
        details_error: r.get(7)?,
        credential: r.get(8)?,
        name: r.get(9)?,
        issuer_name: r.get(10)?,
        issued_on: r.get(11)?,
        expires: r.get(12)?,
        recipient: r.get(13)?,
        ob_version: r.get(14)?,
        hosted_url: r.get(15)?,
        source: r.get(16)?,
        imported_at: r.get(17)?,
        credential_key: r.get(18)?,
    })
}

/// A malformed backup, said so.
fn malformed(message: String) -> WalletError {
    WalletError::BadBackup(message)
}

fn sql_to_json(v: SqlValue) -> Value {
    match v {
        SqlValue::Null => Value::Null,
        SqlValue::Integer(i) => i.into(),
        SqlValue::Real(f) => f.into(),
        SqlValue::Text(t) => t.into(),
        SqlValue::Blob(b) => serde_json::json!({ "hex": hex::encode(b) }),
    }
}

fn json_to_sql(column: &str, v: &Value) -> Result<SqlValue, WalletError> {
    Ok(match v {
        Value::Null => SqlValue::Null,
        Value::Bool(b) => SqlValue::Integer(i64::from(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => SqlValue::Integer(i),
            None => SqlValue::Real(n.as_f64().unwrap_or_default()),
        },
        Value::String(s) => SqlValue::Text(s.clone()),
        Value::Object(o) => match o.get("hex").and_then(Value::as_str).map(hex::decode) {
            Some(Ok(bytes)) => SqlValue::Blob(bytes),
            _ => return Err(malformed(format!("check column {column} holds an object"))),
        },
        Value::Array(_) => return Err(malformed(format!("check column {column} holds a list"))),
    })
}

/// The columns of `badge_check` as the live schema has them.
fn check_columns(conn: &Connection) -> Result<Vec<String>, WalletError> {
    let mut stmt =
        conn.prepare("SELECT name FROM pragma_table_info('badge_check') ORDER BY cid")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Whether `table` already has a row with this id.
fn id_taken(tx: &Transaction<'_>, table: &str, id: i64) -> Result<bool, WalletError> {
    Ok(tx
        .query_row(
            &format!("SELECT 1 FROM {table} WHERE id = ?1"),
            [id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// The backup's id if this wallet has no row by that id, else `None` (a new one).
fn keep_id(tx: &Transaction<'_>, table: &str, id: i64) -> Result<Option<i64>, WalletError> {
    Ok((!id_taken(tx, table, id)?).then_some(id))
}

impl Wallet {
    /// Everything but the badges, read in one transaction.
    pub fn snapshot(&mut self) -> Result<Snapshot, WalletError> {
        let tx = self.conn.transaction()?;
        let schema_version = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let identities = {
            let mut stmt = tx.prepare("SELECT kind, value, added_at FROM identity ORDER BY id")?;
            stmt.query_map([], |r| {
                Ok(IdentityRecord {
                    kind: r.get(0)?,
                    value: r.get(1)?,
                    added_at: r.get(2)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?
        };
        let mut collections = {
            let mut stmt = tx.prepare(
                "SELECT id, public_id, name, description, public, position, created_at
                 FROM collection ORDER BY position, id",
            )?;
            stmt.query_map([], |r| {
                Ok(CollectionRecord {
                    id: r.get(0)?,
                    public_id: r.get(1)?,
                    name: r.get(2)?,
                    description: r.get(3)?,
                    public: r.get(4)?,
                    position: r.get(5)?,
                    created_at: r.get(6)?,
                    badges: Vec::new(),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?
        };
        for c in &mut collections {
            let mut stmt = tx.prepare_cached(
                "SELECT badge_id FROM collection_badge WHERE collection_id = ?1
                 ORDER BY position, badge_id",
            )?;
            c.badges = stmt
                .query_map([c.id], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
        }
        let columns = check_columns(&tx)?;
        let checks = {
            let mut stmt = tx.prepare(&format!(
                "SELECT {} FROM badge_check ORDER BY id",
                columns.join(", ")
            ))?;
            stmt.query_map([], |r| {
                let mut row = Map::new();
                for (i, name) in columns.iter().enumerate() {
                    row.insert(name.clone(), sql_to_json(r.get(i)?));
                }
                Ok(row)
            })?
            .collect::<Result<Vec<_>, _>>()?
        };
        let published = published(&tx)?;
        let backpacks = backpacks(&tx)?;
        tx.commit()?;
        Ok(Snapshot {
            schema_version,
            identities,
            collections,
            checks,
            published,
            backpacks,
        })
    }

    /// The key that makes a badge the same badge in any wallet (see `import`).
    pub fn badge_key(&self, id: i64) -> Result<String, WalletError> {
        self.conn
            .query_row("SELECT dedup_key FROM badge WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or(WalletError::NoSuchBadge(id))
    }

    /// Calls `f` with every badge record and its original bytes, oldest
    /// first, one at a time.
    pub fn for_each_badge_record<E: From<WalletError>>(
        &self,
        f: &mut dyn FnMut(BadgeRecord, Vec<u8>) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {BADGE_COLUMNS}, original FROM badge ORDER BY id"
            ))
            .map_err(WalletError::from)?;
        let mut rows = stmt.query([]).map_err(WalletError::from)?;
        while let Some(row) = rows.next().map_err(WalletError::from)? {
            let record = badge_from_row(row).map_err(WalletError::from)?;
            let original: Vec<u8> = row.get(19).map_err(WalletError::from)?;
            f(record, original)?;
        }
        Ok(())
    }

    /// Writes a backup into this wallet in one transaction: every badge
    /// whose credential is not already here (decided as for an import, so a
    /// copy with other content is added beside the one here) with its own
    /// id when that id is free, identities, collections (after any already
    /// here), the verification history of the badges added, and the
    /// publishing state if this wallet has none. Into an empty wallet, this
    /// reproduces the backed-up wallet exactly. Any error leaves the wallet
    /// as it was.
    pub fn restore<E: From<WalletError>>(
        &mut self,
        snapshot: &Snapshot,
        badges: impl Iterator<Item = Result<BadgeWithOriginal, E>>,
    ) -> Result<Vec<RestoredBadge>, E> {
        let known = self.schema_version()?;
        if snapshot.schema_version > known {
            return Err(WalletError::BackupTooNew {
                found: snapshot.schema_version,
                known,
            }
            .into());
        }
        let tx = self.write_transaction().map_err(WalletError::from)?;
        let mut restored = Vec::new();
        for item in badges {
            let (record, original) = item?;
            restored.push(restore_badge(&tx, &record, &original)?);
        }
        let ids: HashMap<i64, &RestoredBadge> = restored.iter().map(|r| (r.old_id, r)).collect();
        let new_id = |old: i64| {
            ids.get(&old).map(|r| r.badge_id).ok_or_else(|| {
                malformed(format!("the backup names badge {old} but does not hold it"))
            })
        };
        for identity in &snapshot.identities {
            tx.execute(
                "INSERT INTO identity (kind, value, added_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (kind, value) DO NOTHING",
                params![identity.kind, identity.value, identity.added_at],
            )
            .map_err(WalletError::from)?;
        }
        let collection_ids = restore_collections(&tx, &snapshot.collections, &new_id)?;
        restore_checks(&tx, &snapshot.checks, &ids)?;
        restore_backpacks(&tx, &snapshot.backpacks, &new_id, &collection_ids)?;
        if let Some(p) = &snapshot.published
            && published(&tx)?.is_none()
        {
            tx.execute(
                "INSERT INTO published_site (id, base_url, published_at) VALUES (1, ?1, ?2)",
                params![p.base_url, p.published_at],
            )
            .map_err(WalletError::from)?;
            for (badge, page) in &p.pages {
                tx.execute(
                    "INSERT INTO published_badge (badge_id, page) VALUES (?1, ?2)",
                    params![new_id(*badge)?, page],
                )
                .map_err(WalletError::from)?;
            }
        }
        tx.commit().map_err(WalletError::from)?;
        Ok(restored)
    }
}

/// Reads the publishing state.
fn published(conn: &Connection) -> Result<Option<PublishedRecord>, WalletError> {
    let site: Option<(String, String)> = conn
        .query_row(
            "SELECT base_url, published_at FROM published_site WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((base_url, published_at)) = site else {
        return Ok(None);
    };
    let mut stmt = conn.prepare("SELECT badge_id, page FROM published_badge ORDER BY badge_id")?;
    let pages = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(Some(PublishedRecord {
        base_url,
        published_at,
        pages,
    }))
}

/// Reads every backpack with its pushes and mirrored collections.
fn backpacks(conn: &Connection) -> Result<Vec<BackpackRecord>, WalletError> {
    let mut stmt = conn.prepare(
        "SELECT id, name, kind, base_url, endpoints, client_id, username, secret_key, added_at
         FROM backpack ORDER BY id",
    )?;
    let mut accounts = stmt
        .query_map([], |r| {
            Ok(BackpackRecord {
                id: r.get(0)?,
                name: r.get(1)?,
                kind: r.get(2)?,
                base_url: r.get(3)?,
                endpoints: r.get(4)?,
                client_id: r.get(5)?,
                username: r.get(6)?,
                secret_key: r.get(7)?,
                added_at: r.get(8)?,
                pushes: Vec::new(),
                collections: Vec::new(),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    for b in &mut accounts {
        let mut stmt = conn.prepare_cached(
            "SELECT badge_id, status, remote_id, message, evidence, pushed_at
             FROM backpack_push WHERE backpack_id = ?1 ORDER BY badge_id",
        )?;
        b.pushes = stmt
            .query_map([b.id], |r| {
                Ok(PushRow {
                    badge_id: r.get(0)?,
                    status: r.get(1)?,
                    remote_id: r.get(2)?,
                    message: r.get(3)?,
                    evidence: r.get(4)?,
                    pushed_at: r.get(5)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        let mut stmt = conn.prepare_cached(
            "SELECT collection_id, remote_id, share_url, pushed_at
             FROM backpack_collection WHERE backpack_id = ?1 ORDER BY collection_id",
        )?;
        b.collections = stmt
            .query_map([b.id], |r| {
                Ok(MirroredCollection {
                    collection_id: r.get(0)?,
                    remote_id: r.get(1)?,
                    share_url: r.get(2)?,
                    pushed_at: r.get(3)?,
                })
            })?
            .collect::<Result<_, _>>()?;
    }
    Ok(accounts)
}

/// Writes the backed-up collections after any already here, each with its
/// badges in order; returns the new id of each backed-up collection.
fn restore_collections(
    tx: &Transaction<'_>,
    collections: &[CollectionRecord],
    new_badge_id: &dyn Fn(i64) -> Result<i64, WalletError>,
) -> Result<HashMap<i64, i64>, WalletError> {
    let existing: i64 = tx.query_row("SELECT count(*) FROM collection", [], |r| r.get(0))?;
    let mut collection_ids: HashMap<i64, i64> = HashMap::new();
    for c in collections {
        let taken: Option<i64> = tx
            .query_row(
                "SELECT id FROM collection WHERE public_id = ?1",
                [&c.public_id],
                |r| r.get(0),
            )
            .optional()?;
        let public_id = match taken {
            Some(_) => new_public_id()?,
            None => c.public_id.clone(),
        };
        tx.execute(
        "INSERT INTO collection (id, public_id, name, description, public, position, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            keep_id(tx, "collection", c.id)?,
            public_id,
            c.name,
            c.description,
            c.public,
            existing + c.position,
            c.created_at
        ],
        )?;
        let collection_id = tx.last_insert_rowid();
        collection_ids.insert(c.id, collection_id);
        for (position, &badge) in c.badges.iter().enumerate() {
            tx.execute(
            "INSERT INTO collection_badge (collection_id, badge_id, position) VALUES (?1, ?2, ?3)",
            params![collection_id, new_badge_id(badge)?, position as i64],
        )?;
        }
    }
    Ok(collection_ids)
}

/// Writes the backed-up backpacks. A backpack this wallet already has (by
/// name) keeps its own row and sign-in; push and mirror records are added
/// where this wallet has none for that badge or collection.
fn restore_backpacks(
    tx: &Transaction<'_>,
    backpacks: &[BackpackRecord],
    new_badge_id: &dyn Fn(i64) -> Result<i64, WalletError>,
    collection_ids: &HashMap<i64, i64>,
) -> Result<(), WalletError> {
    for b in backpacks {
        let existing: Option<i64> = tx
            .query_row("SELECT id FROM backpack WHERE name = ?1", [&b.name], |r| {
                r.get(0)
            })
            .optional()
            .map_err(WalletError::from)?;
        let backpack_id = match existing {
            Some(id) => id,
            None => {
                let key_taken = tx
                    .query_row(
                        "SELECT 1 FROM backpack WHERE secret_key = ?1",
                        [&b.secret_key],
                        |_| Ok(()),
                    )
                    .optional()
                    .map_err(WalletError::from)?
                    .is_some();
                // A fresh name finds no sign-in: the learner signs in again.
                let secret_key = if key_taken {
                    new_public_id()?
                } else {
                    b.secret_key.clone()
                };
                tx.execute(
                    "INSERT INTO backpack (id, name, kind, base_url, endpoints, client_id, username, secret_key, added_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    params![
                        keep_id(tx, "backpack", b.id)?,
                        b.name,
                        b.kind,
                        b.base_url,
                        b.endpoints,
                        b.client_id,
                        b.username,
                        secret_key,
                        b.added_at
                    ],
                )
                .map_err(WalletError::from)?;
                tx.last_insert_rowid()
            }
        };
        for p in &b.pushes {
            tx.execute(
                "INSERT INTO backpack_push (backpack_id, badge_id, status, remote_id, message, evidence, pushed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
                params![
                    backpack_id,
                    new_badge_id(p.badge_id)?,
                    p.status,
                    p.remote_id,
                    p.message,
                    p.evidence,
                    p.pushed_at
                ],
            )
            .map_err(WalletError::from)?;
        }
        for m in &b.collections {
            let collection = collection_ids.get(&m.collection_id).ok_or_else(|| {
                malformed(format!(
                    "backpack {} mirrors collection {}, which the backup does not hold",
                    b.name, m.collection_id
                ))
            })?;
            tx.execute(
                "INSERT INTO backpack_collection (backpack_id, collection_id, remote_id, share_url, pushed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
                params![backpack_id, collection, m.remote_id, m.share_url, m.pushed_at],
            )
            .map_err(WalletError::from)?;
        }
    }
    Ok(())
}

fn restore_badge(
    tx: &Transaction<'_>,
    b: &BadgeRecord,
    original: &[u8],
) -> Result<RestoredBadge, WalletError> {
    let credential_key = b.credential_key.as_deref().unwrap_or(&b.dedup_key);
    let (key, beside) = match place(tx, credential_key, &b.raw_text, b.hosted_url.as_deref())? {
        Placement::Duplicate(badge_id) => {
            return Ok(RestoredBadge {
                old_id: b.id,
                badge_id,
                duplicate: true,
                beside: None,
            });
        }
        Placement::Alone => (b.dedup_key.clone(), None),
        Placement::Beside { key, other } => (key, Some(other)),
    };
    tx.execute(
        &format!(
            "INSERT INTO badge ({BADGE_COLUMNS}, original)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)"
        ),
        params![
            keep_id(tx, "badge", b.id)?,
            key,
            b.media_type,
            b.raw_text,
            b.payload_kind,
            b.fetched,
            b.details,
            b.details_error,
            b.credential,
            b.name,
            b.issuer_name,
            b.issued_on,
            b.expires,
            b.recipient,
            b.ob_version,
            b.hosted_url,
            b.source,
            b.imported_at,
            credential_key,
            original,
        ],
    )?;
    Ok(RestoredBadge {
        old_id: b.id,
        badge_id: tx.last_insert_rowid(),
        duplicate: false,
        beside,
    })
}

/// Copies check rows of newly added badges, column by column as this wallet's
/// schema has them; a column this wallet does not know is refused rather than
/// dropped.
fn restore_checks(
    tx: &Transaction<'_>,
    checks: &[Map<String, Value>],
    ids: &HashMap<i64, &RestoredBadge>,
) -> Result<(), WalletError> {
    let columns = check_columns(tx)?;
    for row in checks {
        if let Some(unknown) = row.keys().find(|k| !columns.contains(k)) {
            return Err(malformed(format!(
                "a check in the backup has a column `{unknown}` this wallet does not know"
            )));
        }
        let old = row
            .get("badge_id")
            .and_then(Value::as_i64)
            .ok_or_else(|| malformed("a check in the backup names no badge".to_owned()))?;
        let target = ids.get(&old).ok_or_else(|| {
            malformed(format!(
                "a check names badge {old}, which the backup does not hold"
            ))
        })?;
        if target.duplicate {
            continue;
        }
        let mut names = Vec::new();
        let mut values = Vec::new();
        for column in &columns {
            let Some(value) = row.get(column) else {
                continue;
            };
            let value = match column.as_str() {
                "badge_id" => SqlValue::Integer(target.badge_id),
                "id" => match value.as_i64() {
                    Some(id) if !id_taken(tx, "badge_check", id)? => SqlValue::Integer(id),
                    _ => SqlValue::Null,
                },
                _ => json_to_sql(column, value)?,
            };
            names.push(column.as_str());
            values.push(value);
        }
        let marks = (1..=values.len())
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>();
        tx.execute(
            &format!(
                "INSERT INTO badge_check ({}) VALUES ({})",
                names.join(", "),
                marks.join(", ")
            ),
            rusqlite::params_from_iter(values),
        )
        .map_err(WalletError::from)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_values_survive_json() {
        for v in [
            SqlValue::Null,
            SqlValue::Integer(-7),
            SqlValue::Real(1.5),
            SqlValue::Text("valid".into()),
            SqlValue::Blob(vec![0, 255, 3]),
        ] {
            assert_eq!(json_to_sql("c", &sql_to_json(v.clone())).unwrap(), v);
        }
        assert!(json_to_sql("c", &serde_json::json!([1])).is_err());
    }
}
