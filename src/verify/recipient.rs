//! Is the badge the learner's own? The asserted recipient against each identity.
//!
//! Hashing and case variants are the credential model's business
//! ([`Recipient::matches`]); this module decides whom a badge was issued to
//! ([`IssuedTo`], which the window shows in words) and what a check tells the
//! learner. With no identities in the wallet there is nothing to compare,
//! which is not a mismatch: every other check still runs, and the sentence
//! says how to add one. A DID recipient cannot be compared with emails, URLs
//! or telephone numbers, and says so in the same way.

use serde::Serialize;
use serde_json::json;

use super::report::Report;
use super::{Outcome, Verifier};
use crate::credential::Recipient;
use crate::wallet::Identity;

/// Whom a badge was issued to, as far as the learner's identities tell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IssuedTo {
    /// The badge names no recipient at all.
    Nobody,
    /// A decentralized identifier, which no email, URL or number can match.
    Did { did: String },
    /// The wallet holds no identity to compare with.
    NotCompared { shown: String },
    /// One of the learner's identities.
    You { identity: String },
    /// Someone none of the learner's identities match.
    SomeoneElse {
        shown: String,
        compared: Vec<String>,
    },
}

impl IssuedTo {
    /// Compares the asserted `recipient` with each of `identities`.
    pub fn of(recipient: Option<&Recipient>, identities: &[Identity]) -> IssuedTo {
        let Some(recipient) = recipient else {
            return IssuedTo::Nobody;
        };
        let asserted = &recipient.identity;
        if recipient.kind == "did" || asserted.starts_with("did:") {
            return IssuedTo::Did {
                did: asserted.clone(),
            };
        }
        let shown = if recipient.hashed || asserted.contains('$') {
            format!("a hashed {}", recipient.kind)
        } else {
            asserted.clone()
        };
        if identities.is_empty() {
            return IssuedTo::NotCompared { shown };
        }
        match identities.iter().find(|i| recipient.matches(&i.value)) {
            Some(identity) => IssuedTo::You {
                identity: identity.value.clone(),
            },
            None => IssuedTo::SomeoneElse {
                shown,
                compared: identities.iter().map(|i| i.value.clone()).collect(),
            },
        }
    }

    /// The finding in the window's words ("Issued to you (…)"); a hash is
    /// never shown, only what it was compared with.
    pub fn sentence(&self) -> String {
        match self {
            IssuedTo::Nobody => {
                "The badge names no recipient, so it cannot be shown to be anyone's.".into()
            }
            IssuedTo::Did { did } => format!(
                "Issued to {did}, a decentralized identifier that Satchel cannot match with your identities."
            ),
            IssuedTo::NotCompared { shown } => format!(
                "Issued to {shown}; add your email address in Settings to see whether it is you."
            ),
            IssuedTo::You { identity } => format!("Issued to you ({identity})."),
            IssuedTo::SomeoneElse { shown, compared } if shown.starts_with("a hashed ") => format!(
                "Issued to someone else: the recipient is {shown} that none of your identities ({}) match. If it was issued to another address of yours, add it in Settings.",
                compared.join(", ")
            ),
            IssuedTo::SomeoneElse { shown, compared } => format!(
                "Issued to someone else: {shown}, which is none of your identities ({}). If that address is yours, add it in Settings.",
                compared.join(", ")
            ),
        }
    }
}

