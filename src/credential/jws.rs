//! Splitting and decoding a compact JWS (`header.payload.signature`).
//!
//! Only the structure is read here: the header must be a JSON object naming
//! its `alg`, the payload must be JSON. Whether the signature holds is for
//! verification, which needs keys and the network.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD_INDIFFERENT;
use serde_json::Value;

use super::fields::{Object, describe};
use super::{CredentialError, json_message};

/// The decoded payload of a compact JWS whose header was checked.
pub(super) struct CompactJws {
    pub payload: Object,
    /// False when the signature segment is empty (an unsecured JWS).
    pub signed: bool,
}

/// True when the text is made only of base64url characters and dots, with at
/// least one dot: the shape of a compact JWS or JWE. Text starting like a
/// JSON number (`1.5`, `-2.0`) is left to the JSON parser.
pub(super) fn looks_like_compact(text: &str) -> bool {
    text.contains('.')
        && !text.starts_with(|c: char| c.is_ascii_digit() || c == '-')
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'='))
}

/// Decodes the header and payload of a compact JWS.
pub(super) fn decode(text: &str) -> Result<CompactJws, CredentialError> {
    let segments: Vec<&str> = text.split('.').collect();
    let [header, payload, signature] = segments.as_slice() else {
        if segments.len() == 5 {
            return Err(CredentialError::Unsupported(
                "the text is an encrypted JWE (five segments); only signed credentials can be read"
                    .into(),
            ));
        }
        return Err(CredentialError::Jws(format!(
            "expected three dot-separated segments, found {}",
            segments.len()
        )));
    };

    let header = match segment_json(header, "header")? {
        Value::Object(obj) => obj,
        other => {
            return Err(CredentialError::Jws(format!(
                "the header should be a JSON object, found {}",
                describe(&other)
            )));
        }
    };
    match header.get("alg") {
        Some(Value::String(alg)) if !alg.trim().is_empty() => {}
        Some(other) => {
            return Err(CredentialError::Jws(format!(
                "the header `alg` should be an algorithm name, found {}",
                describe(other)
            )));
        }
        None => return Err(CredentialError::Jws("the header has no `alg`".into())),
    }
    if header.get("b64") == Some(&Value::Bool(false)) {
        return Err(CredentialError::Unsupported(
            "the JWS payload is not base64url-encoded (`b64: false`)".into(),
        ));
    }

    let payload = match segment_json(payload, "payload")? {
        Value::Object(obj) => obj,
        other => {
            return Err(CredentialError::Jws(format!(
                "the payload should be a JSON object, found {}",
                describe(&other)
            )));
        }
    };
    Ok(CompactJws {
        payload,
        signed: !signature.trim_end_matches('=').is_empty(),
    })
}

/// Decodes one base64url segment (padding optional) holding JSON.
fn segment_json(segment: &str, name: &str) -> Result<Value, CredentialError> {
    if segment.is_empty() {
        return Err(CredentialError::Jws(format!("the {name} segment is empty")));
    }
    let bytes = URL_SAFE_NO_PAD_INDIFFERENT
        .decode(segment)
        .map_err(|e| CredentialError::Jws(format!("the {name} segment is not base64url: {e}")))?;
    serde_json::from_slice(&bytes).map_err(|e| {
        CredentialError::Jws(format!(
            "the {name} is not readable JSON: {}",
            json_message(&e)
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn b64(text: &str) -> String {
        URL_SAFE_NO_PAD.encode(text)
    }

    fn jws_error(text: &str) -> String {
        match decode(text) {
            Ok(_) => panic!("{text} should not decode"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn decodes_header_and_payload_with_or_without_padding() {
        let header = b64(r#"{"alg":"RS256"}"#);
        // `{"a":1}` is 7 bytes: unpadded base64url needs one `=` to be canonical.
        let payload = b64(r#"{"a":1}"#);
        for text in [
            format!("{header}.{payload}.c2ln"),
            format!("{header}.{payload}=.c2ln=="),
        ] {
            let jws = decode(&text).expect("valid JWS");
            assert_eq!(jws.payload.get("a"), Some(&Value::from(1)));
            assert!(jws.signed);
        }
        let unsigned = decode(&format!("{header}.{payload}.")).expect("unsigned JWS");
        assert!(!unsigned.signed);
    }

    #[test]
    fn garbage_segments_are_named() {
        let header = b64(r#"{"alg":"RS256"}"#);
        let payload = b64(r#"{"a":1}"#);
        assert_eq!(
            jws_error("a.b"),
            "not a valid compact JWS: expected three dot-separated segments, found 2"
        );
        assert_eq!(
            jws_error(&format!(".{payload}.sig")),
            "not a valid compact JWS: the header segment is empty"
        );
        assert!(
            jws_error(&format!("{header}.a.sig"))
                .starts_with("not a valid compact JWS: the payload segment is not base64url")
        );
        assert!(
            jws_error(&format!("{}.{payload}.sig", b64("not json")))
                .starts_with("not a valid compact JWS: the header is not readable JSON")
        );
        assert_eq!(
            jws_error(&format!("{}.{payload}.sig", b64(r#"{"typ":"JWT"}"#))),
            "not a valid compact JWS: the header has no `alg`"
        );
        assert_eq!(
            jws_error(&format!("{}.{payload}.sig", b64(r#"{"alg":7}"#))),
            "not a valid compact JWS: the header `alg` should be an algorithm name, found a JSON number"
        );
        assert_eq!(
            jws_error(&format!("{header}.{}.sig", b64("[1,2]"))),
            "not a valid compact JWS: the payload should be a JSON object, found a JSON array"
        );
        assert_eq!(
            jws_error("a.b.c.d.e"),
            "unsupported credential: the text is an encrypted JWE (five segments); only signed credentials can be read"
        );
    }

    #[test]
    fn deep_payload_is_reported_as_too_deep() {
        let header = b64(r#"{"alg":"RS256"}"#);
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let message = jws_error(&format!("{header}.{}.sig", b64(&deep)));
        assert!(message.contains("nested too deeply"), "{message}");
    }

    #[test]
    fn compact_shape_detection() {
        assert!(looks_like_compact("eyJ.eyJ.sig-_="));
        assert!(!looks_like_compact("eyJhbGciOiJSUzI1NiJ9"));
        assert!(!looks_like_compact("https://example.org/a.json"));
        assert!(!looks_like_compact("hello world."));
        assert!(!looks_like_compact("1.5"));
        assert!(!looks_like_compact("-2.0"));
    }
}
