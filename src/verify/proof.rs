//! W3C Data Integrity proofs: the `eddsa-jcs-2022` and `eddsa-rdfc-2022`
//! cryptosuites.
//!
//! Both sign SHA-256 of the canonical proof options (the proof without
//! `proofValue`) followed by SHA-256 of the canonical document without its
//! proof, with Ed25519, the signature written as multibase base58btc; a
//! proof's own `@context` must open the document's and then stands for it,
//! and the proof options are read under the document's `@context` (so a
//! proof without its own `@context` is checked as the spec signs it).
//! They differ in the canonical form: `eddsa-jcs-2022` is JCS (RFC 8785,
//! `serde_json_canonicalizer`) of the JSON; `eddsa-rdfc-2022` is the RDFC-1.0
//! N-Quads of both expanded as JSON-LD with the contexts Satchel ships
//! ([`canonical_nquads`]). A context Satchel does not ship is
//! [`ProofError::UnknownContext`]: it is never fetched.

use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};

use super::keys::{KeyError, PublicKey};
use super::rdfc::canonical_nquads;

/// The JCS cryptosuite.
pub const EDDSA_JCS_2022: &str = "eddsa-jcs-2022";
/// The RDF canonicalization cryptosuite.
pub const EDDSA_RDFC_2022: &str = "eddsa-rdfc-2022";

/// Why a Data Integrity proof does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The proof or document is not shaped as the cryptosuite requires.
    #[error("the proof is not well formed: {0}")]
    Format(String),
    /// The key or signature check failed.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The document names a JSON-LD context Satchel does not ship.
    #[error(
        "the proof uses the JSON-LD context {0}, which Satchel does not ship, so it cannot be checked"
    )]
    UnknownContext(String),
    /// The document is not JSON-LD its contexts can expand, or its RDF
    /// cannot be canonicalized.
    #[error("the credential cannot be read as JSON-LD: {0}")]
    JsonLd(String),
}

/// A secured document split into what its proof signs.
struct Unsecured {
    /// The proof without `proofValue`.
    options: Map<String, Value>,
    /// The document without `proof`.
    document: Map<String, Value>,
    /// The decoded `proofValue`.
    signature: Vec<u8>,
}

