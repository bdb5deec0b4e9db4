//! Lenient readers for single fields of stranger-written JSON: text, "URL or
//! object with an `id`", dates, recipient identities and evidence.
//!
//! A value of the wrong type or an impossible date becomes a warning on the
//! credential and the field stays empty; only the version readers decide what
//! is so broken that parsing must stop.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{Map, Value};

use super::{CredentialError, Recipient};

/// A JSON object.
pub(super) type Object = Map<String, Value>;

/// Longest stranger-written value quoted back in a warning, in characters.
const QUOTE_CHARS: usize = 80;

/// Names the type of a JSON value for messages ("a JSON array").
pub(super) fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "JSON null",
        Value::Bool(_) => "a JSON boolean",
        Value::Number(_) => "a JSON number",
        Value::String(_) => "a JSON string",
        Value::Array(_) => "a JSON array",
        Value::Object(_) => "a JSON object",
    }
}

/// Quotes a stranger's value in a message, cut short if it is long.
pub(super) fn quote(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(QUOTE_CHARS).collect();
    if chars.next().is_some() {
        format!("`{head}…`")
    } else {
        format!("`{head}`")
    }
}

/// True for an absolute `http:` or `https:` URL.
pub(super) fn is_http_url(text: &str) -> bool {
    url::Url::parse(text).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
}

/// One JSON object of the document, with its dotted path for warnings.
pub(super) struct Node<'a> {
    pub obj: &'a Object,
    path: String,
}

impl<'a> Node<'a> {
    /// The document's top-level object.
    pub fn root(obj: &'a Object) -> Self {
        Node {
            obj,
            path: String::new(),
        }
    }

    /// An object found at `path` (e.g. `badge.issuer`).
    pub fn named(obj: &'a Object, path: &str) -> Self {
        Node {
            obj,
            path: path.to_owned(),
        }
    }

    /// This object's own dotted path (empty for the top level).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The dotted name of `key` inside this object, for messages.
    pub fn field(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The value of `key`; an explicit `null` counts as absent.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.obj.get(key).filter(|v| !v.is_null())
    }

    /// The object at `key`; anything else there is reported and ignored.
    pub fn object(&self, key: &str, warnings: &mut Vec<String>) -> Option<Node<'a>> {
        match self.get(key)? {
            Value::Object(obj) => Some(Node::named(obj, &self.field(key))),
            other => {
                warnings.push(format!(
                    "`{}` should be an object, found {}; ignored",
                    self.field(key),
                    describe(other)
                ));
                None
            }
        }
    }

    /// The trimmed text at `key`; empty text counts as absent.
    pub fn text(&self, key: &str, warnings: &mut Vec<String>) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => non_empty(s),
            other => {
                warnings.push(format!(
                    "`{}` should be text, found {}; ignored",
                    self.field(key),
                    describe(other)
                ));
                None
            }
        }
    }

    /// A URL given either as text or as an object with an `id` (2.0 Image,
    /// 3.0 Image).
    pub fn url_or_id(&self, key: &str, warnings: &mut Vec<String>) -> Option<String> {
        match self.get(key)? {
            Value::Object(obj) => Node::named(obj, &self.field(key)).text("id", warnings),
            _ => self.text(key, warnings),
        }
    }

    /// A yes/no flag, also accepted as the text `true` / `false`.
    pub fn flag(&self, key: &str, warnings: &mut Vec<String>) -> Option<bool> {
        match self.get(key)? {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Some(true),
            Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Some(false),
            other => {
                warnings.push(format!(
                    "`{}` should be true or false, found {}; ignored",
                    self.field(key),
                    describe(other)
                ));
                None
            }
        }
    }

    /// A date-time: RFC 3339, ISO 8601 date only (midnight UTC), or Unix
    /// seconds as a number or digits. Anything else is reported and ignored.
    pub fn date(&self, key: &str, warnings: &mut Vec<String>) -> Option<DateTime<Utc>> {
        let value = self.get(key)?;
        let parsed = match value {
            Value::Number(n) => n
                .as_i64()
                .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f as i64))
                .and_then(|secs| DateTime::from_timestamp(secs, 0))
                .map(|d| (d, false)),
            Value::String(s) => parse_date(s.trim()),
            other => {
                warnings.push(format!(
                    "`{}` should be a date, found {}; ignored",
                    self.field(key),
                    describe(other)
                ));
                return None;
            }
        };
        let shown = match value {
            Value::String(s) => quote(s.trim()),
            other => quote(&other.to_string()),
        };
        match parsed {
            Some((date, assumed_utc)) => {
                if assumed_utc {
                    warnings.push(format!(
                        "`{}` {shown} has no time zone; read as UTC",
                        self.field(key)
                    ));
                }
                Some(date)
            }
            None => {
                warnings.push(format!(
                    "`{}` is not a valid date: {shown}; ignored",
                    self.field(key)
                ));
                None
            }
        }
    }
}

