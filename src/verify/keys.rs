//! Public keys and the signatures made with them.
//!
//! Keys arrive as PEM (OB 2.0 `CryptographicKey.publicKeyPem`), as a JWK (a
//! VC-JWT header, a key URL, a DID document), or as a multibase Multikey
//! (`did:key`, Data Integrity verification methods). They are read into one
//! [`PublicKey`] and used to check a compact JWS or raw signature. RSA comes
//! from the `rsa` crate, P-256 and P-384 ECDSA from `p256` and `p384`,
//! Ed25519 from `ed25519-dalek`; nothing here does I/O.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD_INDIFFERENT;
use rsa::pkcs1::DecodeRsaPublicKey as _;
use rsa::sha2::{Digest as _, Sha256, Sha384, Sha512};
use rsa::traits::PublicKeyParts as _;
use serde_json::{Map, Value};

/// Shortest RSA modulus accepted, in bits: shorter keys can be forged.
const MIN_RSA_BITS: usize = 2048;

/// Multicodec prefixes (unsigned varints) of the key types a Multikey may hold.
const ED25519_PUB: [u8; 2] = [0xed, 0x01];
const P256_PUB: [u8; 2] = [0x80, 0x24];
const P384_PUB: [u8; 2] = [0x81, 0x24];

/// A public key Satchel can check signatures with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKey {
    Rsa(rsa::RsaPublicKey),
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    Ed25519(ed25519_dalek::VerifyingKey),
}

/// Why a key could not be used or a signature did not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The key material cannot be read.
    #[error("the key cannot be read: {0}")]
    Unreadable(String),
    /// The key is of a kind or size Satchel does not accept.
    #[error("the key is not usable: {0}")]
    Unsupported(String),
    /// The signature names an algorithm Satchel does not check.
    #[error("the signature algorithm {0:?} is not one Satchel checks (RS256, ES256, ES384, EdDSA)")]
    Algorithm(String),
    /// The algorithm and the key do not belong together.
    #[error("the signature algorithm {alg} cannot be used with an {key} key")]
    Mismatch { alg: String, key: &'static str },
    /// The signing input or signature is not well formed.
    #[error("the signed text is not well formed: {0}")]
    Format(String),
    /// The signature does not match the content for this key.
    #[error("the signature does not match the content")]
    BadSignature,
}

impl PublicKey {
    /// Reads a PEM public key: SubjectPublicKeyInfo (RSA, P-256, P-384, Ed25519) or
    /// PKCS#1 `RSA PUBLIC KEY`.
    pub fn from_pem(pem: &str) -> Result<PublicKey, KeyError> {
        use rsa::pkcs8::DecodePublicKey as _;
        let pem = pem.trim();
        if let Ok(k) = rsa::RsaPublicKey::from_public_key_pem(pem)
            .or_else(|_| rsa::RsaPublicKey::from_pkcs1_pem(pem))
        {
            return PublicKey::rsa(k);
        }
        if let Ok(k) = p256::ecdsa::VerifyingKey::from_public_key_pem(pem) {
            return Ok(PublicKey::P256(k));
        }
        if let Ok(k) = p384::ecdsa::VerifyingKey::from_public_key_pem(pem) {
            return Ok(PublicKey::P384(k));
        }
        if let Ok(k) = ed25519_dalek::VerifyingKey::from_public_key_pem(pem) {
            return Ok(PublicKey::Ed25519(k));
        }
        Err(KeyError::Unreadable(
            "not a PEM RSA, P-256, P-384 or Ed25519 public key".into(),
        ))
    }

