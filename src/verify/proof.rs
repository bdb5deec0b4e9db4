//! W3C Data Integrity proofs: every cryptosuite Open Badges 3.0 issuers
//! sign with.
//!
//! All of them sign the hash of the canonical proof options (the proof
//! without `proofValue`) followed by the hash of the canonical document
//! without its proof, the signature written as multibase base58btc. A
//! proof's own `@context` must open the document's and then stands for it,
//! and the proof options are read under the document's `@context` (so a
//! proof without its own `@context` is checked as the specs sign it). The
//! suites ([`SUITES`]) differ in three ways:
//!
//! - the canonical form: JCS (RFC 8785, `serde_json_canonicalizer`) of the
//!   JSON, or the RDFC-1.0 N-Quads of both expanded as JSON-LD with the
//!   contexts Satchel ships ([`canonical_nquads`]; a context Satchel does not
//!   ship is [`ProofError::UnknownContext`], never fetched; where a context
//!   URL had several published texts, the current ones are tried first and
//!   then the earlier ones the credential's URLs had, see [`with_texts`]), or for
//!   `ecdsa-sd-2023` derived proofs the disclosed statements one by one
//!   ([`super::sd`]);
//! - the signature: Ed25519 (the `eddsa-*` suites and the older
//!   `Ed25519Signature2020`), or ECDSA on P-256 or P-384 (`ecdsa-*-2019`),
//!   whose hash is SHA-384 on P-384 and SHA-256 otherwise;
//! - how a proof names them: `type: DataIntegrityProof` with a
//!   `cryptosuite`, or (`Ed25519Signature2020`) the proof `type` alone.
//!
//! `eddsa-2022` is the name `eddsa-rdfc-2022` had in drafts of vc-di-eddsa,
//! still found in issued credentials; it is the same algorithm.

use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256, Sha384};

use super::contexts::Texts;
use super::keys::{KeyError, PublicKey};
use super::rdfc::canonical_nquads;

/// The proof `type` of every cryptosuite but the oldest.
const DATA_INTEGRITY_PROOF: &str = "DataIntegrityProof";

/// How a suite makes the bytes it hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Canonical {
    /// JSON Canonicalization Scheme (RFC 8785).
    Jcs,
    /// RDF Dataset Canonicalization (RDFC-1.0) of the JSON-LD.
    Rdfc,
    /// RDFC-1.0 statements signed one by one, of which the holder disclosed
    /// some ([`super::sd`]).
    Selective,
}

/// The signature family of a suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Ed25519,
    /// P-256 or P-384, as the key is.
    Ecdsa,
}

/// One cryptosuite Satchel checks.
#[derive(Debug, PartialEq, Eq)]
pub struct Suite {
    /// Its `cryptosuite` (or, for a legacy suite, its proof `type`).
    pub name: &'static str,
    canonical: Canonical,
    family: Family,
    /// Named by the proof `type` rather than by a `cryptosuite`.
    by_type: bool,
}

/// The cryptosuites Satchel checks.
pub const SUITES: [Suite; 7] = [
    Suite::new("eddsa-rdfc-2022", Canonical::Rdfc, Family::Ed25519, false),
    Suite::new("eddsa-jcs-2022", Canonical::Jcs, Family::Ed25519, false),
    Suite::new("eddsa-2022", Canonical::Rdfc, Family::Ed25519, false),
    Suite::new(
        "Ed25519Signature2020",
        Canonical::Rdfc,
        Family::Ed25519,
        true,
    ),
    Suite::new("ecdsa-rdfc-2019", Canonical::Rdfc, Family::Ecdsa, false),
    Suite::new("ecdsa-jcs-2019", Canonical::Jcs, Family::Ecdsa, false),
    Suite::new("ecdsa-sd-2023", Canonical::Selective, Family::Ecdsa, false),
];

/// Why a Data Integrity proof does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The proof or document is not shaped as the cryptosuite requires.
    #[error("the proof is not well formed: {0}")]
    Format(String),
    /// The proof is of a type or cryptosuite Satchel does not check.
    #[error("the proof type {0} is not one Satchel checks")]
    UnknownSuite(String),
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

