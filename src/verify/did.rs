//! Finding the public key a proof or VC-JWT names.
//!
//! A key reference is a `did:key` (Ed25519, P-256 or P-384) or a `did:jwk`
//! (the key is in the identifier itself), a `did:web` (its DID document lives at `https://host/.well-known/did.json`
//! or `https://host/path/did.json`), or an http(s) URL answering with a JWK,
//! a JWK set, a verification method or a controller document. `did:web`
//! always means https; only when the learner allowed private addresses does a
//! loopback or private host (`did:web:127.0.0.1%3A8080`) resolve over plain
//! http, which is how tests serve DID documents.
//!
//! Some keys are known without the network ([`key_in_reference`]): a
//! `did:key` or `did:jwk`, and a key URL whose fragment is itself a multibase key
//! (`https://issuer.example/issuers/1#z6Mk…`). A signature is checked with
//! such a key first; the document is fetched only to learn who owns the key.

use std::net::IpAddr;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD_INDIFFERENT;
use serde_json::{Value, json};

use super::keys::{KeyError, PublicKey};
use super::report::{Report, Step};
use super::{Outcome, Verifier, id_of, one_or_many};

/// A resolved key and who controls it, when the document said.
pub(super) struct FoundKey {
    pub key: PublicKey,
    pub controller: Option<String>,
}

impl Verifier<'_> {
    /// Resolves `reference` to a key; halts as unreachable or invalid.
    pub(super) async fn resolve_key(&self, r: &mut Report, reference: &str) -> Step<FoundKey> {
        let (base, _) = reference.split_once('#').unwrap_or((reference, ""));
        let bad = |r: &mut Report, e: KeyError| {
            r.halt(
                Outcome::Invalid,
                format!("the key {reference} the badge names cannot be used: {e}"),
            )
        };
        let found = if let Some(key) = key_in_did(base) {
            FoundKey {
                key: key.map_err(|e| bad(r, e))?,
                controller: Some(base.to_owned()),
            }
        } else if base.starts_with("did:web:") {
            let url = did_web_url(base, self.fetch.allow_private()).map_err(|e| {
                r.halt(
                    Outcome::Invalid,
                    format!("the key {reference} cannot be resolved: {e}"),
                )
            })?;
            let doc = self.key_document(r, "DID document", &url).await?;
            let method = method_in(&doc, reference, base).ok_or_else(|| {
                r.halt(
                    Outcome::Invalid,
                    format!("the DID document at {url} does not contain the key {reference}"),
                )
            })?;
            FoundKey {
                key: method_key(method).map_err(|e| bad(r, e))?,
                controller: Some(base.to_owned()),
            }
        } else if base.starts_with("https://") || base.starts_with("http://") {
            let doc = self.key_document(r, "signing key", base).await?;
            let method = if doc.get("kty").is_some()
                || doc.get("publicKeyMultibase").is_some()
                || doc.get("publicKeyJwk").is_some()
                || doc.get("publicKeyPem").is_some()
            {
                Some(&doc)
            } else {
                method_in(&doc, reference, base)
            };
            let method = method.ok_or_else(|| {
                r.halt(
                    Outcome::Invalid,
                    format!("the document at {base} does not contain the key {reference}"),
                )
            })?;
            FoundKey {
                key: method_key(method).map_err(|e| bad(r, e))?,
                controller: id_of(method.get("controller"))
                    .or_else(|| id_of(method.get("owner")))
                    .map(str::to_owned),
            }
        } else {
            return Err(r.halt(
                Outcome::Invalid,
                format!(
                    "the key {reference} is of a kind Satchel cannot resolve (did:key, did:jwk, did:web and https keys are supported)"
                ),
            ));
        };
        r.note(
            "key",
            json!({"id": reference, "type": found.key.kind(), "controller": found.controller}),
        );
        Ok(found)
    }
}

