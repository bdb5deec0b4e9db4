//! End-to-end parsing tests: every version and proof form, the merge flow for
//! URL-only BadgeClasses and Issuers, hostile input, and the real third-party
//! fixtures under `../shared/fixtures/third-party` (skipped when absent).

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::*;

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("test date")
        .with_timezone(&Utc)
}

fn ok(text: &str) -> Credential {
    match parse(text) {
        Ok(c) => c,
        Err(e) => panic!("expected a credential, got: {e}"),
    }
}

fn err(text: &str) -> CredentialError {
    match parse(text) {
        Ok(c) => panic!("expected an error, got {c:?}"),
        Err(e) => e,
    }
}

/// A compact JWS over `payload` with a dummy signature.
fn jws(payload: &Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(payload.to_string());
    format!("{header}.{payload}.ZHVtbXktc2lnbmF0dXJl")
}

/// A recipient as a credential states it.
pub(crate) fn recipient(identity: &str, kind: &str, hashed: bool, salt: Option<&str>) -> Recipient {
    Recipient {
        identity: identity.into(),
        kind: kind.into(),
        hashed,
        salt: salt.map(Into::into),
    }
}

/// Reads a third-party fixture, or `None` when `../shared/fixtures` is absent.
fn fixture(relative: &str) -> Option<String> {
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/fixtures/third-party"
    ));
    if !dir.is_dir() {
        eprintln!("skipping: ../shared/fixtures not present");
        return None;
    }
    let path = dir.join(relative);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) => panic!("cannot read fixture {}: {e}", path.display()),
    }
}

fn fixture_json(relative: &str) -> Option<Value> {
    fixture(relative).map(|text| serde_json::from_str(&text).expect("fixture is JSON"))
}

const BADGR: &str = "concentricsky__badgr-server/apps/backpack/tests/testfiles/";
const OB20: &str =
    "1EdTech__digital-credentials-public-validator/inspector-vc/src/test/resources/ob20/";

// ---- every version -------------------------------------------------------

