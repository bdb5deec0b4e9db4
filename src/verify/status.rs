//! Revocation and status lists: has the issuer withdrawn or suspended the badge?
//!
//! OB 2.0 signed badges name a `revocationList` on their issuer profile
//! (`revokedAssertions`: ids, `{id|uid, revocationReason}` objects, or the 1.1
//! map of uid to reason). OB 3.0 credentials carry `credentialStatus` entries:
//! `1EdTechRevocationList` (a list of revoked credential ids),
//! `BitstringStatusListEntry` or its predecessor `StatusList2021Entry` (one
//! bit in a GZIP-compressed bitstring inside a status list credential, for
//! the purpose `revocation` or `suspension`; the purposes `message` and
//! `refresh` say nothing about validity and are only noted). A status list
//! credential is believed only once it is checked like a credential: its
//! proof by a key of the badge's issuer, its type, dates and purpose. Every
//! entry is checked, even after one fails, so each finding is listed.
//! Inflating the bitstring is capped, so a hostile list cannot exhaust
//! memory. Each list is fetched, its proof checked and its bitstring
//! inflated once per run.

use std::io::Read as _;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD_INDIFFERENT};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::hosted::revoked_sentence;
use super::keys::CompactJws;
use super::report::{Report, Step};
use super::vc::claims_agree;
use super::{CLOCK_SKEW, Outcome, Verifier, id_of, one_or_many, parse_json, require_ok};
use crate::http::Fetched;

/// Largest inflated status bitstring accepted: 16 MiB holds 134 million
/// entries, a thousand times the size the W3C recommends.
const MAX_BITSTRING_BYTES: u64 = 16 * 1024 * 1024;

/// The two bitstring status methods: they read the same, and differ in the
/// names of their entry and list types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bitstring {
    /// W3C Bitstring Status List v1.0.
    Current,
    /// W3C CCG Status List 2021.
    V2021,
}

impl Bitstring {
    fn entry_type(self) -> &'static str {
        match self {
            Bitstring::Current => "BitstringStatusListEntry",
            Bitstring::V2021 => "StatusList2021Entry",
        }
    }

    fn list_type(self) -> &'static str {
        match self {
            Bitstring::Current => "BitstringStatusListCredential",
            Bitstring::V2021 => "StatusList2021Credential",
        }
    }
}

/// The outcome for the badge when its status list cannot be believed, from
/// the outcome of checking the list: not reached or not checkable stays so;
/// anything proven wrong with the list (no proof, changed, someone else's
/// key) makes the badge's status mechanism break its specification.
fn unbelieved(list_outcome: Outcome) -> Outcome {
    match list_outcome {
        Outcome::Unreachable => Outcome::Unreachable,
        Outcome::Unsupported => Outcome::Unsupported,
        _ => Outcome::Invalid,
    }
}

