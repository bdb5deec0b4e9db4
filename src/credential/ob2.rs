//! Open Badges 0.5, 1.0, 1.1 and 2.0 assertions, BadgeClasses and Issuers.
//!
//! These versions share one idea (an assertion pointing at a BadgeClass
//! pointing at an Issuer, each possibly only a URL) and differ in field names
//! and in how verification is announced. Fetching the documents behind URLs
//! is left to the caller.

use serde_json::Value;

use super::fields::{
    Node, OB2_IDENTITY, describe, evidence, identity_object, is_http_url, non_empty, quote,
    recipient_from_string,
};
use super::{Credential, CredentialError, Proof};

/// Reads a 0.5 assertion: a string recipient, the BadgeClass and issuer
/// embedded, dates as `issued_on`. Relative URLs are resolved against the
/// issuer's `origin`, as 0.5 allowed.
pub(super) fn read_v0_5(root: &Node, c: &mut Credential) -> Result<(), CredentialError> {
    let salt = root.text("salt", &mut c.warnings);
    c.recipient = match root.get("recipient") {
        Some(Value::String(s)) => recipient_from_string(s, salt),
        _ => None,
    };
    if c.recipient.is_none() {
        return Err(CredentialError::Shape(
            "the assertion has no `recipient`".into(),
        ));
    }
    read_badge(root, c)?;
    c.issued_on = root.date("issued_on", &mut c.warnings);
    c.expires = root.date("expires", &mut c.warnings);
    evidence(root, "evidence", &mut c.evidence, &mut c.warnings);
    c.proof = Some(Proof::Hosted);

    if let Some(origin) = c
        .issuer_url
        .as_deref()
        .and_then(|o| url::Url::parse(o).ok())
    {
        let resolve = |link: &mut String| {
            if link.starts_with('/')
                && let Ok(full) = origin.join(link)
            {
                *link = full.into();
            }
        };
        c.image
            .iter_mut()
            .chain(c.criteria_url.iter_mut())
            .chain(c.evidence.iter_mut())
            .for_each(resolve);
    }
    Ok(())
}

/// Reads a 1.0, 1.1 or 2.0 assertion.
pub(super) fn read_assertion(root: &Node, c: &mut Credential) -> Result<(), CredentialError> {
    c.id = root
        .text("id", &mut c.warnings)
        .or_else(|| root.text("uid", &mut c.warnings));
    c.recipient = Some(match root.get("recipient") {
        Some(Value::Object(obj)) => identity_object(
            &Node::named(obj, "recipient"),
            &OB2_IDENTITY,
            &mut c.warnings,
        )?,
        Some(Value::String(s)) => {
            c.warnings.push(
                "`recipient` is a plain string as in Open Badges 0.5; read as an email address"
                    .into(),
            );
            let salt = root.text("salt", &mut c.warnings);
            recipient_from_string(s, salt).ok_or_else(|| {
                CredentialError::Shape("the assertion's `recipient` is empty".into())
            })?
        }
        Some(other) => {
            return Err(CredentialError::Shape(format!(
                "`recipient` should be an identity object, found {}",
                describe(other)
            )));
        }
        None => {
            return Err(CredentialError::Shape(
                "the assertion has no `recipient`".into(),
            ));
        }
    });
    // The assertion's own image is often the baked copy; a BadgeClass image wins.
    c.image = root.url_or_id("image", &mut c.warnings);
    read_badge(root, c)?;
    c.issued_on = root.date("issuedOn", &mut c.warnings);
    c.expires = root.date("expires", &mut c.warnings);
    evidence(root, "evidence", &mut c.evidence, &mut c.warnings);
    read_verification(root, c);
    Ok(())
}

/// Reads `badge`: a URL left for the caller to fetch, or an embedded BadgeClass.
fn read_badge(root: &Node, c: &mut Credential) -> Result<(), CredentialError> {
    match root.get("badge") {
        Some(Value::String(url)) => match url.trim() {
            "" => Err(CredentialError::Shape(
                "the assertion's `badge` is empty".into(),
            )),
            url => {
                c.badge_class_url = Some(url.to_owned());
                Ok(())
            }
        },
        Some(Value::Object(obj)) => {
            read_badge_class(&Node::named(obj, "badge"), c);
            Ok(())
        }
        Some(other) => Err(CredentialError::Shape(format!(
            "`badge` should be a URL or a BadgeClass object, found {}",
            describe(other)
        ))),
        None => Err(CredentialError::Shape(
            "the assertion has no `badge`".into(),
        )),
    }
}

