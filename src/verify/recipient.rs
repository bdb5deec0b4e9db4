//! Is the badge the learner's own? The asserted recipient against each identity.
//!
//! Hashing and case variants are the credential model's business
//! ([`Recipient::matches`]); this module decides what a learner is told. With
//! no identities in the wallet there is nothing to compare, which is not a
//! mismatch: every other check still runs, and the sentence says how to add
//! one. A DID recipient cannot be compared with emails, URLs or telephone
//! numbers, and says so in the same way.

use serde_json::json;

use super::report::Report;
use super::{Outcome, Verifier};
use crate::credential::Recipient;

impl Verifier<'_> {
    /// Records whether `recipient` is one of the learner's identities.
    pub(super) fn check_recipient(&self, r: &mut Report, recipient: Option<&Recipient>) {
        let Some(recipient) = recipient else {
            r.note("recipient", json!({"asserted": null}));
            r.find(
                Outcome::Invalid,
                "the badge names no recipient, so it cannot be shown to be anyone's; ask the issuer to reissue it",
            );
            return;
        };
        let asserted = &recipient.identity;
        let shown = if recipient.hashed || asserted.contains('$') {
            format!("a hashed {}", recipient.kind)
        } else {
            asserted.clone()
        };
        if recipient.kind == "did" || asserted.starts_with("did:") {
            r.note(
                "recipient",
                json!({"asserted": asserted, "compared": "a DID cannot be compared with your identities"}),
            );
            r.caveat(format!(
                "it was issued to {asserted}, a decentralized identifier that Satchel cannot match with your identities"
            ));
            return;
        }
        if self.identities.is_empty() {
            r.note(
                "recipient",
                json!({"asserted": asserted, "compared": "no identities to compare"}),
            );
            r.caveat(format!(
                "Satchel could not tell whether it was issued to you ({shown}): add your email address with `satchel identity add`"
            ));
            return;
        }
        match self.identities.iter().find(|i| recipient.matches(&i.value)) {
            Some(identity) => {
                r.note(
                    "recipient",
                    json!({"asserted": asserted, "matched": identity.value}),
                );
                r.confirm(format!("it was issued to you ({})", identity.value));
            }
            None => {
                let yours: Vec<&str> = self.identities.iter().map(|i| i.value.as_str()).collect();
                r.note(
                    "recipient",
                    json!({"asserted": asserted, "compared": yours, "matched": null}),
                );
                r.find(
                    Outcome::RecipientMismatch,
                    format!(
                        "this badge was issued to {shown}, which is none of your identities ({}); if it was issued to another address of yours, add it with `satchel identity add`",
                        yours.join(", ")
                    ),
                );
            }
        }
    }
}