/// The key a reference carries in itself, known without the network: the
/// key of a `did:key` or `did:jwk`, or the multibase key (did:key form, `z6Mk…` for
/// Ed25519) that is the fragment of an http(s) key URL. `None` when the key
/// can only be fetched. A key found this way proves only that the content is
/// unchanged since it was signed; who owns it is a separate question.
pub(super) fn key_in_reference(reference: &str) -> Option<Result<PublicKey, KeyError>> {
    let (base, fragment) = reference.split_once('#').unwrap_or((reference, ""));
    if let Some(key) = key_in_did(base) {
        return Some(key);
    }
    let web = base.starts_with("https://") || base.starts_with("http://");
    // Any other fragment (`#key-1`) only names a key the document holds.
    web.then(|| PublicKey::from_multibase(fragment).ok().map(Ok))
        .flatten()
}

/// The key a `did:key` (a Multikey) or `did:jwk` (a base64url JWK) is made
/// of; `None` for other DIDs.
fn key_in_did(did: &str) -> Option<Result<PublicKey, KeyError>> {
    if let Some(multikey) = did.strip_prefix("did:key:") {
        return Some(PublicKey::from_multibase(multikey));
    }
    let encoded = did.strip_prefix("did:jwk:")?;
    let jwk = URL_SAFE_NO_PAD_INDIFFERENT
        .decode(encoded)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        .ok_or_else(|| KeyError::Unreadable("the did:jwk is not a base64url JSON JWK".into()));
    Some(jwk.and_then(|jwk| PublicKey::from_jwk(&jwk)))
}

/// The key in a verification method or JWK.
fn method_key(method: &Value) -> Result<PublicKey, KeyError> {
    if method.get("kty").is_some() {
        return PublicKey::from_jwk(method);
    }
    if let Some(jwk) = method.get("publicKeyJwk") {
        return PublicKey::from_jwk(jwk);
    }
    if let Some(multibase) = method.get("publicKeyMultibase").and_then(Value::as_str) {
        return PublicKey::from_multibase(multibase);
    }
    if let Some(pem) = method.get("publicKeyPem").and_then(Value::as_str) {
        return PublicKey::from_pem(pem);
    }
    Err(KeyError::Unreadable(
        "the verification method holds no publicKeyJwk, publicKeyMultibase or publicKeyPem".into(),
    ))
}

/// The verification method `reference` in a DID or controller document (or
/// the matching key of a JWK set), by full id, `#fragment`, or JWK `kid`.
fn method_in<'a>(doc: &'a Value, reference: &str, base: &str) -> Option<&'a Value> {
    let fragment = reference.strip_prefix(base).filter(|f| !f.is_empty());
    let same = |m: &Value| {
        let id = m.get("id").or_else(|| m.get("kid")).and_then(Value::as_str);
        id == Some(reference) || (fragment.is_some() && id == fragment)
    };
    ["verificationMethod", "assertionMethod", "publicKey", "keys"]
        .into_iter()
        .flat_map(|k| one_or_many(doc.get(k)))
        .find(|m| same(m))
        .or_else(|| {
            // A JWK set with a single key and a `kid`-less reference.
            let keys = one_or_many(doc.get("keys"));
            (fragment.is_none() && keys.len() == 1).then(|| keys[0])
        })
}