#[test]
fn v0_5_hashed_recipient_and_relative_urls() {
    let c = ok(r#"{
        "recipient": "sha256$c7ef86405ba71b85acd8e2e95166c4b111448089f2e1599f42fe1bba46e865c5",
        "salt": "deadsea",
        "evidence": "/work/42",
        "expires": "2013-06-01",
        "issued_on": "2011-12-31",
        "badge": {
            "version": "0.5.0",
            "name": " Old School ",
            "image": "/img/old.png",
            "description": "From the Mozilla days.",
            "criteria": "https://old.example/criteria",
            "issuer": {"origin": "https://old.example", "name": "Old Issuer",
                       "org": "Old Org", "contact": "badges@old.example"}
        }
    }"#);
    assert_eq!(c.ob_version, Some(ObVersion::V0_5));
    assert_eq!(c.proof, Some(Proof::Hosted));
    assert_eq!(
        c.recipient,
        Some(recipient(
            "sha256$c7ef86405ba71b85acd8e2e95166c4b111448089f2e1599f42fe1bba46e865c5",
            "email",
            true,
            Some("deadsea")
        ))
    );
    assert_eq!(c.name.as_deref(), Some("Old School"));
    assert_eq!(c.image.as_deref(), Some("https://old.example/img/old.png"));
    assert_eq!(
        c.criteria_url.as_deref(),
        Some("https://old.example/criteria")
    );
    assert_eq!(c.evidence, ["https://old.example/work/42"]);
    assert_eq!(c.issuer_name.as_deref(), Some("Old Issuer (Old Org)"));
    assert_eq!(c.issuer_url.as_deref(), Some("https://old.example"));
    assert_eq!(c.issuer_email.as_deref(), Some("badges@old.example"));
    assert_eq!(c.issued_on, Some(utc("2011-12-31T00:00:00Z")));
    assert_eq!(c.expires, Some(utc("2013-06-01T00:00:00Z")));
    assert_eq!(c.hosted_url, None);
    assert_eq!(c.badge_class_url, None);
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn v1_0_signed_with_unix_dates() {
    let c = ok(r#"{
        "uid": "abc-1",
        "recipient": {"identity": "sha256$00ff", "type": "email", "hashed": true, "salt": "s"},
        "badge": "https://issuer.example/badge.json",
        "issuedOn": 1430352000,
        "expires": "1462000000",
        "verify": {"type": "signed", "url": "https://issuer.example/public.pem"}
    }"#);
    assert_eq!(c.ob_version, Some(ObVersion::V1_0));
    assert_eq!(c.proof, Some(Proof::SignedJws));
    assert_eq!(c.id.as_deref(), Some("abc-1"));
    assert_eq!(
        c.recipient,
        Some(recipient("sha256$00ff", "email", true, Some("s")))
    );
    assert_eq!(
        c.badge_class_url.as_deref(),
        Some("https://issuer.example/badge.json")
    );
    assert_eq!(c.issued_on, Some(utc("2015-04-30T00:00:00Z")));
    assert_eq!(c.expires, Some(utc("2016-04-30T07:06:40Z")));
    assert_eq!(c.hosted_url, None);
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn v1_1_hosted_with_context() {
    let c = ok(r#"{
        "@context": "https://w3id.org/openbadges/v1",
        "type": "Assertion",
        "id": "https://issuer.example/assertions/7",
        "uid": "7",
        "recipient": {"identity": "learner@example.org", "type": "email", "hashed": false},
        "badge": "https://issuer.example/badge.json",
        "issuedOn": "2016-02-01T10:00:00Z",
        "verify": {"type": "hosted", "url": "https://issuer.example/assertions/7"}
    }"#);
    assert_eq!(c.ob_version, Some(ObVersion::V1_1));
    assert_eq!(c.proof, Some(Proof::Hosted));
    assert_eq!(c.id.as_deref(), Some("https://issuer.example/assertions/7"));
    assert_eq!(
        c.hosted_url.as_deref(),
        Some("https://issuer.example/assertions/7")
    );
    assert_eq!(
        c.recipient,
        Some(recipient("learner@example.org", "email", false, None))
    );
    assert_eq!(c.issued_on, Some(utc("2016-02-01T10:00:00Z")));
}

#[test]
fn v2_0_hosted_with_embedded_badge_and_evidence() {
    let c = ok(r#"{
        "@context": ["https://w3id.org/openbadges/v2", {"extra": "https://x.example/"}],
        "type": "Assertion",
        "id": "https://issuer.example/a/1",
        "recipient": {"type": "url", "identity": "https://learner.example", "hashed": false},
        "image": "https://issuer.example/a/1/baked.png",
        "issuedOn": "2019-03-01T00:00:00+01:00",
        "expires": "2029-03-01T00:00:00Z",
        "evidence": [{"id": "https://learner.example/work", "narrative": "built it"},
                     {"narrative": "presented it"}, "https://learner.example/video"],
        "badge": {
            "type": "BadgeClass",
            "id": "https://issuer.example/b/1",
            "name": "Builder",
            "description": "Builds things.",
            "image": {"id": "https://issuer.example/b/1.png", "caption": "a hammer"},
            "criteria": {"id": "https://issuer.example/b/1/criteria", "narrative": "Build a thing."},
            "issuer": {"type": "Profile", "id": "https://issuer.example/profile",
                       "name": "Issuer Org", "url": "https://issuer.example",
                       "email": "hello@issuer.example"}
        },
        "verification": {"type": "HostedBadge"}
    }"#);
    assert_eq!(c.ob_version, Some(ObVersion::V2_0));
    assert_eq!(c.proof, Some(Proof::Hosted));
    assert_eq!(c.hosted_url.as_deref(), Some("https://issuer.example/a/1"));
    assert_eq!(
        c.recipient,
        Some(recipient("https://learner.example", "url", false, None))
    );
    assert_eq!(c.name.as_deref(), Some("Builder"));
    assert_eq!(c.description.as_deref(), Some("Builds things."));
    assert_eq!(c.image.as_deref(), Some("https://issuer.example/b/1.png"));
    assert_eq!(
        c.criteria_url.as_deref(),
        Some("https://issuer.example/b/1/criteria")
    );
    assert_eq!(c.criteria_text.as_deref(), Some("Build a thing."));
    assert_eq!(c.issuer_name.as_deref(), Some("Issuer Org"));
    assert_eq!(c.issuer_url.as_deref(), Some("https://issuer.example"));
    assert_eq!(
        c.issuer_id.as_deref(),
        Some("https://issuer.example/profile")
    );
    assert_eq!(c.issuer_email.as_deref(), Some("hello@issuer.example"));
    assert_eq!(c.issuer_profile_url, None);
    assert_eq!(c.badge_class_url, None);
    assert_eq!(c.issued_on, Some(utc("2019-02-28T23:00:00Z")));
    assert_eq!(c.expires, Some(utc("2029-03-01T00:00:00Z")));
    assert_eq!(
        c.evidence,
        [
            "https://learner.example/work",
            "presented it",
            "https://learner.example/video"
        ]
    );
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn v2_0_signed_jws() {
    let payload = json!({
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "urn:uuid:2f6a4e6c-8d0b-4a55-9a3c-5b1c7c1d0e01",
        "recipient": {"type": "email", "hashed": false, "identity": "learner@example.org"},
        "badge": "https://issuer.example/b/2",
        "issuedOn": "2020-01-02T03:04:05Z",
        "verification": {"type": "SignedBadge", "creator": "https://issuer.example/key"}
    });
    let c = ok(&jws(&payload));
    assert_eq!(c.ob_version, Some(ObVersion::V2_0));
    assert_eq!(c.proof, Some(Proof::SignedJws));
    assert_eq!(
        c.id.as_deref(),
        Some("urn:uuid:2f6a4e6c-8d0b-4a55-9a3c-5b1c7c1d0e01")
    );
    assert_eq!(
        c.badge_class_url.as_deref(),
        Some("https://issuer.example/b/2")
    );
    assert_eq!(
        c.recipient,
        Some(recipient("learner@example.org", "email", false, None))
    );
    assert_eq!(c.issued_on, Some(utc("2020-01-02T03:04:05Z")));
    assert_eq!(c.hosted_url, None);
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

fn ob3_credential() -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Teamwork credential",
        "issuer": {
            "id": "did:web:issuer.example",
            "type": ["Profile"],
            "name": "Example University",
            "url": "https://issuer.example",
            "email": "registrar@issuer.example"
        },
        "validFrom": "2024-01-01T00:00:00Z",
        "validUntil": "2030-01-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{
                "type": "IdentityObject",
                "identityHash": "sha256$5f2a",
                "identityType": "emailAddress",
                "hashed": true,
                "salt": "pepper"
            }],
            "achievement": {
                "id": "https://issuer.example/achievements/teamwork",
                "type": ["Achievement"],
                "name": "Teamwork",
                "description": "Works well with others.",
                "criteria": {"narrative": "Lead a team project."},
                "image": {"id": "https://issuer.example/teamwork.png", "type": "Image"}
            }
        },
        "evidence": [{"id": "https://learner.example/project", "type": ["Evidence"]}],
        "proof": {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "verificationMethod": "did:web:issuer.example#key-1",
            "proofValue": "z58DAdFfa9SkqZMVPxAQpic7ndSayn1PzZs6ZjWp1CktyGesjuTSwRdo"
        }
    })
}

