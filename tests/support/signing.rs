//! Signing Open Badges 3.0 credentials as an issuer does, for tests and
//! benchmarks: an Ed25519 key as a Multikey and `did:key`, embedded Data
//! Integrity proofs (`eddsa-jcs-2022`, `eddsa-rdfc-2022`), compact JWS and
//! the claims of a VC-JWT.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

/// An Ed25519 public key as a multibase Multikey (`z6Mk…`).
pub fn multikey(key: &VerifyingKey) -> String {
    let mut bytes = vec![0xed, 0x01];
    bytes.extend_from_slice(key.as_bytes());
    format!("z{}", bs58::encode(bytes).into_string())
}

/// The `did:key` of `key` and the id of its verification method.
pub fn did_key(key: &VerifyingKey) -> (String, String) {
    let multikey = multikey(key);
    (
        format!("did:key:{multikey}"),
        format!("did:key:{multikey}#{multikey}"),
    )
}

/// `vc` with a Data Integrity proof of `suite` (`eddsa-jcs-2022` or
/// `eddsa-rdfc-2022`, over the RDFC-1.0 N-Quads Satchel computes) made with
/// `key`, named as `method`.
pub fn with_proof(key: &SigningKey, vc: &Value, method: &str, suite: &str) -> Value {
    let mut proof = json!({"type": "DataIntegrityProof", "cryptosuite": suite,
        "created": "2024-01-01T00:00:00Z", "proofPurpose": "assertionMethod",
        "verificationMethod": method});
    // The proof configuration carries the credential's contexts (both suites).
    let mut config = proof.clone();
    config["@context"] = vc["@context"].clone();
    let canonical = |v: &Value| match suite {
        "eddsa-jcs-2022" => serde_json_canonicalizer::to_vec(v).expect("JCS"),
        "eddsa-rdfc-2022" => {
            satchel::verify::canonical_nquads(v, satchel::verify::ContextTexts::CURRENT)
                .expect("canonical N-Quads")
                .into_bytes()
        }
        other => panic!("cannot sign {other}"),
    };
    let mut data = Sha256::digest(canonical(&config)).to_vec();
    data.extend_from_slice(&Sha256::digest(canonical(vc)));
    let signature = key.sign(&data).to_bytes();
    proof["proofValue"] = format!("z{}", bs58::encode(signature).into_string()).into();
    let mut signed = vc.clone();
    signed["proof"] = proof;
    signed
}

/// The JWT claims of a VC-JWT of `vc`, agreeing with it: `iss`, `jti`,
/// `nbf` (and `exp` when it has `validUntil`), and `vc` itself.
pub fn jwt_claims(vc: &Value) -> Value {
    let seconds = |k: &str| {
        vc[k].as_str().map(|d| {
            chrono::DateTime::parse_from_rfc3339(d)
                .expect("RFC 3339 date")
                .timestamp()
        })
    };
    let mut claims =
        json!({"iss": vc["issuer"]["id"], "jti": vc["id"], "nbf": seconds("validFrom"), "vc": vc});
    if let Some(exp) = seconds("validUntil") {
        claims["exp"] = exp.into();
    }
    claims
}

/// A compact JWS of `payload` with `header`, signed by `sign` (which is
/// given the signing input and returns the raw signature).
pub fn compact_jws(header: &Value, payload: &Value, sign: impl Fn(&[u8]) -> Vec<u8>) -> String {
    let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(payload.to_string().as_bytes())
    );
    format!("{input}.{}", b64(&sign(input.as_bytes())))
}

/// An EdDSA VC-JWT of `vc` by `key`, its header naming `kid`.
pub fn eddsa_vc_jwt(key: &SigningKey, kid: &str, vc: &Value) -> String {
    compact_jws(
        &json!({"alg": "EdDSA", "kid": kid}),
        &jwt_claims(vc),
        |input| key.sign(input).to_bytes().to_vec(),
    )
}