impl Verifier<'_> {
    /// Checks the issuer's OB 2.0 revocation list for the assertion.
    pub(super) async fn ob2_revocation(
        &self,
        r: &mut Report,
        url: &str,
        assertion: &Value,
    ) -> Step<()> {
        let list = self.json_document(r, "revocation list", url, true).await?;
        r.note("revocation_list", url);
        let names: Vec<&str> = ["id", "uid"]
            .into_iter()
            .filter_map(|k| assertion.get(k).and_then(Value::as_str))
            .collect();
        let entries = list.get("revokedAssertions");
        let hit = match entries {
            Some(Value::Object(by_uid)) => names
                .iter()
                .find_map(|n| by_uid.get(*n).map(|reason| reason.as_str())),
            _ => find_listed(one_or_many(entries), &names),
        };
        match hit {
            Some(reason) => r.find(
                Outcome::Revoked,
                revoked_sentence(&format!("its revocation list {url} names it"), reason),
            ),
            None => r.confirm("it is not on the issuer's revocation list"),
        }
        Ok(())
    }

    /// Checks every `credentialStatus` entry of an OB 3.0 credential; an
    /// entry that fails has recorded its finding, and the next is checked.
    pub(super) async fn vc_status(&self, r: &mut Report, vc: &Value) -> Step<()> {
        let issuer = id_of(vc.get("issuer"));
        for entry in one_or_many(vc.get("credentialStatus")) {
            let kind = one_or_many(entry.get("type"))
                .into_iter()
                .find_map(Value::as_str)
                .unwrap_or("");
            let _ = match kind {
                "1EdTechRevocationList" => self.revocation_list(r, entry, vc).await,
                "BitstringStatusListEntry" => {
                    self.bitstring(r, entry, issuer, Bitstring::Current).await
                }
                "StatusList2021Entry" => self.bitstring(r, entry, issuer, Bitstring::V2021).await,
                other => {
                    r.find(
                        Outcome::Unsupported,
                        format!(
                            "its status entry of type {other:?} is not one Satchel can check, so whether the issuer still stands behind it is not known"
                        ),
                    );
                    Ok(())
                }
            };
        }
        Ok(())
    }

    /// `1EdTechRevocationList`: the list names revoked credential ids.
    async fn revocation_list(&self, r: &mut Report, entry: &Value, vc: &Value) -> Step<()> {
        let url = status_url(r, entry, &["statusListCredential", "id"])?;
        let list = self.json_document(r, "revocation list", url, true).await?;
        r.note_item(
            "status_list",
            json!({"type": "1EdTechRevocationList", "url": url}),
        );
        let names: Vec<&str> = vc.get("id").and_then(Value::as_str).into_iter().collect();
        let entries = list
            .get("revokedCredentials")
            .or_else(|| list.get("revokedAssertions"));
        match find_listed(one_or_many(entries), &names) {
            Some(reason) => r.find(
                Outcome::Revoked,
                revoked_sentence(&format!("its revocation list {url} names it"), reason),
            ),
            None => r.confirm("it is not on the issuer's revocation list"),
        }
        Ok(())
    }

    /// A bitstring entry: one bit of the issuer's status list, for
    /// revocation or suspension.
    async fn bitstring(
        &self,
        r: &mut Report,
        entry: &Value,
        issuer: Option<&str>,
        method: Bitstring,
    ) -> Step<()> {
        let url = status_url(r, entry, &["statusListCredential"])?;
        let index = match entry.get("statusListIndex") {
            Some(Value::String(s)) => s.trim().parse::<u64>().ok(),
            Some(Value::Number(n)) => n.as_u64(),
            _ => None,
        }
        .ok_or_else(|| {
            r.halt(
                Outcome::Invalid,
                "the badge's status entry has no valid `statusListIndex`; ask the issuer to fix it",
            )
        })?;
        let purpose = entry
            .get("statusPurpose")
            .and_then(Value::as_str)
            .unwrap_or("revocation");
        let mut noted =
            json!({"type": method.entry_type(), "url": url, "index": index, "purpose": purpose});
        if !matches!(purpose, "revocation" | "suspension") {
            r.note_item("status_list", noted);
            r.caveat(format!(
                "its status entry for the purpose {purpose:?} does not say whether the badge is revoked or suspended, so it was not checked"
            ));
            return Ok(());
        }
        let list = self.status_list(r, url, method, purpose, issuer).await?;
        let bits = list.bits.as_ref().map_err(|e| {
            r.halt(
                Outcome::Invalid,
                format!("the status list at {url} cannot be read: {e}"),
            )
        })?;
        let set = bit(bits, index).ok_or_else(|| {
            r.halt(
                Outcome::Invalid,
                format!(
                    "the badge points at entry {index} of the status list at {url}, which has only {} entries",
                    bits.len() * 8
                ),
            )
        })?;
        noted["set"] = set.into();
        r.note_item("status_list", noted);
        match (set, purpose) {
            (true, "suspension") => r.find(
                Outcome::Suspended,
                format!("the issuer has suspended this badge for now: its status list {url} marks entry {index} as suspended; a suspension can be lifted, so check again later or ask the issuer"),
            ),
            (true, _) => r.find(
                Outcome::Revoked,
                format!("the issuer has revoked this badge: its status list {url} marks entry {index} as revoked"),
            ),
            (false, _) => {
                r.confirm(format!("the issuer's signed status list does not mark it for {purpose}"))
            }
        }
        Ok(())
    }

    /// Fetches the status list credential at `url` and believes it only once
    /// it checks out: a proof by a key of its issuer, who must be the badge's
    /// `issuer`, the list type of `method`, current dates and `purpose`
    /// among its purposes. Returns the list, read.
    async fn status_list(
        &self,
        r: &mut Report,
        url: &str,
        method: Bitstring,
        purpose: &str,
        issuer: Option<&str>,
    ) -> Step<Arc<ProvenList>> {
        let doc = self.document(r, "status list", url, true).await?;
        require_ok(r, "status list", url, &doc)?;
        // The list's own proof is checked in a report of its own: a broken
        // list proves nothing about the badge's signature. It is checked once
        // per run, however many badges name the list.
        let (own, proven) = self
            .lists
            .get(url, || async {
                let mut own = Report::default();
                let proven = self.list_proven(&mut own, url, &doc).await;
                (own, proven.map(|list| Arc::new(ProvenList::read(list))))
            })
            .await;
        let list = match (proven, r.absorb(own)) {
            (Ok(list), None) => list,
            (_, finding) => {
                // A check that stops has always said why; never believe one that did not.
                let (outcome, why) =
                    finding.unwrap_or((Outcome::Invalid, "its proof could not be checked".into()));
                return Err(r.halt(
                    unbelieved(outcome),
                    format!(
                        "the status list at {url} cannot be believed, so whether the issuer has revoked or suspended this badge is not known: {why}"
                    ),
                ));
            }
        };
        let broken = |r: &mut Report, why: String| {
            r.halt(
                Outcome::Invalid,
                format!(
                    "the status list at {url} {why}, so it cannot say whether this badge is revoked or suspended; ask the issuer to fix it"
                ),
            )
        };
        let list_issuer = id_of(list.credential.get("issuer"));
        if let (Some(ours), Some(theirs)) = (issuer, list_issuer)
            && ours != theirs
        {
            return Err(broken(
                r,
                format!("was published by {theirs}, not by the badge's issuer {ours}"),
            ));
        }
        let types = one_or_many(list.credential.get("type"));
        if !types.iter().any(|t| t.as_str() == Some(method.list_type())) {
            return Err(broken(
                r,
                format!("is not a {}, as its entry says", method.list_type()),
            ));
        }
        let date = |keys: [&str; 2]| {
            keys.iter()
                .find_map(|k| list.credential.get(*k).and_then(Value::as_str))
                .and_then(|d| DateTime::parse_from_rfc3339(d).ok())
                .map(|d| d.with_timezone(&Utc))
        };
        let show = |d: DateTime<Utc>| d.format("%Y-%m-%d %H:%M UTC").to_string();
        if let Some(ends) = date(["validUntil", "expirationDate"])
            && ends <= self.now
        {
            return Err(broken(r, format!("expired on {}", show(ends))));
        }
        if let Some(starts) = date(["validFrom", "issuanceDate"])
            && starts > self.now + CLOCK_SKEW
        {
            return Err(broken(r, format!("only becomes valid on {}", show(starts))));
        }
        let subject = one_or_many(list.credential.get("credentialSubject"))
            .into_iter()
            .next();
        let purposes = one_or_many(subject.and_then(|s| s.get("statusPurpose")));
        if !purposes.iter().any(|p| p.as_str() == Some(purpose)) {
            return Err(broken(r, format!("is not a list for {purpose}")));
        }
        Ok(list)
    }

    /// Checks the proof of a status list credential (a VC-JWT, or JSON with
    /// embedded proofs) into `own`; returns the list credential.
    async fn list_proven(&self, own: &mut Report, url: &str, doc: &Fetched) -> Step<Value> {
        if let Ok(jws) = CompactJws::parse(&doc.text()) {
            let claims = &jws.payload;
            let list = match claims.get("vc") {
                Some(vc @ Value::Object(_)) => vc,
                _ => claims,
            };
            let issuer =
                id_of(list.get("issuer")).or_else(|| claims.get("iss").and_then(Value::as_str));
            let kid = jws.header.get("kid").and_then(Value::as_str).ok_or_else(|| {
                own.halt(
                    Outcome::Invalid,
                    "its signature names no key of its issuer (`kid`), so nothing shows who made it",
                )
            })?;
            self.jwt_signed_by_issuer(own, &jws, kid, issuer).await?;
            claims_agree(own, claims, list)?;
            return Ok(list.clone());
        }
        let list = parse_json(own, "status list", url, doc, Outcome::Invalid)?;
        if list.get("proof").is_none() {
            return Err(own.halt(
                Outcome::Invalid,
                "it carries no proof, so anyone could have written it",
            ));
        }
        self.embedded_proofs(own, &list).await?;
        Ok(list)
    }
}