#[test]
fn v3_0_json_with_embedded_proof() {
    let c = parse_value(&ob3_credential()).expect("valid credential");
    assert_eq!(c.ob_version, Some(ObVersion::V3_0));
    assert_eq!(c.proof, Some(Proof::EmbeddedProof));
    assert_eq!(
        c.id.as_deref(),
        Some("urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002")
    );
    assert_eq!(c.name.as_deref(), Some("Teamwork"), "achievement name wins");
    assert_eq!(c.description.as_deref(), Some("Works well with others."));
    assert_eq!(c.criteria_text.as_deref(), Some("Lead a team project."));
    assert_eq!(c.criteria_url, None);
    assert_eq!(
        c.image.as_deref(),
        Some("https://issuer.example/teamwork.png")
    );
    assert_eq!(c.issuer_id.as_deref(), Some("did:web:issuer.example"));
    assert_eq!(c.issuer_name.as_deref(), Some("Example University"));
    assert_eq!(c.issuer_url.as_deref(), Some("https://issuer.example"));
    assert_eq!(c.issuer_email.as_deref(), Some("registrar@issuer.example"));
    assert_eq!(c.issuer_profile_url, None);
    assert_eq!(c.issued_on, Some(utc("2024-01-01T00:00:00Z")));
    assert_eq!(c.expires, Some(utc("2030-01-01T00:00:00Z")));
    assert_eq!(
        c.recipient,
        Some(recipient("sha256$5f2a", "email", true, Some("pepper")))
    );
    assert_eq!(c.evidence, ["https://learner.example/project"]);
    assert_eq!(c.hosted_url, None);
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);

    // The same text through `parse`, and without a proof.
    assert_eq!(ok(&ob3_credential().to_string()), c);
    let mut bare = ob3_credential();
    bare.as_object_mut().map(|o| o.remove("proof"));
    assert_eq!(ok(&bare.to_string()).proof, Some(Proof::None));
}

