//! Taking badges out of the wallet: full backups, single badges, a public site.
//!
//! [`bundle`] writes and restores the ZIP backup (which other backpacks'
//! Mozilla importers also accept), [`site`] writes the static site of public
//! collections. This module holds what they share: turning any badge into a
//! baked image, the credential as a JSON document, atomic file writes, and
//! single-badge export. The wallet's rows come from `wallet::snapshot`;
//! nothing here talks to the network.

pub mod bundle;
mod clean;
pub mod site;

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use serde_json::Value;

use crate::bake::BakeError;
use crate::bake::{self, BakeSlot, ImageKind};
use crate::files;
use crate::outcome::{Coded, ErrorCode};
use crate::share::ShareError;
use crate::wallet::{Badge, BadgeRecord, Wallet};
use crate::wallet::{CollectionError, WalletError};

pub use bundle::{ExportSummary, export_wallet};
pub use site::{PublishSummary, publish};

/// The picture a badge without one of its own is baked into, as PNG.
const DEFAULT_PNG: &[u8] = include_bytes!("../../assets/default-badge.png");
/// The same picture as SVG.
const DEFAULT_SVG: &[u8] = include_bytes!("../../assets/default-badge.svg");

/// Why an export, restore or publish could not be done.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Bake(#[from] BakeError),
    #[error(transparent)]
    Wallet(#[from] WalletError),
    #[error(transparent)]
    Collection(#[from] CollectionError),
    #[error(transparent)]
    Share(#[from] ShareError),
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the archive {path}: {message}")]
    Zip { path: PathBuf, message: String },
    #[error(
        "the wallet holds {count} badges, more than the {limit} one export archive can carry; export fewer badges or split the wallet"
    )]
    TooManyBadges { count: usize, limit: usize },
    #[error(
        "{0} already exists and is not a site Satchel published; choose an empty or new folder so nothing of yours is replaced"
    )]
    NotOurSite(PathBuf),
    #[error(
        "cannot replace the site in {dir} in one step ({reason}); nothing was changed: publish to a new folder, or delete {dir} and publish again"
    )]
    NoAtomicSwap { dir: PathBuf, reason: String },
    #[error(
        "{0:?} is not an http(s) address; give the address the site will be served from, such as https://me.example/badges"
    )]
    BadBaseUrl(String),
    #[error(
        "badge {id} cannot be published: {source}; make the collections that hold it private, or delete it, and publish again"
    )]
    Unpublishable { id: i64, source: clean::CleanError },
    #[error("cannot export to {0}: the file name must end in .png, .svg, .json or .jws")]
    UnknownFormat(PathBuf),
    #[error("badge {id} cannot be written as {wanted}: {why}")]
    NoSuchForm {
        id: i64,
        wanted: &'static str,
        why: String,
    },
}

impl Coded for ExportError {
    fn code(&self) -> ErrorCode {
        match self {
            ExportError::Io { .. } | ExportError::Zip { .. } => ErrorCode::Io,
            ExportError::Bake(e) => e.code(),
            ExportError::Wallet(e) => e.code(),
            ExportError::Collection(e) => e.code(),
            ExportError::Share(e) => e.code(),
            ExportError::Unpublishable { source, .. } => source.code(),
            ExportError::UnknownFormat(_) => ErrorCode::Unsupported,
            ExportError::NoSuchForm { .. } | ExportError::NoAtomicSwap { .. } => {
                ErrorCode::Unsupported
            }
            ExportError::TooManyBadges { .. } => ErrorCode::TooLarge,
            ExportError::NotOurSite(_) | ExportError::BadBaseUrl(_) => ErrorCode::InvalidInput,
        }
    }
}

fn io_error(path: &Path, source: std::io::Error) -> ExportError {
    ExportError::Io {
        path: path.to_owned(),
        source,
    }
}

