//! Turning whatever a learner drops (files, folders, ZIPs, pasted text) into badges.
//!
//! This module owns the import pipeline: expand inputs into items, read each
//! item's bytes with a size cap, find the credential text ([`crate::bake`] for
//! images, the text itself for JSON / JWS / URL files), understand it
//! ([`crate::credential`]), fetch what it only points at through the shared
//! [`Fetcher`], and store it with [`Wallet::insert_badge`]. Every item gets
//! its own [`ImportResult`]: a bad file never aborts a batch, and a badge
//! whose issuer cannot be reached is kept, marked as awaiting details.
//! Network I/O happens before the item's one short write transaction.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::bake::{self, PayloadKind, Unbaked};
use crate::credential::{self, Credential};
use crate::files::{self, Archive};
use crate::http::Fetcher;
use crate::wallet::{Details, Inserted, NewBadge, Resolved, Wallet};
use crate::{Error, ErrorCode};

/// File endings looked at when a folder or ZIP is imported; a file named
/// directly is always tried, whatever its name.
const BADGE_EXTENSIONS: &[&str] = &["png", "svg", "json", "jws", "jwt", "txt"];

/// What happened to one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    Imported,
    Duplicate,
    Error,
}

/// A code and a sentence, as errors cross to the CLI's JSON and the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
}

