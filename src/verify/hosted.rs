//! Open Badges 0.5, 1.x and 2.0: hosted copies, signed assertions, issuer scope.
//!
//! A hosted badge is checked against the copy its issuer still serves (the
//! copy in the wallet only says where to look). A signed one is checked by
//! its JWS signature, with a key the issuer owns and lists, and against the
//! issuer's revocation list. Both then fetch the BadgeClass and issuer
//! profile, check dates and compare the recipient with the learner's
//! identities.

use chrono::Duration;
use serde_json::{Value, json};
use url::Url;

use super::keys::{CompactJws, KeyError, PublicKey};
use super::report::{Report, Step};
use super::{Outcome, Verifier, check_dates, id_of, one_or_many, parse_json, require_ok};
use crate::credential::{self, Credential, ObVersion, Proof};

/// An issue date further ahead than this is a mistake, not a badge that
/// becomes valid later (the 1EdTech validator calls 2100 invalid).
const FAR_FUTURE: Duration = Duration::days(365);

impl Verifier<'_> {
    /// Sends a parsed credential to the checks of its version and proof.
    pub(super) async fn check_credential(
        &self,
        r: &mut Report,
        text: &str,
        c: Credential,
    ) -> Step<()> {
        r.note("version", c.ob_version.map(ObVersion::as_str));
        match (c.ob_version, c.proof) {
            (Some(ObVersion::V3_0), Some(Proof::VcJwt)) => self.vc_jwt(r, text, &c).await,
            (Some(ObVersion::V3_0), _) => self.vc_embedded(r, text, &c).await,
            (_, Some(Proof::SignedJws)) => self.signed(r, text).await,
            _ => match c.hosted_url.clone() {
                Some(url) => self.hosted_at(r, &url).await,
                None => Err(no_hosted_copy(r, text, &c)),
            },
        }
    }

    /// Checks a hosted badge against the copy at `url`.
    pub(super) async fn hosted_at(&self, r: &mut Report, url: &str) -> Step<()> {
        const WHAT: &str = "hosted assertion";
        r.note("method", "hosted");
        r.note("hosted_url", url);
        let doc = self.document(r, WHAT, url, false).await?;
        if doc.status == 410 {
            return Err(r.halt(
                Outcome::Revoked,
                format!("the issuer has withdrawn this badge: {url} answers 410 Gone"),
            ));
        }
        require_ok(r, WHAT, url, &doc)?;
        let assertion = parse_json(r, WHAT, url, &doc, Outcome::Malformed)?;
        if assertion.get("revoked") == Some(&Value::Bool(true)) {
            let reason = assertion.get("revocationReason").and_then(Value::as_str);
            return Err(r.halt(Outcome::Revoked, revoked_sentence(url, reason)));
        }
        let c = credential::parse_value(&assertion).map_err(|e| {
            r.halt(
                Outcome::Malformed,
                format!("the hosted copy at {url} is not a badge Satchel can read: {e}"),
            )
        })?;
        if c.ob_version == Some(ObVersion::V3_0) {
            r.note("version", "3.0");
            return self.vc_embedded(r, &doc.text(), &c).await;
        }
        r.note("version", c.ob_version.map(ObVersion::as_str));
        r.confirm(format!("the issuer still hosts it at {url}"));
        let issuer = self.ob2_details(r, &assertion, &c).await?;
        if c.ob_version != Some(ObVersion::V0_5) {
            check_scope(r, url, &assertion, &issuer)?;
        }
        Ok(())
    }

    /// Checks an OB 1.x / 2.0 signed assertion (a compact JWS).
    async fn signed(&self, r: &mut Report, text: &str) -> Step<()> {
        r.note("method", "signed");
        let jws = CompactJws::parse(text).map_err(|e| {
            r.halt(
                Outcome::Malformed,
                format!("the signed badge cannot be read: {e}"),
            )
        })?;
        let assertion = &jws.payload;
        let c = credential::parse_value(assertion).map_err(|e| {
            r.halt(
                Outcome::Malformed,
                format!("the signed badge cannot be read: {e}"),
            )
        })?;
        let creator = id_of(assertion.pointer("/verification/creator"))
            .or_else(|| assertion.pointer("/verify/url").and_then(Value::as_str))
            .ok_or_else(|| {
                r.halt(
                    Outcome::Invalid,
                    "the signed badge does not say where its key is (`verification.creator`); ask the issuer for a hosted or re-signed copy",
                )
            })?;
        let doc = self.key_fetched(r, "signing key", creator).await?;
        let key_doc: Option<Value> = serde_json::from_slice(&doc.body).ok();
        let body = doc.text();
        let pem = match &key_doc {
            Some(k) => k.get("publicKeyPem").and_then(Value::as_str).unwrap_or(""),
            None => body.as_str(),
        };
        let owner = key_doc.as_ref().and_then(|k| id_of(k.get("owner")));
        let key = PublicKey::from_pem(pem).map_err(|e| {
            r.halt(
                Outcome::Invalid,
                format!("the issuer's signing key at {creator} cannot be used: {e}"),
            )
        })?;
        r.note(
            "key",
            json!({"id": creator, "type": key.kind(), "owner": owner}),
        );
        check_signature(r, &jws, &key, creator)?;
        let issuer = match self.ob2_details(r, assertion, &c).await {
            Ok(issuer) => issuer,
            Err(halt) => {
                self.intact_by_kept_key(r, creator);
                return Err(halt);
            }
        };
        // Only a 2.0 key names its owner; a 1.x key is never kept.
        if c.ob_version == Some(ObVersion::V2_0) && key_is_the_issuers(r, creator, owner, &issuer) {
            self.settle_key(r, creator, id_of(issuer.get("id")));
        }
        if let Some(list) = id_of(issuer.get("revocationList")) {
            self.ob2_revocation(r, list, assertion).await?;
        }
        Ok(())
    }

    /// Fetches (or reads embedded) the BadgeClass and issuer profile, checks
    /// dates and recipient; returns the issuer profile.
    async fn ob2_details(&self, r: &mut Report, assertion: &Value, c: &Credential) -> Step<Value> {
        let badge_class = match assertion.get("badge") {
            Some(Value::String(url)) => self.json_document(r, "BadgeClass", url, true).await?,
            Some(obj @ Value::Object(_)) => obj.clone(),
            _ => {
                return Err(r.halt(
                    Outcome::Malformed,
                    "the badge does not name its BadgeClass (`badge`)",
                ));
            }
        };
        let issuer = match badge_class.get("issuer") {
            Some(Value::String(url)) => self.json_document(r, "issuer profile", url, true).await?,
            Some(obj @ Value::Object(_)) => obj.clone(),
            _ => {
                return Err(r.halt(
                    Outcome::Invalid,
                    "the BadgeClass does not name its issuer (`issuer`); ask the issuer to fix it",
                ));
            }
        };
        check_dates(r, self.now, c.issued_on, c.expires, Some(FAR_FUTURE));
        self.check_recipient(r, c.recipient.as_ref());
        Ok(issuer)
    }
}