/// What a proof says it is.
#[derive(Debug, PartialEq, Eq)]
pub enum Named<'a> {
    /// A suite Satchel checks.
    Known(&'static Suite),
    /// Another suite or proof type, by its name.
    Unknown(&'a str),
}

impl Suite {
    const fn new(name: &'static str, canonical: Canonical, family: Family, by_type: bool) -> Self {
        Suite {
            name,
            canonical,
            family,
            by_type,
        }
    }

    /// The suite `proof` names. A proof with no `type`, or a
    /// `DataIntegrityProof` with no `cryptosuite`, names none and is
    /// [`ProofError::Format`].
    pub fn of(proof: &Value) -> Result<Named<'_>, ProofError> {
        let field = |k: &str| proof.get(k).and_then(Value::as_str);
        let missing = |m: &str| ProofError::Format(m.to_owned());
        let kind = field("type").ok_or_else(|| missing("the proof names no `type`"))?;
        let (name, by_type) = if kind == DATA_INTEGRITY_PROOF {
            let suite = field("cryptosuite").ok_or_else(|| {
                missing("the DataIntegrityProof names no `cryptosuite`, so nothing says how to check it")
            })?;
            (suite, false)
        } else {
            (kind, true)
        };
        Ok(SUITES
            .iter()
            .find(|s| s.name == name && s.by_type == by_type)
            .map_or(Named::Unknown(name), Named::Known))
    }

    /// Checks one proof of this suite (an entry of `document.proof`) of
    /// `document` with `key`. Says which texts of the JSON-LD contexts the
    /// proof holds with ([`Texts::CURRENT`] unless an earlier one was needed).
    pub fn verify(
        &self,
        document: &Value,
        proof: &Value,
        key: &PublicKey,
    ) -> Result<Texts, ProofError> {
        if !matches!(Suite::of(proof)?, Named::Known(named) if named == self) {
            return Err(ProofError::Format(format!(
                "the proof is not a {} proof",
                self.name
            )));
        }
        let alg = match (self.family, key) {
            (Family::Ed25519, PublicKey::Ed25519(_)) => "EdDSA",
            (Family::Ecdsa, PublicKey::P256(_)) => "ES256",
            (Family::Ecdsa, PublicKey::P384(_)) => "ES384",
            _ => {
                return Err(KeyError::Mismatch {
                    alg: self.name.into(),
                    key: key.kind(),
                }
                .into());
            }
        };
        let unsecured = Unsecured::split(document, proof)?;
        if self.canonical == Canonical::Selective {
            let document = Value::Object(unsecured.document.clone());
            return with_texts(&document, |texts| {
                super::sd::verify_derived(&unsecured, key, alg, texts)
            });
        }
        let signature = unsecured.base58_signature()?;
        let signed_with = |options: &[u8], doc: &[u8]| {
            let signed = [digest(key, options), digest(key, doc)].concat();
            key.verify(alg, &signed, &signature)
        };
        if self.canonical == Canonical::Rdfc {
            let options = Value::Object(unsecured.options);
            let document = Value::Object(unsecured.document);
            return with_texts(&document, |texts| {
                let options = canonical_nquads(&options, texts)?;
                let doc = canonical_nquads(&document, texts)?;
                Ok(signed_with(options.as_bytes(), doc.as_bytes())?)
            });
        }
        let doc = jcs(&unsecured.document)?;
        match signed_with(&jcs(&unsecured.options)?, &doc) {
            // Earlier texts of the JCS suites (still those of the W3C
            // ecdsa-jcs-2019 vectors) signed a proof without its own
            // `@context` as it stands; the document is signed all the same.
            Err(KeyError::BadSignature) if proof.get("@context").is_none() => {
                let mut bare = unsecured.options;
                bare.remove("@context");
                signed_with(&jcs(&bare)?, &doc)?;
            }
            checked => checked?,
        }
        Ok(Texts::CURRENT)
    }
}

