//! Gathering what one check found into one outcome, one sentence and the evidence.
//!
//! A check records findings as it goes; a finding that makes further checking
//! pointless (the hosted copy is gone, the signature fails) also stops the
//! check through [`Halt`]. At the end the most serious finding decides the
//! outcome, and the others stay in the evidence.

use serde_json::{Map, Value, json};

use super::kept::KeySource;
use crate::wallet::{CheckRecord, Outcome};

/// Marks a check stopped by a finding already written in its [`Report`],
/// with that finding's outcome.
#[derive(Debug, Clone)]
pub(super) struct Halt(pub Outcome);

/// The result of one step of a check.
pub(super) type Step<T> = Result<T, Halt>;

/// Every outcome, the most serious first: when a check found several, the
/// first in this order decides and the others stay in the evidence. A badge
/// whose content cannot be trusted says so before it says it is expired; the
/// issuer's own word (revoked, suspended) comes before dates and recipient;
/// and what is proven comes before what could not be checked. The README's
/// "### Verification" lists the same order.
pub(super) const MOST_SERIOUS_FIRST: [Outcome; 11] = [
    Outcome::Malformed,
    Outcome::BadSignature,
    Outcome::Invalid,
    Outcome::Revoked,
    Outcome::Suspended,
    Outcome::Expired,
    Outcome::NotYetValid,
    Outcome::RecipientMismatch,
    Outcome::Unreachable,
    Outcome::Unsupported,
    Outcome::Valid,
];

/// How serious an outcome is: higher is more serious.
fn severity(outcome: Outcome) -> usize {
    MOST_SERIOUS_FIRST.len()
        - MOST_SERIOUS_FIRST
            .iter()
            .position(|o| *o == outcome)
            .unwrap_or(0)
}

/// What one check has found so far.
#[derive(Debug, Default, Clone)]
pub(super) struct Report {
    findings: Vec<(Outcome, String)>,
    /// Findings that are listed but do not decide (a proof not checked
    /// beside one that checks out).
    mentioned: Vec<(Outcome, String)>,
    confirmed: Vec<String>,
    caveats: Vec<String>,
    evidence: Map<String, Value>,
    fetched: Vec<Value>,
    /// Where the document of the key being checked came from, until the
    /// check settles it ([`Verifier::settle_key`](super::Verifier::settle_key)).
    pub key_source: Option<KeySource>,
}

impl Report {
    /// Records a problem and goes on checking.
    pub fn find(&mut self, outcome: Outcome, message: impl Into<String>) {
        self.findings.push((outcome, message.into()));
    }

    /// Records a problem that ends the check.
    pub fn halt(&mut self, outcome: Outcome, message: impl Into<String>) -> Halt {
        self.find(outcome, message);
        Halt(outcome)
    }

    /// Records a finding that stays in the evidence (`other_findings`) and
    /// the sentence but does not decide the outcome.
    pub fn mention(&mut self, outcome: Outcome, message: impl Into<String>) {
        let message = message.into();
        self.caveat(message.clone());
        self.mentioned.push((outcome, message));
    }

    /// A mark of the findings so far, for [`Report::withdraw_since`].
    pub fn mark(&self) -> usize {
        self.findings.len()
    }

    /// Withdraws the findings made since `mark`: they rested on a document
    /// that turned out not to be the one to judge by.
    pub fn withdraw_since(&mut self, mark: usize) {
        self.findings.truncate(mark);
    }

    /// The finding that decides, if any: the most serious, the first of equals.
    fn primary(&self) -> Option<usize> {
        self.findings
            .iter()
            .enumerate()
            .max_by_key(|(i, (o, _))| (severity(*o), std::cmp::Reverse(*i)))
            .map(|(i, _)| i)
    }

    /// Ends a check of a document the badge relies on (its status list),
    /// made in a report of its own: its requests join this report's, and
    /// its deciding finding, if any, is returned for this check to judge.
    pub fn absorb(&mut self, mut sub: Report) -> Option<(Outcome, String)> {
        self.fetched.append(&mut sub.fetched);
        sub.primary().map(|i| sub.findings.swap_remove(i))
    }