/// Records the signature check: good, tampered, or not checkable.
pub(super) fn check_signature(
    r: &mut Report,
    jws: &CompactJws,
    key: &PublicKey,
    key_name: &str,
) -> Step<()> {
    match jws.verify(key) {
        Ok(()) => {
            r.confirm(format!("its signature checks out with the key {key_name}"));
            Ok(())
        }
        Err(KeyError::BadSignature) => Err(r.halt(
            Outcome::BadSignature,
            format!(
                "the signature does not match the badge's content with the key {key_name}: the badge was changed after it was signed, or signed by someone else; get a fresh copy from the issuer"
            ),
        )),
        Err(e) => Err(r.halt(
            Outcome::Invalid,
            format!("the signature cannot be checked with the key {key_name}: {e}"),
        )),
    }
}

/// A 2.0 key must name the issuer as its owner, and the issuer must list it;
/// true when both hold.
fn key_is_the_issuers(r: &mut Report, creator: &str, owner: Option<&str>, issuer: &Value) -> bool {
    let issuer_id = issuer.get("id").and_then(Value::as_str).unwrap_or("");
    let owned = owner == Some(issuer_id);
    if !owned {
        r.find(
            Outcome::Invalid,
            format!(
                "the key {creator} says it belongs to {}, not to the badge's issuer {issuer_id}; the badge may not come from that issuer",
                owner.unwrap_or("nobody")
            ),
        );
    }
    let listed = one_or_many(issuer.get("publicKey"))
        .into_iter()
        .any(|k| id_of(Some(k)) == Some(creator));
    if !listed {
        r.find(
            Outcome::Invalid,
            format!(
                "the issuer {issuer_id} does not list the key {creator} among its keys (`publicKey`), so the signature does not prove the issuer made this badge"
            ),
        );
    }
    owned && listed
}

