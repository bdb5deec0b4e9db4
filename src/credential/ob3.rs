//! Open Badges 3.0 credentials (W3C Verifiable Credentials, data model 1.1
//! or 2.0) and the JWT claims that stand in for their fields in a VC-JWT.
//!
//! The badge itself is `credentialSubject.achievement`; the credential's own
//! `name`, `description` and `image` are only fallbacks.

use serde_json::Value;

use super::fields::{
    Node, OB3_IDENTITY, describe, evidence, identity_object, is_http_url, non_empty,
    recipient_from_id,
};
use super::ob2::{read_criteria, read_issuer};
use super::{Credential, CredentialError, Proof};

/// Reads an OB 3.0 credential.
pub(super) fn read(root: &Node, c: &mut Credential) -> Result<(), CredentialError> {
    let subject = subject(root, c)?;
    c.id = root.text("id", &mut c.warnings);

    let achievement = subject.object("achievement", &mut c.warnings);
    if achievement.is_none() {
        c.warnings
            .push("`credentialSubject` has no `achievement`".into());
    }
    c.name = from_achievement(achievement.as_ref(), root, "name", c);
    c.description = from_achievement(achievement.as_ref(), root, "description", c);
    c.image = from_achievement(achievement.as_ref(), root, "image", c);
    if let Some(achievement) = &achievement {
        read_criteria(achievement, c);
    }

    match root.get("issuer") {
        Some(Value::String(id)) => issuer_by_id(id, c),
        Some(Value::Object(obj)) => read_issuer(&Node::named(obj, "issuer"), c),
        Some(other) => c.warnings.push(format!(
            "`issuer` should be an id or a profile object, found {}; ignored",
            describe(other)
        )),
        None => {}
    }

    c.issued_on = root
        .date("validFrom", &mut c.warnings)
        .or_else(|| root.date("issuanceDate", &mut c.warnings));
    c.expires = root
        .date("validUntil", &mut c.warnings)
        .or_else(|| root.date("expirationDate", &mut c.warnings));

    c.recipient = recipient(&subject, c)?;
    evidence(root, "evidence", &mut c.evidence, &mut c.warnings);
    c.proof = Some(if root.get("proof").is_some() {
        Proof::EmbeddedProof
    } else {
        Proof::None
    });
    Ok(())
}

/// A field of the achievement, else the same field of the credential. Images
/// may be objects with an `id`; text fields are read as text.
fn from_achievement(
    achievement: Option<&Node>,
    root: &Node,
    key: &str,
    c: &mut Credential,
) -> Option<String> {
    let mut read = |node: &Node| {
        if key == "image" {
            node.url_or_id(key, &mut c.warnings)
        } else {
            node.text(key, &mut c.warnings)
        }
    };
    achievement.and_then(&mut read).or_else(|| read(root))
}

/// The `credentialSubject` object; of several, the first is read.
fn subject<'a>(root: &Node<'a>, c: &mut Credential) -> Result<Node<'a>, CredentialError> {
    let first = match root.get("credentialSubject") {
        Some(Value::Object(obj)) => obj,
        Some(Value::Array(items)) => {
            if items.len() > 1 {
                c.warnings.push(format!(
                    "the credential has {} subjects; only the first is read",
                    items.len()
                ));
            }
            match items.first() {
                Some(Value::Object(obj)) => obj,
                Some(other) => {
                    return Err(CredentialError::Shape(format!(
                        "`credentialSubject` should hold objects, found {}",
                        describe(other)
                    )));
                }
                None => {
                    return Err(CredentialError::Shape(
                        "the credential's `credentialSubject` is empty".into(),
                    ));
                }
            }
        }
        Some(other) => {
            return Err(CredentialError::Shape(format!(
                "`credentialSubject` should be an object, found {}",
                describe(other)
            )));
        }
        None => {
            return Err(CredentialError::Shape(
                "the credential has no `credentialSubject`".into(),
            ));
        }
    };
    Ok(Node::named(first, "credentialSubject"))
}

/// The recipient: the first `identifier` IdentityObject, else the subject's `id`.
fn recipient(
    subject: &Node,
    c: &mut Credential,
) -> Result<Option<super::Recipient>, CredentialError> {
    let identifiers: &[Value] = match subject.get("identifier") {
        Some(Value::Array(items)) => items,
        Some(single) => std::slice::from_ref(single),
        None => &[],
    };
    let field = subject.field("identifier");
    for item in identifiers {
        match item {
            Value::Object(obj) => {
                let node = Node::named(obj, &field);
                return identity_object(&node, &OB3_IDENTITY, &mut c.warnings).map(Some);
            }
            other => c.warnings.push(format!(
                "an entry of `{field}` should be an identity object, found {}; ignored",
                describe(other)
            )),
        }
    }
    match subject.text("id", &mut c.warnings) {
        Some(id) => Ok(Some(recipient_from_id(id))),
        None => {
            c.warnings.push(
                "the credential names no recipient (`credentialSubject.id` or `identifier`)".into(),
            );
            Ok(None)
        }
    }
}

/// An issuer given only by id: a web address can be fetched later, a DID is
/// resolved by verification.
fn issuer_by_id(id: &str, c: &mut Credential) {
    let Some(id) = non_empty(id) else { return };
    if is_http_url(&id) {
        c.issuer_profile_url = Some(id.clone());
    }
    c.issuer_id = Some(id);
}

/// Fills what the credential left out from the JWT claims `iss`, `jti`,
/// `sub`, `nbf` and `exp`. Disagreements are for verification to judge.
pub(super) fn fill_from_claims(claims: &Node, c: &mut Credential) {
    let w = &mut c.warnings;
    let no_issuer = c.issuer_id.is_none()
        && c.issuer_url.is_none()
        && c.issuer_profile_url.is_none()
        && c.issuer_name.is_none();
    if no_issuer && let Some(iss) = claims.text("iss", w) {
        issuer_by_id(&iss, c);
    }
    let w = &mut c.warnings;
    if c.id.is_none() {
        c.id = claims.text("jti", w);
    }
    if c.recipient.is_none() {
        c.recipient = claims.text("sub", w).map(recipient_from_id);
    }
    if c.issued_on.is_none() {
        c.issued_on = claims.date("nbf", w);
    }
    if c.expires.is_none() {
        c.expires = claims.date("exp", w);
    }
}
