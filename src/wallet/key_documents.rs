//! The `key_document` table: issuers' key documents as last fetched.
//!
//! Verification (`crate::verify`) decides which documents are worth keeping
//! (those that tied a signing key to its issuer) and what an old copy may
//! prove; this module only stores the newest copy of each URL with the time
//! it was fetched, and reads them all back at the start of a run. The table
//! is a cache of the issuers' public documents, not the learner's data: it is
//! inside a `backup` (a copy of the whole database) but not in an export.

use rusqlite::params;

use super::{Wallet, WalletError};

/// A document as fetched from `url` at `fetched_at` (RFC 3339, UTC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyDocument {
    pub url: String,
    pub body: Vec<u8>,
    pub fetched_at: String,
}

impl Wallet {
    /// Every kept key document.
    pub fn key_documents(&self) -> Result<Vec<KeyDocument>, WalletError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT url, body, fetched_at FROM key_document ORDER BY url")?;
        let rows = stmt.query_map([], |r| {
            Ok(KeyDocument {
                url: r.get(0)?,
                body: r.get(1)?,
                fetched_at: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// Keeps `documents` in `tx`, each replacing an older copy of its URL.
pub(super) fn keep(
    tx: &rusqlite::Transaction<'_>,
    documents: &[KeyDocument],
) -> Result<(), WalletError> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO key_document (url, body, fetched_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (url) DO UPDATE SET body = excluded.body, fetched_at = excluded.fetched_at",
    )?;
    for d in documents {
        stmt.execute(params![d.url, d.body, d.fetched_at])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_newer_copy_replaces_the_older_one_of_its_url() {
        let dir = tempfile::tempdir().unwrap();
        let mut wallet = Wallet::open(&dir.path().join("w.sqlite3")).unwrap();
        let copy = |body: &[u8], at: &str| KeyDocument {
            url: "https://issuer.example/keys/1".into(),
            body: body.to_vec(),
            fetched_at: at.into(),
        };
        wallet.record_checks(&[], &[copy(b"old", "t1")]).unwrap();
        wallet.record_checks(&[], &[copy(b"new", "t2")]).unwrap();
        assert_eq!(wallet.key_documents().unwrap(), [copy(b"new", "t2")]);
    }
}
