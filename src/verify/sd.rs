//! `ecdsa-sd-2023` derived proofs: a credential the holder disclosed only
//! part of, checked as the W3C vc-di-ecdsa specification says.
//!
//! The issuer signed, with its own key, the hash of the proof options, a
//! per-credential P-256 key, and the hash of the statements the holder must
//! always disclose (the "mandatory" ones); and signed each other statement
//! (an RDFC-1.0 N-Quad) alone with that per-credential key. The derived
//! `proofValue` (multibase base64url, CBOR tagged `0xd95d01`) carries the
//! issuer's signature, the per-credential key, one signature per disclosed
//! optional statement, the blank node labels the issuer used (the verifier's
//! canonical labels `c14nN` map to them), and which disclosed statements are
//! mandatory. The verifier canonicalizes the disclosed document, puts the
//! issuer's labels back, sorts, and checks every signature. A base proof
//! (tag `0xd95d00`) is meant for the holder only and is refused.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ciborium::Value as Cbor;
use serde_json::Value;

use super::contexts::Texts;
use super::keys::PublicKey;
use super::proof::{ProofError, Unsecured, digest};
use super::rdfc::canonical_nquads;

/// The CBOR tag bytes that open a derived proof.
const DERIVED: [u8; 3] = [0xd9, 0x5d, 0x01];
/// The CBOR tag bytes that open a base proof.
const BASE: [u8; 3] = [0xd9, 0x5d, 0x00];

/// A derived `proofValue`, taken apart.
struct Derived {
    /// The issuer's signature.
    base_signature: Vec<u8>,
    /// The per-credential key, as Multikey bytes.
    public_key: Vec<u8>,
    /// One signature per disclosed optional statement, in order.
    signatures: Vec<Vec<u8>>,
    /// The issuer's label of each canonical blank node label `c14nN`, by N.
    labels: Vec<(u64, String)>,
    /// Which disclosed statements (by sorted position) are mandatory.
    mandatory: Vec<usize>,
}

/// Checks an `ecdsa-sd-2023` derived proof: `key` is the issuer's, and
/// `alg` the JOSE algorithm of its curve; the contexts are read in the
/// texts `texts` chooses.
pub(super) fn verify_derived(
    unsecured: &Unsecured,
    key: &PublicKey,
    alg: &str,
    texts: Texts,
) -> Result<(), ProofError> {
    let derived = Derived::parse(&unsecured.proof_value)?;
    let proof_hash = digest(
        key,
        canonical_nquads(&Value::Object(unsecured.options.clone()), texts)?.as_bytes(),
    );
    let canonical = canonical_nquads(&Value::Object(unsecured.document.clone()), texts)?;
    let mut statements = canonical
        .lines()
        .map(|line| relabel(line, &derived.labels).map(|l| l + "\n"))
        .collect::<Result<Vec<_>, _>>()?;
    statements.sort();
    if let Some(beyond) = derived.mandatory.iter().find(|&&i| i >= statements.len()) {
        return Err(format(&format!(
            "it names statement {beyond} as mandatory, but only {} are disclosed",
            statements.len()
        )));
    }
    let (mandatory, optional): (Vec<_>, Vec<_>) = statements
        .iter()
        .enumerate()
        .partition(|(i, _)| derived.mandatory.contains(i));
    let mandatory: String = mandatory.into_iter().map(|(_, s)| s.as_str()).collect();
    let signed = [
        proof_hash,
        derived.public_key.clone(),
        digest(key, mandatory.as_bytes()),
    ]
    .concat();
    key.verify(alg, &signed, &derived.base_signature)?;
    if optional.len() != derived.signatures.len() {
        return Err(format(&format!(
            "it carries {} statement signatures for {} disclosed optional statements",
            derived.signatures.len(),
            optional.len()
        )));
    }
    let multikey = format!("z{}", bs58::encode(&derived.public_key).into_string());
    let statement_key = match PublicKey::from_multibase(&multikey)? {
        p256 @ PublicKey::P256(_) => p256,
        other => {
            return Err(format(&format!(
                "its per-credential key is {}, not P-256",
                other.kind()
            )));
        }
    };
    for ((_, statement), signature) in optional.into_iter().zip(&derived.signatures) {
        statement_key.verify("ES256", statement.as_bytes(), signature)?;
    }
    Ok(())
}

