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

mod fields;
mod jws;
mod ob2;
mod ob3;
mod recipient;
#[cfg(test)]
pub(crate) mod tests;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::outcome::{Coded, ErrorCode};
use fields::{Node, Object, describe, quote};

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

impl Coded for CredentialError {
    fn code(&self) -> ErrorCode {
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
    if text.len() > MAX_CREDENTIAL_BYTES {
        return Err(CredentialError::TooLarge {
            limit: MAX_CREDENTIAL_BYTES,
        });
    }
    let text = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if text.is_empty() {
        return Err(CredentialError::Shape("the text is empty".into()));
    }
    if !text.starts_with(['{', '[']) {
        if jws::looks_like_compact(text) {
            return parse_jws(text);
        }
        if fields::is_http_url(text) {
            return Err(CredentialError::Shape(format!(
                "found the web address {}, not a document; the assertion it names must be fetched first",
                quote(text)
            )));
        }
    }
    let value: Value =
        serde_json::from_str(text).map_err(|e| CredentialError::Json(json_message(&e)))?;
    parse_value(&value)
}

/// Parses an already-decoded JSON assertion / credential.
pub fn parse_value(value: &Value) -> Result<Credential, CredentialError> {
    let obj = value.as_object().ok_or_else(|| {
        CredentialError::Shape(format!(
            "expected an Open Badges assertion or credential, found {}",
            describe(value)
        ))
    })?;
    read_object(obj, None)
}

impl Credential {
    /// Merges a fetched BadgeClass (1.0 / 1.1 / 2.0) into this credential and
    /// clears [`Credential::badge_class_url`]; sets `issuer_profile_url` if the
    /// BadgeClass names its issuer by URL.
    pub fn apply_badge_class(&mut self, badge_class: &Value) -> Result<(), CredentialError> {
        let obj = badge_class.as_object().ok_or_else(|| {
            CredentialError::Shape(format!(
                "expected a BadgeClass object, found {}",
                describe(badge_class)
            ))
        })?;
        ob2::read_badge_class(&Node::named(obj, "badge"), self);
        Ok(())
    }

