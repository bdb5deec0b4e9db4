//! Reading and writing credentials baked into PNG and SVG images.
//!
//! Pure functions over bytes: no file or network I/O happens here. Reading is
//! lenient (any text chunk type, compressed or not, before or after `IDAT`;
//! the first badge chunk wins and a second one is reported as a warning);
//! writing is strict (exactly one uncompressed `iTXt` chunk or one
//! `openbadges:*` element, replacing any earlier one). Every size is capped.

mod png;
mod svg;

use serde::Serialize;

use crate::ErrorCode;

/// Hard cap on the size of inflated badge text (compressed chunks).
pub const MAX_TEXT_BYTES: usize = 4 * 1024 * 1024;

/// The image formats a badge can be baked into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ImageKind {
    Png,
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
    pub image: ImageKind,
    pub slot: BakeSlot,
    /// The baked text, exactly as stored (after inflation, if it was compressed).
    pub text: String,
    pub payload: PayloadKind,
    /// Things a learner may want to know that did not stop the read,
    /// such as a second badge chunk that was ignored.
    pub warnings: Vec<String>,
}

/// Why an image could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BakeError {
    /// The image is valid but holds no Open Badges data.
    #[error("this {0} image has no badge data baked into it; it may be a plain picture of a badge rather than the badge itself")]
    NotBaked(&'static str),
    /// The bytes are not a readable image of the expected kind.
    #[error("not a readable badge image: {0}")]
    Malformed(String),
    /// A size limit was exceeded.
    #[error("{what} is larger than the {limit}-byte limit")]
    TooLarge { what: String, limit: usize },
    /// The image is neither PNG nor SVG.
    #[error("unsupported image type: {0}; badges are baked into PNG or SVG files")]
    Unsupported(String),
}

impl BakeError {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            BakeError::NotBaked(_) => ErrorCode::NotBaked,
            BakeError::Malformed(_) => ErrorCode::MalformedImage,
            BakeError::TooLarge { .. } => ErrorCode::TooLarge,
            BakeError::Unsupported(_) => ErrorCode::Unsupported,
        }
    }
}

/// Tells PNG from SVG by content, never by file name. `None` for anything else.
pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
    todo!("helper: PNG signature; SVG = optional BOM/whitespace/XML decl/comments then an <svg root")
}

/// Classifies baked text as a URL, JSON or a compact JWS.
pub fn classify(text: &str) -> PayloadKind {
    todo!("helper")
}

/// Reads the badge text out of a PNG or SVG image.
pub fn unbake(bytes: &[u8]) -> Result<Unbaked, BakeError> {
    todo!("helper")
}

/// Bakes `text` into a PNG or SVG image, replacing any badge data it held.
pub fn bake(image: &[u8], text: &str, slot: BakeSlot) -> Result<Vec<u8>, BakeError> {
    todo!("helper")
}