fn format(what: &str) -> ProofError {
    ProofError::Format(format!(
        "the ecdsa-sd-2023 proofValue is not usable: {what}"
    ))
}

impl Derived {
    /// Reads a derived `proofValue`.
    fn parse(text: &str) -> Result<Derived, ProofError> {
        let bytes = text
            .strip_prefix('u')
            .and_then(|b| URL_SAFE_NO_PAD.decode(b).ok())
            .ok_or_else(|| format("it is not multibase base64url"))?;
        let body = match bytes.split_at_checked(3) {
            Some((tag, body)) if tag == DERIVED => body,
            Some((tag, _)) if tag == BASE => {
                return Err(format(
                    "it is a base proof, meant only for the holder; a verifier is shown a derived one",
                ));
            }
            _ => return Err(format("it is not tagged as a derived proof")),
        };
        let cbor: Cbor = ciborium::de::from_reader(body)
            .map_err(|e| format(&format!("it is not CBOR ({e})")))?;
        let Cbor::Array(parts) = cbor else {
            return Err(format("it is not a CBOR array"));
        };
        let [base_signature, public_key, signatures, labels, mandatory]: [Cbor; 5] = parts
            .try_into()
            .map_err(|_| format("it does not have five parts"))?;
        let bytes = |v: Cbor, what: &str| match v {
            Cbor::Bytes(b) => Ok(b),
            _ => Err(format(&format!("its {what} is not a byte string"))),
        };
        let list = |v: Cbor, what: &str| match v {
            Cbor::Array(items) => Ok(items),
            _ => Err(format(&format!("its {what} is not an array"))),
        };
        let number = |v: &Cbor, what: &str| {
            v.as_integer()
                .and_then(|i| u64::try_from(i).ok())
                .ok_or_else(|| format(&format!("its {what} is not a whole number")))
        };
        let Cbor::Map(labels) = labels else {
            return Err(format("its label map is not a map"));
        };
        Ok(Derived {
            base_signature: bytes(base_signature, "issuer signature")?,
            public_key: bytes(public_key, "per-credential key")?,
            signatures: list(signatures, "signature list")?
                .into_iter()
                .map(|s| bytes(s, "statement signature"))
                .collect::<Result<_, _>>()?,
            labels: labels
                .into_iter()
                .map(|(k, v)| {
                    let label = format!("u{}", URL_SAFE_NO_PAD.encode(bytes(v, "label")?));
                    Ok((number(&k, "label key")?, label))
                })
                .collect::<Result<_, ProofError>>()?,
            mandatory: list(mandatory, "mandatory index list")?
                .iter()
                .map(|i| number(i, "mandatory index").map(|n| n as usize))
                .collect::<Result<_, _>>()?,
        })
    }
}

/// One canonical N-Quad with each blank node label `_:c14nN` replaced by
/// the issuer's label for N. Labels are read only where a term starts,
/// never inside a literal or an IRI.
fn relabel(line: &str, labels: &[(u64, String)]) -> Result<String, ProofError> {
    let mut out = String::with_capacity(line.len() + 32);
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        match c {
            '"' => {
                let end = literal_end(rest);
                out.push_str(&rest[..end]);
                rest = &rest[end..];
            }
            '<' => {
                let end = rest.find('>').map_or(rest.len(), |i| i + 1);
                out.push_str(&rest[..end]);
                rest = &rest[end..];
            }
            '_' if rest.starts_with("_:") => {
                let name_end = rest[2..]
                    .find(|c: char| c.is_whitespace())
                    .map_or(rest.len(), |i| i + 2);
                let name = &rest[2..name_end];
                let issued = name
                    .strip_prefix("c14n")
                    .and_then(|n| n.parse::<u64>().ok())
                    .and_then(|n| labels.iter().find(|(k, _)| *k == n))
                    .ok_or_else(|| {
                        format(&format!(
                            "its label map has no label for the blank node _:{name}"
                        ))
                    })?;
                out.push_str("_:");
                out.push_str(&issued.1);
                rest = &rest[name_end..];
            }
            other => {
                out.push(other);
                rest = &rest[other.len_utf8()..];
            }
        }
    }
    Ok(out)
}

