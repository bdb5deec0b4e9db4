//! Re-verification: is each badge genuine, current and the learner's own?
//!
//! For every version Satchel imports, a check goes back to the source of
//! truth: the issuer's hosted copy (OB 0.5, 1.x, 2.0 hosted), the signature
//! and the issuer's keys and revocation list (OB 2.0 signed), or the VC-JWT /
//! Data Integrity proof and its status list (OB 3.0); then it compares the
//! asserted recipient with the learner's identities. Each check ends in one
//! [`Outcome`] with a sentence and the evidence, stored by the wallet as the
//! badge's history; a failed check never removes a badge.
//!
//! The core never prints and reads no global state: callers hand in the
//! wallet, the policy-bound [`Fetcher`], the identities and the time.
//! [`verify_badges`] checks many badges concurrently (a few requests at a time
//! per host, each shared document fetched once per run) and writes results in
//! short transactions between network waits, never during them.

mod did;
mod fetch;
mod hosted;
mod keys;
mod proof;
mod rdfc;
mod recipient;
mod report;
mod sd;
mod status;
mod vc;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use futures_util::StreamExt as _;
use serde_json::Value;

pub use crate::wallet::{CheckInput, CheckRecord, Outcome};
pub use keys::{CompactJws, KeyError, PublicKey, verify_compact_jws};
pub use proof::{Named, ProofError, SUITES, Suite, verify_proof};
pub use rdfc::canonical_nquads;

use crate::http::{FetchError, Fetched, Fetcher};
use crate::outcome::{Coded, ErrorCode, Progress};
use crate::wallet::{Identity, Wallet, WalletError, timestamp};
use fetch::RunFetcher;
use report::{Report, Step};

/// How far ahead of the clock a start date may be and still count as now
/// (clocks disagree by minutes).
const CLOCK_SKEW: Duration = Duration::minutes(5);

/// How many checks write their results in one transaction.
const WRITE_BATCH: usize = 64;

/// Limits of one verification run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Requests in flight to any one host.
    pub per_host: usize,
    /// Badges checked at the same time.
    pub concurrency: usize,
}

impl Default for VerifyOptions {
    /// Polite to small issuer sites, yet fast over many of them.
    fn default() -> Self {
        VerifyOptions {
            per_host: 8,
            concurrency: 64,
        }
    }
}

/// Why a verification run could not run (a badge that fails its check is an
/// outcome, not an error).
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error(transparent)]
    Wallet(#[from] WalletError),
}

impl Coded for VerifyError {
    fn code(&self) -> ErrorCode {
        match self {
            VerifyError::Wallet(e) => e.code(),
        }
    }
}

/// Checks the badges `ids` (in that order) against the wallet's own
/// identities and appends each result to the wallet's history. `progress`
/// is called after each badge.
pub async fn verify_badges(
    wallet: &mut Wallet,
    fetcher: &Fetcher,
    ids: &[i64],
    now: DateTime<Utc>,
    options: VerifyOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<Vec<CheckRecord>, VerifyError> {
    let identities = wallet.identities()?;
    let inputs = wallet.check_inputs(ids)?;
    let verifier = Verifier::new(fetcher, &identities, now, options);
    let total = inputs.len();
    let mut checks = futures_util::stream::iter(inputs.iter().enumerate())
        .map(|(at, input)| {
            let verifier = &verifier;
            async move { (at, verifier.check(input).await) }
        })
        .buffer_unordered(options.concurrency.max(1));
    let mut results: Vec<Option<CheckRecord>> = vec![None; total];
    let mut pending = Vec::with_capacity(WRITE_BATCH);
    let mut done = 0;
    while let Some((at, check)) = checks.next().await {
        pending.push(check.clone());
        results[at] = Some(check);
        done += 1;
        progress(Progress { done, total });
        if pending.len() >= WRITE_BATCH {
            wallet.record_checks(&pending)?;
            pending.clear();
        }
    }
    wallet.record_checks(&pending)?;
    Ok(results.into_iter().flatten().collect())
}

/// Checks badges against their issuers for one run; cheap to share between
/// concurrent checks.
pub struct Verifier<'a> {
    fetch: RunFetcher<'a>,
    identities: &'a [Identity],
    now: DateTime<Utc>,
}

impl<'a> Verifier<'a> {
    /// A verifier for one run at time `now`.
    pub fn new(
        fetcher: &'a Fetcher,
        identities: &'a [Identity],
        now: DateTime<Utc>,
        options: VerifyOptions,
    ) -> Self {
        Verifier {
            fetch: RunFetcher::new(fetcher, options.per_host),
            identities,
            now,
        }
    }

    /// Checks one badge. Never fails: every problem is an outcome.
    pub async fn check(&self, input: &CheckInput) -> CheckRecord {
        let mut r = Report::default();
        // A halted check has written its finding into the report already.
        let _ = self.dispatch(&mut r, input).await;
        r.finish(input.badge_id, timestamp(self.now))
    }