    /// Merges a fetched Issuer profile and clears [`Credential::issuer_profile_url`].
    pub fn apply_issuer(&mut self, issuer: &Value) -> Result<(), CredentialError> {
        let obj = issuer.as_object().ok_or_else(|| {
            CredentialError::Shape(format!(
                "expected an issuer profile object, found {}",
                describe(issuer)
            ))
        })?;
        ob2::read_issuer(&Node::named(obj, "issuer"), self);
        Ok(())
    }
}

/// Describes a JSON syntax error; too-deep nesting gets its own wording,
/// since serde_json's is about its recursion limit, not the document.
fn json_message(e: &serde_json::Error) -> String {
    // serde_json exposes no public code for this case; its text is stable.
    if e.to_string().starts_with("recursion limit exceeded") {
        format!(
            "the document is nested too deeply (at line {}, column {})",
            e.line(),
            e.column()
        )
    } else {
        e.to_string()
    }
}

/// Reads a compact JWS: a 1.x / 2.0 signed assertion, or a 3.0 VC-JWT whose
/// payload is the credential (VCDM 2.0) or carries it in `vc` (VCDM 1.1).
fn parse_jws(text: &str) -> Result<Credential, CredentialError> {
    let jws = jws::decode(text)?;
    let claims = Node::named(&jws.payload, "payload");
    let in_payload = |e: CredentialError| match e {
        CredentialError::Shape(m) => CredentialError::Shape(format!("in the JWS payload: {m}")),
        other => other,
    };
    let mut c = match jws.payload.get("vc") {
        Some(Value::Object(vc)) => read_object(vc, Some(ObVersion::V3_0)).map_err(in_payload)?,
        Some(other) => {
            return Err(CredentialError::Shape(format!(
                "the JWS `vc` claim should be a credential object, found {}",
                describe(other)
            )));
        }
        None => read_object(&jws.payload, None).map_err(in_payload)?,
    };
    if c.ob_version == Some(ObVersion::V3_0) {
        ob3::fill_from_claims(&claims, &mut c);
        c.proof = Some(Proof::VcJwt);
    } else {
        c.proof = Some(Proof::SignedJws);
    }
    if !jws.signed {
        c.warnings.push("the JWS has an empty signature".into());
    }
    Ok(c)
}

/// Sniffs the version (unless forced) and reads the object with that
/// version's rules.
fn read_object(obj: &Object, forced: Option<ObVersion>) -> Result<Credential, CredentialError> {
    let mut c = Credential::default();
    let version = match forced {
        Some(version) => version,
        None => sniff(obj, &mut c.warnings)?,
    };
    c.ob_version = Some(version);
    let root = Node::root(obj);
    match version {
        ObVersion::V0_5 => ob2::read_v0_5(&root, &mut c)?,
        ObVersion::V1_0 | ObVersion::V1_1 | ObVersion::V2_0 => {
            ob2::read_assertion(&root, &mut c)?;
        }
        ObVersion::V3_0 => ob3::read(&root, &mut c)?,
    }
    Ok(c)
}

/// Known JSON-LD contexts, without scheme or trailing slash.
const VC_CONTEXTS: &[&str] = &[
    "www.w3.org/ns/credentials/v2",
    "www.w3.org/2018/credentials/v1",
];
const OB_V2_CONTEXTS: &[&str] = &[
    "w3id.org/openbadges/v2",
    "openbadgespec.org/v2/context.json",
];
const OB_V1_CONTEXTS: &[&str] = &[
    "w3id.org/openbadges/v1",
    "openbadgespec.org/v1/context.json",
];
/// The OB 3.0 context files all live under this path.
const OB_V3_CONTEXT_PREFIX: &str = "purl.imsglobal.org/spec/ob/v3p0/";
/// `type` values that make a document a 3.0 credential whatever its context.
const VC_TYPES: &[&str] = &[
    "VerifiableCredential",
    "OpenBadgeCredential",
    "AchievementCredential",
];

/// Decides the Open Badges version the way the 1EdTech validator does: by
/// `@context` first, then by shape. An unknown context is read by shape, with
/// a warning.
fn sniff(obj: &Object, warnings: &mut Vec<String>) -> Result<ObVersion, CredentialError> {
    let has = |key: &str| obj.get(key).is_some_and(|v| !v.is_null());
    if !has("recipient") && !has("badge") && !has("credentialSubject") {
        let kind = types(obj).next();
        return Err(CredentialError::Shape(match kind {
            Some(kind) => format!(
                "expected an Open Badges assertion or credential, found a document of type {}",
                quote(kind)
            ),
            None => "expected an Open Badges assertion or credential, found an object with none of `recipient`, `badge`, `credentialSubject`".into(),
        }));
    }

    let contexts = contexts(obj);
    let bare = |ctx: &str| {
        let ctx = ctx.trim().trim_end_matches('/');
        let rest = ctx
            .strip_prefix("https://")
            .or_else(|| ctx.strip_prefix("http://"))
            .unwrap_or(ctx);
        rest.to_owned()
    };
    let known = |list: &[&str]| contexts.iter().any(|c| list.contains(&bare(c).as_str()));
    if known(VC_CONTEXTS)
        || contexts
            .iter()
            .any(|c| bare(c).starts_with(OB_V3_CONTEXT_PREFIX))
        || types(obj).any(|t| VC_TYPES.contains(&t))
    {
        return Ok(ObVersion::V3_0);
    }
    if known(OB_V2_CONTEXTS) {
        return Ok(ObVersion::V2_0);
    }
    if known(OB_V1_CONTEXTS) {
        return Ok(ObVersion::V1_1);
    }

    let by_shape = if has("credentialSubject") {
        ObVersion::V3_0
    } else if matches!(obj.get("recipient"), Some(Value::String(_))) {
        ObVersion::V0_5
    } else if has("verification") || types(obj).any(|t| t == "Assertion") {
        ObVersion::V2_0
    } else {
        ObVersion::V1_0
    };
    if let Some(context) = obj.get("@context").filter(|v| !v.is_null()) {
        let shown = match context {
            Value::String(s) => quote(s),
            other => quote(&other.to_string()),
        };
        warnings.push(format!(
            "unrecognised `@context` {shown}; read as Open Badges {} by its shape",
            by_shape.as_str()
        ));
    }
    Ok(by_shape)
}

/// The `@context` entries given as strings (inline context objects are skipped).
fn contexts(obj: &Object) -> Vec<&str> {
    match obj.get("@context") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The `type` entries given as strings.
fn types(obj: &Object) -> impl Iterator<Item = &str> {
    let items: &[Value] = match obj.get("type") {
        Some(Value::Array(items)) => items,
        Some(single) => std::slice::from_ref(single),
        None => &[],
    };
    items.iter().filter_map(Value::as_str)
}
