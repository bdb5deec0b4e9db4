//! Key documents kept from earlier checks, for when the issuer is offline.
//!
//! A DID document, key file or issuer profile that tied a signing key to its
//! issuer during a check is kept in the wallet with the time it was fetched
//! (written with that run's results, never during a network wait). When a
//! later check gets no answer for it (no connection, a timeout, a server
//! error), the kept copy is read instead: the signature is checked with the
//! key it holds, so a changed badge is still `bad_signature`; an intact one
//! stays `unreachable`, because its key's owner was confirmed when the copy
//! was fetched and cannot be confirmed now, and the sentence gives that date.
//! An answer such as 404 or 410 says the document is gone, so the kept copy
//! is not used then.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::DateTime;
use serde_json::{Value, json};

use super::report::{Halt, Report, Step};
use super::{Outcome, Verifier, parse_json, require_ok};
use crate::http::{FetchError, Fetched};
use crate::wallet::{KeyDocument, timestamp};

/// Where the key document of the key being checked came from.
#[derive(Debug, Clone)]
pub(super) enum KeySource {
    /// Fetched in this run: kept once the key proves to be the issuer's.
    Fetched { url: String, doc: Arc<Fetched> },
    /// Read from the copy kept at `fetched_at`, the issuer being unreachable.
    Kept { url: String, fetched_at: String },
}

/// The kept documents of one run: those of earlier runs, and those this run
/// fetched and tied to their issuers, waiting to be written.
#[derive(Debug, Default)]
pub(super) struct KeptDocuments {
    earlier: HashMap<String, KeyDocument>,
    fresh: Mutex<HashMap<String, KeyDocument>>,
}

impl KeptDocuments {
    pub fn new(earlier: Vec<KeyDocument>) -> Self {
        KeptDocuments {
            earlier: earlier.into_iter().map(|d| (d.url.clone(), d)).collect(),
            fresh: Mutex::default(),
        }
    }

    /// The documents fetched and tied to their issuers since the last call.
    pub fn take_fresh(&self) -> Vec<KeyDocument> {
        let mut fresh = self.fresh.lock().unwrap_or_else(|e| e.into_inner());
        fresh.drain().map(|(_, d)| d).collect()
    }
}

impl Verifier<'_> {
    /// Fetches a key document (DID document, key file, issuer profile) as
    /// JSON; when its host gives no usable answer and a copy was kept from
    /// an earlier check, reads that copy instead and notes so.
    pub(super) async fn key_document(&self, r: &mut Report, what: &str, url: &str) -> Step<Value> {
        let doc = self.key_fetched(r, what, url).await?;
        parse_json(r, what, url, &doc, Outcome::Invalid)
    }

    /// Fetches a key document as it is (JSON, or an OB 1.x PEM file) the
    /// way [`Verifier::key_document`] does: a kept copy stands in when its
    /// host gives no usable answer.
    pub(super) async fn key_fetched(
        &self,
        r: &mut Report,
        what: &str,
        url: &str,
    ) -> Step<Arc<Fetched>> {
        let answer = self.fetch.shared(url).await;
        let down = match &answer {
            Ok(doc) => doc.status >= 500,
            Err(e) => matches!(
                e,
                FetchError::Unreachable { .. }
                    | FetchError::Timeout { .. }
                    | FetchError::ClientStart { .. }
            ),
        };
        if let Some(kept) = self.kept.earlier.get(url).filter(|_| down) {
            r.fetched(
                what,
                url,
                answer.map(|d| d.status).map_err(|e| e.to_string()),
            );
            r.note(
                "key_document",
                json!({"url": url, "kept_from": kept.fetched_at}),
            );
            r.key_source = Some(KeySource::Kept {
                url: url.to_owned(),
                fetched_at: kept.fetched_at.clone(),
            });
            return Ok(Arc::new(Fetched {
                final_url: url.to_owned(),
                status: 200,
                content_type: None,
                body: kept.body.clone(),
            }));
        }
        let doc = self.document(r, what, url, true).await?;
        require_ok(r, what, url, &doc)?;
        r.key_source = Some(KeySource::Fetched {
            url: url.to_owned(),
            doc: Arc::clone(&doc),
        });
        Ok(doc)
    }

    /// When the key being checked was read from a kept copy and its
    /// signature held, but the check stopped before the key's owner could
    /// be confirmed: says that the content is intact all the same.
    pub(super) fn intact_by_kept_key(&self, r: &mut Report, reference: &str) {
        if let Some(KeySource::Kept { fetched_at, .. }) = &r.key_source {
            let when = shown(fetched_at);
            r.caveat(format!(
                "the signature itself is intact: the content has not changed since it was signed with the key {reference}, checked with a copy of that key kept from {when}; check again when the issuer's site can be reached to confirm the rest"
            ));
        }
    }

    /// After a signature held with the key `reference` and the key proved to
    /// be `issuer`'s: keeps the key document fetched for it, or, when only a
    /// kept copy could be read, records that the owner was confirmed then and
    /// could not be confirmed now.
    pub(super) fn settle_key(&self, r: &mut Report, reference: &str, issuer: Option<&str>) {
        match r.key_source.take() {
            Some(KeySource::Fetched { url, doc }) => {
                let kept = KeyDocument {
                    url: url.clone(),
                    body: doc.body.clone(),
                    fetched_at: timestamp(self.now),
                };
                let mut fresh = self.kept.fresh.lock().unwrap_or_else(|e| e.into_inner());
                fresh.insert(url, kept);
            }
            Some(KeySource::Kept { url, fetched_at }) => {
                let when = shown(&fetched_at);
                let owner = issuer.map_or("the issuer".to_owned(), |i| format!("the issuer {i}"));
                r.find(
                    Outcome::Unreachable,
                    format!(
                        "the signature itself is intact: the content has not changed since it was signed with the key {reference}; that key's owner was confirmed as {owner} on {when}, from a copy of {url} fetched then, and {url} could not be reached now to confirm it still is, so check again when the issuer's site can be reached"
                    ),
                );
            }
            None => {}
        }
    }

    /// Turns a `halt` on what a kept copy of a key document says (it lacks
    /// the key, holds another, names another controller) into `unreachable`:
    /// the document may have changed since the copy was fetched. The
    /// findings since `mark` are withdrawn. Any other halt stays.
    pub(super) fn outdated_copy(
        &self,
        r: &mut Report,
        mark: usize,
        halt: Halt,
        reference: &str,
    ) -> Halt {
        let Some(KeySource::Kept { url, fetched_at }) = &r.key_source else {
            return halt;
        };
        if halt.0 == Outcome::Unreachable {
            return halt;
        }
        let message = format!(
            "the key document {url} could not be reached, and the copy kept from {} does not show the key {reference} as the issuer's; the document may have changed since, so check again when the issuer's site can be reached",
            shown(fetched_at)
        );
        r.withdraw_since(mark);
        r.halt(Outcome::Unreachable, message)
    }
}

/// A kept copy's fetch time as the learner reads it.
fn shown(fetched_at: &str) -> String {
    DateTime::parse_from_rfc3339(fetched_at)
        .map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|_| fetched_at.to_owned())
}