/// Runs the signature check `check` with the current text of every JSON-LD
/// context and, only when the signature does not match, with the earlier
/// texts of the contexts `document` names ([`Texts::alternatives`], a
/// bounded number). Says the texts it held with; when none does, the
/// signature does not match. An earlier text that cannot read the document
/// proves nothing either way and is passed over.
fn with_texts(
    document: &Value,
    check: impl Fn(Texts) -> Result<(), ProofError>,
) -> Result<Texts, ProofError> {
    match check(Texts::CURRENT) {
        Err(ProofError::Key(KeyError::BadSignature)) => {}
        checked => return checked.map(|()| Texts::CURRENT),
    }
    Texts::alternatives(document)
        .into_iter()
        .find(|&texts| check(texts).is_ok())
        .ok_or(ProofError::Key(KeyError::BadSignature))
}

/// Checks one embedded proof (an entry of `document.proof`) of `document`
/// with `key`, whichever of [`SUITES`] it names, and says which texts of
/// the JSON-LD contexts it holds with.
pub fn verify_proof(document: &Value, proof: &Value, key: &PublicKey) -> Result<Texts, ProofError> {
    match Suite::of(proof)? {
        Named::Known(suite) => suite.verify(document, proof, key),
        Named::Unknown(name) => Err(ProofError::UnknownSuite(name.to_owned())),
    }
}

/// The hash a suite uses with `key`: SHA-384 for P-384, else SHA-256.
pub(super) fn digest(key: &PublicKey, data: &[u8]) -> Vec<u8> {
    match key {
        PublicKey::P384(_) => Sha384::digest(data).to_vec(),
        _ => Sha256::digest(data).to_vec(),
    }
}

/// The JCS bytes of `value`.
fn jcs(value: &Map<String, Value>) -> Result<Vec<u8>, ProofError> {
    serde_json_canonicalizer::to_vec(value)
        .map_err(|e| ProofError::Format(format!("cannot canonicalize: {e}")))
}

/// A secured document split into what its proof signs.
pub(super) struct Unsecured {
    /// The proof without `proofValue`, under the document's `@context`.
    pub options: Map<String, Value>,
    /// The document without `proof`.
    pub document: Map<String, Value>,
    /// The `proofValue`, as written.
    pub proof_value: String,
}

impl Unsecured {
    /// Splits `document` and its proof `proof`.
    fn split(document: &Value, proof: &Value) -> Result<Unsecured, ProofError> {
        let format = |m: &str| ProofError::Format(m.to_owned());
        let mut options = proof
            .as_object()
            .ok_or_else(|| format("the proof is not an object"))?
            .clone();
        let proof_value = match options.remove("proofValue") {
            Some(Value::String(text)) => text,
            Some(_) => return Err(format("the proofValue is not a string")),
            None => return Err(format("the proof has no proofValue")),
        };
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
        // Every suite's proof configuration carries the document's contexts.
        if let Some(context) = unsecured.get("@context") {
            options.insert("@context".into(), context.clone());
        }
        Ok(Unsecured {
            options,
            document: unsecured,
            proof_value,
        })
    }

    /// The signature, written as multibase base58btc (`z…`).
    fn base58_signature(&self) -> Result<Vec<u8>, ProofError> {
        self.proof_value
            .strip_prefix('z')
            .and_then(|s| bs58::decode(s).into_vec().ok())
            .ok_or_else(|| ProofError::Format("the proofValue is not multibase base58btc".into()))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::did::key_in_reference;
    use super::*;

    fn fixture(name: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        std::fs::read_to_string(path).expect("fixture")
    }

    fn vector(name: &str) -> Value {
        serde_json::from_str(&fixture(name)).expect("JSON")
    }

    fn suite(name: &str) -> &'static Suite {
        SUITES.iter().find(|s| s.name == name).expect("a suite")
    }

    /// The key a vector's proof names (each names it in its reference).
    fn key_of(doc: &Value) -> PublicKey {
        let first = super::super::one_or_many(doc.get("proof"))[0];
        let method = first["verificationMethod"].as_str().unwrap();
        key_in_reference(method).expect("key in reference").unwrap()
    }

    fn proof_of(doc: &mut Value) -> &mut Value {
        match &mut doc["proof"] {
            Value::Array(items) => &mut items[0],
            single => single,
        }
    }