#[test]
fn v3_0_vc_jwt_vcdm_2() {
    let mut payload = ob3_credential();
    let obj = payload.as_object_mut().expect("object");
    obj.remove("proof");
    obj.remove("id");
    obj.insert(
        "issuer".into(),
        json!("https://issuer.example/profile.json"),
    );
    obj.insert("jti".into(), json!("urn:uuid:from-jti"));
    obj.insert(
        "credentialSubject".into(),
        json!({
            "id": "did:key:z6MkLearner",
            "achievement": {"name": "Teamwork", "criteria": {"id": "https://issuer.example/c"}}
        }),
    );
    let c = ok(&jws(&payload));
    assert_eq!(c.ob_version, Some(ObVersion::V3_0));
    assert_eq!(c.proof, Some(Proof::VcJwt));
    assert_eq!(c.id.as_deref(), Some("urn:uuid:from-jti"));
    assert_eq!(
        c.recipient,
        Some(recipient("did:key:z6MkLearner", "did", false, None))
    );
    assert_eq!(
        c.issuer_id.as_deref(),
        Some("https://issuer.example/profile.json")
    );
    assert_eq!(
        c.issuer_profile_url.as_deref(),
        Some("https://issuer.example/profile.json")
    );
    assert_eq!(c.criteria_url.as_deref(), Some("https://issuer.example/c"));
    assert_eq!(c.image, None);
    assert_eq!(c.issued_on, Some(utc("2024-01-01T00:00:00Z")));
}

#[test]
fn v3_0_vc_claim_of_vcdm_1_1() {
    let payload = json!({
        "iss": "did:web:issuer.example",
        "jti": "urn:uuid:0c8e6f4a-1111-4a1a-9a9a-000000000001",
        "sub": "https://learner.example/me",
        "nbf": 1704067200,
        "exp": 1893456000,
        "vc": {
            "@context": ["https://www.w3.org/2018/credentials/v1",
                         "https://purl.imsglobal.org/spec/ob/v3p0/context.json"],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": "Credential name only",
            "credentialSubject": {
                "type": "AchievementSubject",
                "achievement": {"description": "No name here."}
            }
        }
    });
    let c = ok(&jws(&payload));
    assert_eq!(c.ob_version, Some(ObVersion::V3_0));
    assert_eq!(c.proof, Some(Proof::VcJwt));
    assert_eq!(
        c.id.as_deref(),
        Some("urn:uuid:0c8e6f4a-1111-4a1a-9a9a-000000000001")
    );
    assert_eq!(c.issuer_id.as_deref(), Some("did:web:issuer.example"));
    assert_eq!(c.issuer_profile_url, None, "a DID is not fetched as a URL");
    assert_eq!(
        c.recipient,
        Some(recipient("https://learner.example/me", "url", false, None))
    );
    assert_eq!(c.issued_on, Some(utc("2024-01-01T00:00:00Z")));
    assert_eq!(c.expires, Some(utc("2030-01-01T00:00:00Z")));
    assert_eq!(
        c.name.as_deref(),
        Some("Credential name only"),
        "falls back to the credential name"
    );
    assert_eq!(c.description.as_deref(), Some("No name here."));
    assert_eq!(
        c.warnings,
        ["the credential names no recipient (`credentialSubject.id` or `identifier`)"]
    );
}

#[test]
fn v3_0_claims_never_override_the_credential() {
    let payload = json!({
        "iss": "https://other.example",
        "jti": "urn:other",
        "nbf": 0,
        "vc": {
            "@context": ["https://www.w3.org/2018/credentials/v1"],
            "id": "urn:own",
            "type": ["VerifiableCredential"],
            "issuer": "did:web:own.example",
            "issuanceDate": "2022-05-05T00:00:00Z",
            "expirationDate": "2023-05-05",
            "credentialSubject": {"id": "did:example:learner", "achievement": {"name": "X"}}
        }
    });
    let c = ok(&jws(&payload));
    assert_eq!(c.id.as_deref(), Some("urn:own"));
    assert_eq!(c.issuer_id.as_deref(), Some("did:web:own.example"));
    assert_eq!(c.issued_on, Some(utc("2022-05-05T00:00:00Z")));
    assert_eq!(c.expires, Some(utc("2023-05-05T00:00:00Z")));
}

// ---- merging fetched documents -----------------------------------------