    /// Reads a public JWK (`kty` RSA, EC P-256 or P-384, or OKP Ed25519). A JWK that
    /// carries a private part (`d`) is refused: publishing it means anyone
    /// can sign with it.
    pub fn from_jwk(jwk: &Value) -> Result<PublicKey, KeyError> {
        let obj = jwk
            .as_object()
            .ok_or_else(|| KeyError::Unreadable("the JWK is not a JSON object".into()))?;
        if obj.contains_key("d") {
            return Err(KeyError::Unsupported(
                "the JWK includes its private part, so anyone could have signed with it".into(),
            ));
        }
        let text = |k: &str| obj.get(k).and_then(Value::as_str).unwrap_or("");
        let bytes = |k: &str| {
            URL_SAFE_NO_PAD_INDIFFERENT
                .decode(text(k))
                .map_err(|e| KeyError::Unreadable(format!("JWK `{k}` is not base64url: {e}")))
        };
        match (text("kty"), text("crv")) {
            ("RSA", _) => {
                let n = rsa::BigUint::from_bytes_be(&bytes("n")?);
                let e = rsa::BigUint::from_bytes_be(&bytes("e")?);
                let key = rsa::RsaPublicKey::new(n, e)
                    .map_err(|e| KeyError::Unreadable(format!("JWK RSA key: {e}")))?;
                PublicKey::rsa(key)
            }
            ("EC", crv @ ("P-256" | "P-384")) => {
                // Only the public members: other members (`kid`, `use`) are not the key's.
                let public =
                    serde_json::json!({"kty": "EC", "crv": crv, "x": text("x"), "y": text("y")})
                        .to_string();
                let unreadable = |e: p256::elliptic_curve::Error| {
                    KeyError::Unreadable(format!("JWK {crv} key: {e}"))
                };
                if crv == "P-256" {
                    let key = p256::PublicKey::from_jwk_str(&public).map_err(unreadable)?;
                    Ok(PublicKey::P256(key.into()))
                } else {
                    let key = p384::PublicKey::from_jwk_str(&public).map_err(unreadable)?;
                    Ok(PublicKey::P384(key.into()))
                }
            }
            ("OKP", "Ed25519") => PublicKey::ed25519(&bytes("x")?),
            (kty, crv) => Err(KeyError::Unsupported(format!(
                "JWK kty {kty:?} crv {crv:?} (RSA, EC P-256 and P-384, and OKP Ed25519 are supported)"
            ))),
        }
    }

    /// Reads a Multikey: multibase base58btc (`z…`) of a multicodec-tagged
    /// Ed25519 key or compressed P-256 or P-384 key, as in `did:key` and
    /// `publicKeyMultibase`.
    pub fn from_multibase(text: &str) -> Result<PublicKey, KeyError> {
        let encoded = text.strip_prefix('z').ok_or_else(|| {
            KeyError::Unsupported("only base58btc (`z…`) multibase keys are supported".into())
        })?;
        let bytes = bs58::decode(encoded)
            .into_vec()
            .map_err(|e| KeyError::Unreadable(format!("not base58btc: {e}")))?;
        match bytes.split_at_checked(2) {
            Some((tag, key)) if tag == ED25519_PUB => PublicKey::ed25519(key),
            Some((tag, key)) if tag == P256_PUB => p256::ecdsa::VerifyingKey::from_sec1_bytes(key)
                .map(PublicKey::P256)
                .map_err(|e| KeyError::Unreadable(format!("P-256 key: {e}"))),
            Some((tag, key)) if tag == P384_PUB => p384::ecdsa::VerifyingKey::from_sec1_bytes(key)
                .map(PublicKey::P384)
                .map_err(|e| KeyError::Unreadable(format!("P-384 key: {e}"))),
            _ => Err(KeyError::Unsupported(
                "the multikey is not an Ed25519, P-256 or P-384 key".into(),
            )),
        }
    }

    fn rsa(key: rsa::RsaPublicKey) -> Result<PublicKey, KeyError> {
        let bits = key.n().bits();
        if bits < MIN_RSA_BITS {
            return Err(KeyError::Unsupported(format!(
                "a {bits}-bit RSA key is too short to trust (at least {MIN_RSA_BITS} bits)"
            )));
        }
        Ok(PublicKey::Rsa(key))
    }

    fn ed25519(bytes: &[u8]) -> Result<PublicKey, KeyError> {
        let array: [u8; 32] = bytes.try_into().map_err(|_| {
            KeyError::Unreadable(format!("Ed25519 keys are 32 bytes, not {}", bytes.len()))
        })?;
        ed25519_dalek::VerifyingKey::from_bytes(&array)
            .map(PublicKey::Ed25519)
            .map_err(|e| KeyError::Unreadable(format!("Ed25519 key: {e}")))
    }

