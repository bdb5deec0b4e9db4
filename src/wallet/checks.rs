//! The `badge_check` table: every verification of a badge, with its time.
//!
//! Verification (`crate::verify`) decides outcomes; this module only stores
//! them and reads them back. Checks are appended, never edited, so the wallet
//! keeps each badge's history; the newest row is the badge's status. Writing
//! a batch of checks is one short transaction with no network I/O in it.

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::key_documents::{self, KeyDocument};
use super::{Wallet, WalletError};

/// What one check of a badge concluded. The string forms are stable: they
/// are stored, printed by `satchel verify --json` and switched on by the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Genuine, current and issued to one of the learner's identities.
    Valid,
    /// The issuer withdrew the badge.
    Revoked,
    /// The issuer suspended the badge for now (it may lift the suspension).
    Suspended,
    /// The badge's end date has passed.
    Expired,
    /// The badge only becomes valid later.
    NotYetValid,
    /// The badge names a recipient that is none of the learner's identities.
    RecipientMismatch,
    /// The signature or proof does not match the content (tampered or wrong key).
    BadSignature,
    /// The issuer or a document the check needs could not be reached.
    Unreachable,
    /// Satchel cannot perform a check the badge needs (a proof type or
    /// JSON-LD context it does not know): not confirmed, and not proven wrong.
    Unsupported,
    /// The badge breaks a rule of its specification (scope, keys, claims, dates).
    Invalid,
    /// The badge text itself cannot be understood.
    Malformed,
}

impl Outcome {
    /// Every outcome, in the order of [`Outcome::as_str`] codes.
    pub const ALL: [Outcome; 11] = [
        Outcome::Valid,
        Outcome::Revoked,
        Outcome::Suspended,
        Outcome::Expired,
        Outcome::NotYetValid,
        Outcome::RecipientMismatch,
        Outcome::BadSignature,
        Outcome::Unreachable,
        Outcome::Unsupported,
        Outcome::Invalid,
        Outcome::Malformed,
    ];

    /// The stable code.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Valid => "valid",
            Outcome::Revoked => "revoked",
            Outcome::Suspended => "suspended",
            Outcome::Expired => "expired",
            Outcome::NotYetValid => "not_yet_valid",
            Outcome::RecipientMismatch => "recipient_mismatch",
            Outcome::BadSignature => "bad_signature",
            Outcome::Unreachable => "unreachable",
            Outcome::Unsupported => "unsupported",
            Outcome::Invalid => "invalid",
            Outcome::Malformed => "malformed",
        }
    }

    /// Parses a code written by [`Outcome::as_str`].
    pub fn parse(code: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == code)
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One check of one badge, as stored and as printed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckRecord {
    pub badge_id: i64,
    pub outcome: Outcome,
    /// A sentence for the learner: what was found and what they can do.
    pub message: String,
    /// When the check ran, RFC 3339 in UTC.
    pub checked_at: String,
    /// What the check saw: URLs and their answers, keys, lists.
    pub evidence: Value,
}

/// The newest check of a badge, as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LatestCheck {
    pub outcome: Outcome,
    pub checked_at: String,
}

/// What verification needs to know of a stored badge.
#[derive(Debug, Clone)]
pub struct CheckInput {
    pub badge_id: i64,
    /// The credential text as found (URL, JSON or JWS), verbatim.
    pub raw_text: String,
    /// `url`, `json` or `jws`.
    pub payload_kind: String,
    /// Where the badge is hosted, as the wallet knows it: the credential's
    /// own address, or one a Mozilla Displayer answer named for a 0.5 badge.
    pub hosted_url: Option<String>,
}