#[test]
fn apply_badge_class_then_issuer() {
    let mut c = ok(r#"{
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "https://issuer.example/a/9",
        "recipient": {"type": "email", "hashed": false, "identity": "me@example.org"},
        "image": "https://issuer.example/a/9/baked.png",
        "badge": "https://issuer.example/b/9",
        "verification": {"type": "hosted"}
    }"#);
    assert_eq!(
        c.badge_class_url.as_deref(),
        Some("https://issuer.example/b/9")
    );
    assert_eq!(
        c.image.as_deref(),
        Some("https://issuer.example/a/9/baked.png")
    );

    c.apply_badge_class(&json!({
        "type": "BadgeClass",
        "id": "https://issuer.example/b/9",
        "name": "Nine",
        "description": "The ninth.",
        "image": "data:image/png;base64,iVBORw0KGgo=",
        "criteria": "https://issuer.example/b/9/criteria",
        "issuer": "https://issuer.example/profile"
    }))
    .expect("BadgeClass merges");
    assert_eq!(c.badge_class_url, None);
    assert_eq!(c.name.as_deref(), Some("Nine"));
    assert_eq!(
        c.image.as_deref(),
        Some("data:image/png;base64,iVBORw0KGgo="),
        "the BadgeClass image replaces the baked copy"
    );
    assert_eq!(
        c.criteria_url.as_deref(),
        Some("https://issuer.example/b/9/criteria")
    );
    assert_eq!(
        c.issuer_profile_url.as_deref(),
        Some("https://issuer.example/profile")
    );

    c.apply_issuer(&json!({
        "type": "Issuer",
        "name": "Nine Org",
        "url": "https://issuer.example",
        "email": "nine@issuer.example"
    }))
    .expect("Issuer merges");
    assert_eq!(c.issuer_profile_url, None);
    assert_eq!(c.issuer_name.as_deref(), Some("Nine Org"));
    assert_eq!(c.issuer_url.as_deref(), Some("https://issuer.example"));
    assert_eq!(c.issuer_email.as_deref(), Some("nine@issuer.example"));
    assert_eq!(
        c.issuer_id.as_deref(),
        Some("https://issuer.example/profile"),
        "a profile without `id` is known by the URL it was fetched from"
    );
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn apply_rejects_non_objects() {
    let mut c = Credential::default();
    assert_eq!(
        c.apply_badge_class(&json!("https://x.example/b")),
        Err(CredentialError::Shape(
            "expected a BadgeClass object, found a JSON string".into()
        ))
    );
    assert_eq!(
        c.apply_issuer(&json!([1])),
        Err(CredentialError::Shape(
            "expected an issuer profile object, found a JSON array".into()
        ))
    );
}

// ---- hostile and broken input --------------------------------------------

#[test]
fn nesting_ten_thousand_deep_is_a_clear_error() {
    let deep = format!("{}1{}", r#"{"a":"#.repeat(10_000), "}".repeat(10_000));
    let e = err(&deep);
    assert_eq!(e.code(), ErrorCode::MalformedCredential);
    assert!(
        matches!(&e, CredentialError::Json(m) if m.starts_with("the document is nested too deeply")),
        "{e}"
    );
    let e = err(&format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)));
    assert!(e.to_string().contains("nested too deeply"), "{e}");
}

