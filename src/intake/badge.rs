//! One badge from its bytes: find the credential in a file (baked image,
//! JSON, JWS or a URL), understand it, fetch what it only points at, and
//! store it in one short write transaction after the network is done.
//!
//! A badge whose issuer cannot be reached (or answers with something that is
//! not a badge) is kept, marked as awaiting details; [`refresh_awaiting`]
//! tries again later. [`inspect`] says what a file holds without the wallet
//! or the network.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use super::IntakeError;
use crate::bake::{self, PayloadKind, Unbaked};
use crate::credential::{self, Credential};
use crate::files;
use crate::http::Fetcher;
use crate::outcome::{ErrorBody, ImportResult, ImportStatus};
use crate::wallet::{Details, Inserted, NewBadge, Resolved, Wallet, WalletError, content_key};

/// What a badge file holds, found without touching the wallet or the network.
#[derive(Debug, Clone, Serialize)]
pub struct Inspection {
    /// `image/png`, `image/svg+xml`, `application/json`, `application/jose` or `text/uri-list`.
    pub media_type: &'static str,
    /// Details of the baked data, for images.
    pub baked: Option<Unbaked>,
    pub payload: PayloadKind,
    pub text: String,
    /// The credential, when the text is JSON or a JWS (a URL needs fetching).
    pub credential: Option<Credential>,
    /// Why the text could not be understood, if it could not.
    pub credential_error: Option<ErrorBody>,
}

/// Imports one badge from its bytes (a file's contents or pasted text).
pub async fn import_bytes(
    wallet: &mut Wallet,
    fetcher: &Fetcher,
    label: String,
    bytes: Vec<u8>,
    now: DateTime<Utc>,
) -> ImportResult {
    match prepare(fetcher, label, bytes).await {
        Ok(ready) => {
            let inserted = wallet.insert_badge(&ready.badge, now);
            ready.result(inserted.as_ref().copied())
        }
        Err(failed) => failed,
    }
}

/// A badge understood (its issuer asked, when it only points there) and
/// ready to be stored.
pub(super) struct Ready {
    pub(super) badge: NewBadge,
    /// Why its details are still awaited, if they are.
    awaiting: Option<String>,
    warnings: Vec<String>,
}

impl Ready {
    /// What importing it did, once the wallet said how storing it went.
    pub(super) fn result(self, inserted: Result<Inserted, &WalletError>) -> ImportResult {
        let label = self.badge.source;
        match inserted {
            Ok(Inserted::New { id, beside }) => ImportResult {
                awaiting_details: self.awaiting,
                warnings: self.warnings,
                ..ImportResult::stored(label, ImportStatus::Imported, id)
            }
            .with_same_id_as(beside),
            Ok(Inserted::Duplicate(id)) => ImportResult::duplicate(label, id),
            Err(e) => ImportResult::failed(label, e),
        }
    }
}

/// Finds and understands the badge in `bytes`, doing all the network I/O
/// it needs; the failed result when it is not a badge Satchel can keep.
pub(super) async fn prepare(
    fetcher: &Fetcher,
    label: String,
    bytes: Vec<u8>,
) -> Result<Ready, ImportResult> {
    let found = match find_payload(&bytes, Some(&label)) {
        Ok(found) => found,
        Err(e) => return Err(ImportResult::failed(label, &e)),
    };
    let mut warnings = found.warnings;
    let resolved = match resolve(fetcher, &found.text, found.payload).await {
        Ok(resolved) => resolved,
        Err(e) => return Err(ImportResult::failed(label, &e)),
    };
    warnings.extend(resolved.credential.warnings.iter().cloned());
    let awaiting = resolved.details_error.clone();
    let badge = NewBadge {
        credential_key: credential_key(&found.text, &resolved.credential),
        original: bytes,
        media_type: found.media_type.to_owned(),
        raw_text: found.text,
        payload_kind: payload_name(found.payload).to_owned(),
        resolved,
        source: label,
    };
    Ok(Ready {
        badge,
        awaiting,
        warnings,
    })
}

