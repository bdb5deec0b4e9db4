//! Reading and writing credentials baked into PNG and SVG images.
//!
//! Pure functions over bytes: no file or network I/O happens here. Reading is
//! lenient (any text chunk type, compressed or not, before or after `IDAT`;
//! the first badge chunk wins and a second one is reported as a warning);
//! writing is strict (exactly one uncompressed `iTXt` chunk or one
//! `openbadges:*` element, replacing any earlier one). Every size is capped.

mod png;
mod svg;

pub(crate) use svg::{ASSERTION_NS, CREDENTIAL_NS};

use serde::Serialize;

use crate::outcome::{Coded, ErrorCode};

/// Hard cap on the size of badge text, after inflation if it was compressed.
pub const MAX_TEXT_BYTES: usize = 4 * 1024 * 1024;

/// Hard cap on the size of an image handed to [`unbake`] or [`bake`].
pub const MAX_IMAGE_BYTES: usize = 32 * 1024 * 1024;

/// The image formats a badge can be baked into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ImageKind {
    /// A PNG file; the badge lives in a text chunk.
    Png,
    /// An SVG document; the badge lives in an `openbadges:*` element.
    Svg,
}

impl ImageKind {
    /// The media type of this image kind.
    pub fn media_type(self) -> &'static str {
        match self {
            ImageKind::Png => "image/png",
            ImageKind::Svg => "image/svg+xml",
        }
    }
}

/// Which family of credential a baked image carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BakeSlot {
    /// Open Badges 0.5–2.x: PNG keyword `openbadges`, SVG `openbadges:assertion`
    /// in the `http://openbadges.org` namespace.
    Assertion,
    /// Open Badges 3.0: PNG keyword `openbadgecredential`, SVG
    /// `openbadges:credential` in the `https://purl.imsglobal.org/ob/v3p0` namespace.
    Credential,
}

/// What the baked text looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PayloadKind {
    /// An http(s) URL of a hosted assertion.
    Url,
    /// A JSON document.
    Json,
    /// A compact JWS / JWT (`header.payload.signature`).
    Jws,
}

/// The credential text found in an image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unbaked {
    /// The kind of image the text came from.
    pub image: ImageKind,
    /// Which chunk keyword or element held the text.
    pub slot: BakeSlot,
    /// The baked text, exactly as stored (after inflation, if it was compressed).
    pub text: String,
    pub payload: PayloadKind,
    /// SVG only: the `verify` attribute of the badge element, when it has one.
    /// When the element also has a body, `text` is the body (usually the JSON)
    /// and this is the hosted URL or JWS the baker put beside it.
    pub verify: Option<String>,
    /// Things a learner may want to know that did not stop the read,
    /// such as a second badge chunk that was ignored.
    pub warnings: Vec<String>,
}

/// Why an image could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BakeError {
    /// The image is valid but holds no Open Badges data.
    #[error(
        "this {0} image has no badge data baked into it; it may be a plain picture of a badge rather than the badge itself"
    )]
    NotBaked(&'static str),
    /// The bytes are not a readable image of the expected kind.
    #[error("not a readable badge image: {0}")]
    Malformed(String),
    /// A size limit was exceeded.
    #[error("{what} is larger than the {} limit", size_text(*.limit))]
    TooLarge { what: String, limit: usize },
    /// The image is neither PNG nor SVG.
    #[error("unsupported image type: {0}; badges are baked into PNG or SVG files")]
    Unsupported(String),
    /// The text handed to [`bake`] cannot be baked.
    #[error("cannot bake this text: {0}")]
    InvalidText(String),
}

/// Cuts a name taken from a file down to a length fit for a message.
fn shorten(name: &str) -> String {
    const MAX_CHARS: usize = 64;
    match name.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => format!("{}…", &name[..cut]),
        None => name.to_string(),
    }
}

/// A byte count as people read it: whole MiB when it is one, else bytes.
fn size_text(bytes: usize) -> String {
    const MIB: usize = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes}-byte")
    }
}

impl Coded for BakeError {
    fn code(&self) -> ErrorCode {
        match self {
            BakeError::NotBaked(_) => ErrorCode::NotBaked,
            BakeError::Malformed(_) => ErrorCode::MalformedImage,
            BakeError::TooLarge { .. } => ErrorCode::TooLarge,
            BakeError::Unsupported(_) => ErrorCode::Unsupported,
            BakeError::InvalidText(_) => ErrorCode::InvalidInput,
        }
    }
}

