//! The badge table: adding, updating, listing and reading badges.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::types::{ToSql, Value as SqlValue};
use rusqlite::{Connection, OptionalExtension, Transaction, params, params_from_iter};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::checks::{LATEST_CHECK_COLUMNS, LATEST_CHECK_JOIN, LatestCheck, latest_from_row};
use super::{Details, Wallet, WalletError, timestamp};
use crate::bake::{self, PayloadKind};
use crate::credential::{Credential, ObVersion};

/// A badge about to enter the wallet.
#[derive(Debug, Clone)]
pub struct NewBadge {
    /// What names the credential: its id, hosted URL or [`content_key`]
    /// (see `import`). Copies with other content share it.
    pub credential_key: String,
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
    /// Added as badge `id`. `beside` is the badge already here with the
    /// same name (id) or hosted URL but other content, left as it was.
    New { id: i64, beside: Option<i64> },
    /// The wallet already holds this credential; nothing changed.
    Duplicate(i64),
}

/// Where a badge about to be stored goes, given those already here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Placement {
    /// The wallet holds the same credential as this badge.
    Duplicate(i64),
    /// No badge here has its name or hosted URL: it keeps its own key.
    Alone,
    /// Badge `other` has its name or hosted URL but other content: it goes
    /// beside it with `key`, the key of its content, as its `dedup_key`.
    Beside { key: String, other: i64 },
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
    /// Adds a badge unless the wallet holds the same credential (see
    /// [`place`]), in which case nothing changes.
    pub fn insert_badge(
        &mut self,
        badge: &NewBadge,
        now: DateTime<Utc>,
    ) -> Result<Inserted, WalletError> {
        let tx = self.write_transaction()?;
        let inserted = insert_into(&tx, badge, now)?;
        tx.commit()?;
        Ok(inserted)
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
        let mut stmt = self.conn.prepare_cached(&list_query())?;
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

/// Every badge's summary and latest check, newest first: read from the
/// `badge_summary` index alone, never from the rows that hold the originals.
pub(super) fn list_query() -> String {
    format!(
        "SELECT {SUMMARY_COLUMNS}, {LATEST_CHECK_COLUMNS} FROM badge {LATEST_CHECK_JOIN}
         ORDER BY badge.id DESC"
    )
}

/// Named with their table, so that queries joining others can use them.
pub(super) const SUMMARY_COLUMNS: &str = "badge.id, badge.name, badge.issuer_name, \
     badge.issued_on, badge.expires, badge.recipient, badge.ob_version, badge.hosted_url, \
     badge.details";

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

/// The credential and the list columns derived from it, in the order
/// `fetched, details, details_error, credential, name, issuer_name,
/// issued_on, expires, recipient, ob_version, hosted_url`.
fn detail_values(resolved: &Resolved) -> [SqlValue; 11] {
    let c = &resolved.credential;
    let text = |s: Option<String>| s.map_or(SqlValue::Null, SqlValue::Text);
    [
        text(resolved.fetched.clone()),
        SqlValue::Text(resolved.details.as_str().to_owned()),
        text(resolved.details_error.clone()),
        SqlValue::Text(serde_json::to_string(c).expect("credentials always serialize")),
        text(c.name.clone()),
        text(c.issuer_name.clone()),
        text(opt_time(c.issued_on)),
        text(opt_time(c.expires)),
        text(c.recipient.as_ref().map(|r| r.identity.clone())),
        text(c.ob_version.map(ObVersion::as_str).map(str::to_owned)),
        text(c.hosted_url.clone()),
    ]
}

/// Writes the credential and the list columns derived from it; returns
/// how many rows changed (0 when there is no badge `id`).
fn write_details(tx: &Transaction<'_>, id: i64, resolved: &Resolved) -> Result<usize, WalletError> {
    let details = detail_values(resolved);
    let all = std::iter::once(SqlValue::Integer(id)).chain(details);
    Ok(tx.execute(
        "UPDATE badge SET fetched = ?2, details = ?3, details_error = ?4, credential = ?5,
            name = ?6, issuer_name = ?7, issued_on = ?8, expires = ?9, recipient = ?10,
            ob_version = ?11, hosted_url = ?12
         WHERE id = ?1",
        params_from_iter(all),
    )?)
}

/// A key for what a credential text says: the SHA-256 of the text, JSON
/// compared with sorted keys and no white space (so re-formatting, or baking
/// the same text into another picture, does not matter), anything else
/// without the white space around it. A changed name, date, recipient or
/// proof changes it.
pub fn content_key(text: &str) -> String {
    let text = text.trim();
    let canonical = serde_json::from_str::<Value>(text)
        .map(|v| v.to_string())
        .unwrap_or_else(|_| text.to_owned());
    format!(
        "sha256:{}",
        hex::encode(Sha256::digest(canonical.as_bytes()))
    )
}

/// Whether two stored credential texts are the same credential: the same
/// content, or one of them a hosted address, which names the badge rather
/// than holding a copy of it.
fn same_credential(a: &str, b: &str) -> bool {
    let address = |t: &str| bake::classify(t) == PayloadKind::Url;
    address(a) || address(b) || content_key(a) == content_key(b)
}

/// Adds a badge within the transaction `tx` (see [`Wallet::insert_badge`]).
pub(super) fn insert_into(
    tx: &Connection,
    badge: &NewBadge,
    now: DateTime<Utc>,
) -> Result<Inserted, WalletError> {
    let placement = place(
        tx,
        &badge.credential_key,
        &badge.raw_text,
        badge.resolved.credential.hosted_url.as_deref(),
    )?;
    let (key, beside) = match placement {
        Placement::Duplicate(id) => return Ok(Inserted::Duplicate(id)),
        Placement::Alone => (badge.credential_key.clone(), None),
        Placement::Beside { key, other } => (key, Some(other)),
    };
    // One statement writes the whole row: the original bytes are copied
    // into the database once, never rewritten by a later UPDATE, and a
    // batch needs no savepoint per badge, since a failed statement is undone
    // whole (see `Wallet::insert_badges`).
    let mut stmt = tx.prepare_cached(
        "INSERT INTO badge (dedup_key, credential_key, original, media_type, raw_text,
                payload_kind, source, imported_at, fetched, details, details_error, credential,
                name, issuer_name, issued_on, expires, recipient, ob_version, hosted_url)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                ?17, ?18, ?19)",
    )?;
    let head = params![
        key,
        badge.credential_key,
        badge.original,
        badge.media_type,
        badge.raw_text,
        badge.payload_kind,
        badge.source,
        timestamp(now),
    ];
    let details = detail_values(&badge.resolved);
    let all = head
        .iter()
        .copied()
        .chain(details.iter().map(|v| v as &dyn ToSql));
    stmt.execute(params_from_iter(all))?;
    drop(stmt);
    let id = tx.last_insert_rowid();
    Ok(Inserted::New { id, beside })
}