/// Tries again to fetch the details of every badge that awaits them.
/// Returns, per badge, whether it is complete now or why not.
pub async fn refresh_awaiting(
    wallet: &mut Wallet,
    fetcher: &Fetcher,
) -> Result<Vec<(i64, Option<String>)>, IntakeError> {
    let mut out = Vec::new();
    for id in wallet.awaiting_details()? {
        let badge = wallet.badge(id)?;
        let payload = bake::classify(&badge.raw_text);
        let resolved = match resolve(fetcher, &badge.raw_text, payload).await {
            Ok(r) => r,
            Err(e) => {
                out.push((id, Some(e.to_string())));
                continue;
            }
        };
        let still = resolved.details_error.clone();
        if still.is_none() {
            wallet.update_details(id, &resolved)?;
        }
        out.push((id, still));
    }
    Ok(out)
}

/// Says what a badge file holds without importing it or going online;
/// `name` (the file's name) lets it say so when the bytes are not the image
/// the name claims, as import does.
pub fn inspect(bytes: &[u8], name: &str) -> Result<Inspection, IntakeError> {
    let found = find_payload(bytes, Some(name))?;
    let (credential, credential_error) = match found.payload {
        PayloadKind::Url => (None, None),
        _ => match credential::parse(&found.text) {
            Ok(c) => (Some(c), None),
            Err(e) => (None, Some(ErrorBody::of(&e))),
        },
    };
    Ok(Inspection {
        media_type: found.media_type,
        baked: found.baked,
        payload: found.payload,
        text: found.text,
        credential,
        credential_error,
    })
}

/// The credential text of a file, and what kind of file it was.
struct Found {
    media_type: &'static str,
    baked: Option<Unbaked>,
    text: String,
    payload: PayloadKind,
    warnings: Vec<String>,
}

/// Finds the credential text in a file's bytes. `name` is the file's name
/// when it has one: text in a file named as an image is a broken image,
/// not a credential.
fn find_payload(bytes: &[u8], name: Option<&str>) -> Result<Found, IntakeError> {
    if bake::sniff(bytes).is_some() {
        let unbaked = bake::unbake(bytes)?;
        return Ok(Found {
            media_type: unbaked.image.media_type(),
            text: unbaked.text.clone(),
            payload: unbaked.payload,
            warnings: unbaked.warnings.clone(),
            baked: Some(unbaked),
        });
    }
    let text = std::str::from_utf8(bytes)
        .ok()
        .map(|t| t.trim_start_matches('\u{feff}').trim())
        .filter(|t| !t.is_empty());
    let Some(text) = text else {
        // Not text either: let the image reader say what the bytes look like.
        return Err(bake::unbake(bytes)
            .err()
            .map_or(IntakeError::Unrecognised, IntakeError::from));
    };
    if let Some((name, kind)) = name.and_then(|n| claimed_image(n).map(|k| (n, k))) {
        return Err(IntakeError::NotAnImage {
            name: name.to_owned(),
            kind,
            opening: opening(text),
        });
    }
    let payload = bake::classify(text);
    let media_type = match payload {
        PayloadKind::Url => "text/uri-list",
        PayloadKind::Json => "application/json",
        PayloadKind::Jws => "application/jose",
    };
    Ok(Found {
        media_type,
        baked: None,
        text: text.to_owned(),
        payload,
        warnings: Vec::new(),
    })
}

/// The image kind a file's name claims (`a PNG`, `an SVG`), if any. URLs
/// are never file names, whatever they end in.
fn claimed_image(name: &str) -> Option<&'static str> {
    if bake::classify(name) == PayloadKind::Url {
        return None;
    }
    match files::extension(name).as_str() {
        "png" => Some("a PNG"),
        "svg" => Some("an SVG"),
        _ => None,
    }
}

/// The first characters of a text, quoted, for a sentence.
fn opening(text: &str) -> String {
    const SHOWN: usize = 24;
    match text.char_indices().nth(SHOWN) {
        Some((at, _)) => format!("{:?}…", &text[..at]),
        None => format!("{text:?}"),
    }
}