    /// `RSA`, `P-256`, `P-384` or `Ed25519`.
    pub fn kind(&self) -> &'static str {
        match self {
            PublicKey::Rsa(_) => "RSA",
            PublicKey::P256(_) => "P-256",
            PublicKey::P384(_) => "P-384",
            PublicKey::Ed25519(_) => "Ed25519",
        }
    }

    /// Checks `signature` over `message` with the JOSE algorithm `alg`.
    pub fn verify(&self, alg: &str, message: &[u8], signature: &[u8]) -> Result<(), KeyError> {
        let mismatch = || KeyError::Mismatch {
            alg: alg.to_owned(),
            key: self.kind(),
        };
        match (alg, self) {
            ("RS256" | "RS384" | "RS512", PublicKey::Rsa(key)) => {
                let (scheme, digest) = match alg {
                    "RS256" => (
                        rsa::Pkcs1v15Sign::new::<Sha256>(),
                        Sha256::digest(message).to_vec(),
                    ),
                    "RS384" => (
                        rsa::Pkcs1v15Sign::new::<Sha384>(),
                        Sha384::digest(message).to_vec(),
                    ),
                    _ => (
                        rsa::Pkcs1v15Sign::new::<Sha512>(),
                        Sha512::digest(message).to_vec(),
                    ),
                };
                key.verify(scheme, &digest, signature)
                    .map_err(|_| KeyError::BadSignature)
            }
            ("ES256", PublicKey::P256(key)) => {
                use p256::ecdsa::signature::Verifier as _;
                let sig = p256::ecdsa::Signature::from_slice(signature)
                    .map_err(|_| KeyError::BadSignature)?;
                key.verify(message, &sig)
                    .map_err(|_| KeyError::BadSignature)
            }
            ("ES384", PublicKey::P384(key)) => {
                use p384::ecdsa::signature::Verifier as _;
                let sig = p384::ecdsa::Signature::from_slice(signature)
                    .map_err(|_| KeyError::BadSignature)?;
                key.verify(message, &sig)
                    .map_err(|_| KeyError::BadSignature)
            }
            ("EdDSA" | "Ed25519", PublicKey::Ed25519(key)) => {
                let sig = ed25519_dalek::Signature::from_slice(signature)
                    .map_err(|_| KeyError::BadSignature)?;
                key.verify_strict(message, &sig)
                    .map_err(|_| KeyError::BadSignature)
            }
            ("RS256" | "RS384" | "RS512" | "ES256" | "ES384" | "EdDSA" | "Ed25519", _) => {
                Err(mismatch())
            }
            (other, _) => Err(KeyError::Algorithm(other.to_owned())),
        }
    }
}

/// A compact JWS taken apart (not yet checked).
#[derive(Debug, Clone)]
pub struct CompactJws {
    pub header: Map<String, Value>,
    pub payload: Value,
    signing_input: String,
    signature: Vec<u8>,
}

impl CompactJws {
    /// Splits and decodes `header.payload.signature`.
    pub fn parse(text: &str) -> Result<CompactJws, KeyError> {
        let text = text.trim();
        let mut parts = text.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(KeyError::Format("a compact JWS has three parts".into()));
        };
        let decode = |part: &str, name: &str| {
            URL_SAFE_NO_PAD_INDIFFERENT
                .decode(part)
                .map_err(|e| KeyError::Format(format!("the {name} is not base64url: {e}")))
        };
        let header_value: Value = serde_json::from_slice(&decode(header, "header")?)
            .map_err(|e| KeyError::Format(format!("the header is not JSON: {e}")))?;
        let Value::Object(header_map) = header_value else {
            return Err(KeyError::Format("the header is not a JSON object".into()));
        };
        let payload_value = serde_json::from_slice(&decode(payload, "payload")?)
            .map_err(|e| KeyError::Format(format!("the payload is not JSON: {e}")))?;
        Ok(CompactJws {
            header: header_map,
            payload: payload_value,
            signing_input: format!("{header}.{payload}"),
            signature: decode(signature, "signature")?,
        })
    }

    /// The header's `alg`.
    pub fn alg(&self) -> &str {
        self.header.get("alg").and_then(Value::as_str).unwrap_or("")
    }

    /// Checks the signature with `key`.
    pub fn verify(&self, key: &PublicKey) -> Result<(), KeyError> {
        key.verify(self.alg(), self.signing_input.as_bytes(), &self.signature)
    }
}