    /// Every signed credential of other people's test vectors: the W3C
    /// cryptosuite specifications' and the 1EdTech validator's Open Badges 3.0
    /// fixtures (VC 1.1 with OB 3.0.1 and Data Integrity v1; VC 2.0 with OB
    /// 3.0.3 and the extensions context), each with the earlier context text
    /// it was signed over, if any.
    const VECTORS: [(&str, &str, &str, Option<&str>); 9] = [
        (
            "vc-di-eddsa/signedDataInt.json",
            "eddsa-rdfc-2022",
            "Ed25519",
            None,
        ),
        (
            "vc-di-eddsa/signedJCS.json",
            "eddsa-jcs-2022",
            "Ed25519",
            None,
        ),
        (
            "vc-di-eddsa/Ed25519Signature2020/signedEdSig.json",
            "Ed25519Signature2020",
            "Ed25519",
            None,
        ),
        (
            "vc-di-ecdsa/ecdsa-rdfc-2019-p256/signedECDSAP256.json",
            "ecdsa-rdfc-2019",
            "P-256",
            Some(VC2_DRAFT),
        ),
        (
            "vc-di-ecdsa/ecdsa-rdfc-2019-p384/signedECDSAP384.json",
            "ecdsa-rdfc-2019",
            "P-384",
            Some(VC2_DRAFT),
        ),
        (
            "vc-di-ecdsa/ecdsa-jcs-2019-p256/signedJCSECDSAP256.json",
            "ecdsa-jcs-2019",
            "P-256",
            None,
        ),
        (
            "vc-di-ecdsa/ecdsa-jcs-2019-p384/signedJCSECDSAP384.json",
            "ecdsa-jcs-2019",
            "P-384",
            None,
        ),
        (
            "ob30-validator/simple-eddsa-2022.json",
            "eddsa-2022",
            "Ed25519",
            None,
        ),
        (
            "ob30-validator/simple-did-key-method.json",
            "eddsa-rdfc-2022",
            "Ed25519",
            None,
        ),
    ];

    /// The draft of the VC 2.0 context the W3C `eddsa-2022` and
    /// `ecdsa-rdfc-2019` vectors' proof options were signed over
    /// (`cryptosuite` untyped).
    const VC2_DRAFT: &str = "a VC 2.0 draft, in ssi-contexts 0.1.5";

    #[test]
    fn every_published_vector_verifies_with_the_key_it_names_and_the_text_it_was_signed_over() {
        for (path, name, kind, earlier) in VECTORS {
            let doc = vector(path);
            let proof = super::super::one_or_many(doc.get("proof"))[0];
            assert_eq!(Suite::of(proof), Ok(Named::Known(suite(name))), "{path}");
            let key = key_of(&doc);
            assert_eq!(key.kind(), kind, "{path}");
            let texts = verify_proof(&doc, proof, &key).unwrap_or_else(|e| panic!("{path}: {e}"));
            let expected: Vec<_> = earlier
                .map(|from| ("https://www.w3.org/ns/credentials/v2", from))
                .into_iter()
                .collect();
            assert_eq!(texts.earlier(), expected, "{path}");
        }
    }

    #[test]
    fn the_w3c_eddsa_2022_vector_holds_only_over_an_examples_context_never_published() {
        let published = vector("vc-di-eddsa/eddsa-2022/signedDataInt.json");
        let key = key_of(&published);
        assert_eq!(
            verify_proof(&published, &published["proof"], &key),
            Err(ProofError::Key(KeyError::BadSignature))
        );
        // Its canonical document (TestVectors/eddsa-2022/canonDocDataInt.txt)
        // reads `alumniOf` as https://schema.org/alumniOf, which no published
        // text of the examples context does; with that one term defined so,
        // the signature holds over the draft VC 2.0 context.
        let mut stand_in = published.clone();
        stand_in["@context"][1] = json!({
            "AlumniCredential": "https://www.w3.org/ns/credentials/examples#AlumniCredential",
            "alumniOf": "https://schema.org/alumniOf"
        });
        let texts = verify_proof(&stand_in, &stand_in["proof"], &key).expect("verifies");
        assert_eq!(
            texts.earlier(),
            [("https://www.w3.org/ns/credentials/v2", VC2_DRAFT)]
        );
        stand_in.as_object_mut().unwrap().remove("proof");
        assert_eq!(
            canonical_nquads(&stand_in, texts).unwrap(),
            fixture("vc-di-eddsa/eddsa-2022/canonDocDataInt.txt")
        );
    }