/// The URL of a `did:web` DID document.
fn did_web_url(did: &str, allow_private: bool) -> Result<String, String> {
    let rest = did.strip_prefix("did:web:").unwrap_or(did);
    let mut parts = rest.split(':');
    let host = parts
        .next()
        .filter(|h| !h.is_empty())
        .ok_or("the did:web names no host")?
        .replace("%3A", ":")
        .replace("%3a", ":");
    if host.contains(['/', '?', '#', '@', '%']) {
        return Err(format!("{host:?} is not a host name"));
    }
    let path: Vec<&str> = parts.collect();
    let name = host.rsplit_once(':').map_or(host.as_str(), |(h, _)| h);
    let local = name == "localhost"
        || name
            .trim_matches(['[', ']'])
            .parse::<IpAddr>()
            .is_ok_and(|ip| !crate::http::is_public(ip));
    let scheme = if allow_private && local {
        "http"
    } else {
        "https"
    };
    Ok(if path.is_empty() {
        format!("{scheme}://{host}/.well-known/did.json")
    } else {
        format!("{scheme}://{host}/{}/did.json", path.join("/"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_web_maps_to_https_and_loopback_to_http_only_when_allowed() {
        assert_eq!(
            did_web_url("did:web:example.com", false).unwrap(),
            "https://example.com/.well-known/did.json"
        );
        assert_eq!(
            did_web_url("did:web:example.com:user:alice", true).unwrap(),
            "https://example.com/user/alice/did.json"
        );
        assert_eq!(
            did_web_url("did:web:127.0.0.1%3A8080", true).unwrap(),
            "http://127.0.0.1:8080/.well-known/did.json"
        );
        assert_eq!(
            did_web_url("did:web:127.0.0.1%3A8080", false).unwrap(),
            "https://127.0.0.1:8080/.well-known/did.json"
        );
        assert!(did_web_url("did:web:a@b", true).is_err());
    }

    #[test]
    fn only_did_key_and_key_url_fragments_are_known_offline() {
        // The W3C examples' key, as a did:key and as a URL fragment.
        let key = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
        let expected = PublicKey::from_multibase(key).unwrap();
        let offline = |r: &str| key_in_reference(r).map(Result::unwrap);
        assert_eq!(
            offline(&format!("did:key:{key}#{key}")),
            Some(expected.clone())
        );
        assert_eq!(
            offline(&format!("https://vc.example/issuers/5678#{key}")),
            Some(expected)
        );
        assert_eq!(offline("https://vc.example/issuers/5678#key-1"), None);
        assert_eq!(offline("https://vc.example/keys/1.json"), None);
        assert_eq!(offline(&format!("did:web:vc.example#{key}")), None);
        assert!(key_in_reference("did:key:zNotAKey").unwrap().is_err());
    }

    #[test]
    fn did_keys_on_every_curve_and_did_jwks_are_known_offline() {
        // The W3C vc-di-ecdsa vectors' keys.
        for (key, kind) in [
            ("zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP", "P-256"),
            (
                "z82LkuBieyGShVBhvtE2zoiD6Kma4tJGFtkAhxR5pfkp5QPw4LutoYWhvQCnGjdVn14kujQ",
                "P-384",
            ),
        ] {
            let found = key_in_reference(&format!("did:key:{key}#{key}"));
            assert_eq!(found.unwrap().unwrap().kind(), kind);
        }
        let p384 = p384::ecdsa::SigningKey::from_slice(&[5; 48]).unwrap();
        let jwk = p384::PublicKey::from(p384.verifying_key()).to_jwk_string();
        let did = format!("did:jwk:{}", URL_SAFE_NO_PAD_INDIFFERENT.encode(&jwk));
        assert_eq!(
            key_in_reference(&format!("{did}#0")).unwrap(),
            Ok(PublicKey::P384(*p384.verifying_key()))
        );
        let private = serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": "AA", "d": "AA"});
        let leaked = format!(
            "did:jwk:{}",
            URL_SAFE_NO_PAD_INDIFFERENT.encode(private.to_string())
        );
        assert!(matches!(
            key_in_reference(&leaked),
            Some(Err(KeyError::Unsupported(_)))
        ));
        assert!(matches!(
            key_in_reference("did:jwk:not-base64!#0"),
            Some(Err(KeyError::Unreadable(_)))
        ));
    }

    #[test]
    fn methods_are_found_by_id_or_fragment() {
        let doc = json!({"id": "did:web:x", "verificationMethod": [
            {"id": "did:web:x#k1", "publicKeyMultibase": "z1"},
            {"id": "#k2", "publicKeyMultibase": "z2"}
        ]});
        assert_eq!(
            method_in(&doc, "did:web:x#k1", "did:web:x").unwrap()["publicKeyMultibase"],
            "z1"
        );
        assert_eq!(
            method_in(&doc, "did:web:x#k2", "did:web:x").unwrap()["publicKeyMultibase"],
            "z2"
        );
        assert!(method_in(&doc, "did:web:x#k3", "did:web:x").is_none());
    }
}