/// A status list credential whose own proof checked out, with its bitstring
/// inflated: worked out once per run and shared by every badge naming it.
#[derive(Debug)]
pub(super) struct ProvenList {
    credential: Value,
    /// The inflated bitstring, or why it cannot be read.
    bits: Result<Vec<u8>, String>,
}

impl ProvenList {
    fn read(credential: Value) -> ProvenList {
        let bits = one_or_many(credential.get("credentialSubject"))
            .into_iter()
            .next()
            .and_then(|subject| subject.get("encodedList"))
            .and_then(Value::as_str)
            .ok_or_else(|| "it has no `encodedList`".to_owned())
            .and_then(inflate_bitstring);
        ProvenList { credential, bits }
    }
}

/// The list URL of a status entry, from the first of `keys` present.
fn status_url<'a>(r: &mut Report, entry: &'a Value, keys: &[&str]) -> Step<&'a str> {
    keys.iter()
        .find_map(|k| entry.get(*k).and_then(Value::as_str))
        .ok_or_else(|| {
            r.halt(
                Outcome::Invalid,
                "the badge's status entry does not say where its list is; ask the issuer to fix it",
            )
        })
}

/// Finds any of `names` in a list of ids or `{id|uid, revocationReason}`
/// objects; returns the reason, if one was given.
fn find_listed<'a>(entries: Vec<&'a Value>, names: &[&str]) -> Option<Option<&'a str>> {
    entries.into_iter().find_map(|e| {
        let listed = match e {
            Value::String(s) => names.contains(&s.as_str()),
            Value::Object(o) => ["id", "uid"]
                .into_iter()
                .filter_map(|k| o.get(k).and_then(Value::as_str))
                .any(|v| names.contains(&v)),
            _ => false,
        };
        listed.then(|| e.get("revocationReason").and_then(Value::as_str))
    })
}

