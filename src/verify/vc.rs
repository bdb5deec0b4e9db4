//! Open Badges 3.0: VC-JWTs and credentials with embedded Data Integrity proofs.
//!
//! A VC-JWT is checked with the key its header names (`kid`: a DID URL or a
//! key URL; or an embedded public `jwk`), and its claims `iss`, `jti`, `sub`,
//! `nbf` and `exp` must agree with the credential. An embedded proof must be
//! of one of the Data Integrity suites of [`super::proof::SUITES`] by a key
//! that belongs to the issuer.
//! When the key is known without the network (a `did:key`, a `jwk`, a key
//! URL whose fragment is the key), the signature is checked before anything
//! is fetched, so a changed credential is `bad_signature` offline too; an
//! intact one whose key owner cannot be looked up is `unreachable` and says
//! that its signature is intact (its dates are still checked: an intact
//! credential whose end date has passed is `expired`). A key document that
//! cannot be fetched now is read from the copy an earlier check kept, if any
//! (`kept`).
//! A proof Satchel cannot check (another suite, or an rdfc proof over a
//! JSON-LD context it does not ship) proves nothing either way: when no
//! other proof checks out the outcome is `unsupported`, with what could not
//! be checked named, never `invalid`. Then both check `validFrom` / `validUntil`, the
//! recipient and the `credentialStatus` lists.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::ContextTexts;
use super::did::{FoundKey, key_in_reference};
use super::hosted::check_signature;
use super::keys::{CompactJws, PublicKey};
use super::proof::{Named, ProofError, Suite};
use super::report::{Halt, Report, Step};
use super::{Outcome, Verifier, check_dates, id_of, one_or_many};
use crate::credential::Credential;

/// What a learner is told about a proof type this version cannot check.
fn cannot_check(kind: &str) -> String {
    format!(
        "this proof type ({kind}) cannot be checked by this version of Satchel yet, so the badge is not confirmed; a later version may, or ask the issuer for a VC-JWT, eddsa-rdfc-2022 or ecdsa-rdfc-2019 copy"
    )
}