    #[test]
    fn every_vector_changed_in_content_or_proof_options_is_a_bad_signature() {
        for (path, _, _, _) in VECTORS {
            let doc = vector(path);
            let key = key_of(&doc);
            let check = |d: &Value| {
                verify_proof(
                    d,
                    &super::super::one_or_many(d.get("proof"))[0].clone(),
                    &key,
                )
            };
            let bad = Err(ProofError::Key(KeyError::BadSignature));

            let mut changed = doc.clone();
            changed["name"] = "Another Name".into();
            assert_eq!(check(&changed), bad, "{path}: changed name");

            let mut later = doc.clone();
            proof_of(&mut later)["created"] = "2024-02-24T23:36:38Z".into();
            assert_eq!(check(&later), bad, "{path}: changed created");

            let mut flipped = doc.clone();
            let value = proof_of(&mut flipped)["proofValue"]
                .as_str()
                .unwrap()
                .to_owned();
            let mut raw = bs58::decode(&value[1..]).into_vec().unwrap();
            raw[5] ^= 1;
            proof_of(&mut flipped)["proofValue"] =
                format!("z{}", bs58::encode(raw).into_string()).into();
            assert_eq!(check(&flipped), bad, "{path}: one bit of the signature");
        }
    }

    #[test]
    fn a_vector_checked_with_another_key_fails() {
        let p256 = vector("vc-di-ecdsa/ecdsa-jcs-2019-p256/signedJCSECDSAP256.json");
        let p384 = vector("vc-di-ecdsa/ecdsa-jcs-2019-p384/signedJCSECDSAP384.json");
        let ed = vector("vc-di-eddsa/signedDataInt.json");
        let ob = vector("ob30-validator/simple-eddsa-2022.json");
        // Another key of the right type.
        let other_p256 = PublicKey::P256(
            *p256::ecdsa::SigningKey::from_slice(&[7; 32])
                .unwrap()
                .verifying_key(),
        );
        assert_eq!(
            verify_proof(&p256, &p256["proof"], &other_p256),
            Err(ProofError::Key(KeyError::BadSignature))
        );
        assert_eq!(
            verify_proof(&ed, &ed["proof"], &key_of(&ob)),
            Err(ProofError::Key(KeyError::BadSignature))
        );
        // An ECDSA key on the other curve just does not match.
        assert_eq!(
            verify_proof(&p384, &p384["proof"], &other_p256),
            Err(ProofError::Key(KeyError::BadSignature))
        );
        // A key of another family is named, not tried.
        for (doc, key) in [(&p256, key_of(&ed)), (&ed, key_of(&p384))] {
            assert!(
                matches!(
                    verify_proof(doc, &doc["proof"], &key),
                    Err(ProofError::Key(KeyError::Mismatch { .. }))
                ),
                "{key:?}"
            );
        }
    }