/// Trimmed text, or `None` when nothing is left.
pub(super) fn non_empty(text: &str) -> Option<String> {
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// Parses a date string; the flag says a zone-less time was taken as UTC.
fn parse_date(text: &str) -> Option<(DateTime<Utc>, bool)> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        let secs = text.parse::<i64>().ok()?;
        return DateTime::from_timestamp(secs, 0).map(|d| (d, false));
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(text) {
        return Some((d.with_timezone(&Utc), false));
    }
    // ISO 8601 with a colon-less offset (`+0000`), as some issuers write it.
    if let Ok(d) = DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z") {
        return Some((d.with_timezone(&Utc), false));
    }
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).map(|t| (t.and_utc(), false));
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|t| (t.and_utc(), true))
}

/// True when an identity carries a hash-algorithm prefix (`sha256$`, `md5$`).
fn has_hash_prefix(identity: &str) -> bool {
    let lower = identity.get(..7).unwrap_or(identity).to_ascii_lowercase();
    lower.starts_with("sha256$") || lower.starts_with("md5$")
}

/// A recipient written as one string (0.5): an email address or its hash.
pub(super) fn recipient_from_string(identity: &str, salt: Option<String>) -> Option<Recipient> {
    let identity = non_empty(identity)?;
    Some(Recipient {
        hashed: has_hash_prefix(&identity),
        identity,
        kind: "email".to_owned(),
        salt,
    })
}

/// Which keys an identity object uses: 1.x / 2.0 `identity` + `type`, or
/// 3.0 `identityHash` + `identityType`.
pub(super) struct IdentityKeys {
    pub identity: &'static str,
    pub kind: &'static str,
}

/// The 1.x / 2.0 IdentityObject keys.
pub(super) const OB2_IDENTITY: IdentityKeys = IdentityKeys {
    identity: "identity",
    kind: "type",
};

/// The 3.0 IdentityObject keys.
pub(super) const OB3_IDENTITY: IdentityKeys = IdentityKeys {
    identity: "identityHash",
    kind: "identityType",
};

/// Reads an IdentityObject. A missing identity is a shape error: without it
/// the badge cannot be matched to anyone.
pub(super) fn identity_object(
    node: &Node,
    keys: &IdentityKeys,
    warnings: &mut Vec<String>,
) -> Result<Recipient, CredentialError> {
    let identity = node.text(keys.identity, warnings).ok_or_else(|| {
        CredentialError::Shape(format!("`{}` has no `{}`", node.path(), keys.identity))
    })?;
    let kind = match node.text(keys.kind, warnings) {
        Some(kind) => normalize_kind(kind),
        None => {
            warnings.push(format!(
                "`{}` is missing; assumed `email`",
                node.field(keys.kind)
            ));
            "email".to_owned()
        }
    };
    let prefixed = has_hash_prefix(&identity);
    let hashed = node.flag("hashed", warnings).unwrap_or(prefixed);
    if hashed && !prefixed {
        warnings.push(format!(
            "`{}` is marked hashed but has no `sha256$` or `md5$` prefix",
            node.field(keys.identity)
        ));
    }
    let salt = node.text("salt", warnings);
    Ok(Recipient {
        identity,
        kind,
        hashed,
        salt,
    })
}

/// Maps the 3.0 identity type names onto the 2.0 ones Satchel matches on.
fn normalize_kind(kind: String) -> String {
    match kind.as_str() {
        "emailAddress" => "email".to_owned(),
        "phoneNumber" => "telephone".to_owned(),
        _ => kind,
    }
}

/// The recipient named only by an id (3.0 `credentialSubject.id`, JWT `sub`).
pub(super) fn recipient_from_id(id: String) -> Recipient {
    let kind = if id.starts_with("did:") { "did" } else { "url" };
    Recipient {
        identity: id,
        kind: kind.to_owned(),
        hashed: false,
        salt: None,
    }
}

