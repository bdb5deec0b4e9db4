//! Matching a badge's asserted recipient against the learner's identities.
//!
//! Open Badges hash a recipient as `sha256$` (or `md5$`) + lower-case hex of
//! hash(identity + salt). Issuers disagree on case, so each identity is also
//! tried in its common case variants, as Badgr and Mozilla did.

use md5::Md5;
use sha2::{Digest, Sha256};

use super::Recipient;

impl Recipient {
    /// Whether `identity` (an email, URL or telephone number the learner
    /// claims) is the one this badge was issued to.
    pub fn matches(&self, identity: &str) -> bool {
        variants(identity.trim())
            .iter()
            .any(|candidate| self.matches_exactly(candidate))
    }

    fn matches_exactly(&self, candidate: &str) -> bool {
        let asserted = self.identity.trim();
        let Some((algorithm, digest)) = asserted.split_once('$') else {
            return if self.hashed {
                false
            } else {
                asserted.eq_ignore_ascii_case(candidate)
            };
        };
        let salted = format!("{candidate}{}", self.salt.as_deref().unwrap_or(""));
        let computed = match algorithm.to_ascii_lowercase().as_str() {
            "sha256" => hex::encode(Sha256::digest(salted.as_bytes())),
            "md5" => hex::encode(Md5::digest(salted.as_bytes())),
            _ => return false,
        };
        computed.eq_ignore_ascii_case(digest)
    }
}

/// The identity as given, all lower case, and with only the domain lower-cased.
fn variants(identity: &str) -> Vec<String> {
    let mut out = vec![identity.to_owned(), identity.to_lowercase()];
    if let Some((local, domain)) = identity.rsplit_once('@') {
        out.push(format!("{local}@{}", domain.to_lowercase()));
    }
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashed(algorithm: &str, digest: String, salt: &str) -> Recipient {
        Recipient {
            identity: format!("{algorithm}${digest}"),
            kind: "email".into(),
            hashed: true,
            salt: Some(salt.into()),
        }
    }

    #[test]
    fn hashed_recipients_match_their_identity_and_its_case_variants() {
        let r = hashed(
            "sha256",
            hex::encode(Sha256::digest(b"ann@example.orgdeadsea")),
            "deadsea",
        );
        assert!(r.matches("ann@example.org"));
        assert!(r.matches("Ann@Example.ORG"), "lower-cased variant");
        assert!(!r.matches("bob@example.org"));
        let m = hashed("md5", hex::encode(Md5::digest(b"Ann@example.orgs")), "s");
        assert!(m.matches("Ann@EXAMPLE.org"), "domain lower-cased variant");
        assert!(!m.matches("ann@example.org"));
    }

    #[test]
    fn plain_recipients_compare_without_case() {
        let r = Recipient {
            identity: "TEST@example.com".into(),
            kind: "email".into(),
            hashed: false,
            salt: None,
        };
        assert!(r.matches("test@example.com"));
        assert!(!r.matches("other@example.com"));
    }

    #[test]
    fn an_unknown_hash_algorithm_matches_nothing() {
        let r = hashed("sha1", "abc".into(), "");
        assert!(!r.matches("abc"));
    }
}