/// What [`baked_image`] needs to know of a badge, from a live [`Badge`] or a
/// backup's [`BadgeRecord`].
#[derive(Debug, Clone, Copy)]
pub struct BakeSource<'a> {
    pub original: &'a [u8],
    pub raw_text: &'a str,
    /// `3.0` bakes into the credential slot, anything else the assertion slot.
    pub ob_version: Option<&'a str>,
    /// The credential's image, which may be a `data:` URI of a picture.
    pub image: Option<&'a str>,
}

impl<'a> BakeSource<'a> {
    /// From a badge read out of the wallet.
    pub fn of_badge(badge: &'a Badge) -> Self {
        BakeSource {
            original: &badge.original,
            raw_text: &badge.raw_text,
            ob_version: badge.summary.ob_version.as_deref(),
            image: badge.credential.image.as_deref(),
        }
    }

    /// From a backup record and its original bytes; `image` is the
    /// credential's image field when the caller has parsed it.
    pub fn of_record(record: &'a BadgeRecord, original: &'a [u8], image: Option<&'a str>) -> Self {
        BakeSource {
            original,
            raw_text: &record.raw_text,
            ob_version: record.ob_version.as_deref(),
            image,
        }
    }
}

/// A badge as a baked image of the kind wanted (any kind if `None`): the
/// original file when the badge came as such an image, else its credential
/// text baked into the picture its credential carries as a `data:` URI, or
/// into Satchel's default picture.
pub fn baked_image(
    source: BakeSource<'_>,
    wanted: Option<ImageKind>,
) -> Result<(ImageKind, Vec<u8>), ExportError> {
    if let Some(kind) = bake::sniff(source.original)
        && wanted.is_none_or(|w| w == kind)
    {
        return Ok((kind, source.original.to_vec()));
    }
    let slot = match source.ob_version {
        Some("3.0") => BakeSlot::Credential,
        _ => BakeSlot::Assertion,
    };
    let text = source.raw_text.trim();
    let embedded = source
        .image
        .and_then(data_uri_image)
        .filter(|(kind, _)| wanted.is_none_or(|w| w == *kind));
    // A picture from the credential that the baker cannot use falls back to
    // the default one.
    if let Some((kind, picture)) = embedded
        && let Ok(baked) = bake::bake(&picture, text, slot)
    {
        return Ok((kind, baked));
    }
    let kind = wanted.unwrap_or(ImageKind::Png);
    let picture = match kind {
        ImageKind::Png => DEFAULT_PNG,
        ImageKind::Svg => DEFAULT_SVG,
    };
    Ok((kind, bake::bake(picture, text, slot)?))
}

/// The PNG or SVG picture in a `data:image/…;base64,` URI, if it is one.
fn data_uri_image(uri: &str) -> Option<(ImageKind, Vec<u8>)> {
    let rest = uri.strip_prefix("data:")?;
    let (meta, data) = rest.split_once(',')?;
    let meta = meta.strip_suffix(";base64")?;
    if data.len() > bake::MAX_IMAGE_BYTES / 3 * 4 + 4 {
        return None;
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .ok()?;
    let kind = bake::sniff(&bytes)?;
    let declared = match meta.to_ascii_lowercase().as_str() {
        "image/png" => ImageKind::Png,
        "image/svg+xml" => ImageKind::Svg,
        _ => return None,
    };
    (kind == declared).then_some((kind, bytes))
}

/// The credential as a JSON document: the JSON the badge was issued as, the
/// hosted assertion fetched for a URL badge, or a signed badge's payload.
/// `None` when the wallet has no such document (a URL badge whose issuer
/// never answered).
pub fn credential_document(badge: &Badge) -> Option<Value> {
    let text = badge.raw_text.trim();
    match bake::classify(text) {
        bake::PayloadKind::Json => serde_json::from_str(text).ok(),
        bake::PayloadKind::Url => {
            let fetched = badge.fetched.as_ref()?.get(text)?.as_str()?;
            serde_json::from_str(fetched).ok()
        }
        bake::PayloadKind::Jws => {
            let payload = text.split('.').nth(1)?;
            let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload.trim_end_matches('='))
                .ok()?;
            serde_json::from_slice(&bytes).ok()
        }
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder and
/// a rename, so `path` is either the old file or the whole new one. The
/// temporary file is named after the target (`.<name>.satchel-….part`), so
/// the leftovers of an earlier write to the same target that was killed
/// before its rename are recognized and removed first. A symbolic link at
/// `path` is itself replaced by the new file; what it pointed to is never
/// opened.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let prefix = format!(".{name}.satchel-");
    remove_leftovers(dir, &prefix);
    let mut tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".part")
        .tempfile_in(dir)
        .map_err(|e| io_error(dir, e))?;
    write(tmp.as_file_mut())?;
    tmp.as_file_mut().flush().map_err(|e| io_error(path, e))?;
    tmp.as_file().sync_all().map_err(|e| io_error(path, e))?;
    tmp.persist(path).map_err(|e| io_error(path, e.error))?;
    Ok(())
}