impl Verifier<'_> {
    /// Checks an OB 3.0 VC-JWT.
    pub(super) async fn vc_jwt(&self, r: &mut Report, text: &str, c: &Credential) -> Step<()> {
        r.note("method", "vc-jwt");
        let jws = CompactJws::parse(text).map_err(|e| {
            r.halt(
                Outcome::Malformed,
                format!("the credential cannot be read: {e}"),
            )
        })?;
        let claims = &jws.payload;
        let vc = match claims.get("vc") {
            Some(vc @ Value::Object(_)) => vc,
            _ => claims,
        };
        let issuer = id_of(vc.get("issuer")).or_else(|| claims.get("iss").and_then(Value::as_str));
        if let Some(jwk) = jws.header.get("jwk") {
            let key = PublicKey::from_jwk(jwk).map_err(|e| {
                r.halt(
                    Outcome::Invalid,
                    format!("the key in the credential's header cannot be used: {e}"),
                )
            })?;
            r.caveat("its key came inside the credential itself, so the signature shows the content is unchanged but not, on its own, who issued it");
            check_signature(r, &jws, &key, "embedded in its header")?;
        } else if let Some(kid) = jws.header.get("kid").and_then(Value::as_str) {
            self.jwt_signed_by_issuer(r, &jws, kid, issuer).await?;
        } else {
            return Err(r.halt(
                Outcome::Invalid,
                "the credential's signature names no key (no `kid` or `jwk` in its header); ask the issuer for a new copy",
            ));
        }
        claims_agree(r, claims, vc)?;
        self.vc_common(r, vc, c).await
    }

    /// Checks an OB 3.0 credential with embedded proofs.
    pub(super) async fn vc_embedded(&self, r: &mut Report, text: &str, c: &Credential) -> Step<()> {
        r.note("method", "data-integrity");
        let doc: Value = serde_json::from_str(text).map_err(|e| {
            r.halt(
                Outcome::Malformed,
                format!("the credential is not readable JSON: {e}"),
            )
        })?;
        self.embedded_proofs(r, &doc).await?;
        self.vc_common(r, &doc, c).await
    }

    /// Checks a VC-JWT's signature with the key `kid`, which must be its
    /// issuer's.
    pub(super) async fn jwt_signed_by_issuer(
        &self,
        r: &mut Report,
        jws: &CompactJws,
        kid: &str,
        issuer: Option<&str>,
    ) -> Step<()> {
        self.signed_with_issuer_key(r, kid, issuer, |r, key| {
            check_signature(r, jws, key, kid).map(|()| true)
        })
        .await
        .map(drop)
    }

    /// Checks the embedded Data Integrity proofs of the credential `doc`
    /// with its issuer's keys, resolved as for any badge (the key known
    /// offline first, its owner looked up): at least one must check out.
    /// Records what it found; halts when no proof holds.
    pub(super) async fn embedded_proofs(&self, r: &mut Report, doc: &Value) -> Step<()> {
        let proofs = one_or_many(doc.get("proof"));
        if proofs.is_empty() {
            return Err(r.halt(
                Outcome::Invalid,
                "this Open Badges 3.0 credential carries no proof, so nobody can confirm who issued it or that it is unchanged; ask the issuer for a signed copy",
            ));
        }
        let issuer = id_of(doc.get("issuer"));
        // Proofs Satchel cannot check, by suite: they prove nothing either way.
        let mut unchecked: Vec<(&str, String)> = Vec::new();
        let mut checked = false;
        for proof in proofs {
            let suite = match Suite::of(proof) {
                Ok(Named::Known(suite)) => suite,
                Ok(Named::Unknown(name)) => {
                    unchecked.push((name, cannot_check(name)));
                    continue;
                }
                Err(e) => {
                    return Err(r.halt(
                        Outcome::Invalid,
                        format!("the credential's proof cannot be checked: {e}"),
                    ));
                }
            };
            if proof.get("proofPurpose").and_then(Value::as_str) != Some("assertionMethod") {
                return Err(r.halt(
                    Outcome::Invalid,
                    "the credential's proof is not made for issuing (`proofPurpose` is not assertionMethod)",
                ));
            }
            let method = id_of(proof.get("verificationMethod")).ok_or_else(|| {
                r.halt(
                    Outcome::Invalid,
                    "the credential's proof names no key (`verificationMethod`)",
                )
            })?;
            let proof_checks = |r: &mut Report, key: &PublicKey| {
                let result = suite.verify(doc, proof, key);
                proof_checked(r, result, suite.name, method, &mut unchecked)
            };
            checked |= self
                .signed_with_issuer_key(r, method, issuer, proof_checks)
                .await?;
        }
        if checked {
            // A proof that checks out decides; the others are only mentioned.
            for (_, why) in unchecked {
                r.mention(
                    Outcome::Unsupported,
                    format!("another of its proofs was not checked: {why}"),
                );
            }
        } else if let Some((suite, _)) = unchecked.first() {
            // Not checked is not wrong; every proof's reason is told.
            r.note("proof", *suite);
            let why: Vec<String> = unchecked.into_iter().map(|(_, why)| why).collect();
            return Err(r.halt(Outcome::Unsupported, why.join("; and ")));
        }
        Ok(())
    }

    /// Checks a signature made with the key `reference` names, then that the
    /// key is the issuer's. `signature` checks with a key and says whether it
    /// could (false: not checkable, nothing proven either way). A key known
    /// without the network is tried first, so a changed credential is
    /// `bad_signature` even when the issuer's site is down; only a signature
    /// that holds makes its key's owner worth looking up.
    async fn signed_with_issuer_key(
        &self,
        r: &mut Report,
        reference: &str,
        issuer: Option<&str>,
        signature: impl FnOnce(&mut Report, &PublicKey) -> Step<bool>,
    ) -> Step<bool> {
        let Some(offline) = key_in_reference(reference) else {
            let found = self.issuer_key(r, reference, issuer, None).await?;
            let held = signature(r, &found.key)?;
            if held {
                self.settle_key(r, reference, issuer);
            }
            return Ok(held);
        };
        let key = offline.map_err(|e| {
            r.halt(
                Outcome::Invalid,
                format!("the key {reference} the badge names cannot be used: {e}"),
            )
        })?;
        if !signature(r, &key)? {
            return Ok(false);
        }
        match self.issuer_key(r, reference, issuer, Some(&key)).await {
            Ok(_) => {}
            Err(Halt(Outcome::Unreachable)) => {
                r.caveat(format!(
                    "the signature itself is intact: the content has not changed since it was signed with the key {reference}; what could not be confirmed is that this key belongs to {}, so check again when the issuer's site can be reached",
                    issuer.map_or("the issuer".to_owned(), |i| format!("the issuer {i}"))
                ));
                // The unreachable owner is recorded; what the intact content
                // itself proves (an end date that has passed) is still told.
                return Ok(true);
            }
            Err(halt) => return Err(halt),
        }
        self.settle_key(r, reference, issuer);
        Ok(true)
    }

    /// Resolves the key `reference` names and checks that it is `expected`
    /// (when its name carries it) and the issuer's. What a kept copy of the
    /// key document says against it proves nothing about the document as
    /// it is now, so then the check is unreachable instead.
    async fn issuer_key(
        &self,
        r: &mut Report,
        reference: &str,
        issuer: Option<&str>,
        expected: Option<&PublicKey>,
    ) -> Step<FoundKey> {
        r.key_source = None;
        let mark = r.mark();
        let found = match self.resolve_key(r, reference).await {
            Ok(found) => found,
            Err(halt) => return Err(self.outdated_copy(r, mark, halt, reference)),
        };
        if expected.is_some_and(|key| *key != found.key) {
            let halt = r.halt(
                Outcome::Invalid,
                format!(
                    "the key document lists another key under {reference} than the one its name carries, so the signature does not prove the issuer made it"
                ),
            );
            return Err(self.outdated_copy(r, mark, halt, reference));
        }
        key_belongs_to_issuer(r, reference, &found, issuer)
            .map_err(|halt| self.outdated_copy(r, mark, halt, reference))?;
        Ok(found)
    }

    /// Dates, recipient and status lists, whatever the proof.
    async fn vc_common(&self, r: &mut Report, vc: &Value, c: &Credential) -> Step<()> {
        check_dates(r, self.now, c.issued_on, c.expires, None);
        self.check_recipient(r, c.recipient.as_ref());
        self.vc_status(r, vc).await
    }
}