/// Collects evidence given as a URL, an Evidence object (its `id`, else its
/// `narrative`) or an array of those.
pub(super) fn evidence(node: &Node, key: &str, out: &mut Vec<String>, warnings: &mut Vec<String>) {
    let items: &[Value] = match node.get(key) {
        None => return,
        Some(Value::Array(items)) => items,
        Some(single) => std::slice::from_ref(single),
    };
    let field = node.field(key);
    for item in items {
        match item {
            Value::String(s) => out.extend(non_empty(s)),
            Value::Object(obj) => {
                let entry = Node::named(obj, &field);
                let found = entry
                    .text("id", warnings)
                    .or_else(|| entry.text("narrative", warnings));
                match found {
                    Some(found) => out.push(found),
                    None => warnings.push(format!(
                        "an entry of `{field}` has neither `id` nor `narrative`; ignored"
                    )),
                }
            }
            other => warnings.push(format!(
                "an entry of `{field}` should be a URL or an object, found {}; ignored",
                describe(other)
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn date_of(value: Value) -> (Option<DateTime<Utc>>, Vec<String>) {
        let doc = json!({ "when": value });
        let mut warnings = Vec::new();
        let obj = doc.as_object().expect("object literal");
        let date = Node::root(obj).date("when", &mut warnings);
        (date, warnings)
    }

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("test date")
            .with_timezone(&Utc)
    }

    #[test]
    fn dates_in_every_accepted_form() {
        assert_eq!(
            date_of(json!("2016-12-31T23:59:59Z")).0,
            Some(utc("2016-12-31T23:59:59Z"))
        );
        assert_eq!(
            date_of(json!("2017-06-29T21:50:14+02:00")).0,
            Some(utc("2017-06-29T19:50:14Z"))
        );
        assert_eq!(
            date_of(json!("2017-06-29T21:50:14+0000")).0,
            Some(utc("2017-06-29T21:50:14Z"))
        );
        assert_eq!(
            date_of(json!("2016-12-31")).0,
            Some(utc("2016-12-31T00:00:00Z"))
        );
        assert_eq!(
            date_of(json!(1_430_352_000)).0,
            Some(utc("2015-04-30T00:00:00Z"))
        );
        assert_eq!(
            date_of(json!("1430352000")).0,
            Some(utc("2015-04-30T00:00:00Z"))
        );
        let (date, warnings) = date_of(json!("2016-12-31T10:00:00"));
        assert_eq!(date, Some(utc("2016-12-31T10:00:00Z")));
        assert_eq!(
            warnings,
            ["`when` `2016-12-31T10:00:00` has no time zone; read as UTC"]
        );
    }

    #[test]
    fn impossible_dates_warn_and_stay_empty() {
        let (date, warnings) = date_of(json!("2015-04-31"));
        assert_eq!(date, None);
        assert_eq!(
            warnings,
            ["`when` is not a valid date: `2015-04-31`; ignored"]
        );

        let (date, warnings) = date_of(json!(1e300));
        assert_eq!(date, None);
        assert_eq!(warnings.len(), 1);

        let (date, warnings) = date_of(json!("99999999999999999999999"));
        assert_eq!(date, None);
        assert_eq!(warnings.len(), 1);

        let (date, warnings) = date_of(json!(["2015-01-01"]));
        assert_eq!(date, None);
        assert_eq!(
            warnings,
            ["`when` should be a date, found a JSON array; ignored"]
        );
    }

    #[test]
    fn identity_objects_of_both_generations() {
        let mut warnings = Vec::new();
        let doc = json!({"identityHash": "sha256$abc", "identityType": "emailAddress",
                         "hashed": true, "salt": "pepper"});
        let obj = doc.as_object().expect("object literal");
        let r = identity_object(
            &Node::named(obj, "credentialSubject.identifier"),
            &OB3_IDENTITY,
            &mut warnings,
        )
        .expect("valid identity");
        assert_eq!(r.identity, "sha256$abc");
        assert_eq!(r.kind, "email");
        assert!(r.hashed);
        assert_eq!(r.salt.as_deref(), Some("pepper"));
        assert!(warnings.is_empty());

        let doc = json!({"identity": "sha256$abc"});
        let obj = doc.as_object().expect("object literal");
        let r = identity_object(&Node::named(obj, "recipient"), &OB2_IDENTITY, &mut warnings)
            .expect("valid identity");
        assert!(r.hashed, "hashed is inferred from the prefix");
        assert_eq!(r.kind, "email");
        assert_eq!(warnings, ["`recipient.type` is missing; assumed `email`"]);

        let doc = json!({"type": "email"});
        let obj = doc.as_object().expect("object literal");
        let err = identity_object(&Node::named(obj, "recipient"), &OB2_IDENTITY, &mut warnings)
            .expect_err("no identity");
        assert_eq!(
            err,
            CredentialError::Shape("`recipient` has no `identity`".into())
        );
    }

    #[test]
    fn quotes_are_cut_on_character_boundaries() {
        let long = "é".repeat(200);
        let quoted = quote(&long);
        assert_eq!(quoted.chars().count(), QUOTE_CHARS + 3);
        assert!(quoted.ends_with("…`"));
    }
}