/// Removes `<prefix>….part` files in `dir`; a file that cannot be removed
/// is left alone (it costs disk space, never correctness).
fn remove_leftovers(dir: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let file = file.to_string_lossy();
        if file.starts_with(prefix) && file.ends_with(".part") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Writes one badge to `out`: `.png` / `.svg` as a baked image, `.json` as
/// its credential document, `.jws` as its signed text.
pub fn export_badge(wallet: &Wallet, id: i64, out: &Path) -> Result<(), ExportError> {
    let badge = wallet.badge(id)?;
    let no_form = |wanted, why: &str| -> ExportError {
        ExportError::NoSuchForm {
            id,
            wanted,
            why: why.to_owned(),
        }
    };
    let bytes = match files::extension(&out.to_string_lossy()).as_str() {
        "png" => baked_image(BakeSource::of_badge(&badge), Some(ImageKind::Png))?.1,
        "svg" => baked_image(BakeSource::of_badge(&badge), Some(ImageKind::Svg))?.1,
        "json" if badge.payload_kind == "jws" => {
            return Err(no_form(
                "JSON",
                "it is signed, and its JSON alone would lose the signature; export it as .jws, .png or .svg",
            ));
        }
        "json" => {
            let doc = credential_document(&badge).ok_or_else(|| {
                no_form(
                    "JSON",
                    "its issuer has not answered yet, so only its address is known; run `satchel refresh`, or export it as .png or .svg",
                )
            })?;
            let mut text = serde_json::to_vec_pretty(&doc).expect("JSON values serialize");
            text.push(b'\n');
            text
        }
        "jws" if badge.payload_kind == "jws" => format!("{}\n", badge.raw_text.trim()).into_bytes(),
        "jws" => {
            return Err(no_form(
                "JWS",
                "it is not a signed badge; export it as .json, .png or .svg",
            ));
        }
        _ => return Err(ExportError::UnknownFormat(out.to_owned())),
    };
    write_atomically(out, |f| f.write_all(&bytes).map_err(|e| io_error(out, e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_uri_pictures_are_taken_only_when_they_are_what_they_say() {
        let png = base64::engine::general_purpose::STANDARD.encode(DEFAULT_PNG);
        let (kind, bytes) = data_uri_image(&format!("data:image/png;base64,{png}")).unwrap();
        assert_eq!((kind, bytes.as_slice()), (ImageKind::Png, DEFAULT_PNG));
        assert!(data_uri_image(&format!("data:image/svg+xml;base64,{png}")).is_none());
        assert!(data_uri_image("data:image/png,rawtext").is_none());
        assert!(data_uri_image("https://issuer.example/a.png").is_none());
    }

    #[test]
    fn text_badges_are_baked_into_the_default_picture() {
        let text = r#"{"recipient": "a@b.example", "badge": "https://x.example/b"}"#;
        let source = BakeSource {
            original: text.as_bytes(),
            raw_text: text,
            ob_version: Some("0.5"),
            image: Some("javascript:alert(1)"),
        };
        for kind in [ImageKind::Png, ImageKind::Svg] {
            let (got, bytes) = baked_image(source, Some(kind)).unwrap();
            assert_eq!(got, kind);
            assert_eq!(bake::unbake(&bytes).unwrap().text, text);
        }
    }
}