impl From<&Error> for ErrorBody {
    fn from(e: &Error) -> Self {
        ErrorBody {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

/// The outcome for one input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportResult {
    /// The file, `archive.zip!/entry`, or `pasted`.
    pub path: String,
    pub status: ImportStatus,
    pub badge_id: Option<i64>,
    pub error: Option<ErrorBody>,
    /// Set when the badge was kept but its issuer could not be reached yet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub awaiting_details: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// For an error: what the learner can do, which also ends the error's
    /// message (kept apart for reports that show it on its own line).
    #[serde(skip)]
    pub advice: Option<&'static str>,
}

impl ImportResult {
    /// An error result whose sentence names the file and says what to do.
    pub(crate) fn failed(path: String, error: &Error) -> Self {
        let mut message = error.to_string();
        if !message.contains(&path) {
            message = format!("{path}: {message}");
        }
        let advice = advice(error);
        if let Some(advice) = advice {
            message = format!("{message}; {advice}");
        }
        ImportResult {
            error: Some(ErrorBody {
                code: error.code(),
                message,
            }),
            path,
            status: ImportStatus::Error,
            badge_id: None,
            awaiting_details: None,
            warnings: Vec::new(),
            advice,
        }
    }

    /// The error's sentence without the advice that ends it.
    pub fn error_without_advice(&self) -> Option<&str> {
        let message = self.error.as_ref()?.message.as_str();
        Some(match self.advice {
            Some(advice) => message
                .strip_suffix(advice)
                .and_then(|m| m.strip_suffix("; "))
                .unwrap_or(message),
            None => message,
        })
    }
}

/// What a learner can do about a file that failed to import, for the
/// errors whose own sentence only says what is wrong.
fn advice(error: &Error) -> Option<&'static str> {
    use crate::bake::BakeError;
    use crate::credential::CredentialError;
    Some(match error {
        Error::Bake(BakeError::NotBaked(_)) => {
            "import the badge file the issuer sent you (or ask them for it), not a picture or screenshot of it"
        }
        Error::Bake(BakeError::Malformed(_)) => {
            "the file is damaged or cut short; download it again from the issuer, or import another copy"
        }
        Error::Bake(BakeError::Unsupported(_))
        | Error::Credential(CredentialError::Unsupported(_)) => {
            "Satchel reads badges baked into PNG or SVG images, or given as JSON, JWS or a hosted URL; ask the issuer for one of those"
        }
        Error::Bake(BakeError::TooLarge { .. })
        | Error::Credential(CredentialError::TooLarge { .. }) => {
            "it is far larger than any badge, so it is most likely not a badge; check that you picked the badge itself"
        }
        Error::Credential(_) => {
            "check that this file is the badge itself; the issuer can send it again as a baked image or as its JSON"
        }
        Error::Other { code, .. } => match code {
            ErrorCode::Io => "check the name and path, and that you may read the file",
            ErrorCode::MalformedImage => {
                "the file is damaged or not what its name says; download it again from the issuer"
            }
            _ => return None,
        },
        _ => return None,
    })
}

/// Progress of a batch, reported after each item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

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

/// Where one item's bytes come from.
#[derive(Debug)]
enum Source {
    File(PathBuf),
    ZipEntry { path: PathBuf, index: usize },
    Text(String),
    Failed(Error),
}

#[derive(Debug)]
struct Item {
    label: String,
    source: Source,
}

/// Imports every badge found in `inputs` (files, folders, ZIP archives, or
/// http(s) URLs of hosted assertions). `progress` is called after each item.
pub async fn import_inputs(
    wallet: &mut Wallet,
    fetcher: &Fetcher,
    inputs: &[String],
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(Progress),
) -> Vec<ImportResult> {
    // Satchel's own exports are restored whole: collections, checks and all.
    let (mut results, inputs) = crate::export::restore_exports(wallet, inputs);
    let items = expand(&inputs);
    let total = items.len();
    let mut archive: Option<Archive> = None;
    results.reserve(total);
    for (done, item) in items.into_iter().enumerate() {
        let bytes = match item.source {
            Source::File(path) => files::read_file(&path),
            Source::Text(text) => Ok(text.into_bytes()),
            Source::Failed(e) => Err(e),
            Source::ZipEntry { path, index } => read_entry(&mut archive, &path, index),
        };
        let result = match bytes {
            Ok(bytes) => import_bytes(wallet, fetcher, item.label, bytes, now).await,
            Err(e) => ImportResult::failed(item.label, &e),
        };
        results.push(result);
        progress(Progress {
            done: done + 1,
            total,
        });
    }
    results
}

/// Imports one badge from its bytes (a file's contents or pasted text).
pub async fn import_bytes(
    wallet: &mut Wallet,
    fetcher: &Fetcher,
    label: String,
    bytes: Vec<u8>,
    now: DateTime<Utc>,
) -> ImportResult {
    let found = match find_payload(&bytes, Some(&label)) {
        Ok(found) => found,
        Err(e) => return ImportResult::failed(label, &e),
    };
    let mut warnings = found.warnings;
    let resolved = match resolve(fetcher, &found.text, found.payload).await {
        Ok(resolved) => resolved,
        Err(e) => return ImportResult::failed(label, &e),
    };
    warnings.extend(resolved.credential.warnings.iter().cloned());
    let awaiting = resolved.details_error.clone();
    let badge = NewBadge {
        dedup_key: dedup_key(&found.text, found.payload, &resolved.credential),
        original: bytes,
        media_type: found.media_type.to_owned(),
        raw_text: found.text,
        payload_kind: payload_name(found.payload).to_owned(),
        resolved,
        source: label.clone(),
    };
    match wallet.insert_badge(&badge, now) {
        Ok(Inserted::New(id)) => ImportResult {
            path: label,
            status: ImportStatus::Imported,
            badge_id: Some(id),
            error: None,
            awaiting_details: awaiting,
            warnings,
            advice: None,
        },
        Ok(Inserted::Duplicate(id)) => {
            let e = Error::other(
                ErrorCode::Duplicate,
                format!("{label} is already in the wallet as badge {id}; nothing was changed"),
            );
            ImportResult {
                badge_id: Some(id),
                status: ImportStatus::Duplicate,
                ..ImportResult::failed(label, &e)
            }
        }
        Err(e) => ImportResult::failed(label, &e.into()),
    }
}

/// Tries again to fetch the details of every badge that awaits them.
/// Returns, per badge, whether it is complete now or why not.
pub async fn refresh_awaiting(
    wallet: &mut Wallet,
    fetcher: &Fetcher,
) -> Result<Vec<(i64, Option<String>)>, Error> {
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
pub fn inspect(bytes: &[u8], name: &str) -> Result<Inspection, Error> {
    let found = find_payload(bytes, Some(name))?;
    let (credential, credential_error) = match found.payload {
        PayloadKind::Url => (None, None),
        _ => match credential::parse(&found.text) {
            Ok(c) => (Some(c), None),
            Err(e) => (None, Some(ErrorBody::from(&Error::from(e)))),
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
fn find_payload(bytes: &[u8], name: Option<&str>) -> Result<Found, Error> {
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
        return Err(bake::unbake(bytes).err().map_or_else(
            || Error::other(ErrorCode::Unsupported, "unrecognised file"),
            Error::from,
        ));
    };
    if let Some((name, kind)) = name.and_then(|n| claimed_image(n).map(|k| (n, k))) {
        return Err(Error::other(
            ErrorCode::MalformedImage,
            format!(
                "{name} is not {kind} image (it starts with {}); download the badge again from the issuer, or, if it is a badge's JSON or JWS text, name it .json or .jws",
                opening(text)
            ),
        ));
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
async fn resolve(fetcher: &Fetcher, text: &str, payload: PayloadKind) -> Result<Resolved, Error> {
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
                        not_a_badge(&url, &e)
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

/// A badge's address answered, but not with a badge.
fn not_a_badge(url: &str, e: &credential::CredentialError) -> Error {
    Error::other(
        e.code(),
        format!(
            "the issuer's address {url} answered with something that is not a badge ({e}); the badge is kept with its address and image, and `satchel refresh` tries again once the issuer serves it"
        ),
    )
}

fn awaiting(credential: Credential, fetched: BTreeMap<String, String>, e: &Error) -> Resolved {
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
) -> Result<String, Error> {
    let doc = fetcher.get_json(url).await?;
    let text = doc.text();
    fetched.insert(url.to_owned(), text.clone());
    Ok(text)
}

async fn fetch_json(
    fetcher: &Fetcher,
    url: &str,
    fetched: &mut BTreeMap<String, String>,
) -> Result<Value, Error> {
    let text = fetch_document(fetcher, url, fetched).await?;
    serde_json::from_str(&text).map_err(|e| {
        Error::other(
            ErrorCode::MalformedCredential,
            format!("{url} did not answer with valid JSON ({e})"),
        )
    })
}

/// What makes two imports the same badge: its id when that is a global
/// identifier, else its hosted URL, else a hash of its text (JSON compared
/// with sorted keys and no white space, so re-formatting does not matter).
fn dedup_key(text: &str, payload: PayloadKind, c: &Credential) -> String {
    let global = |s: &&String| {
        s.starts_with("http://") || s.starts_with("https://") || s.starts_with("urn:")
    };
    if let Some(id) = c.id.as_ref().filter(global) {
        return format!("id:{id}");
    }
    if let Some(url) = &c.hosted_url {
        return format!("url:{url}");
    }
    let canonical = match payload {
        PayloadKind::Json => serde_json::from_str::<Value>(text)
            .map(|v| v.to_string())
            .unwrap_or_else(|_| text.to_owned()),
        _ => text.to_owned(),
    };
    format!(
        "sha256:{}",
        hex::encode(Sha256::digest(canonical.as_bytes()))
    )
}

fn payload_name(p: PayloadKind) -> &'static str {
    match p {
        PayloadKind::Url => "url",
        PayloadKind::Json => "json",
        PayloadKind::Jws => "jws",
    }
}

/// Expands inputs into items: folders recursively (badge file endings only,
/// hidden files skipped), ZIP archives entry by entry, URLs as pasted text.
fn expand(inputs: &[String]) -> Vec<Item> {
    let mut items = Vec::new();
    for input in inputs {
        let trimmed = input.trim();
        if trimmed.starts_with("http://") || trimmed.starts_with("https://") {
            items.push(Item {
                label: trimmed.to_owned(),
                source: Source::Text(trimmed.to_owned()),
            });
            continue;
        }
        expand_path(Path::new(input), true, &mut items);
    }
    items
}

fn expand_path(path: &Path, named: bool, items: &mut Vec<Item>) {
    let label = path.display().to_string();
    let fail = |items: &mut Vec<Item>, e: Error| {
        items.push(Item {
            label: label.clone(),
            source: Source::Failed(e),
        })
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return fail(items, files::io_error(path, e)),
    };
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => return fail(items, files::io_error(path, e)),
        };
        entries.sort();
        for entry in entries {
            let hidden = entry
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if !hidden {
                expand_path(&entry, false, items);
            }
        }
        return;
    }
    let ext = files::extension(&label);
    if ext == "zip" {
        match list_zip(path) {
            Ok(entries) => items.extend(entries),
            Err(e) => fail(items, e),
        }
    } else if named || BADGE_EXTENSIONS.contains(&ext.as_str()) {
        items.push(Item {
            label,
            source: Source::File(path.to_owned()),
        });
    }
}

/// Lists the badge entries of a ZIP without inflating anything.
fn list_zip(path: &Path) -> Result<Vec<Item>, Error> {
    let mut archive = Archive::open(path)?;
    let mut items = Vec::new();
    for entry in archive.entries()? {
        let base = entry.name.rsplit('/').next().unwrap_or(&entry.name);
        let hidden = base.starts_with('.') || entry.name.starts_with("__MACOSX/");
        let ext = files::extension(&entry.name);
        if hidden || !(BADGE_EXTENSIONS.contains(&ext.as_str()) || ext == "zip") {
            continue;
        }
        let label = archive.label(&entry.name);
        let source = if ext == "zip" {
            Source::Failed(Error::other(
                ErrorCode::Unsupported,
                format!(
                    "{label} is a ZIP inside a ZIP; unpack the outer one and import the inner archive"
                ),
            ))
        } else {
            Source::ZipEntry {
                path: path.to_owned(),
                index: entry.index,
            }
        };
        items.push(Item { label, source });
    }
    Ok(items)
}

/// Reads one entry, reusing the archive opened for the previous entry.
fn read_entry(open: &mut Option<Archive>, path: &Path, index: usize) -> Result<Vec<u8>, Error> {
    if open.as_ref().is_none_or(|a| a.path() != path) {
        *open = Some(Archive::open(path)?);
    }
    open.as_mut().expect("opened above").read(index)
}