    /// Sends the badge to the checks of its version and proof.
    async fn dispatch(&self, r: &mut Report, input: &CheckInput) -> Step<()> {
        let text = input.raw_text.trim();
        match input.payload_kind.as_str() {
            "url" => self.hosted_at(r, text).await,
            _ => {
                let mut credential = crate::credential::parse(text).map_err(|e| {
                    r.halt(
                        Outcome::Malformed,
                        format!("the badge's own text cannot be read: {e}"),
                    )
                })?;
                // A 0.5 badge does not name its address; the wallet may know it.
                if credential.hosted_url.is_none() {
                    credential.hosted_url = input.hosted_url.clone();
                }
                self.check_credential(r, text, credential).await
            }
        }
    }

    /// Fetches a document and records the answer; a failure to get any
    /// answer halts the check as unreachable.
    async fn document(
        &self,
        r: &mut Report,
        what: &str,
        url: &str,
        shared: bool,
    ) -> Step<Arc<Fetched>> {
        let answer = if shared {
            self.fetch.shared(url).await
        } else {
            self.fetch.fresh(url).await
        };
        match answer {
            Ok(doc) => {
                r.fetched(what, url, Ok(doc.status));
                Ok(doc)
            }
            Err(e) => {
                r.fetched(what, url, Err(e.to_string()));
                let outcome = match e {
                    FetchError::BadUrl { .. } => Outcome::Invalid,
                    _ => Outcome::Unreachable,
                };
                Err(r.halt(outcome, format!("could not check the {what}: {e}")))
            }
        }
    }

    /// Fetches a JSON document that must answer 2xx.
    async fn json_document(
        &self,
        r: &mut Report,
        what: &str,
        url: &str,
        shared: bool,
    ) -> Step<Value> {
        let doc = self.document(r, what, url, shared).await?;
        require_ok(r, what, url, &doc)?;
        parse_json(r, what, url, &doc, Outcome::Invalid)
    }
}

/// Halts unless the server answered 2xx.
fn require_ok(r: &mut Report, what: &str, url: &str, doc: &Fetched) -> Step<()> {
    if (200..300).contains(&doc.status) {
        return Ok(());
    }
    Err(r.halt(
        Outcome::Unreachable,
        format!(
            "the {what} at {url} answered HTTP {}; the issuer's site may have moved or be having trouble, so try again later or ask the issuer",
            doc.status
        ),
    ))
}

/// Reads a fetched body as JSON; `bad` is the outcome when it is not.
fn parse_json(r: &mut Report, what: &str, url: &str, doc: &Fetched, bad: Outcome) -> Step<Value> {
    serde_json::from_slice(&doc.body).map_err(|e| {
        r.halt(
            bad,
            format!("the {what} at {url} is not readable JSON ({e}); ask the issuer to fix it"),
        )
    })
}

/// A string field, or the `id` of an object field.
fn id_of(value: Option<&Value>) -> Option<&str> {
    match value? {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("id").and_then(Value::as_str),
        _ => None,
    }
}

/// Strings of a field that may be one value or a list.
fn one_or_many(value: Option<&Value>) -> Vec<&Value> {
    match value {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(single) => vec![single],
    }
}

/// Records the date findings: ended, not started yet, or impossible.
/// `far_future` is how far ahead a start may be before it is a spec
/// violation rather than a badge that becomes valid later.
fn check_dates(
    r: &mut Report,
    now: DateTime<Utc>,
    starts: Option<DateTime<Utc>>,
    ends: Option<DateTime<Utc>>,
    far_future: Option<Duration>,
) {
    let show = |d: DateTime<Utc>| d.format("%Y-%m-%d %H:%M UTC").to_string();
    if let (Some(s), Some(e)) = (starts, ends)
        && e < s
    {
        r.find(
            Outcome::Invalid,
            format!(
                "the badge ends ({}) before it starts ({}), which no issuer means; ask the issuer to reissue it",
                show(e),
                show(s)
            ),
        );
        return;
    }
    if let Some(e) = ends {
        r.note("expires", e.to_rfc3339());
        if e <= now {
            r.find(
                Outcome::Expired,
                format!(
                    "this badge expired on {}; it stays in your wallet, and the issuer may offer a renewed one",
                    show(e)
                ),
            );
        }
    }
    if let Some(s) = starts {
        r.note("starts", s.to_rfc3339());
        if s > now + CLOCK_SKEW {
            match far_future {
                Some(limit) if s > now + limit => r.find(
                    Outcome::Invalid,
                    format!(
                        "the badge says it was issued on {}, far in the future; ask the issuer to correct it",
                        show(s)
                    ),
                ),
                _ => r.find(
                    Outcome::NotYetValid,
                    format!(
                        "this badge only becomes valid on {}; check it again after that",
                        show(s)
                    ),
                ),
            }
        }
    }
}