    /// Records something that was confirmed, for the sentence of a valid badge.
    pub fn confirm(&mut self, what: impl Into<String>) {
        self.confirmed.push(what.into());
    }

    /// Records something the learner should know whatever the outcome.
    pub fn caveat(&mut self, what: impl Into<String>) {
        self.caveats.push(what.into());
    }

    /// Sets one evidence field.
    pub fn note(&mut self, key: &str, value: impl Into<Value>) {
        self.evidence.insert(key.to_owned(), value.into());
    }

    /// Adds one item to an evidence field that lists them.
    pub fn note_item(&mut self, key: &str, value: impl Into<Value>) {
        let list = self
            .evidence
            .entry(key)
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(items) = list {
            items.push(value.into());
        }
    }

    /// Records a request and its answer (`status`) or failure (`error`).
    pub fn fetched(&mut self, what: &str, url: &str, answer: Result<u16, String>) {
        self.fetched.push(match answer {
            Ok(status) => json!({"what": what, "url": url, "status": status}),
            Err(error) => json!({"what": what, "url": url, "error": error}),
        });
    }

    /// The outcome and sentence of the most serious finding, or valid.
    pub fn finish(mut self, badge_id: i64, checked_at: String) -> CheckRecord {
        let primary = self.primary();
        let (outcome, mut message) = match primary {
            Some(i) => self.findings.remove(i),
            None if self.confirmed.is_empty() => (Outcome::Valid, "this badge checks out".into()),
            None => (
                Outcome::Valid,
                format!("this badge checks out: {}", self.confirmed.join("; ")),
            ),
        };
        for caveat in &self.caveats {
            message.push_str(". ");
            message.push_str(caveat);
        }
        self.findings.append(&mut self.mentioned);
        if !self.findings.is_empty() {
            let others: Vec<Value> = self
                .findings
                .iter()
                .map(|(o, m)| json!({"outcome": o, "message": m}))
                .collect();
            self.evidence.insert("other_findings".into(), others.into());
        }
        if !self.fetched.is_empty() {
            self.evidence.insert("fetched".into(), self.fetched.into());
        }
        CheckRecord {
            badge_id,
            outcome,
            message,
            checked_at,
            evidence: Value::Object(self.evidence),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_serious_finding_decides_and_the_rest_stay_as_evidence() {
        let mut r = Report::default();
        r.find(Outcome::Unreachable, "status list offline");
        r.find(Outcome::Expired, "expired last year");
        r.caveat("you have no identities");
        let check = r.finish(7, "t".into());
        assert_eq!(check.outcome, Outcome::Expired);
        assert!(check.message.starts_with("expired last year"));
        assert!(check.message.ends_with("you have no identities"));
        assert_eq!(
            check.evidence["other_findings"][0]["outcome"],
            "unreachable"
        );
    }

    #[test]
    fn the_order_of_seriousness_names_every_outcome_once() {
        let mut listed = MOST_SERIOUS_FIRST.to_vec();
        listed.sort_by_key(|o| o.as_str());
        listed.dedup();
        assert_eq!(listed.len(), Outcome::ALL.len());
        // The README states the same order.
        let readme = include_str!("../../README.md");
        let order: Vec<String> = MOST_SERIOUS_FIRST
            .iter()
            .map(|o| format!("`{o}`"))
            .collect();
        assert!(
            readme.contains(&order.join(" > ")),
            "the README lists {}",
            order.join(" > ")
        );
    }

    #[test]
    fn a_mentioned_finding_is_listed_but_does_not_decide() {
        let mut r = Report::default();
        r.confirm("signed by the issuer");
        r.mention(Outcome::Unsupported, "another proof was not checked");
        let check = r.finish(1, "t".into());
        assert_eq!(check.outcome, Outcome::Valid);
        assert!(check.message.ends_with("another proof was not checked"));
        assert_eq!(
            check.evidence["other_findings"][0]["outcome"],
            "unsupported"
        );
    }

    #[test]
    fn no_finding_means_valid_with_what_was_confirmed() {
        let mut r = Report::default();
        r.confirm("signed by the issuer");
        let check = r.finish(1, "t".into());
        assert_eq!(check.outcome, Outcome::Valid);
        assert!(check.message.contains("signed by the issuer"));
    }
}