/// Records what checking one proof of `suite` by the key `method` found:
/// it holds (true), it cannot be checked (false, with why added to
/// `unchecked`), or it halts the check as proven wrong.
fn proof_checked<'a>(
    r: &mut Report,
    result: Result<ContextTexts, ProofError>,
    suite: &'a str,
    method: &str,
    unchecked: &mut Vec<(&'a str, String)>,
) -> Step<bool> {
    match result {
        Ok(texts) => {
            r.note("proof", suite);
            let earlier = texts.earlier();
            if earlier.is_empty() {
                r.confirm(format!("its {suite} proof checks out with the key {method}"));
            } else {
                let read: Vec<Value> = earlier
                    .iter()
                    .map(|(url, from)| serde_json::json!({"url": url, "text": from}))
                    .collect();
                r.note("contexts", read);
                let named: Vec<String> = earlier
                    .iter()
                    .map(|(url, from)| format!("{url} ({from})"))
                    .collect();
                r.confirm(format!(
                    "its {suite} proof checks out with the key {method}, read with the earlier text of {} it was signed with",
                    named.join(" and ")
                ));
            }
            Ok(true)
        }
        Err(ProofError::Key(super::KeyError::BadSignature)) => Err(r.halt(
            Outcome::BadSignature,
            format!(
                "the proof does not match the credential's content with the key {method}: it was changed after it was signed, or signed by someone else; get a fresh copy from the issuer"
            ),
        )),
        Err(e @ ProofError::UnknownContext(_)) => {
            unchecked.push((
                suite,
                format!(
                    "{e}; ask the issuer for a copy that uses the published Open Badges contexts, or a VC-JWT"
                ),
            ));
            Ok(false)
        }
        Err(e) => Err(r.halt(
            Outcome::Invalid,
            format!("the proof cannot be checked: {e}"),
        )),
    }
}

