//! W3C Data Integrity proofs: the `eddsa-jcs-2022` cryptosuite.
//!
//! The signed data is SHA-256 of the JCS-canonical proof options (the proof
//! without `proofValue`) followed by SHA-256 of the JCS-canonical document
//! without its proof (`serde_json_canonicalizer` implements RFC 8785 JCS);
//! the signature is Ed25519, written as multibase base58btc.
//!
//! `eddsa-rdfc-2022` signs the RDF canonical form of the JSON-LD instead; it
//! needs JSON-LD expansion with the credential's contexts and RDFC-1.0, which
//! this version does not do: such proofs are reported as not checkable,
//! never as valid.

use serde_json::Value;
use sha2::{Digest as _, Sha256};

use super::keys::{KeyError, PublicKey};

/// The cryptosuite this module checks.
pub const EDDSA_JCS_2022: &str = "eddsa-jcs-2022";

/// Why a Data Integrity proof does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The proof or document is not shaped as the cryptosuite requires.
    #[error("the proof is not well formed: {0}")]
    Format(String),
    /// The key or signature check failed.
    #[error(transparent)]
    Key(#[from] KeyError),
}

/// Checks one `eddsa-jcs-2022` proof (an entry of `document.proof`) of
/// `document` with `key`.
pub fn verify_eddsa_jcs(
    document: &Value,
    proof: &Value,
    key: &PublicKey,
) -> Result<(), ProofError> {
    let format = |m: &str| ProofError::Format(m.to_owned());
    let mut options = proof
        .as_object()
        .ok_or_else(|| format("the proof is not an object"))?
        .clone();
    if options.get("cryptosuite").and_then(Value::as_str) != Some(EDDSA_JCS_2022) {
        return Err(format("the proof's cryptosuite is not eddsa-jcs-2022"));
    }
    let signature = options
        .remove("proofValue")
        .and_then(|v| v.as_str().map(str::to_owned))
        .ok_or_else(|| format("the proof has no proofValue"))?;
    let signature = signature
        .strip_prefix('z')
        .and_then(|s| bs58::decode(s).into_vec().ok())
        .ok_or_else(|| format("the proofValue is not multibase base58btc"))?;
    let mut unsecured = document
        .as_object()
        .ok_or_else(|| format("the credential is not an object"))?
        .clone();
    unsecured.remove("proof");
    if let Some(context) = options.get("@context") {
        // The proof's contexts must open the document's, in order.
        let listed = |v: &Value| match v {
            Value::Array(items) => items.clone(),
            other => vec![other.clone()],
        };
        let (proof_ctx, doc_ctx) = (
            listed(context),
            unsecured.get("@context").map(listed).unwrap_or_default(),
        );
        if !doc_ctx.starts_with(&proof_ctx) {
            return Err(format(
                "the proof's @context does not match the credential's",
            ));
        }
        unsecured.insert("@context".into(), context.clone());
    }
    let canonical = |v: &Value| {
        serde_json_canonicalizer::to_vec(v)
            .map_err(|e| ProofError::Format(format!("cannot canonicalize: {e}")))
    };
    let mut signed = Sha256::digest(canonical(&Value::Object(options))?).to_vec();
    signed.extend_from_slice(&Sha256::digest(canonical(&Value::Object(unsecured))?));
    match key {
        PublicKey::Ed25519(_) => Ok(key.verify("EdDSA", &signed, &signature)?),
        other => Err(KeyError::Mismatch {
            alg: EDDSA_JCS_2022.into(),
            key: other.kind(),
        }
        .into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vector(name: &str) -> Value {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/vc-di-eddsa")
            .join(name);
        serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("JSON")
    }

    fn test_key() -> PublicKey {
        let pair = vector("keyPair.json");
        PublicKey::from_multibase(pair["publicKeyMultibase"].as_str().unwrap()).unwrap()
    }

    #[test]
    fn the_w3c_eddsa_jcs_2022_test_vector_verifies() {
        let doc = vector("signedJCS.json");
        verify_eddsa_jcs(&doc, &doc["proof"], &test_key()).expect("W3C vector verifies");
    }

    #[test]
    fn a_changed_credential_or_proof_option_fails() {
        let doc = vector("signedJCS.json");
        let mut changed = doc.clone();
        changed["credentialSubject"]["alumniOf"] = "Another School".into();
        assert_eq!(
            verify_eddsa_jcs(&changed, &changed["proof"], &test_key()),
            Err(ProofError::Key(KeyError::BadSignature))
        );
        let mut later = doc.clone();
        later["proof"]["created"] = "2024-02-24T23:36:38Z".into();
        assert!(verify_eddsa_jcs(&later, &later["proof"], &test_key()).is_err());
    }

    #[test]
    fn an_rdfc_proof_is_not_taken_for_a_jcs_one() {
        let doc = vector("signedDataInt.json");
        assert!(matches!(
            verify_eddsa_jcs(&doc, &doc["proof"], &test_key()),
            Err(ProofError::Format(_))
        ));
    }
}