    #[test]
    fn unknown_missing_or_swapped_suite_names_never_verify() {
        let doc = vector("vc-di-ecdsa/ecdsa-jcs-2019-p256/signedJCSECDSAP256.json");
        let key = key_of(&doc);
        let with = |field: &str, value: Option<Value>| {
            let mut d = doc.clone();
            let proof = d["proof"].as_object_mut().unwrap();
            match value {
                Some(v) => proof.insert(field.into(), v),
                None => proof.remove(field),
            };
            let proof = d["proof"].clone();
            verify_proof(&d, &proof, &key)
        };
        assert_eq!(
            with("cryptosuite", Some("ecdsa-rdfc-2099".into())),
            Err(ProofError::UnknownSuite("ecdsa-rdfc-2099".into()))
        );
        assert_eq!(
            with("type", Some("BbsBlsSignature2020".into())),
            Err(ProofError::UnknownSuite("BbsBlsSignature2020".into()))
        );
        // The other canonicalization of the same family: signed bytes differ.
        assert_eq!(
            with("cryptosuite", Some("ecdsa-rdfc-2019".into())),
            Err(ProofError::Key(KeyError::BadSignature))
        );
        // A suite of another family: the key cannot be used with it.
        assert!(matches!(
            with("cryptosuite", Some("eddsa-rdfc-2022".into())),
            Err(ProofError::Key(KeyError::Mismatch { .. }))
        ));
        // `Ed25519Signature2020` is a proof type, never a cryptosuite.
        assert_eq!(
            with("cryptosuite", Some("Ed25519Signature2020".into())),
            Err(ProofError::UnknownSuite("Ed25519Signature2020".into()))
        );
        let sentence = |e: Result<Texts, ProofError>| e.unwrap_err().to_string();
        assert_eq!(
            sentence(with("cryptosuite", None)),
            "the proof is not well formed: the DataIntegrityProof names no `cryptosuite`, so nothing says how to check it"
        );
        assert_eq!(
            sentence(with("type", None)),
            "the proof is not well formed: the proof names no `type`"
        );
        assert_eq!(
            sentence(with("proofValue", None)),
            "the proof is not well formed: the proof has no proofValue"
        );
        assert_eq!(
            sentence(with("proofValue", Some("uAAAA".into()))),
            "the proof is not well formed: the proofValue is not multibase base58btc"
        );
        assert!(matches!(
            suite("eddsa-jcs-2022").verify(&doc, &doc["proof"], &key),
            Err(ProofError::Format(m)) if m == "the proof is not a eddsa-jcs-2022 proof"
        ));
        // A proof that carries its own @context is signed only with it.
        let mut own = doc.clone();
        own["proof"]["@context"] = doc["@context"].clone();
        assert_eq!(
            verify_proof(&own, &own["proof"], &key),
            Err(ProofError::Key(KeyError::BadSignature))
        );
    }

    #[test]
    fn the_w3c_eddsa_rdfc_2022_canonical_forms_match_the_vectors() {
        let hashes = hex::decode(fixture("vc-di-eddsa/combinedHashDataInt.txt").trim()).unwrap();
        let (proof_hash, doc_hash) = hashes.split_at(32);
        let signed = vector("vc-di-eddsa/signedDataInt.json");
        let mut document = signed.clone();
        document.as_object_mut().unwrap().remove("proof");
        let canonical = canonical_nquads(&document, Texts::CURRENT).unwrap();
        assert_eq!(canonical, fixture("vc-di-eddsa/canonDocDataInt.txt"));
        assert_eq!(Sha256::digest(&canonical).as_slice(), doc_hash);

        let mut options = signed["proof"].clone();
        options.as_object_mut().unwrap().remove("proofValue");
        options["@context"] = signed["@context"].clone();
        let canonical = canonical_nquads(&options, Texts::CURRENT).unwrap();
        assert_eq!(canonical, fixture("vc-di-eddsa/proofCanonDataInt.txt"));
        assert_eq!(Sha256::digest(&canonical).as_slice(), proof_hash);
    }

    #[test]
    fn an_rdfc_proof_over_an_unshipped_context_names_it_and_fetches_nothing() {
        let mut doc = vector("vc-di-eddsa/signedDataInt.json");
        doc["@context"][1] = "https://contexts.example/private/v1".into();
        let err = verify_proof(&doc, &doc["proof"], &key_of(&doc)).unwrap_err();
        assert_eq!(
            err,
            ProofError::UnknownContext("https://contexts.example/private/v1".into())
        );
        assert_eq!(
            err.to_string(),
            "the proof uses the JSON-LD context https://contexts.example/private/v1, which Satchel does not ship, so it cannot be checked"
        );
    }

    #[test]
    fn a_proof_context_must_open_the_credentials() {
        let mut doc = vector("vc-di-eddsa/signedJCS.json");
        doc["proof"]["@context"] = json!(["https://www.w3.org/2018/credentials/v1"]);
        assert!(matches!(
            verify_proof(&doc, &doc["proof"], &key_of(&doc)),
            Err(ProofError::Format(m)) if m.contains("@context")
        ));
    }
}