/// The sentence for a badge its issuer revoked.
pub(super) fn revoked_sentence(source: &str, reason: Option<&str>) -> String {
    match reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(reason) => format!("the issuer has revoked this badge ({source}), saying: {reason}"),
        None => format!("the issuer has revoked this badge ({source})"),
    }
}

/// Why a badge with no hosted address cannot be re-checked.
fn no_hosted_copy(r: &mut Report, text: &str, c: &Credential) -> super::report::Halt {
    let raw: Option<Value> = serde_json::from_str(text).ok();
    let says_signed = raw.as_ref().is_some_and(|v| {
        [v.pointer("/verification/type"), v.pointer("/verify/type")]
            .into_iter()
            .flatten()
            .any(|t| t.as_str().is_some_and(|t| t.eq_ignore_ascii_case("signed")))
    });
    if says_signed {
        return r.halt(
            Outcome::Invalid,
            "this badge says it is signed, but the wallet holds it without its signature (the JWS); import the signed badge file from the issuer",
        );
    }
    if c.ob_version == Some(ObVersion::V0_5) {
        return r.halt(
            Outcome::Unreachable,
            "this Open Badges 0.5 badge names no hosted copy, so its issuer cannot be asked to confirm it; if you have the badge's address, import that",
        );
    }
    r.halt(
        Outcome::Invalid,
        "this badge names no address where its issuer hosts it (`id` or `verify.url`), so it cannot be checked; ask the issuer for a hosted copy",
    )
}

/// Whether an address lies within an issuer's verification scope.
type UrlTest<'a> = Box<dyn Fn(&Url) -> bool + 'a>;

/// The hosted address (and the id the copy gives itself) must lie within
/// what the issuer vouches for: `verification.startsWith`, else
/// `verification.allowedOrigins`, else the issuer's own origin.
fn check_scope(r: &mut Report, url: &str, assertion: &Value, issuer: &Value) -> Step<()> {
    let starts: Vec<&str> = one_or_many(issuer.pointer("/verification/startsWith"))
        .into_iter()
        .filter_map(Value::as_str)
        .collect();
    let origins: Vec<&str> = one_or_many(issuer.pointer("/verification/allowedOrigins"))
        .into_iter()
        .filter_map(Value::as_str)
        .collect();
    let home = ["id", "url", "origin"]
        .into_iter()
        .filter_map(|k| issuer.get(k).and_then(Value::as_str))
        .find_map(|u| {
            Url::parse(u)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https"))
        });
    let mut addresses = vec![url];
    if let Some(id) = assertion
        .get("id")
        .and_then(Value::as_str)
        .filter(|id| *id != url)
    {
        r.note("hosted_id", id);
        addresses.push(id);
    }
    let (rule, allowed): (String, UrlTest) = if !starts.is_empty() {
        (
            format!("addresses starting with {}", starts.join(" or ")),
            Box::new(|u: &Url| starts.iter().any(|s| u.as_str().starts_with(s))),
        )
    } else if !origins.is_empty() {
        (
            format!("the hosts {}", origins.join(", ")),
            Box::new(|u: &Url| {
                let host = u.host_str().unwrap_or("");
                let with_port = u.port().map(|p| format!("{host}:{p}"));
                origins
                    .iter()
                    .any(|o| *o == host || with_port.as_deref() == Some(*o))
            }),
        )
    } else if let Some(home) = &home {
        (
            format!("its own site {}", home.origin().ascii_serialization()),
            Box::new(|u: &Url| u.origin() == home.origin()),
        )
    } else {
        r.caveat("the issuer has no web address, so Satchel could not check that the badge is hosted where the issuer vouches for it");
        return Ok(());
    };
    r.note("scope", json!({"rule": rule}));
    for address in addresses {
        let inside = Url::parse(address).is_ok_and(|u| allowed(&u));
        if !inside {
            return Err(r.halt(
                Outcome::Invalid,
                format!(
                    "the badge's address {address} is outside what its issuer vouches for ({rule}), so the issuer does not stand behind this copy; ask the issuer"
                ),
            ));
        }
    }
    Ok(())
}
