//! The collection tables: named, ordered, public or private groups of badges.
//!
//! A badge may sit in any number of collections; deleting a collection never
//! deletes its badges. Positions are kept dense (0, 1, 2, …) both for
//! collections among themselves and for badges within a collection, and every
//! change, including a reorder, is one transaction. Which collections the
//! world sees is decided here (`public`); what a published site looks like
//! belongs to `export::site`.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;

use super::{BadgeSummary, Wallet, WalletError, badges, timestamp};
use crate::outcome::{Coded, ErrorCode};

/// Longest collection name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest collection description accepted, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 10_000;

/// Why a collection change was refused. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum CollectionError {
    #[error("no collection with id {0}; `satchel collection list` shows the ids")]
    NoSuchCollection(i64),
    #[error(
        "badge {badge} is not in collection {collection}; `satchel collection show {collection}` lists its badges"
    )]
    NotInCollection { collection: i64, badge: i64 },
    #[error("a collection needs a name that is not blank")]
    BlankName,
    #[error("the {what} has {chars} characters, more than the {limit} allowed")]
    TooLong {
        what: &'static str,
        chars: usize,
        limit: usize,
    },
    #[error(transparent)]
    Wallet(#[from] WalletError),
}

impl From<rusqlite::Error> for CollectionError {
    fn from(e: rusqlite::Error) -> Self {
        CollectionError::Wallet(e.into())
    }
}

impl Coded for CollectionError {
    fn code(&self) -> ErrorCode {
        match self {
            CollectionError::NoSuchCollection(_) | CollectionError::NotInCollection { .. } => {
                ErrorCode::NotFound
            }
            CollectionError::BlankName => ErrorCode::InvalidInput,
            CollectionError::TooLong { .. } => ErrorCode::TooLarge,
            CollectionError::Wallet(e) => e.code(),
        }
    }
}

/// One collection, as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Collection {
    pub id: i64,
    /// A random, stable name used in published URLs.
    pub public_id: String,
    pub name: String,
    pub description: String,
    pub public: bool,
    /// 0-based place among the collections.
    pub position: i64,
    pub created_at: String,
    pub badge_count: i64,
}

/// A collection with its badges in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CollectionContents {
    #[serde(flatten)]
    pub collection: Collection,
    pub badges: Vec<BadgeSummary>,
}

const COLLECTION_COLUMNS: &str =
    "c.id, c.public_id, c.name, c.description, c.public, c.position, c.created_at,
     (SELECT count(*) FROM collection_badge cb WHERE cb.collection_id = c.id)";

fn collection_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Collection> {
    Ok(Collection {
        id: r.get(0)?,
        public_id: r.get(1)?,
        name: r.get(2)?,
        description: r.get(3)?,
        public: r.get(4)?,
        position: r.get(5)?,
        created_at: r.get(6)?,
        badge_count: r.get(7)?,
    })
}

/// A trimmed, non-blank name within the length limit.
fn checked_name(name: &str) -> Result<String, CollectionError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(CollectionError::BlankName);
    }
    check_length("name", name, MAX_NAME_CHARS)?;
    Ok(name.to_owned())
}

fn check_length(what: &'static str, text: &str, limit: usize) -> Result<(), CollectionError> {
    let chars = text.chars().count();
    if chars > limit {
        return Err(CollectionError::TooLong { what, chars, limit });
    }
    Ok(())
}

/// 16 random hex digits: unguessable enough that an unpublished collection's
/// future URL cannot be predicted, short enough to read.
pub(crate) fn new_public_id() -> Result<String, WalletError> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| WalletError::NoRandom(e.to_string()))?;
    Ok(hex::encode(bytes))
}