/// The badges already here under a credential key or hosted URL.
const KIN: &str =
    "SELECT id, raw_text FROM badge WHERE credential_key = ?1 OR hosted_url = ?2 ORDER BY id";

/// Where a badge named by `credential_key`, with this credential text and
/// hosted URL, goes. The badges already here with that name or hosted URL
/// are its kin: if one holds the same credential, it is a duplicate of that
/// one; if none does, it goes beside the first of them under its content
/// key (see [`Placement`]).
pub(super) fn place(
    tx: &Connection,
    credential_key: &str,
    raw_text: &str,
    hosted_url: Option<&str>,
) -> Result<Placement, WalletError> {
    let mut stmt = tx.prepare_cached(KIN)?;
    let kin = stmt
        .query_map(params![credential_key, hosted_url], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    if let Some((id, _)) = kin.iter().find(|(_, text)| same_credential(text, raw_text)) {
        return Ok(Placement::Duplicate(*id));
    }
    Ok(match kin.first() {
        Some((other, _)) => Placement::Beside {
            key: content_key(raw_text),
            other: *other,
        },
        None => Placement::Alone,
    })
}

#[cfg(test)]
impl NewBadge {
    /// A JSON badge with `text` as its original, filed under `key`, with no
    /// details beyond an empty credential: for the wallet's unit tests.
    pub(crate) fn json_for_tests(key: &str, text: &str) -> NewBadge {
        NewBadge {
            credential_key: key.into(),
            original: text.as_bytes().to_vec(),
            media_type: "application/json".into(),
            raw_text: text.into(),
            payload_kind: "json".into(),
            resolved: Resolved {
                credential: Credential::default(),
                fetched: None,
                details: Details::Complete,
                details_error: None,
            },
            source: "test".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn badge(text: &str, hosted_url: Option<&str>) -> NewBadge {
        let mut badge = NewBadge::json_for_tests("id:urn:uuid:1", text);
        badge.resolved.credential.hosted_url = hosted_url.map(str::to_owned);
        badge
    }

    #[test]
    fn content_keys_ignore_layout_but_not_content() {
        let compact = r#"{"id":"urn:uuid:1","name":"Rope","proof":{"proofValue":"z1"}}"#;
        let laid_out = "\n{ \"proof\": {\"proofValue\": \"z1\"},\n  \"name\": \"Rope\", \"id\": \"urn:uuid:1\" }\n";
        assert_eq!(content_key(compact), content_key(laid_out));
        assert_eq!(content_key("eyJ.eyJ.sig\n"), content_key("eyJ.eyJ.sig"));
        for changed in [
            compact.replace("Rope", "Knots"),
            compact.replace("z1", "z2"),
            compact.replace("\"name\"", "\"alias\""),
        ] {
            assert_ne!(content_key(compact), content_key(&changed), "{changed}");
        }
        assert!(same_credential("https://b.example/a/1", compact));
        assert!(!same_credential(compact, &compact.replace("z1", "z2")));
    }

    #[test]
    fn the_statements_of_an_import_are_prepared_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = Wallet::open(&dir.path().join("w.sqlite3")).unwrap();
        for n in 0..5 {
            let text = format!(r#"{{"id":"urn:uuid:{n}"}}"#);
            let badge = NewBadge::json_for_tests(&format!("id:urn:uuid:{n}"), &text);
            w.insert_badge(&badge, Utc::now()).unwrap();
        }
        // The cached statement that placed each badge, with its counters.
        let kin = w.conn.prepare_cached(KIN).unwrap();
        assert_eq!(kin.get_status(rusqlite::StatementStatus::Run), 5);
        assert_eq!(kin.get_status(rusqlite::StatementStatus::RePrepare), 0);
    }

    #[test]
    fn a_copy_with_other_content_goes_beside_and_its_twin_is_its_duplicate() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = Wallet::open(&dir.path().join("w.sqlite3")).unwrap();
        let now = Utc::now();
        let first = r#"{"id":"urn:uuid:1","name":"Rope"}"#;
        let second = r#"{"id":"urn:uuid:1","name":"Knots"}"#;
        let third = r#"{"id":"urn:uuid:1","name":"Sails"}"#;
        let Inserted::New {
            id: a,
            beside: None,
        } = w.insert_badge(&badge(first, None), now).unwrap()
        else {
            panic!("the first copy is new and alone");
        };
        let b = match w.insert_badge(&badge(second, None), now).unwrap() {
            Inserted::New { id, beside } => {
                assert_eq!(beside, Some(a));
                id
            }
            other => panic!("{other:?}"),
        };
        let relaid = "{ \"name\": \"Knots\", \"id\": \"urn:uuid:1\" }";
        assert_eq!(
            w.insert_badge(&badge(relaid, None), now).unwrap(),
            Inserted::Duplicate(b)
        );
        assert_eq!(
            w.insert_badge(&badge(first, None), now).unwrap(),
            Inserted::Duplicate(a)
        );
        // With the first gone, the second still names the id.
        w.delete_badge(a).unwrap();
        let Inserted::New { beside, .. } = w.insert_badge(&badge(third, None), now).unwrap() else {
            panic!("a third content is new");
        };
        assert_eq!(beside, Some(b));
        assert_eq!(w.badge_count().unwrap(), 2);
        // A hosted address names the badge, whatever copy is stored.
        let mut by_address = badge("https://b.example/a/1", Some("https://b.example/a/1"));
        by_address.credential_key = "url:https://b.example/a/1".into();
        let hosted = w.insert_badge(&badge(first, Some("https://b.example/a/1")), now);
        let Ok(Inserted::New { id: hosted, .. }) = hosted else {
            panic!("{hosted:?}");
        };
        assert_eq!(
            w.insert_badge(&by_address, now).unwrap(),
            Inserted::Duplicate(hosted)
        );
    }
}