/// Tells PNG from SVG by content, never by file name. `None` for anything else.
pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
    if bytes.starts_with(&png::SIGNATURE) {
        Some(ImageKind::Png)
    } else if svg::first_element_name(bytes).is_some_and(|name| svg::is_svg_name(&name)) {
        Some(ImageKind::Svg)
    } else {
        None
    }
}

/// Classifies baked text as a URL, JSON or a compact JWS.
///
/// Anything that is neither a URL nor a JWS counts as JSON, so that the
/// credential parser reports it as invalid JSON rather than this module
/// guessing what it was meant to be.
pub fn classify(text: &str) -> PayloadKind {
    let text = text.trim();
    if is_http_url(text) {
        PayloadKind::Url
    } else if text.starts_with('{') {
        PayloadKind::Json
    } else if is_compact_jws(text) {
        PayloadKind::Jws
    } else {
        PayloadKind::Json
    }
}

/// An http(s) URL as far as baking cares: the scheme, and no whitespace.
fn is_http_url(text: &str) -> bool {
    (text.starts_with("http://") || text.starts_with("https://"))
        && !text.contains(char::is_whitespace)
}

/// Three base64url segments separated by dots, the first two non-empty (the
/// signature may be empty for an unsecured JWT).
fn is_compact_jws(text: &str) -> bool {
    let segments: Vec<&str> = text.split('.').collect();
    let base64url = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'=')
    };
    segments.len() == 3
        && !segments[0].is_empty()
        && !segments[1].is_empty()
        && segments.iter().all(|s| base64url(s))
}

/// Reads the badge text out of a PNG or SVG image.
pub fn unbake(bytes: &[u8]) -> Result<Unbaked, BakeError> {
    check_image_size(bytes)?;
    match sniff(bytes) {
        Some(ImageKind::Png) => png::unbake(bytes),
        Some(ImageKind::Svg) => svg::unbake(bytes),
        None => Err(BakeError::Unsupported(describe(bytes))),
    }
}

/// Bakes `text` into a PNG or SVG image, replacing any badge data it held.
pub fn bake(image: &[u8], text: &str, slot: BakeSlot) -> Result<Vec<u8>, BakeError> {
    check_image_size(image)?;
    if text.len() > MAX_TEXT_BYTES {
        return Err(BakeError::TooLarge {
            what: format!("the badge text ({} bytes)", text.len()),
            limit: MAX_TEXT_BYTES,
        });
    }
    if is_blank(text) {
        return Err(BakeError::InvalidText(
            "it is empty; give the badge URL, JSON or JWS to bake".to_string(),
        ));
    }
    match sniff(image) {
        Some(ImageKind::Png) => png::bake(image, text, slot),
        Some(ImageKind::Svg) => svg::bake(image, text, slot),
        None => Err(BakeError::Unsupported(describe(image))),
    }
}

/// Whether baked text carries nothing: both readers refuse such text and
/// [`bake`] will not write it.
fn is_blank(text: &str) -> bool {
    text.trim().is_empty()
}

fn check_image_size(bytes: &[u8]) -> Result<(), BakeError> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(BakeError::TooLarge {
            what: format!("the image ({} bytes)", bytes.len()),
            limit: MAX_IMAGE_BYTES,
        });
    }
    Ok(())
}

/// Says what some bytes that are neither PNG nor SVG look like, so the
/// learner knows which file they picked.
fn describe(bytes: &[u8]) -> String {
    let text_start = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(bytes)
        .trim_ascii_start();
    if bytes.is_empty() {
        "an empty file (0 bytes)".to_string()
    } else if bytes.starts_with(b"\x89PNG") {
        "a PNG whose 8-byte signature is damaged (the file may have been transferred as text)"
            .to_string()
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "JPEG image".to_string()
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        "GIF image".to_string()
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        "WebP image".to_string()
    } else if bytes.starts_with(b"BM") && bytes.len() >= 14 {
        "BMP image (or unknown data starting with \"BM\")".to_string()
    } else if bytes.starts_with(b"%PDF") {
        "PDF document".to_string()
    } else if bytes.starts_with(b"PK\x03\x04") {
        "ZIP archive (import it as a backpack export instead)".to_string()
    } else if bytes.starts_with(&[0x1F, 0x8B]) {
        "gzip-compressed data (a compressed .svgz? unpack it first)".to_string()
    } else if text_start.starts_with(b"{") || text_start.starts_with(b"[") {
        "JSON text (import it as a credential, not as an image)".to_string()
    } else if let Some(name) = svg::first_element_name(bytes) {
        format!("an XML or HTML document whose first element is <{name}>, not <svg>")
    } else if text_start.is_empty() {
        "a file that holds only whitespace".to_string()
    } else if std::str::from_utf8(bytes).is_ok() {
        "plain text".to_string()
    } else {
        "unknown data".to_string()
    }
}