/// Fails unless collection `id` exists.
fn require(tx: &Transaction<'_>, id: i64) -> Result<(), CollectionError> {
    let found: Option<i64> = tx
        .query_row("SELECT id FROM collection WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    found
        .map(|_| ())
        .ok_or(CollectionError::NoSuchCollection(id))
}

/// Moves `item` to index `to` (clamped) in `order`; `None` if it is not there.
fn reorder(order: &mut Vec<i64>, item: i64, to: usize) -> Option<()> {
    let from = order.iter().position(|&x| x == item)?;
    order.remove(from);
    order.insert(to.min(order.len()), item);
    Some(())
}

impl Wallet {
    /// Creates a private collection at the end of the list.
    pub fn create_collection(
        &mut self,
        name: &str,
        description: &str,
        now: DateTime<Utc>,
    ) -> Result<Collection, CollectionError> {
        let name = checked_name(name)?;
        check_length("description", description, MAX_DESCRIPTION_CHARS)?;
        let public_id = new_public_id()?;
        let tx = self.write_transaction()?;
        tx.execute(
            "INSERT INTO collection (public_id, name, description, public, position, created_at)
             VALUES (?1, ?2, ?3, 0, (SELECT count(*) FROM collection), ?4)",
            params![public_id, name, description.trim(), timestamp(now)],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        self.collection(id)
    }

    /// Gives a collection a new name.
    pub fn rename_collection(&mut self, id: i64, name: &str) -> Result<(), CollectionError> {
        let name = checked_name(name)?;
        self.update_collection(id, "UPDATE collection SET name = ?2 WHERE id = ?1", &name)
    }

    /// Replaces a collection's description (empty to clear it).
    pub fn describe_collection(
        &mut self,
        id: i64,
        description: &str,
    ) -> Result<(), CollectionError> {
        check_length("description", description, MAX_DESCRIPTION_CHARS)?;
        self.update_collection(
            id,
            "UPDATE collection SET description = ?2 WHERE id = ?1",
            description.trim(),
        )
    }

    /// Makes a collection public (published by `satchel publish`) or private.
    pub fn set_collection_public(&mut self, id: i64, public: bool) -> Result<(), CollectionError> {
        self.update_collection(
            id,
            "UPDATE collection SET public = ?2 WHERE id = ?1",
            public,
        )
    }

    fn update_collection(
        &mut self,
        id: i64,
        sql: &str,
        value: impl rusqlite::ToSql,
    ) -> Result<(), CollectionError> {
        match self.conn.execute(sql, params![id, value])? {
            0 => Err(CollectionError::NoSuchCollection(id)),
            _ => Ok(()),
        }
    }

    /// Deletes a collection; its badges stay in the wallet and in any other
    /// collection. The remaining collections close the gap.
    pub fn delete_collection(&mut self, id: i64) -> Result<(), CollectionError> {
        let tx = self.write_transaction()?;
        require(&tx, id)?;
        tx.execute("DELETE FROM collection WHERE id = ?1", [id])?;
        write_collection_order(&tx, &collection_order(&tx)?)?;
        tx.commit()?;
        Ok(())
    }

    /// Adds badges at the end of a collection, in the order given. Badges
    /// already there keep their place. Returns how many were added. If any id
    /// is unknown, nothing is added.
    pub fn add_to_collection(
        &mut self,
        id: i64,
        badge_ids: &[i64],
    ) -> Result<usize, CollectionError> {
        let tx = self.write_transaction()?;
        require(&tx, id)?;
        let mut added = 0;
        for &badge in badge_ids {
            let known: Option<i64> = tx
                .query_row("SELECT id FROM badge WHERE id = ?1", [badge], |r| r.get(0))
                .optional()?;
            if known.is_none() {
                return Err(WalletError::NoSuchBadge(badge).into());
            }
            added += tx.execute(
                "INSERT INTO collection_badge (collection_id, badge_id, position)
                 VALUES (?1, ?2, (SELECT coalesce(max(position) + 1, 0) FROM collection_badge WHERE collection_id = ?1))
                 ON CONFLICT (collection_id, badge_id) DO NOTHING",
                params![id, badge],
            )?;
        }
        tx.commit()?;
        Ok(added)
    }

    /// Takes badges out of a collection (they stay in the wallet). If any of
    /// them is not in the collection, nothing is removed.
    pub fn remove_from_collection(
        &mut self,
        id: i64,
        badge_ids: &[i64],
    ) -> Result<(), CollectionError> {
        let tx = self.write_transaction()?;
        require(&tx, id)?;
        for &badge in badge_ids {
            let n = tx.execute(
                "DELETE FROM collection_badge WHERE collection_id = ?1 AND badge_id = ?2",
                params![id, badge],
            )?;
            if n == 0 {
                return Err(CollectionError::NotInCollection {
                    collection: id,
                    badge,
                });
            }
        }
        write_badge_order(&tx, id, &badge_order(&tx, id)?)?;
        tx.commit()?;
        Ok(())
    }

    /// Moves a badge to 0-based position `to` within a collection (past the
    /// end means last).
    pub fn move_badge(&mut self, id: i64, badge: i64, to: usize) -> Result<(), CollectionError> {
        let tx = self.write_transaction()?;
        require(&tx, id)?;
        let mut order = badge_order(&tx, id)?;
        reorder(&mut order, badge, to).ok_or(CollectionError::NotInCollection {
            collection: id,
            badge,
        })?;
        write_badge_order(&tx, id, &order)?;
        tx.commit()?;
        Ok(())
    }

    /// Moves a collection to 0-based position `to` among the collections.
    pub fn move_collection(&mut self, id: i64, to: usize) -> Result<(), CollectionError> {
        let tx = self.write_transaction()?;
        let mut order = collection_order(&tx)?;
        reorder(&mut order, id, to).ok_or(CollectionError::NoSuchCollection(id))?;
        write_collection_order(&tx, &order)?;
        tx.commit()?;
        Ok(())
    }

    /// Every collection, in the learner's order.
    pub fn collections(&self) -> Result<Vec<Collection>, CollectionError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLLECTION_COLUMNS} FROM collection c ORDER BY c.position, c.id"
        ))?;
        let rows = stmt.query_map([], collection_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One collection.
    pub fn collection(&self, id: i64) -> Result<Collection, CollectionError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLLECTION_COLUMNS} FROM collection c WHERE c.id = ?1"
        ))?;
        stmt.query_row([id], collection_from_row)
            .optional()?
            .ok_or(CollectionError::NoSuchCollection(id))
    }

    /// One collection and its badges in order.
    pub fn collection_contents(&self, id: i64) -> Result<CollectionContents, CollectionError> {
        let collection = self.collection(id)?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {} FROM collection_badge JOIN badge ON badge.id = collection_badge.badge_id
             WHERE collection_id = ?1 ORDER BY collection_badge.position, badge_id",
            badges::SUMMARY_COLUMNS
        ))?;
        let badges = stmt
            .query_map([id], badges::summary_from_row)?
            .collect::<Result<_, _>>()?;
        Ok(CollectionContents { collection, badges })
    }

    /// The ids of a collection's badges, in order.
    pub fn collection_badge_ids(&self, id: i64) -> Result<Vec<i64>, CollectionError> {
        badge_order(&self.conn, id)
    }
}

