//! One normalized model for every Open Badges version.
//!
//! Parses Open Badges 0.5, 1.0, 1.1 and 2.0 assertions (plain JSON or a signed
//! compact JWS) and 3.0 credentials (JSON with an embedded proof, or a VC-JWT,
//! including the VCDM 1.1 `vc` claim) into [`Credential`]. Parsing checks shape,
//! not authenticity: signatures and remote state belong to verification.
//! A badge whose BadgeClass or Issuer is only a URL comes back with
//! [`Credential::badge_class_url`] / [`Credential::issuer_url`] set; the caller
//! fetches those documents and merges them with [`Credential::apply_badge_class`]
//! and [`Credential::apply_issuer`]. Nothing here does I/O.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ErrorCode;

/// Largest credential text accepted, in bytes.
pub const MAX_CREDENTIAL_BYTES: usize = 4 * 1024 * 1024;

/// The Open Badges version a credential was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ObVersion {
    #[serde(rename = "0.5")]
    V0_5,
    #[serde(rename = "1.0")]
    V1_0,
    #[serde(rename = "1.1")]
    V1_1,
    #[serde(rename = "2.0")]
    V2_0,
    #[serde(rename = "3.0")]
    V3_0,
}

impl ObVersion {
    /// "0.5", "1.0", "1.1", "2.0" or "3.0".
    pub fn as_str(self) -> &'static str {
        match self {
            ObVersion::V0_5 => "0.5",
            ObVersion::V1_0 => "1.0",
            ObVersion::V1_1 => "1.1",
            ObVersion::V2_0 => "2.0",
            ObVersion::V3_0 => "3.0",
        }
    }

    /// Parses the form written by [`ObVersion::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "0.5" => ObVersion::V0_5,
            "1.0" => ObVersion::V1_0,
            "1.1" => ObVersion::V1_1,
            "2.0" => ObVersion::V2_0,
            "3.0" => ObVersion::V3_0,
            _ => return None,
        })
    }
}

/// How the credential proves itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Proof {
    /// Re-fetch the hosted copy (0.5, 1.x and 2.0 hosted).
    Hosted,
    /// A compact JWS over the assertion (1.x / 2.0 signed).
    SignedJws,
    /// An OB 3.0 VC-JWT.
    VcJwt,
    /// An OB 3.0 credential with an embedded Data Integrity proof.
    EmbeddedProof,
    /// Nothing to check against (e.g. a 3.0 credential without a proof).
    None,
}

/// The recipient as the credential asserts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    /// The identity or its hash, exactly as written (`sha256$…`, `md5$…`, or plain).
    pub identity: String,
    /// `email`, `url`, `telephone`, `did`, … as the credential names it.
    #[serde(rename = "type")]
    pub kind: String,
    pub hashed: bool,
    pub salt: Option<String>,
}

/// Everything Satchel understands about one badge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Credential {
    pub ob_version: Option<ObVersion>,
    pub proof: Option<Proof>,
    /// The assertion / credential id (`id`, `uid`, or JWT `jti`).
    pub id: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    /// Criteria narrative, if given as text.
    pub criteria_text: Option<String>,
    /// Criteria page, if given as a URL.
    pub criteria_url: Option<String>,
    /// Badge image as a URL or `data:` URI.
    pub image: Option<String>,
    pub issuer_name: Option<String>,
    /// The issuer's home page (`url`, or for 0.5 `origin`).
    pub issuer_url: Option<String>,
    /// The issuer profile document's own id, when it differs from `issuer_url`.
    pub issuer_id: Option<String>,
    pub issuer_email: Option<String>,
    pub issued_on: Option<DateTime<Utc>>,
    pub expires: Option<DateTime<Utc>>,
    pub recipient: Option<Recipient>,
    /// Where the hosted copy lives (2.0 `id` with hosted verification, 1.0
    /// `verify.url`, or the URL a badge was baked with).
    pub hosted_url: Option<String>,
    /// Set when `badge` is a URL whose BadgeClass has not been merged yet.
    pub badge_class_url: Option<String>,
    /// Set when the issuer is a URL whose profile has not been merged yet.
    pub issuer_profile_url: Option<String>,
    /// Evidence URLs or narratives.
    pub evidence: Vec<String>,
    /// Problems that did not stop parsing (odd dates, unknown fields), for the learner.
    pub warnings: Vec<String>,
}

/// Why a credential text could not be understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    #[error("not valid JSON: {0}")]
    Json(String),
    #[error("not a valid compact JWS: {0}")]
    Jws(String),
    #[error("not an Open Badges credential: {0}")]
    Shape(String),
    #[error("credential text is larger than the {limit}-byte limit")]
    TooLarge { limit: usize },
    #[error("unsupported credential: {0}")]
    Unsupported(String),
}

impl CredentialError {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            CredentialError::TooLarge { .. } => ErrorCode::TooLarge,
            CredentialError::Unsupported(_) => ErrorCode::Unsupported,
            _ => ErrorCode::MalformedCredential,
        }
    }
}

/// Parses a JSON document or compact JWS (the classified baked text, a `.json`
/// file, or a fetched hosted assertion) into the normalized model.
/// A URL is not parsed here: fetch it and pass the body.
pub fn parse(text: &str) -> Result<Credential, CredentialError> {
    todo!("helper")
}

/// Parses an already-decoded JSON assertion / credential.
pub fn parse_value(value: &Value) -> Result<Credential, CredentialError> {
    todo!("helper")
}

impl Credential {
    /// Merges a fetched BadgeClass (1.0 / 1.1 / 2.0) into this credential and
    /// clears [`Credential::badge_class_url`]; sets `issuer_profile_url` if the
    /// BadgeClass names its issuer by URL.
    pub fn apply_badge_class(&mut self, badge_class: &Value) -> Result<(), CredentialError> {
        todo!("helper")
    }

    /// Merges a fetched Issuer profile and clears [`Credential::issuer_profile_url`].
    pub fn apply_issuer(&mut self, issuer: &Value) -> Result<(), CredentialError> {
        todo!("helper")
    }
}