/// Checks a compact JWS's signature with `key` and returns its payload.
pub fn verify_compact_jws(text: &str, key: &PublicKey) -> Result<Value, KeyError> {
    let jws = CompactJws::parse(text)?;
    jws.verify(key)?;
    Ok(jws.payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multikey_from_the_w3c_examples_reads_as_ed25519() {
        let key = PublicKey::from_multibase("z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
            .expect("Ed25519 multikey");
        assert_eq!(key.kind(), "Ed25519");
        assert!(PublicKey::from_multibase("u6Mk").is_err());
    }

    #[test]
    fn an_ed25519_jws_verifies_and_a_changed_payload_does_not() {
        use ed25519_dalek::Signer as _;
        let signing = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
        let enc = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
        let input = format!("{}.{}", enc(br#"{"alg":"EdDSA"}"#), enc(br#"{"a":1}"#));
        let sig = enc(&signing.sign(input.as_bytes()).to_bytes());
        let key = PublicKey::Ed25519(signing.verifying_key());
        assert!(verify_compact_jws(&format!("{input}.{sig}"), &key).is_ok());
        let forged = format!(
            "{}.{}.{sig}",
            enc(br#"{"alg":"EdDSA"}"#),
            enc(br#"{"a":2}"#)
        );
        assert_eq!(
            verify_compact_jws(&forged, &key).unwrap_err(),
            KeyError::BadSignature
        );
        let wrong_alg = format!(
            "{}.{}.{sig}",
            enc(br#"{"alg":"RS256"}"#),
            enc(br#"{"a":1}"#)
        );
        assert!(matches!(
            verify_compact_jws(&wrong_alg, &key),
            Err(KeyError::Mismatch { .. })
        ));
    }

    #[test]
    fn a_jwk_with_its_private_part_is_refused() {
        let jwk = serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": "AA", "d": "AA"});
        assert!(matches!(
            PublicKey::from_jwk(&jwk),
            Err(KeyError::Unsupported(_))
        ));
    }

    /// The 1EdTech validator's signed OB 2.0 fixtures, checked with the key
    /// PEMs published beside them (their URLs point at example.org, so only
    /// the signature function can be tested offline).
    #[test]
    fn the_1edtech_signed_fixtures_verify_with_their_published_keys() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(
            "../shared/fixtures/third-party/1EdTech__digital-credentials-public-validator/inspector-vc/src/test/resources/ob20",
        );
        if !dir.is_dir() {
            eprintln!("skipping: ../shared/fixtures not present");
            return;
        }
        let read = |p: &str| std::fs::read_to_string(dir.join(p)).expect("fixture");
        for (jwt, key_path) in [
            ("simple.jwt", "assets/key1.json"),
            ("simple-not-revoked.jwt", "assets/key2.json"),
            ("simple-revoked.jwt", "assets/key3.json"),
        ] {
            let key_doc: Value = serde_json::from_str(&read(key_path)).expect("key JSON");
            let pem = key_doc["publicKeyPem"].as_str().expect("publicKeyPem");
            let key = PublicKey::from_pem(pem).expect("readable key");
            let text = read(jwt);
            let payload = verify_compact_jws(&text, &key)
                .unwrap_or_else(|e| panic!("{jwt} should verify with {key:?}: {e}"));
            let file = key_path.trim_start_matches("assets/");
            let creator = payload["verification"]["creator"].as_str().unwrap_or("");
            assert!(creator.ends_with(file), "{jwt} names its key: {creator}");
            // One changed byte in the payload breaks the signature.
            let mut parts: Vec<String> = text.trim().split('.').map(str::to_owned).collect();
            let mut payload_bytes = URL_SAFE_NO_PAD_INDIFFERENT.decode(&parts[1]).unwrap();
            let at = payload_bytes.len() / 2;
            payload_bytes[at] ^= 0x01;
            parts[1] = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&payload_bytes);
            assert!(
                verify_compact_jws(&parts.join("."), &key).is_err(),
                "{jwt} tampered"
            );
        }
    }
}
