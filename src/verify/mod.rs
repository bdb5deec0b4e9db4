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
//! short transactions between network waits, never during them, together
//! with the key documents that tied keys to their issuers, which later runs
//! read when the issuer cannot be reached.

mod contexts;
mod did;
mod fetch;
mod hosted;
mod kept;
mod keys;
mod proof;
mod rdfc;
mod recipient;
mod report;
mod sd;
mod status;
mod vc;

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use futures_util::StreamExt as _;
use serde_json::Value;

pub use crate::wallet::{CheckInput, CheckRecord, Outcome};
pub use contexts::Texts as ContextTexts;
pub use keys::{CompactJws, KeyError, PublicKey, verify_compact_jws};
pub use proof::{Named, ProofError, SUITES, Suite, verify_proof};
pub use rdfc::canonical_nquads;
pub use recipient::IssuedTo;

use crate::http::{FetchError, Fetched, Fetcher};
use crate::outcome::{Coded, ErrorCode, Progress};
use crate::wallet::{Identity, KeyDocument, Wallet, WalletError, timestamp};
use fetch::{PerRun, RunFetcher};
use kept::KeptDocuments;
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
    let total = inputs.len();
    // Each check is a task of its own, so that on a runtime with worker
    // threads the checks' cryptography runs on every core; the results
    // still come back here, to the one writer.
    let verifier = Arc::new(
        Verifier::new(
            Cow::Owned(fetcher.clone()),
            Cow::Owned(identities),
            now,
            options,
        )
        .with_kept_documents(wallet.key_documents()?),
    );
    let mut checks = futures_util::stream::iter(interleaved_by_host(inputs))
        .map(|(at, input)| {
            let verifier = Arc::clone(&verifier);
            let check = tokio::spawn(async move { verifier.check(&input).await });
            async move {
                match check.await {
                    Ok(check) => (at, check),
                    Err(e) => std::panic::resume_unwind(e.into_panic()),
                }
            }
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
            wallet.record_checks(&pending, &verifier.kept.take_fresh())?;
            pending.clear();
        }
    }
    wallet.record_checks(&pending, &verifier.kept.take_fresh())?;
    Ok(results.into_iter().flatten().collect())
}

/// The inputs with their places, in the order to check them: taking the
/// hosts they are fetched from in turn, so that the badges of one host
/// (allowed only a few requests at a time) never fill every slot of the
/// run while the other hosts sit idle. Badges checked without fetching
/// anything of their own form one more turn.
fn interleaved_by_host(inputs: Vec<CheckInput>) -> Vec<(usize, CheckInput)> {
    let total = inputs.len();
    let mut turns: Vec<VecDeque<(usize, CheckInput)>> = Vec::new();
    let mut turn_of: HashMap<String, usize> = HashMap::new();
    for (at, input) in inputs.into_iter().enumerate() {
        let url = match input.payload_kind.as_str() {
            "url" => Some(input.raw_text.trim()),
            _ => input.hosted_url.as_deref(),
        };
        let host = url.map(fetch::host_of).unwrap_or_default();
        let turn = *turn_of.entry(host).or_insert_with(|| {
            turns.push(Default::default());
            turns.len() - 1
        });
        turns[turn].push_back((at, input));
    }
    let mut order = Vec::with_capacity(total);
    while order.len() < total {
        order.extend(turns.iter_mut().filter_map(|turn| turn.pop_front()));
    }
    order
}

/// Checks badges against their issuers for one run; cheap to share between
/// concurrent checks.
pub struct Verifier<'a> {
    fetch: RunFetcher<'a>,
    identities: Cow<'a, [Identity]>,
    now: DateTime<Utc>,
    kept: KeptDocuments,
    /// Each status list's own check, by URL: many badges name one list.
    lists: PerRun<(Report, Step<Arc<status::ProvenList>>)>,
}

impl<'a> Verifier<'a> {
    /// A verifier for one run at time `now`; owning what it is given
    /// (`Cow::Owned`) lets checks run as tasks of their own.
    pub fn new(
        fetcher: Cow<'a, Fetcher>,
        identities: Cow<'a, [Identity]>,
        now: DateTime<Utc>,
        options: VerifyOptions,
    ) -> Self {
        Verifier {
            fetch: RunFetcher::new(fetcher, options.per_host),
            identities,
            now,
            kept: KeptDocuments::default(),
            lists: PerRun::default(),
        }
    }

    /// The same verifier, reading `documents` (kept from earlier checks)
    /// when a key document cannot be fetched.
    pub fn with_kept_documents(mut self, documents: Vec<KeyDocument>) -> Self {
        self.kept = KeptDocuments::new(documents);
        self
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

#[cfg(test)]
mod tests {
    use super::*;

    fn input(badge_id: i64, payload_kind: &str, text: &str, hosted: Option<&str>) -> CheckInput {
        CheckInput {
            badge_id,
            raw_text: text.to_owned(),
            payload_kind: payload_kind.to_owned(),
            hosted_url: hosted.map(str::to_owned),
        }
    }

    #[test]
    fn checks_take_the_hosts_in_turn_and_keep_their_places() {
        let a = |n| format!("https://a.example/{n}");
        let inputs = vec![
            input(1, "url", &a(1), None),
            input(2, "url", &a(2), None),
            input(3, "url", &a(3), None),
            input(4, "json", "{}", Some("http://b.example:8080/4")),
            input(5, "jws", "e.e.s", None),
            input(6, "json", "{}", Some("http://b.example:8080/6")),
            // Another port is another host, as the per-host limit counts.
            input(7, "url", "https://a.example:444/7", None),
        ];
        let order: Vec<(usize, i64)> = interleaved_by_host(inputs)
            .into_iter()
            .map(|(at, input)| (at, input.badge_id))
            .collect();
        assert_eq!(
            order,
            [(0, 1), (3, 4), (4, 5), (6, 7), (1, 2), (5, 6), (2, 3)]
        );
    }
}