/// Works out how the assertion proves itself: 2.0 `verification`, else 1.x
/// `verify`, else a guess from an http(s) `id`.
fn read_verification(root: &Node, c: &mut Credential) {
    let (node, new_style) = match root.object("verification", &mut c.warnings) {
        Some(node) => (node, true),
        None => match root.object("verify", &mut c.warnings) {
            Some(node) => (node, false),
            None => {
                assume_hosted_at_id(c, "the assertion has no `verification` or `verify`");
                return;
            }
        },
    };
    let kind = node.text("type", &mut c.warnings);
    match kind.as_deref().map(str::to_ascii_lowercase).as_deref() {
        Some("hosted" | "hostedbadge") => {
            c.proof = Some(Proof::Hosted);
            let url = if new_style {
                None
            } else {
                node.text("url", &mut c.warnings)
            };
            match url {
                Some(url) => c.hosted_url = Some(url),
                None => match c.id.as_deref().filter(|id| is_http_url(id)) {
                    Some(id) => c.hosted_url = Some(id.to_owned()),
                    None => c.warnings.push(format!(
                        "hosted verification needs an http(s) `id` to fetch, found {}",
                        c.id.as_deref().map_or_else(|| "none".to_owned(), quote)
                    )),
                },
            }
        }
        Some("signed" | "signedbadge") => c.proof = Some(Proof::SignedJws),
        Some(_) | None => {
            let field = node.field("type");
            let problem = match kind {
                Some(kind) => format!("`{field}` {} is not `hosted` or `signed`", quote(&kind)),
                None => format!("`{field}` is missing"),
            };
            assume_hosted_at_id(c, &problem);
        }
    }
}

/// Falls back to hosted verification at the assertion's `id` when that is a
/// web address; records the problem either way.
fn assume_hosted_at_id(c: &mut Credential, problem: &str) {
    match c.id.as_deref().filter(|id| is_http_url(id)) {
        Some(id) => {
            c.hosted_url = Some(id.to_owned());
            c.proof = Some(Proof::Hosted);
            c.warnings
                .push(format!("{problem}; assumed hosted at its `id`"));
        }
        None => {
            c.proof = Some(Proof::None);
            c.warnings
                .push(format!("{problem}; the badge cannot be checked"));
        }
    }
}

/// Merges a BadgeClass (embedded or fetched) into the credential.
pub(super) fn read_badge_class(node: &Node, c: &mut Credential) {
    let w = &mut c.warnings;
    if let Some(name) = node.text("name", w) {
        c.name = Some(name);
    } else {
        w.push(format!("`{}` has no `name`", node.path()));
    }
    if let Some(description) = node.text("description", w) {
        c.description = Some(description);
    }
    if let Some(image) = node.url_or_id("image", w) {
        c.image = Some(image);
    }
    read_criteria(node, c);
    match node.get("issuer") {
        Some(Value::String(url)) => {
            c.issuer_profile_url = non_empty(url);
        }
        Some(Value::Object(obj)) => {
            read_issuer(&Node::named(obj, &node.field("issuer")), c);
        }
        Some(other) => c.warnings.push(format!(
            "`{}` should be a URL or an issuer object, found {}; ignored",
            node.field("issuer"),
            describe(other)
        )),
        None => c
            .warnings
            .push(format!("`{}` names no `issuer`", node.path())),
    }
    c.badge_class_url = None;
}

/// Reads criteria given as a URL or as an object with `id` and/or `narrative`.
pub(super) fn read_criteria(node: &Node, c: &mut Credential) {
    match node.get("criteria") {
        Some(Value::Object(obj)) => {
            let criteria = Node::named(obj, &node.field("criteria"));
            if let Some(url) = criteria.text("id", &mut c.warnings) {
                c.criteria_url = Some(url);
            }
            if let Some(text) = criteria.text("narrative", &mut c.warnings) {
                c.criteria_text = Some(text);
            }
        }
        Some(_) => {
            if let Some(url) = node.text("criteria", &mut c.warnings) {
                c.criteria_url = Some(url);
            }
        }
        None => {}
    }
}

/// Merges an Issuer / Profile (0.5 `origin`/`org`/`contact` or 1.0–3.0
/// `url`/`email`/`id`) into the credential.
pub(super) fn read_issuer(node: &Node, c: &mut Credential) {
    let w = &mut c.warnings;
    let name = node.text("name", w);
    let org = node.text("org", w);
    let name = match (name, org) {
        (Some(name), Some(org)) => Some(format!("{name} ({org})")),
        (name, org) => name.or(org),
    };
    if let Some(name) = name {
        c.issuer_name = Some(name);
    }
    if let Some(url) = node.text("url", w).or_else(|| node.text("origin", w)) {
        c.issuer_url = Some(url);
    }
    if let Some(email) = node.text("email", w).or_else(|| node.text("contact", w)) {
        c.issuer_email = Some(email);
    }
    // A fetched profile without an `id` (1.0) is known by the URL it came from.
    let pending = c.issuer_profile_url.take();
    if let Some(id) = node.text("id", &mut c.warnings).or(pending) {
        c.issuer_id = Some(id);
    }
    if c.issuer_id.is_some() && c.issuer_id == c.issuer_url {
        c.issuer_id = None;
    }
}