/// Understands a credential text, fetching the hosted assertion, BadgeClass
/// and Issuer it only points at. Local text that cannot be parsed is an
/// error; a remote document that cannot be had leaves the badge awaiting
/// details, with what is known so far.
pub(super) async fn resolve(
    fetcher: &Fetcher,
    text: &str,
    payload: PayloadKind,
) -> Result<Resolved, IntakeError> {
    let mut fetched: BTreeMap<String, String> = BTreeMap::new();
    let mut credential = match payload {
        PayloadKind::Url => {
            let url = text.to_owned();
            let answer = fetch_document(fetcher, &url, &mut fetched)
                .await
                .and_then(|body| {
                    credential::parse(&body).map_err(|e| {
                        // A web page or broken text is not worth keeping as the assertion.
                        fetched.remove(&url);
                        IntakeError::NotABadge {
                            url: url.clone(),
                            source: e,
                        }
                    })
                });
            match answer {
                Ok(mut c) => {
                    c.hosted_url.get_or_insert(url);
                    c
                }
                Err(e) => {
                    let credential = Credential {
                        hosted_url: Some(url),
                        ..Credential::default()
                    };
                    return Ok(awaiting(credential, fetched, &e));
                }
            }
        }
        PayloadKind::Json | PayloadKind::Jws => credential::parse(text)?,
    };
    if let Some(url) = credential.badge_class_url.clone() {
        let doc = fetch_json(fetcher, &url, &mut fetched).await;
        match doc.and_then(|v| Ok(credential.apply_badge_class(&v)?)) {
            Ok(()) => {}
            Err(e) => return Ok(awaiting(credential, fetched, &e)),
        }
    }
    if let Some(url) = credential.issuer_profile_url.clone() {
        let doc = fetch_json(fetcher, &url, &mut fetched).await;
        match doc.and_then(|v| Ok(credential.apply_issuer(&v)?)) {
            Ok(()) => {}
            Err(e) => return Ok(awaiting(credential, fetched, &e)),
        }
    }
    Ok(Resolved {
        credential,
        fetched: fetched_json(&fetched),
        details: Details::Complete,
        details_error: None,
    })
}

fn awaiting(
    credential: Credential,
    fetched: BTreeMap<String, String>,
    e: &IntakeError,
) -> Resolved {
    Resolved {
        credential,
        fetched: fetched_json(&fetched),
        details: Details::Awaiting,
        details_error: Some(e.to_string()),
    }
}

fn fetched_json(fetched: &BTreeMap<String, String>) -> Option<String> {
    (!fetched.is_empty()).then(|| serde_json::to_string(fetched).expect("strings serialize"))
}

async fn fetch_document(
    fetcher: &Fetcher,
    url: &str,
    fetched: &mut BTreeMap<String, String>,
) -> Result<String, IntakeError> {
    let doc = fetcher.get_json(url).await?;
    let text = doc.text();
    fetched.insert(url.to_owned(), text.clone());
    Ok(text)
}

async fn fetch_json(
    fetcher: &Fetcher,
    url: &str,
    fetched: &mut BTreeMap<String, String>,
) -> Result<Value, IntakeError> {
    let text = fetch_document(fetcher, url, fetched).await?;
    serde_json::from_str(&text).map_err(|e| IntakeError::NotJson {
        url: url.to_owned(),
        reason: e.to_string(),
    })
}

/// What names a credential: its id when that is a global identifier, else
/// its hosted URL, else the key of its content. Whether a second import of
/// the same name is a duplicate is the wallet's to decide, by content.
fn credential_key(text: &str, c: &Credential) -> String {
    let global = |s: &&String| {
        s.starts_with("http://") || s.starts_with("https://") || s.starts_with("urn:")
    };
    if let Some(id) = c.id.as_ref().filter(global) {
        return format!("id:{id}");
    }
    if let Some(url) = &c.hosted_url {
        return format!("url:{url}");
    }
    content_key(text)
}

fn payload_name(p: PayloadKind) -> &'static str {
    match p {
        PayloadKind::Url => "url",
        PayloadKind::Json => "json",
        PayloadKind::Jws => "jws",
    }
}