/// The key must be the issuer's: its DID or URL (without fragment) is the
/// issuer's id, a key URL lies on the issuer's own site, or its document
/// names the issuer as controller.
fn key_belongs_to_issuer(
    r: &mut Report,
    reference: &str,
    found: &FoundKey,
    issuer: Option<&str>,
) -> Step<()> {
    let Some(issuer) = issuer else {
        r.caveat(
            "the credential names no issuer id, so Satchel could not tie the key to an issuer",
        );
        return Ok(());
    };
    let base = reference.split_once('#').map_or(reference, |(b, _)| b);
    let web_origin = |u: &str| {
        url::Url::parse(u)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .map(|u| u.origin())
    };
    let same_site = web_origin(base).is_some_and(|o| Some(o) == web_origin(issuer));
    if base == issuer || same_site || found.controller.as_deref() == Some(issuer) {
        return Ok(());
    }
    Err(r.halt(
        Outcome::Invalid,
        format!(
            "the key {reference} does not belong to the credential's issuer {issuer}, so the signature does not prove the issuer made it"
        ),
    ))
}

/// The JWT claims must say what the credential says.
pub(super) fn claims_agree(r: &mut Report, claims: &Value, vc: &Value) -> Step<()> {
    let subject = one_or_many(vc.get("credentialSubject")).into_iter().next();
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
    let pairs = [
        (
            "iss",
            text(claims.get("iss")),
            id_of(vc.get("issuer")).map(str::to_owned),
            "issuer",
        ),
        ("jti", text(claims.get("jti")), text(vc.get("id")), "id"),
        (
            "sub",
            text(claims.get("sub")),
            text(subject.and_then(|s| s.get("id"))),
            "credentialSubject.id",
        ),
    ];
    for (claim, said, written, field) in pairs {
        if let (Some(said), Some(written)) = (said, written)
            && said != written
        {
            return Err(disagree(r, claim, &said, field, &written));
        }
    }
    let seconds = |v: Option<&Value>| v.and_then(Value::as_i64);
    let date = |keys: [&str; 2]| {
        keys.iter()
            .find_map(|k| vc.get(*k).and_then(Value::as_str))
            .and_then(|d| DateTime::parse_from_rfc3339(d).ok())
            .map(|d| d.with_timezone(&Utc).timestamp())
    };
    let times = [
        (
            "nbf",
            seconds(claims.get("nbf")),
            date(["validFrom", "issuanceDate"]),
            "validFrom",
        ),
        (
            "exp",
            seconds(claims.get("exp")),
            date(["validUntil", "expirationDate"]),
            "validUntil",
        ),
    ];
    for (claim, said, written, field) in times {
        if let (Some(said), Some(written)) = (said, written)
            && said != written
        {
            return Err(disagree(
                r,
                claim,
                &said.to_string(),
                field,
                &written.to_string(),
            ));
        }
    }
    Ok(())
}

fn disagree(r: &mut Report, claim: &str, said: &str, field: &str, written: &str) -> Halt {
    r.halt(
        Outcome::Invalid,
        format!(
            "the credential's JWT claim `{claim}` ({said}) disagrees with its `{field}` ({written}); a genuine issuer writes the same in both, so ask the issuer"
        ),
    )
}