impl Unsecured {
    /// Splits `document` and its proof `proof` (of cryptosuite `suite`, to
    /// be checked with `key`: an Ed25519 key, else nothing is worth reading).
    fn split(
        document: &Value,
        proof: &Value,
        suite: &str,
        key: &PublicKey,
    ) -> Result<Unsecured, ProofError> {
        let PublicKey::Ed25519(_) = key else {
            return Err(KeyError::Mismatch {
                alg: suite.into(),
                key: key.kind(),
            }
            .into());
        };
        let format = |m: &str| ProofError::Format(m.to_owned());
        let mut options = proof
            .as_object()
            .ok_or_else(|| format("the proof is not an object"))?
            .clone();
        if options.get("cryptosuite").and_then(Value::as_str) != Some(suite) {
            return Err(ProofError::Format(format!(
                "the proof's cryptosuite is not {suite}"
            )));
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
        // Both suites' proof configuration carries the document's contexts.
        if let Some(context) = unsecured.get("@context") {
            options.insert("@context".into(), context.clone());
        }
        Ok(Unsecured {
            options,
            document: unsecured,
            signature,
        })
    }

    /// Checks the signature over the canonical proof options and document
    /// with `key`.
    fn check(
        &self,
        canonical_options: &[u8],
        canonical_document: &[u8],
        key: &PublicKey,
    ) -> Result<(), ProofError> {
        let mut signed = Sha256::digest(canonical_options).to_vec();
        signed.extend_from_slice(&Sha256::digest(canonical_document));
        Ok(key.verify("EdDSA", &signed, &self.signature)?)
    }
}

/// Checks one `eddsa-jcs-2022` proof (an entry of `document.proof`) of
/// `document` with `key`.
pub fn verify_eddsa_jcs(
    document: &Value,
    proof: &Value,
    key: &PublicKey,
) -> Result<(), ProofError> {
    let unsecured = Unsecured::split(document, proof, EDDSA_JCS_2022, key)?;
    let canonical = |v: &Map<String, Value>| {
        serde_json_canonicalizer::to_vec(v)
            .map_err(|e| ProofError::Format(format!("cannot canonicalize: {e}")))
    };
    unsecured.check(
        &canonical(&unsecured.options)?,
        &canonical(&unsecured.document)?,
        key,
    )
}

/// Checks one `eddsa-rdfc-2022` proof (an entry of `document.proof`) of
/// `document` with `key`.
pub fn verify_eddsa_rdfc(
    document: &Value,
    proof: &Value,
    key: &PublicKey,
) -> Result<(), ProofError> {
    let unsecured = Unsecured::split(document, proof, EDDSA_RDFC_2022, key)?;
    let canonical = |v: &Map<String, Value>| canonical_nquads(&Value::Object(v.clone()));
    unsecured.check(
        canonical(&unsecured.options)?.as_bytes(),
        canonical(&unsecured.document)?.as_bytes(),
        key,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/vc-di-eddsa")
            .join(name);
        std::fs::read_to_string(path).expect("fixture")
    }

    fn vector(name: &str) -> Value {
        serde_json::from_str(&fixture(name)).expect("JSON")
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
    fn a_proof_is_checked_only_by_its_own_cryptosuite_with_an_ed25519_key() {
        let rdfc = vector("signedDataInt.json");
        assert!(matches!(
            verify_eddsa_jcs(&rdfc, &rdfc["proof"], &test_key()),
            Err(ProofError::Format(_))
        ));
        let signing = p256::ecdsa::SigningKey::from_slice(&[7; 32]).unwrap();
        let p256 = PublicKey::P256(*signing.verifying_key());
        assert!(matches!(
            verify_eddsa_rdfc(&rdfc, &rdfc["proof"], &p256),
            Err(ProofError::Key(KeyError::Mismatch { .. }))
        ));
        let jcs = vector("signedJCS.json");
        assert!(matches!(
            verify_eddsa_rdfc(&jcs, &jcs["proof"], &test_key()),
            Err(ProofError::Format(_))
        ));
    }

    #[test]
    fn the_w3c_eddsa_rdfc_2022_canonical_forms_match_the_vectors() {
        let hashes = hex::decode(fixture("combinedHashDataInt.txt").trim()).unwrap();
        let (proof_hash, doc_hash) = hashes.split_at(32);
        let signed = vector("signedDataInt.json");
        let mut document = signed.clone();
        document.as_object_mut().unwrap().remove("proof");
        let canonical = canonical_nquads(&document).unwrap();
        assert_eq!(canonical, fixture("canonDocDataInt.txt"));
        assert_eq!(Sha256::digest(&canonical).as_slice(), doc_hash);

        let mut options = signed["proof"].clone();
        options.as_object_mut().unwrap().remove("proofValue");
        options["@context"] = signed["@context"].clone();
        let canonical = canonical_nquads(&options).unwrap();
        assert_eq!(canonical, fixture("proofCanonDataInt.txt"));
        assert_eq!(Sha256::digest(&canonical).as_slice(), proof_hash);
    }

    #[test]
    fn the_w3c_eddsa_rdfc_2022_test_vector_verifies_and_tampering_fails() {
        let doc = vector("signedDataInt.json");
        verify_eddsa_rdfc(&doc, &doc["proof"], &test_key()).expect("W3C vector verifies");

        let mut changed = doc.clone();
        changed["credentialSubject"]["alumniOf"] = "Another School".into();
        assert_eq!(
            verify_eddsa_rdfc(&changed, &changed["proof"], &test_key()),
            Err(ProofError::Key(KeyError::BadSignature))
        );
        let mut later = doc.clone();
        later["proof"]["created"] = "2024-02-24T23:36:38Z".into();
        assert_eq!(
            verify_eddsa_rdfc(&later, &later["proof"], &test_key()),
            Err(ProofError::Key(KeyError::BadSignature))
        );
    }

    #[test]
    fn an_rdfc_proof_over_an_unshipped_context_names_it_and_fetches_nothing() {
        let mut doc = vector("signedDataInt.json");
        doc["@context"][1] = "https://contexts.example/private/v1".into();
        let err = verify_eddsa_rdfc(&doc, &doc["proof"], &test_key()).unwrap_err();
        assert_eq!(
            err,
            ProofError::UnknownContext("https://contexts.example/private/v1".into())
        );
        assert_eq!(
            err.to_string(),
            "the proof uses the JSON-LD context https://contexts.example/private/v1, which Satchel does not ship, so it cannot be checked"
        );
    }
}