/// Where the quoted string that opens `text` ends (after its closing quote).
fn literal_end(text: &str) -> usize {
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return i + 1,
            _ => escaped = false,
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::super::keys::KeyError;
    use super::super::proof::{SUITES, verify_proof};
    use super::*;

    fn vector() -> Value {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/vc-di-ecdsa/ecdsa-sd-2023/derivedRevealDocument.json");
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    fn issuer_key() -> PublicKey {
        PublicKey::from_multibase("zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP").unwrap()
    }

    #[test]
    fn the_w3c_derived_vector_verifies() {
        assert!(SUITES.iter().any(|s| s.name == "ecdsa-sd-2023"));
        let doc = vector();
        verify_proof(&doc, &doc["proof"], &issuer_key()).expect("W3C derived vector verifies");
    }

    #[test]
    fn a_changed_disclosed_statement_or_proof_option_is_a_bad_signature() {
        let doc = vector();
        let bad = Err(ProofError::Key(KeyError::BadSignature));
        // An optional statement (a sail's size) and a mandatory one (the issuer).
        let mut optional = doc.clone();
        optional["credentialSubject"]["sails"][0]["size"] = 9.into();
        let mut mandatory = doc.clone();
        mandatory["issuer"] = "https://vc.example/someone-else".into();
        let mut later = doc.clone();
        later["proof"]["created"] = "2024-08-15T23:36:38Z".into();
        for changed in [optional, mandatory, later] {
            assert_eq!(
                verify_proof(&changed, &changed["proof"], &issuer_key()),
                bad
            );
        }
        let other = PublicKey::P256(
            *p256::ecdsa::SigningKey::from_slice(&[7; 32])
                .unwrap()
                .verifying_key(),
        );
        assert_eq!(verify_proof(&doc, &doc["proof"], &other), bad);
    }

    #[test]
    fn an_added_or_dropped_statement_is_refused() {
        let doc = vector();
        let mut added = doc.clone();
        added["credentialSubject"]["boards"][0]["colour"] = "red".into();
        let mut dropped = doc.clone();
        dropped["credentialSubject"]["sails"][1]
            .as_object_mut()
            .unwrap()
            .remove("year");
        for changed in [added, dropped] {
            assert!(verify_proof(&changed, &changed["proof"], &issuer_key()).is_err());
        }
    }

    #[test]
    fn base_proofs_and_unreadable_values_say_what_is_wrong() {
        let doc = vector();
        let with_value = |value: String| {
            let mut d = doc.clone();
            d["proof"]["proofValue"] = value.into();
            let proof = d["proof"].clone();
            verify_proof(&d, &proof, &issuer_key())
                .unwrap_err()
                .to_string()
        };
        let encode = |bytes: &[u8]| format!("u{}", URL_SAFE_NO_PAD.encode(bytes));
        let sentence = |what: &str| {
            format!(
                "the proof is not well formed: the ecdsa-sd-2023 proofValue is not usable: {what}"
            )
        };
        assert_eq!(
            with_value(encode(&[0xd9, 0x5d, 0x00, 0x80])),
            sentence(
                "it is a base proof, meant only for the holder; a verifier is shown a derived one"
            )
        );
        assert_eq!(
            with_value("z111".into()),
            sentence("it is not multibase base64url")
        );
        assert_eq!(
            with_value(encode(&[0xd9, 0x5d, 0x01, 0x80])),
            sentence("it does not have five parts")
        );
        assert!(
            with_value(encode(&[0xd9, 0x5d, 0x01, 0xff])).starts_with(&sentence("it is not CBOR"))
        );
    }

    #[test]
    fn labels_are_replaced_only_where_a_blank_node_stands() {
        let labels = vec![(0, "uAAA".to_owned()), (1, "uBBB".to_owned())];
        assert_eq!(
            relabel(
                r#"_:c14n0 <urn:_:c14n1> "say \"_:c14n1\" _:c14n0" _:c14n1 ."#,
                &labels
            )
            .unwrap(),
            r#"_:uAAA <urn:_:c14n1> "say \"_:c14n1\" _:c14n0" _:uBBB ."#
        );
        assert!(relabel("_:c14n7 <urn:p> <urn:o> .", &labels).is_err());
    }
}
