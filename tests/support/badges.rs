//! Open Badges documents for tests, written from the specifications' shapes.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// `sha256$` + hex(sha256(identity + salt)), as Open Badges hashes recipients.
pub fn hashed(identity: &str, salt: &str) -> String {
    format!(
        "sha256${}",
        hex::encode(Sha256::digest(format!("{identity}{salt}")))
    )
}

/// An OB 2.0 issuer profile hosted at `base/issuer.json`.
pub fn issuer(base: &str, name: &str) -> Value {
    json!({
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Issuer",
        "id": format!("{base}/issuer.json"),
        "name": name,
        "url": base,
        "email": "badges@issuer.test"
    })
}

/// An OB 2.0 BadgeClass at `base/badges/{slug}.json` whose issuer is a URL.
pub fn badge_class(base: &str, slug: &str, name: &str) -> Value {
    json!({
        "@context": "https://w3id.org/openbadges/v2",
        "type": "BadgeClass",
        "id": format!("{base}/badges/{slug}.json"),
        "name": name,
        "description": format!("Awarded for {name}."),
        "image": format!("{base}/badges/{slug}.png"),
        "criteria": {"narrative": "Do the work."},
        "issuer": format!("{base}/issuer.json")
    })
}

/// An OB 2.0 hosted assertion at `base/assertions/{n}.json`, recipient hashed.
pub fn assertion(base: &str, slug: &str, n: usize, email: &str) -> Value {
    json!({
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": format!("{base}/assertions/{n}.json"),
        "recipient": {"type": "email", "hashed": true, "salt": "pepper", "identity": hashed(email, "pepper")},
        "badge": format!("{base}/badges/{slug}.json"),
        "issuedOn": "2024-03-01T10:00:00Z",
        "verification": {"type": "hosted"}
    })
}

/// An OB 2.0 assertion with its BadgeClass and Issuer embedded, so it needs
/// no network to be understood.
pub fn embedded_assertion(id: &str, name: &str, issuer_name: &str, email: &str) -> Value {
    json!({
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": id,
        "recipient": {"type": "email", "hashed": false, "identity": email},
        "badge": {
            "type": "BadgeClass",
            "id": format!("{id}#badge"),
            "name": name,
            "description": format!("Awarded for {name}."),
            "image": format!("{id}#image"),
            "criteria": {"narrative": "Do the work."},
            "issuer": {"type": "Profile", "id": format!("{id}#issuer"), "name": issuer_name, "url": "https://issuer.example"}
        },
        "issuedOn": "2024-05-02T09:00:00Z",
        "verification": {"type": "hosted"}
    })
}

/// An OB 3.0 credential (VCDM 2.0) with an embedded (unchecked) proof.
pub fn ob3_credential(id: &str, name: &str, issuer_name: &str, email: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "https://issuer.example/profile", "type": ["Profile"], "name": issuer_name},
        "validFrom": "2025-01-15T00:00:00Z",
        "name": name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "emailAddress", "hashed": false, "identityHash": email}],
            "achievement": {
                "id": format!("{id}#achievement"),
                "type": ["Achievement"],
                "name": name,
                "description": format!("Awarded for {name}."),
                "criteria": {"narrative": "Do the work."}
            }
        },
        "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofPurpose": "assertionMethod",
                  "verificationMethod": "https://issuer.example/profile#key-1", "proofValue": "z58DAdFfa9SkqZMVPxAQp"}
    })
}

/// An Open Badges 0.5 assertion (Mozilla era): string recipient, embedded
/// badge and issuer. `salt` makes the recipient a `sha256$` hash of `email`.
pub fn ob05_assertion(email: &str, salt: Option<&str>, name: &str, origin: &str) -> Value {
    let recipient = match salt {
        Some(s) => hashed(email, s),
        None => email.to_owned(),
    };
    let mut v = json!({
        "recipient": recipient,
        "issued_on": "2012-06-01",
        "badge": {
            "version": "0.5.0",
            "name": name,
            "description": format!("A Mozilla-era badge: {name}."),
            "image": "/img/badge.png",
            "criteria": "/criteria.html",
            "issuer": {"origin": origin, "name": "Old Issuer", "org": "Old Org", "contact": "old@issuer.invalid"}
        }
    });
    if let Some(s) = salt {
        v["salt"] = json!(s);
    }
    v
}

/// An Open Badges 1.0 hosted assertion whose BadgeClass lives at `base`.
pub fn ob10_assertion(base: &str, uid: &str, email: &str) -> Value {
    json!({
        "uid": uid,
        "recipient": {"type": "email", "hashed": false, "identity": email},
        "badge": format!("{base}/badge.json"),
        "verify": {"type": "hosted", "url": format!("{base}/assertions/{uid}")},
        "issuedOn": 1338508800
    })
}
