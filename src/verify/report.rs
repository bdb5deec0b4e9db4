//! Gathering what one check found into one outcome, one sentence and the evidence.
//!
//! A check records findings as it goes; a finding that makes further checking
//! pointless (the hosted copy is gone, the signature fails) also stops the
//! check through [`Halt`]. At the end the most serious finding decides the
//! outcome, and the others stay in the evidence.

use serde_json::{Map, Value, json};

use crate::wallet::{CheckRecord, Outcome};

/// Marks a check stopped by a finding already written in its [`Report`],
/// with that finding's outcome.
#[derive(Debug)]
pub(super) struct Halt(pub Outcome);

/// The result of one step of a check.
pub(super) type Step<T> = Result<T, Halt>;

/// How serious an outcome is when a check found several: a badge whose
/// content cannot be trusted says so before it says it is expired, and what
/// is proven wrong comes before what could not be checked.
fn severity(outcome: Outcome) -> u8 {
    match outcome {
        Outcome::Malformed => 9,
        Outcome::BadSignature => 8,
        Outcome::Invalid => 7,
        Outcome::Revoked => 6,
        Outcome::Expired => 5,
        Outcome::NotYetValid => 4,
        Outcome::RecipientMismatch => 3,
        Outcome::Unreachable => 2,
        Outcome::Unsupported => 1,
        Outcome::Valid => 0,
    }
}

/// What one check has found so far.
#[derive(Debug, Default)]
pub(super) struct Report {
    findings: Vec<(Outcome, String)>,
    confirmed: Vec<String>,
    caveats: Vec<String>,
    evidence: Map<String, Value>,
    fetched: Vec<Value>,
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

    /// Records a request and its answer (`status`) or failure (`error`).
    pub fn fetched(&mut self, what: &str, url: &str, answer: Result<u16, String>) {
        self.fetched.push(match answer {
            Ok(status) => json!({"what": what, "url": url, "status": status}),
            Err(error) => json!({"what": what, "url": url, "error": error}),
        });
    }

    /// The outcome and sentence of the most serious finding, or valid.
    pub fn finish(mut self, badge_id: i64, checked_at: String) -> CheckRecord {
        let primary = self
            .findings
            .iter()
            .enumerate()
            .max_by_key(|(i, (o, _))| (severity(*o), std::cmp::Reverse(*i)))
            .map(|(i, _)| i);
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
    fn no_finding_means_valid_with_what_was_confirmed() {
        let mut r = Report::default();
        r.confirm("signed by the issuer");
        let check = r.finish(1, "t".into());
        assert_eq!(check.outcome, Outcome::Valid);
        assert!(check.message.contains("signed by the issuer"));
    }
}