impl Verifier<'_> {
    /// Records whether `recipient` is one of the learner's identities.
    pub(super) fn check_recipient(&self, r: &mut Report, recipient: Option<&Recipient>) {
        let asserted = recipient.map(|r| r.identity.as_str());
        match IssuedTo::of(recipient, &self.identities) {
            IssuedTo::Nobody => {
                r.note("recipient", json!({"asserted": null}));
                r.find(
                    Outcome::Invalid,
                    "the badge names no recipient, so it cannot be shown to be anyone's; ask the issuer to reissue it",
                );
            }
            IssuedTo::Did { did } => {
                r.note(
                    "recipient",
                    json!({"asserted": asserted, "compared": "a DID cannot be compared with your identities"}),
                );
                r.caveat(format!(
                    "it was issued to {did}, a decentralized identifier that Satchel cannot match with your identities"
                ));
            }
            IssuedTo::NotCompared { shown } => {
                r.note(
                    "recipient",
                    json!({"asserted": asserted, "compared": "no identities to compare"}),
                );
                r.caveat(format!(
                    "Satchel could not tell whether it was issued to you ({shown}): add your email address with `satchel identity add`"
                ));
            }
            IssuedTo::You { identity } => {
                r.note(
                    "recipient",
                    json!({"asserted": asserted, "matched": identity}),
                );
                r.confirm(format!("it was issued to you ({identity})"));
            }
            IssuedTo::SomeoneElse { shown, compared } => {
                r.note(
                    "recipient",
                    json!({"asserted": asserted, "compared": compared, "matched": null}),
                );
                r.find(
                    Outcome::RecipientMismatch,
                    format!(
                        "this badge was issued to {shown}, which is none of your identities ({}); if it was issued to another address of yours, add it with `satchel identity add`",
                        compared.join(", ")
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    use super::IssuedTo;
    use crate::credential::tests::recipient;
    use crate::wallet::{Identity, IdentityKind};

    fn email(value: &str) -> Identity {
        Identity {
            kind: IdentityKind::Email,
            value: value.into(),
            added_at: "2026-01-01T00:00:00Z".into(),
        }
    }

    fn sha256(text: &str) -> String {
        format!("sha256${}", hex::encode(Sha256::digest(text.as_bytes())))
    }

    #[test]
    fn a_hashed_recipient_matching_an_identity_is_issued_to_you_in_words() {
        let r = recipient(
            &sha256("learner@example.orgpepper"),
            "email",
            true,
            Some("pepper"),
        );
        let mine = [email("other@example.org"), email("Learner@Example.org")];
        let issued = IssuedTo::of(Some(&r), &mine);
        assert_eq!(
            issued,
            IssuedTo::You {
                identity: "Learner@Example.org".into()
            }
        );
        assert_eq!(issued.sentence(), "Issued to you (Learner@Example.org).");
    }

    #[test]
    fn a_hash_matching_no_identity_is_explained_without_showing_the_hash() {
        let hash = sha256("stranger@example.org");
        let r = recipient(&hash, "email", true, None);
        let issued = IssuedTo::of(Some(&r), &[email("learner@example.org")]);
        let sentence = issued.sentence();
        assert!(
            sentence.starts_with(
                "Issued to someone else: the recipient is a hashed email that none of your identities (learner@example.org) match."
            ),
            "{sentence}"
        );
        assert!(!sentence.contains(&hash[7..]), "{sentence}");
    }

    #[test]
    fn a_plain_recipient_of_someone_else_is_named() {
        let r = recipient("bob@example.org", "email", false, None);
        let issued = IssuedTo::of(Some(&r), &[email("ann@example.org"), email("a@b.org")]);
        assert_eq!(
            issued,
            IssuedTo::SomeoneElse {
                shown: "bob@example.org".into(),
                compared: vec!["ann@example.org".into(), "a@b.org".into()],
            }
        );
        assert!(
            issued
                .sentence()
                .starts_with("Issued to someone else: bob@example.org, which is none of your identities (ann@example.org, a@b.org).")
        );
    }

    #[test]
    fn without_identities_a_did_or_no_recipient_nothing_is_claimed() {
        let hashed = recipient(&sha256("x@example.org"), "email", true, None);
        let none = IssuedTo::of(Some(&hashed), &[]);
        assert_eq!(
            none,
            IssuedTo::NotCompared {
                shown: "a hashed email".into()
            }
        );
        assert!(
            none.sentence()
                .contains("add your email address in Settings")
        );
        let did = recipient("did:example:123", "did", false, None);
        assert_eq!(
            IssuedTo::of(Some(&did), &[email("a@example.org")]),
            IssuedTo::Did {
                did: "did:example:123".into()
            }
        );
        assert_eq!(
            IssuedTo::of(None, &[email("a@example.org")]),
            IssuedTo::Nobody
        );
        assert!(IssuedTo::Nobody.sentence().contains("names no recipient"));
    }
}
