//! Revocation and status lists: has the issuer withdrawn the badge?
//!
//! OB 2.0 signed badges name a `revocationList` on their issuer profile
//! (`revokedAssertions`: ids, `{id|uid, revocationReason}` objects, or the 1.1
//! map of uid to reason). OB 3.0 credentials carry `credentialStatus` entries:
//! `1EdTechRevocationList` (a list of revoked credential ids) or
//! `BitstringStatusListEntry` (one bit in a GZIP-compressed bitstring inside a
//! status list credential; its older name `StatusList2021Entry` reads the
//! same). Inflating the bitstring is capped, so a hostile list cannot exhaust
//! memory. Each list is fetched once per run.

use std::io::Read as _;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD_INDIFFERENT};
use serde_json::{Value, json};

use super::hosted::revoked_sentence;
use super::keys::CompactJws;
use super::report::{Report, Step};
use super::{Outcome, Verifier, id_of, one_or_many, parse_json, require_ok};

/// Largest inflated status bitstring accepted: 16 MiB holds 134 million
/// entries, a thousand times the size the W3C recommends.
const MAX_BITSTRING_BYTES: u64 = 16 * 1024 * 1024;

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

    /// Checks every `credentialStatus` entry of an OB 3.0 credential.
    pub(super) async fn vc_status(&self, r: &mut Report, vc: &Value) -> Step<()> {
        let issuer = id_of(vc.get("issuer"));
        for entry in one_or_many(vc.get("credentialStatus")) {
            let kind = one_or_many(entry.get("type"))
                .into_iter()
                .find_map(Value::as_str)
                .unwrap_or("");
            match kind {
                "1EdTechRevocationList" => self.revocation_list(r, entry, vc).await?,
                "BitstringStatusListEntry" | "StatusList2021Entry" => {
                    self.bitstring(r, entry, issuer).await?
                }
                other => r.caveat(format!(
                    "its status entry of type {other:?} is not one Satchel can check"
                )),
            }
        }
        Ok(())
    }

    /// `1EdTechRevocationList`: the list names revoked credential ids.
    async fn revocation_list(&self, r: &mut Report, entry: &Value, vc: &Value) -> Step<()> {
        let url = status_url(r, entry, &["statusListCredential", "id"])?;
        let list = self.json_document(r, "revocation list", url, true).await?;
        r.note(
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

    /// `BitstringStatusListEntry`: one bit of the issuer's status list.
    async fn bitstring(&self, r: &mut Report, entry: &Value, issuer: Option<&str>) -> Step<()> {
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
        let doc = self.document(r, "status list", url, true).await?;
        require_ok(r, "status list", url, &doc)?;
        let text = doc.text();
        let list = match CompactJws::parse(&text) {
            Ok(jws) => match jws.payload.get("vc") {
                Some(vc) => vc.clone(),
                None => jws.payload,
            },
            Err(_) => parse_json(r, "status list", url, &doc, Outcome::Invalid)?,
        };
        let list_issuer = id_of(list.get("issuer"));
        if let (Some(ours), Some(theirs)) = (issuer, list_issuer)
            && ours != theirs
        {
            return Err(r.halt(
                Outcome::Invalid,
                format!(
                    "the status list at {url} was published by {theirs}, not by the badge's issuer {ours}, so it cannot speak for this badge"
                ),
            ));
        }
        let subject = one_or_many(list.get("credentialSubject"))
            .into_iter()
            .next()
            .cloned()
            .unwrap_or(Value::Null);
        let bits = subject
            .get("encodedList")
            .and_then(Value::as_str)
            .ok_or_else(|| "it has no `encodedList`".to_owned())
            .and_then(inflate_bitstring)
            .map_err(|e| {
                r.halt(
                    Outcome::Invalid,
                    format!("the status list at {url} cannot be read: {e}"),
                )
            })?;
        let set = bit(&bits, index).ok_or_else(|| {
            r.halt(
                Outcome::Invalid,
                format!(
                    "the badge points at entry {index} of the status list at {url}, which has only {} entries",
                    bits.len() * 8
                ),
            )
        })?;
        r.note(
            "status_list",
            json!({"type": "BitstringStatusListEntry", "url": url, "index": index, "purpose": purpose, "set": set}),
        );
        match (set, purpose) {
            (true, "revocation") => r.find(
                Outcome::Revoked,
                format!("the issuer has revoked this badge: its status list {url} marks entry {index} as revoked"),
            ),
            (true, "suspension") => r.find(
                Outcome::Revoked,
                format!("the issuer has suspended this badge for now: its status list {url} marks entry {index} as suspended; check again later"),
            ),
            (false, "revocation" | "suspension") => {
                r.confirm(format!("the issuer's status list does not mark it as {purpose}"))
            }
            _ => {}
        }
        Ok(())
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