impl Wallet {}

/// What a published site needs to know of the wallet beyond its collections.
impl Wallet {
    /// Records a publish to `base_url`: which badge got which page. Replaces
    /// the record of any earlier publish, in one transaction.
    pub fn record_publish(
        &mut self,
        base_url: &str,
        pages: &[(i64, String)],
        now: DateTime<Utc>,
    ) -> Result<(), WalletError> {
        let tx = self.write_transaction()?;
        tx.execute("DELETE FROM published_badge", [])?;
        tx.execute(
            "INSERT INTO published_site (id, base_url, published_at) VALUES (1, ?1, ?2)
             ON CONFLICT (id) DO UPDATE SET base_url = ?1, published_at = ?2",
            params![base_url, timestamp(now)],
        )?;
        for (badge, page) in pages {
            tx.execute(
                "INSERT INTO published_badge (badge_id, page) VALUES (?1, ?2)",
                params![badge, page],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The base URL of the last publish that had one.
    pub fn published_base_url(&self) -> Result<Option<String>, WalletError> {
        Ok(self
            .conn
            .query_row(
                "SELECT base_url FROM published_site WHERE id = 1",
                [],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The public page of a badge from the last publish, if it has one.
    pub fn published_page(&self, badge: i64) -> Result<Option<String>, WalletError> {
        Ok(self
            .conn
            .query_row(
                "SELECT page FROM published_badge WHERE badge_id = ?1",
                [badge],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// When verification last found the badge valid, if it ever did.
    pub fn last_valid_check(&self, badge: i64) -> Result<Option<String>, WalletError> {
        Ok(self.conn.query_row(
            "SELECT max(checked_at) FROM badge_check WHERE badge_id = ?1 AND outcome = 'valid'",
            [badge],
            |r| r.get(0),
        )?)
    }
}

fn collection_order(conn: &Connection) -> Result<Vec<i64>, CollectionError> {
    let mut stmt = conn.prepare_cached("SELECT id FROM collection ORDER BY position, id")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn write_collection_order(tx: &Transaction<'_>, order: &[i64]) -> Result<(), CollectionError> {
    let mut stmt = tx.prepare_cached("UPDATE collection SET position = ?2 WHERE id = ?1")?;
    for (position, id) in order.iter().enumerate() {
        stmt.execute(params![id, position as i64])?;
    }
    Ok(())
}

fn badge_order(conn: &Connection, id: i64) -> Result<Vec<i64>, CollectionError> {
    let mut stmt = conn.prepare_cached(
        "SELECT badge_id FROM collection_badge WHERE collection_id = ?1 ORDER BY position, badge_id",
    )?;
    let rows = stmt.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Writes a collection's order. Positions are unique within a collection,
/// so every row first steps aside to a negative place (one statement, no two
/// rows meet), then takes its new one.
fn write_badge_order(tx: &Transaction<'_>, id: i64, order: &[i64]) -> Result<(), CollectionError> {
    tx.execute(
        "UPDATE collection_badge SET position = -1 - position WHERE collection_id = ?1",
        [id],
    )?;
    let mut stmt = tx.prepare_cached(
        "UPDATE collection_badge SET position = ?3 WHERE collection_id = ?1 AND badge_id = ?2",
    )?;
    for (position, badge) in order.iter().enumerate() {
        stmt.execute(params![id, badge, position as i64])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reorder_moves_and_clamps() {
        let mut order = vec![1, 2, 3, 4];
        reorder(&mut order, 4, 0).unwrap();
        assert_eq!(order, [4, 1, 2, 3]);
        reorder(&mut order, 4, 99).unwrap();
        assert_eq!(order, [1, 2, 3, 4]);
        reorder(&mut order, 2, 2).unwrap();
        assert_eq!(order, [1, 3, 2, 4]);
        assert!(reorder(&mut order, 9, 0).is_none());
    }

    #[test]
    fn names_are_trimmed_and_checked() {
        assert_eq!(checked_name("  Work  ").unwrap(), "Work");
        assert!(matches!(
            checked_name(" \n"),
            Err(CollectionError::BlankName)
        ));
        let long = "x".repeat(MAX_NAME_CHARS + 1);
        assert!(matches!(
            checked_name(&long),
            Err(CollectionError::TooLong { .. })
        ));
    }
}