/// Reads a third-party fixture (see `SOURCES.md` in that folder), or says
/// why the calling test is skipped when the shared fixtures are not checked out.
#[cfg(test)]
fn fixture(path: &str) -> Option<Vec<u8>> {
    let dir = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/fixtures/third-party"
    ));
    if !dir.is_dir() {
        eprintln!("skipping: ../shared/fixtures not present");
        return None;
    }
    let full = dir.join(path);
    match std::fs::read(&full) {
        Ok(bytes) => Some(bytes),
        Err(e) => panic!("fixture {} cannot be read: {e}", full.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_tells_urls_json_and_jws_apart() {
        assert_eq!(classify(" https://example.org/a.json \n"), PayloadKind::Url);
        assert_eq!(classify("http://example.org"), PayloadKind::Url);
        assert_eq!(classify("https://example.org/a b"), PayloadKind::Json);
        assert_eq!(classify("{\"id\": 1}"), PayloadKind::Json);
        assert_eq!(
            classify("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"),
            PayloadKind::Jws
        );
        assert_eq!(
            classify("eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0."),
            PayloadKind::Jws
        );
        assert_eq!(classify(".eyJzdWIiOiIxIn0.c2ln"), PayloadKind::Json);
        assert_eq!(classify("a.b"), PayloadKind::Json);
        assert_eq!(classify("a.b+c.d"), PayloadKind::Json);
        assert_eq!(classify("not json at all"), PayloadKind::Json);
    }

    #[test]
    fn sniff_uses_content_not_names() {
        assert_eq!(sniff(&png::SIGNATURE), Some(ImageKind::Png));
        assert_eq!(
            sniff(b"\xEF\xBB\xBF <?xml version=\"1.0\"?>\n<!-- hi -->\n<svg/>"),
            Some(ImageKind::Svg)
        );
        assert_eq!(sniff(b"<?xml-stylesheet href=\"a.css\"?><s:svg xmlns:s=\"http://www.w3.org/2000/svg\"></s:svg>"), Some(ImageKind::Svg));
        assert_eq!(sniff(b"<svgx/>"), None);
        assert_eq!(sniff(b"<html><svg/></html>"), None);
        assert_eq!(sniff(b"{\"a\": 1}"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn unsupported_files_are_described() {
        let message = |bytes: &[u8]| match unbake(bytes) {
            Err(BakeError::Unsupported(what)) => what,
            other => panic!("expected Unsupported, got {other:?}"),
        };
        assert!(message(b"").contains("empty file"));
        assert!(message(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]).contains("JPEG"));
        assert!(message(b"GIF89a....").contains("GIF"));
        assert!(message(b"{\"verify\": {}}").contains("JSON"));
        assert!(message(b"<html><body/></html>").contains("<html>"));
        assert!(message(b"hello").contains("plain text"));
        assert!(message(&[0, 159, 146, 150]).contains("unknown data"));
        assert!(message(b"\x89PNG\n\n").contains("signature is damaged"));
        assert_eq!(
            unbake(b"").map_err(|e| e.code()),
            Err(ErrorCode::Unsupported)
        );
    }

    #[test]
    fn oversized_images_are_refused_before_parsing() {
        let huge = vec![0u8; MAX_IMAGE_BYTES + 1];
        let message = unbake(&huge).map_err(|e| e.to_string());
        assert_eq!(
            message,
            Err("the image (33554433 bytes) is larger than the 32 MiB limit".to_string())
        );
        assert!(matches!(
            bake(&huge, "https://example.org", BakeSlot::Assertion),
            Err(BakeError::TooLarge { .. })
        ));
    }

    #[test]
    fn blank_text_and_unknown_images_are_not_baked() {
        let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
        assert!(matches!(
            bake(svg, " \n", BakeSlot::Assertion),
            Err(BakeError::InvalidText(_))
        ));
        assert!(matches!(
            bake(b"plain", "https://example.org", BakeSlot::Assertion),
            Err(BakeError::Unsupported(_))
        ));
        let too_long = "x".repeat(MAX_TEXT_BYTES + 1);
        assert!(matches!(
            bake(svg, &too_long, BakeSlot::Assertion),
            Err(BakeError::TooLarge { .. })
        ));
    }
}