/// Decodes an `encodedList`: multibase base64url (`u…`) or plain base64 of
/// a GZIP stream, inflated up to [`MAX_BITSTRING_BYTES`].
fn inflate_bitstring(encoded: &str) -> Result<Vec<u8>, String> {
    let body = encoded.strip_prefix('u').unwrap_or(encoded);
    let compressed = URL_SAFE_NO_PAD_INDIFFERENT
        .decode(body)
        .or_else(|_| STANDARD_NO_PAD.decode(body.trim_end_matches('=')))
        .map_err(|e| format!("the list is not base64url ({e})"))?;
    let mut bits = Vec::new();
    flate2::read::GzDecoder::new(compressed.as_slice())
        .take(MAX_BITSTRING_BYTES + 1)
        .read_to_end(&mut bits)
        .map_err(|e| format!("the list is not GZIP data ({e})"))?;
    if bits.len() as u64 > MAX_BITSTRING_BYTES {
        return Err(format!(
            "the list inflates past {} MiB, far more than any status list needs",
            MAX_BITSTRING_BYTES / 1024 / 1024
        ));
    }
    Ok(bits)
}

/// Bit `index` of a bitstring, the first bit being the highest of byte 0.
fn bit(bits: &[u8], index: u64) -> Option<bool> {
    let byte = bits.get(usize::try_from(index / 8).ok()?)?;
    Some(byte & (0x80 >> (index % 8)) != 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    fn encode(bits: &[u8]) -> String {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(bits).unwrap();
        format!(
            "u{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(gz.finish().unwrap())
        )
    }

    #[test]
    fn bits_are_read_left_to_right() {
        let bits = inflate_bitstring(&encode(&[0b0100_0000, 0b0000_0001])).unwrap();
        assert_eq!(bit(&bits, 0), Some(false));
        assert_eq!(bit(&bits, 1), Some(true));
        assert_eq!(bit(&bits, 15), Some(true));
        assert_eq!(bit(&bits, 16), None);
    }

    #[test]
    fn the_w3c_test_suite_lists_mark_entry_201() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/vc-bitstring-status-list");
        for name in ["single-purpose-ok.jsonld", "multi-purpose-ok.jsonld"] {
            let text = std::fs::read_to_string(dir.join(name)).expect("fixture");
            let list: Value = serde_json::from_str(&text).expect("JSON");
            let encoded = list["credentialSubject"]["encodedList"].as_str().unwrap();
            let bits = inflate_bitstring(encoded).expect("a W3C list reads");
            assert_eq!(bits.len(), 25_000, "{name}");
            assert_eq!(bit(&bits, 201), Some(true), "{name}");
            assert_eq!(bit(&bits, 202), Some(false), "{name}");
        }
    }

    #[test]
    fn a_list_that_cannot_be_believed_never_proves_the_badge_changed() {
        assert_eq!(unbelieved(Outcome::BadSignature), Outcome::Invalid);
        assert_eq!(unbelieved(Outcome::Invalid), Outcome::Invalid);
        assert_eq!(unbelieved(Outcome::Unreachable), Outcome::Unreachable);
        assert_eq!(unbelieved(Outcome::Unsupported), Outcome::Unsupported);
    }

    #[test]
    fn a_status_list_bomb_is_refused() {
        let huge = vec![0u8; (MAX_BITSTRING_BYTES + 1) as usize];
        let err = inflate_bitstring(&encode(&huge)).unwrap_err();
        assert!(err.contains("inflates past"), "{err}");
    }

    #[test]
    fn revocation_lists_match_ids_and_uids_with_reasons() {
        let list = serde_json::json!(["urn:a", {"uid": "u1", "revocationReason": "fraud"}]);
        let entries = one_or_many(Some(&list));
        assert_eq!(find_listed(entries.clone(), &["urn:a"]), Some(None));
        assert_eq!(
            find_listed(entries.clone(), &["x", "u1"]),
            Some(Some("fraud"))
        );
        assert_eq!(find_listed(entries, &["x"]), None);
    }
}