#[test]
fn non_objects_and_objects_without_tell_tales() {
    for (text, found) in [
        ("[1, 2]", "a JSON array"),
        (r#""hello""#, "a JSON string"),
        ("42", "a JSON number"),
        ("null", "JSON null"),
        ("true", "a JSON boolean"),
    ] {
        assert_eq!(
            err(text),
            CredentialError::Shape(format!(
                "expected an Open Badges assertion or credential, found {found}"
            ))
        );
    }
    assert_eq!(
        err(r#"{"name": "x"}"#),
        CredentialError::Shape(
            "expected an Open Badges assertion or credential, found an object with none of \
             `recipient`, `badge`, `credentialSubject`"
                .into()
        )
    );
    assert_eq!(
        err(r#"{"type": "BadgeClass", "name": "x"}"#),
        CredentialError::Shape(
            "expected an Open Badges assertion or credential, found a document of type `BadgeClass`"
                .into()
        )
    );
}

#[test]
fn missing_recipient_or_badge_is_a_shape_error() {
    assert_eq!(
        err(r#"{"uid": "1", "badge": "https://x.example/b", "verify": {"type": "hosted"}}"#),
        CredentialError::Shape("the assertion has no `recipient`".into())
    );
    assert_eq!(
        err(r#"{"recipient": {"identity": "a@b.c", "type": "email"}, "badge": 5}"#),
        CredentialError::Shape(
            "`badge` should be a URL or a BadgeClass object, found a JSON number".into()
        )
    );
    assert_eq!(
        err(r#"{"@context": "https://www.w3.org/ns/credentials/v2", "recipient": "x"}"#),
        CredentialError::Shape("the credential has no `credentialSubject`".into())
    );
}

#[test]
fn wrong_types_and_bad_dates_become_warnings() {
    let c = ok(r#"{
        "@context": "https://w3id.org/openbadges/v2/",
        "type": "Assertion",
        "id": "https://issuer.example/a/3",
        "recipient": {"type": "email", "hashed": false, "identity": "me@example.org"},
        "issuedOn": "2015-02-30T00:00:00Z",
        "badge": {"name": 7, "description": "ok", "issuer": "https://issuer.example/i"},
        "verification": {"type": "hosted"}
    }"#);
    assert_eq!(c.ob_version, Some(ObVersion::V2_0));
    assert_eq!(c.name, None);
    assert_eq!(c.description.as_deref(), Some("ok"));
    assert_eq!(c.issued_on, None);
    assert_eq!(
        c.warnings,
        [
            "`badge.name` should be text, found a JSON number; ignored",
            "`badge` has no `name`",
            "`issuedOn` is not a valid date: `2015-02-30T00:00:00Z`; ignored",
        ]
    );
}

#[test]
fn unverifiable_assertions_say_so() {
    let c = ok(r#"{"recipient": {"identity": "a@b.c", "type": "email"},
                   "badge": "https://x.example/b", "uid": "local-1"}"#);
    assert_eq!(c.ob_version, Some(ObVersion::V1_0));
    assert_eq!(c.proof, Some(Proof::None));
    assert_eq!(
        c.warnings,
        ["the assertion has no `verification` or `verify`; the badge cannot be checked"]
    );
}

#[test]
fn huge_text_is_too_large() {
    let huge = " ".repeat(MAX_CREDENTIAL_BYTES + 1);
    let e = err(&huge);
    assert_eq!(
        e,
        CredentialError::TooLarge {
            limit: MAX_CREDENTIAL_BYTES
        }
    );
    assert_eq!(e.code(), ErrorCode::TooLarge);
}

#[test]
fn garbage_jws_and_other_text() {
    assert!(matches!(err("abc.def.ghi"), CredentialError::Jws(_)));
    assert!(matches!(err("a.b"), CredentialError::Jws(_)));
    assert_eq!(
        err(&jws(&json!({"sub": "someone", "iat": 1}))),
        CredentialError::Shape(
            "in the JWS payload: expected an Open Badges assertion or credential, found an object \
             with none of `recipient`, `badge`, `credentialSubject`"
                .into()
        )
    );
    assert_eq!(
        err(&jws(&json!({"vc": "nope"}))),
        CredentialError::Shape(
            "the JWS `vc` claim should be a credential object, found a JSON string".into()
        )
    );
    assert_eq!(
        err("  \u{feff} "),
        CredentialError::Shape("the text is empty".into())
    );
    assert!(matches!(
        err("https://issuer.example/a/1"),
        CredentialError::Shape(m) if m.starts_with("found the web address `https://issuer.example/a/1`")
    ));
    assert!(matches!(err("not a badge"), CredentialError::Json(_)));
    assert_eq!(
        err("1.5"),
        CredentialError::Shape(
            "expected an Open Badges assertion or credential, found a JSON number".into()
        )
    );
}

#[test]
fn unsigned_jws_is_read_with_a_warning() {
    let signed = jws(&json!({
        "recipient": {"identity": "a@b.c", "type": "email"},
        "badge": "https://x.example/b",
        "verify": {"type": "signed"}
    }));
    let unsigned = format!("{}.", signed.rsplit_once('.').map_or("", |(head, _)| head));
    let c = ok(&unsigned);
    assert_eq!(c.proof, Some(Proof::SignedJws));
    assert_eq!(c.warnings, ["the JWS has an empty signature"]);
}

// ---- real third-party fixtures -------------------------------------------

#[test]
fn fixture_badgr_0_5_basic_instance() {
    let Some(text) = fixture(&format!("{BADGR}0_5_basic_instance.json")) else {
        return;
    };
    let c = ok(&text);
    assert_eq!(c.ob_version, Some(ObVersion::V0_5));
    assert_eq!(c.proof, Some(Proof::Hosted));
    assert_eq!(
        c.recipient,
        Some(recipient("test@example.com", "email", false, None))
    );
    assert_eq!(c.name.as_deref(), Some("Basic McBadge"));
    assert_eq!(c.description.as_deref(), Some("A basic badge."));
    assert_eq!(c.image.as_deref(), Some("http://oldstyle.com/images/1"));
    assert_eq!(
        c.criteria_url.as_deref(),
        Some("http://oldsyle.com/criteria/1")
    );
    assert_eq!(c.issuer_name.as_deref(), Some("Basic Issuer"));
    assert_eq!(c.issuer_url.as_deref(), Some("http://oldstyle.com"));
    assert_eq!(c.issued_on, Some(utc("2011-12-31T00:00:00Z")));
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn fixture_badgr_1_0_with_badge_class_and_issuer() {
    let (Some(text), Some(badge_class), Some(issuer)) = (
        fixture(&format!("{BADGR}1_0_basic_instance.json")),
        fixture_json(&format!("{BADGR}1_0_basic_badgeclass.json")),
        fixture_json(&format!("{BADGR}1_0_basic_issuer.json")),
    ) else {
        return;
    };
    let mut c = ok(&text);
    assert_eq!(c.ob_version, Some(ObVersion::V1_0));
    assert_eq!(c.proof, Some(Proof::Hosted));
    assert_eq!(c.id.as_deref(), Some("123abc"));
    assert_eq!(c.hosted_url.as_deref(), Some("http://a.com/instance"));
    assert_eq!(
        c.recipient,
        Some(recipient("test@example.com", "email", false, None))
    );
    assert_eq!(c.issued_on, Some(utc("2015-04-30T00:00:00Z")));
    assert_eq!(
        c.badge_class_url.as_deref(),
        Some("http://a.com/badgeclass")
    );

    c.apply_badge_class(&badge_class)
        .expect("BadgeClass merges");
    assert_eq!(c.badge_class_url, None);
    assert_eq!(c.name.as_deref(), Some("Basic Badge"));
    assert_eq!(c.description.as_deref(), Some("Basic as it gets. v1.0"));
    assert_eq!(c.image.as_deref(), Some("http://a.com/badgeclass_image"));
    assert_eq!(
        c.criteria_url.as_deref(),
        Some("http://a.com/badgeclass_criteria")
    );
    assert_eq!(c.issuer_profile_url.as_deref(), Some("http://a.com/issuer"));

    c.apply_issuer(&issuer).expect("Issuer merges");
    assert_eq!(c.issuer_profile_url, None);
    assert_eq!(c.issuer_name.as_deref(), Some("Basic Issuer"));
    assert_eq!(c.issuer_url.as_deref(), Some("http://a.com/issuer/website"));
    assert_eq!(c.issuer_id.as_deref(), Some("http://a.com/issuer"));
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn fixture_badgr_broken_1_0_files() {
    let (Some(missing_badge), Some(bad_date), Some(bad_json)) = (
        fixture(&format!(
            "{BADGR}1_0_basic_instance_missing_badge_prop.json"
        )),
        fixture(&format!("{BADGR}1_0_basic_instance_with_bad_date.json")),
        fixture(&format!("{BADGR}1_0_basic_issuer_invalid_json.json")),
    ) else {
        return;
    };
    assert_eq!(
        err(&missing_badge),
        CredentialError::Shape("the assertion has no `badge`".into())
    );

    let c = ok(&bad_date);
    assert_eq!(c.issued_on, None);
    assert_eq!(
        c.warnings,
        ["`issuedOn` is not a valid date: `2015-04-31`; ignored"]
    );

    assert!(
        matches!(err(&bad_json), CredentialError::Json(m) if m.contains("line 4")),
        "the message points at the missing comma"
    );
}

#[test]
fn fixture_badgr_2_0_embedded_badge_class() {
    let Some(text) = fixture(&format!("{BADGR}2_0_assertion_embedded_badgeclass.json")) else {
        return;
    };
    let c = ok(&text);
    assert_eq!(c.ob_version, Some(ObVersion::V2_0));
    assert_eq!(c.proof, Some(Proof::Hosted));
    assert_eq!(
        c.hosted_url.as_deref(),
        Some("http://a.com/assertion-embedded1")
    );
    assert_eq!(c.name.as_deref(), Some("Embedded badgeclass"));
    assert_eq!(
        c.description.as_deref(),
        Some("bespoke embedded badgeclass")
    );
    assert_eq!(c.criteria_text.as_deref(), Some("do it"));
    assert_eq!(c.image.as_deref(), Some("http://a.com/badgeclass_image"));
    assert_eq!(c.issuer_name.as_deref(), Some("Basic Issuer"));
    assert_eq!(c.issuer_url.as_deref(), Some("http://a.com/issuer/website"));
    assert_eq!(c.issuer_id, None);
    assert_eq!(c.issued_on, Some(utc("2017-06-29T21:50:14Z")));
    assert_eq!(c.badge_class_url, None);
    assert_eq!(c.issuer_profile_url, None);
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

const BETH_HASH: &str = "sha256$ecf5409f3f4b91ab60cc5ef4c02aef7032354375e70cf4d8e43f6a1d29891942";

#[test]
fn fixture_1edtech_basic_assertion_resolved() {
    let (Some(text), Some(badge_class), Some(issuer)) = (
        fixture(&format!("{OB20}basic-assertion.json")),
        fixture_json(&format!("{OB20}assets/robotics-badge.json")),
        fixture_json(&format!("{OB20}assets/organization.json")),
    ) else {
        return;
    };
    let mut c = ok(&text);
    assert_eq!(c.ob_version, Some(ObVersion::V2_0));
    assert_eq!(c.proof, Some(Proof::Hosted));
    assert_eq!(
        c.hosted_url.as_deref(),
        Some("https://example.org/beths-robotics-badge.json")
    );
    assert_eq!(
        c.recipient,
        Some(recipient(BETH_HASH, "email", true, Some("deadsea")))
    );
    assert_eq!(c.evidence, ["https://example.org/beths-robot-work.html"]);
    assert_eq!(c.issued_on, Some(utc("2016-12-31T23:59:59Z")));

    c.apply_badge_class(&badge_class)
        .expect("BadgeClass merges");
    c.apply_issuer(&issuer).expect("Issuer merges");
    assert_eq!(c.name.as_deref(), Some("Awesome Robotics Badge"));
    assert_eq!(
        c.image.as_deref(),
        Some("https://example.org/robotics-badge.png")
    );
    assert_eq!(
        c.criteria_url.as_deref(),
        Some("https://example.org/badgecriteria.json")
    );
    assert_eq!(c.issuer_name.as_deref(), Some("An Example Badge Issuer"));
    assert_eq!(c.issuer_url.as_deref(), Some("https://example.org"));
    assert_eq!(
        c.issuer_id.as_deref(),
        Some("https://example.org/organization.json")
    );
    assert_eq!(c.issuer_email.as_deref(), Some("contact@example.org"));
    assert_eq!(c.badge_class_url, None);
    assert_eq!(c.issuer_profile_url, None);
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn fixture_1edtech_simple_jwt() {
    let Some(text) = fixture(&format!("{OB20}simple.jwt")) else {
        return;
    };
    let c = ok(&text);
    assert_eq!(c.ob_version, Some(ObVersion::V2_0));
    assert_eq!(c.proof, Some(Proof::SignedJws));
    assert_eq!(
        c.id.as_deref(),
        Some("https://example.org/beths-robotics-badge.json")
    );
    assert_eq!(
        c.recipient,
        Some(recipient(BETH_HASH, "email", true, Some("deadsea")))
    );
    assert_eq!(
        c.badge_class_url.as_deref(),
        Some("https://example.org/robotics-badge.json")
    );
    assert_eq!(c.hosted_url, None);
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn fixture_1edtech_future_and_invalid_context() {
    let (Some(future), Some(invalid_context)) = (
        fixture(&format!("{OB20}basic-assertion-in-future.json")),
        fixture(&format!("{OB20}basic-assertion-invalid-context.json")),
    ) else {
        return;
    };
    let c = ok(&future);
    assert_eq!(c.issued_on, Some(utc("2100-12-31T23:59:59Z")));
    assert!(
        c.warnings.is_empty(),
        "judging the date is verification's job"
    );

    let c = ok(&invalid_context);
    assert_eq!(c.ob_version, Some(ObVersion::V2_0));
    assert_eq!(c.proof, Some(Proof::Hosted));
    assert_eq!(
        c.warnings,
        [
            "unrecognised `@context` `https://w3id.org/openbadges/invalid`; read as Open Badges 2.0 by its shape"
        ]
    );
}

/// Every `.json` / `.jwt` file under `dir`, recursively.
fn documents_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            documents_under(&path, out);
        } else if path
            .extension()
            .is_some_and(|ext| ext == "json" || ext == "jwt")
        {
            out.push(path);
        }
    }
}

#[test]
fn fixtures_and_their_truncations_never_panic() {
    if fixture("SOURCES.md").is_none() {
        return;
    }
    let root = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/fixtures/third-party"
    ));
    let mut files = Vec::new();
    documents_under(root, &mut files);
    assert!(files.len() > 50, "found only {} documents", files.len());
    let mut parsed = 0;
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        parsed += usize::from(parse(&text).is_ok());
        for cut in (0..text.len()).step_by(5) {
            if let Some(prefix) = text.get(..cut) {
                let _ = parse(prefix);
            }
        }
    }
    assert!(parsed >= 25, "only {parsed} fixtures parsed as credentials");
}