impl Wallet {
    /// Appends checks, and keeps the key documents those checks fetched and
    /// tied to their issuers, in one transaction. A badge deleted meanwhile
    /// is skipped.
    pub fn record_checks(
        &mut self,
        checks: &[CheckRecord],
        documents: &[KeyDocument],
    ) -> Result<(), WalletError> {
        let tx = self.write_transaction()?;
        key_documents::keep(&tx, documents)?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO badge_check (badge_id, checked_at, outcome, message, evidence)
                 SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM badge WHERE id = ?1)",
            )?;
            for c in checks {
                stmt.execute(params![
                    c.badge_id,
                    c.checked_at,
                    c.outcome.as_str(),
                    c.message,
                    c.evidence.to_string()
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// A badge's checks, oldest first; an unknown badge is an error, not an
    /// empty history.
    pub fn checks(&self, badge_id: i64) -> Result<Vec<CheckRecord>, WalletError> {
        let known: bool = self.conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM badge WHERE id = ?1)",
            [badge_id],
            |r| r.get(0),
        )?;
        if !known {
            return Err(WalletError::NoSuchBadge(badge_id));
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT checked_at, outcome, message, evidence FROM badge_check
             WHERE badge_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([badge_id], |r| {
            let outcome: String = r.get(1)?;
            let evidence: String = r.get(3)?;
            Ok(CheckRecord {
                badge_id,
                checked_at: r.get(0)?,
                outcome: Outcome::parse(&outcome).unwrap_or(Outcome::Invalid),
                message: r.get(2)?,
                evidence: serde_json::from_str(&evidence).unwrap_or(Value::Null),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// What verification needs of each badge in `ids`, in that order; an
    /// unknown id is an error, so nothing is checked by mistake.
    pub fn check_inputs(&self, ids: &[i64]) -> Result<Vec<CheckInput>, WalletError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT raw_text, payload_kind, hosted_url FROM badge WHERE id = ?1")?;
        ids.iter()
            .map(|&id| {
                let row = stmt
                    .query_row([id], |r| {
                        Ok(CheckInput {
                            badge_id: id,
                            raw_text: r.get(0)?,
                            payload_kind: r.get(1)?,
                            hosted_url: r.get(2)?,
                        })
                    })
                    .optional()?;
                row.ok_or(WalletError::NoSuchBadge(id))
            })
            .collect()
    }

    /// The ids of every badge, oldest first.
    pub fn badge_ids(&self) -> Result<Vec<i64>, WalletError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM badge ORDER BY id")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// Joins each `badge` row of the enclosing query to its newest check, as
/// `latest` (no row when it was never checked). The newest check's id comes
/// from the `badge_check(badge_id, id)` index alone, and only that one check
/// is read: one lookup per badge instead of one per column.
pub(super) const LATEST_CHECK_JOIN: &str = "LEFT JOIN badge_check AS latest \
     ON latest.id = (SELECT max(id) FROM badge_check WHERE badge_id = badge.id)";

/// The columns [`latest_from_row`] reads, from [`LATEST_CHECK_JOIN`].
pub(super) const LATEST_CHECK_COLUMNS: &str = "latest.outcome, latest.checked_at";

/// Reads the two [`LATEST_CHECK_COLUMNS`] starting at column `at`.
pub(super) fn latest_from_row(
    r: &rusqlite::Row<'_>,
    at: usize,
) -> rusqlite::Result<Option<LatestCheck>> {
    let outcome: Option<String> = r.get(at)?;
    let checked_at: Option<String> = r.get(at + 1)?;
    Ok(
        match (outcome.as_deref().and_then(Outcome::parse), checked_at) {
            (Some(outcome), Some(checked_at)) => Some(LatestCheck {
                outcome,
                checked_at,
            }),
            _ => None,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wallet::NewBadge;

    #[test]
    fn the_list_shows_each_badges_newest_check_and_none_when_never_checked() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = Wallet::open(&dir.path().join("w.sqlite3")).unwrap();
        let now = chrono::Utc::now();
        let ids: Vec<i64> = (1..=3)
            .map(|n| {
                let text = format!(r#"{{"id":"urn:uuid:{n}"}}"#);
                let badge = NewBadge::json_for_tests(&format!("id:urn:uuid:{n}"), &text);
                match w.insert_badge(&badge, now).unwrap() {
                    crate::wallet::Inserted::New { id, .. } => id,
                    other => panic!("{other:?}"),
                }
            })
            .collect();
        let check = |badge_id, outcome, checked_at: &str| CheckRecord {
            badge_id,
            outcome,
            message: String::new(),
            checked_at: checked_at.into(),
            evidence: Value::Null,
        };
        // Checks of the three badges interleaved; the newest is the last
        // stored, whatever its time says.
        w.record_checks(
            &[
                check(ids[0], Outcome::Valid, "2026-01-01T00:00:00Z"),
                check(ids[1], Outcome::Unreachable, "2026-01-01T00:00:00Z"),
                check(ids[0], Outcome::Revoked, "2026-02-01T00:00:00Z"),
                check(ids[1], Outcome::Valid, "2025-12-01T00:00:00Z"),
            ],
            &[],
        )
        .unwrap();
        let listed: Vec<_> = w
            .list_badges()
            .unwrap()
            .into_iter()
            .map(|b| (b.id, b.status))
            .collect();
        let latest = |outcome, checked_at: &str| {
            Some(LatestCheck {
                outcome,
                checked_at: checked_at.into(),
            })
        };
        assert_eq!(
            listed,
            [
                (ids[2], None),
                (ids[1], latest(Outcome::Valid, "2025-12-01T00:00:00Z")),
                (ids[0], latest(Outcome::Revoked, "2026-02-01T00:00:00Z")),
            ]
        );
    }

    #[test]
    fn outcome_codes_round_trip_and_match_the_schema() {
        let schema = include_str!("migrations/0008_suspended_and_key_documents.sql");
        for o in Outcome::ALL {
            assert_eq!(Outcome::parse(o.as_str()), Some(o));
            assert!(
                schema.contains(&format!("'{o}'")),
                "{o} missing from the schema"
            );
            assert_eq!(serde_json::to_value(o).unwrap(), o.as_str());
        }
    }
}
