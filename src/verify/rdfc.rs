//! JSON-LD to canonical RDF, for the RDFC cryptosuites (`eddsa-rdfc-2022`,
//! `ecdsa-rdfc-2019`, `Ed25519Signature2020`, …).
//!
//! A document is expanded as JSON-LD 1.1 (`sophia_jsonld`, over the `json-ld`
//! crate), turned into an RDF dataset and written as canonical N-Quads with
//! RDFC-1.0 (`sophia_c14n`). Terms the contexts do not define are an error,
//! never dropped (the strictest expansion policy, as in JSON-LD "safe
//! mode"): a dropped property could be shown to the learner without being
//! signed. Values the JSON-LD algorithms themselves discard (an `@id` that
//! is no IRI, an ill-formed language tag) are discarded as they say.
//!
//! Contexts come only from the files in `contexts/`, compiled into the
//! binary; nothing is ever fetched, so a credential naming any other remote
//! context is [`ProofError::UnknownContext`]. Inline contexts are processed
//! as written.
//!
//! Hostile documents are bounded: at most [`MAX_DEPTH`] levels of nesting,
//! expanded on a worker thread with a large stack (kept for the process); at most
//! [`MAX_CONTEXT_LOADS`] context loads; and at most [`HASH_BUDGET`] hashes
//! for RDFC-1.0, which is exponential on poisoned graphs.

use std::cell::Cell;
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, mpsc};

use serde_json::Value;
use sophia_api::quad::Spog;
use sophia_api::source::{QuadSource as _, StreamError};
use sophia_api::term::SimpleTerm;
use sophia_c14n::hash::{HashFunction, Sha256};
use sophia_c14n::rdfc10::{DEFAULT_DEPTH_FACTOR, DEFAULT_PERMUTATION_LIMIT};
use sophia_jsonld::loader::{BoxFuture, ClosureLoader};
use sophia_jsonld::{JsonLdOptions, JsonLdParser, Policy};

use super::contexts::{self, Texts};
use super::proof::ProofError;

/// Deepest JSON nesting expanded: far beyond any credential (an endorsed
/// Open Badge nests about ten levels).
const MAX_DEPTH: usize = 64;

/// Most contexts one canonicalization loads: each costs a parse, and a
/// credential loads a few (plus a few per embedded endorsement).
const MAX_CONTEXT_LOADS: usize = 100;

/// Most SHA-256 hashes one canonicalization may compute. RDFC-1.0 is
/// exponential on "poisoned" graphs of many blank nodes that look alike
/// (<https://www.w3.org/TR/rdf-canon/#dataset-poisoning>); a credential needs
/// a few per blank node.
const HASH_BUDGET: u32 = 20_000;

/// Stack of the thread that expands a document. The expansion recurses
/// through each level of nesting, at over 100 KiB a level in debug builds:
/// [`MAX_DEPTH`] levels would overflow a runtime worker's 2 MiB, so the work
/// runs on a thread of its own, with room to spare.
const EXPANSION_STACK: usize = 32 << 20;

/// The canonical N-Quads (RDFC-1.0) of a JSON-LD `document`, expanded with
/// the shipped contexts only, in the texts `texts` chooses.
pub fn canonical_nquads(document: &Value, texts: Texts) -> Result<String, ProofError> {
    if depth(document) > MAX_DEPTH {
        return Err(ProofError::Format(format!(
            "the credential is nested more than {MAX_DEPTH} levels deep"
        )));
    }
    let internal = |what: &str| ProofError::JsonLd(format!("Satchel could not {what}"));
    let text = document.to_string();
    let (reply, answer) = mpsc::channel();
    let job: Job = Box::new(move || {
        let result = std::panic::catch_unwind(|| canonicalize(&text, texts));
        // The caller waits for the answer; it is gone only if it stopped.
        let _ = reply.send(result);
    });
    workers()
        .lock()
        .map_err(|_| internal("start reading it"))?
        .send(job)
        .map_err(|_| internal("start reading it"))?;
    answer
        .recv()
        .map_err(|_| internal("finish reading it"))?
        .map_err(|stopped| {
            if stopped.is::<TooComplex>() {
                ProofError::JsonLd(format!(
                    "its RDF graph needs more than {HASH_BUDGET} hashes to canonicalize"
                ))
            } else {
                internal("finish reading it")
            }
        })?
}

/// One canonicalization, run by a worker.
type Job = Box<dyn FnOnce() + Send>;

/// The queue of the canonicalization workers: threads with a stack of
/// [`EXPANSION_STACK`], one per core, started on first use and kept. A
/// thread per canonicalization cost more than the canonicalization of a
/// small credential (a fresh stack and malloc arena each time, all page
/// faults).
fn workers() -> &'static Mutex<mpsc::Sender<Job>> {
    static QUEUE: OnceLock<Mutex<mpsc::Sender<Job>>> = OnceLock::new();
    QUEUE.get_or_init(|| {
        let (queue, jobs) = mpsc::channel::<Job>();
        let jobs = Arc::new(Mutex::new(jobs));
        let count = std::thread::available_parallelism().map_or(1, |n| n.get());
        for _ in 0..count {
            let jobs = Arc::clone(&jobs);
            // A worker that cannot start leaves the others (or none: then
            // every canonicalization answers that it could not start).
            let _ = std::thread::Builder::new()
                .name("json-ld".into())
                .stack_size(EXPANSION_STACK)
                .spawn(move || {
                    loop {
                        let job = match jobs.lock() {
                            Ok(queue) => queue.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
        }
        Mutex::new(queue)
    })
}

/// [`canonical_nquads`] of the JSON `text`, on the current thread.
fn canonicalize(text: &str, texts: Texts) -> Result<String, ProofError> {
    let loads = Arc::new(Loads {
        texts,
        ..Loads::default()
    });
    let options = JsonLdOptions::new()
        .with_expansion_policy(Policy::Strictest)
        .with_document_loader_closure({
            let loads = Arc::clone(&loads);
            move || {
                let loads = Arc::clone(&loads);
                ClosureLoader::new(move |url| {
                    let answer = loads.load(url.as_str());
                    Box::pin(std::future::ready(answer)) as BoxFuture<'static, _>
                })
            }
        });
    let parser = JsonLdParser::new_with_options(options);
    // The loader answers at once from memory, so the future never waits.
    let quads = futures_executor::block_on(parser.async_parse_str(text))
        .collect_quads::<HashSet<Spog<SimpleTerm<'static>>>>()
        .map_err(|e| {
            if let Some(url) = loads.missing.get() {
                return ProofError::UnknownContext(url.clone());
            }
            if loads.count.load(Ordering::Relaxed) > MAX_CONTEXT_LOADS {
                return ProofError::JsonLd(format!(
                    "it loads JSON-LD contexts more than {MAX_CONTEXT_LOADS} times"
                ));
            }
            match e {
                StreamError::SourceError(e) => ProofError::JsonLd(e.to_string()),
                StreamError::SinkError(never) => match never {},
            }
        })?;
    let mut out = Vec::new();
    HASHES_LEFT.set(HASH_BUDGET);
    sophia_c14n::rdfc10::normalize_with::<BudgetedSha256, _, _>(
        &quads,
        &mut out,
        DEFAULT_DEPTH_FACTOR,
        DEFAULT_PERMUTATION_LIMIT,
    )
    .map_err(|e| ProofError::JsonLd(format!("its RDF cannot be canonicalized: {e}")))?;
    String::from_utf8(out).map_err(|e| ProofError::JsonLd(e.to_string()))
}

thread_local! {
    /// Hashes the canonicalization on this thread may still compute.
    static HASHES_LEFT: Cell<u32> = const { Cell::new(0) };
}

/// Why a canonicalization was stopped.
struct TooComplex;

/// RDFC-1.0's SHA-256, counted against [`HASH_BUDGET`]: past it, the
/// canonicalization unwinds (without the panic hook) to the thread that
/// [`canonical_nquads`] joins, as `sophia_c14n` has no other way to stop.
/// This needs the default `panic = "unwind"`.
struct BudgetedSha256(Sha256);

impl HashFunction for BudgetedSha256 {
    type Output = <Sha256 as HashFunction>::Output;

    fn initialize() -> Self {
        match HASHES_LEFT.get().checked_sub(1) {
            Some(left) => HASHES_LEFT.set(left),
            None => std::panic::resume_unwind(Box::new(TooComplex)),
        }
        BudgetedSha256(Sha256::initialize())
    }

    fn update(&mut self, data: impl AsRef<[u8]>) {
        self.0.update(data);
    }

    fn finalize(self) -> Self::Output {
        self.0.finalize()
    }
}

/// The document loader's record of one canonicalization.
#[derive(Default)]
struct Loads {
    /// Which text of each shipped context to read.
    texts: Texts,
    /// The first context asked for that Satchel does not ship.
    missing: OnceLock<String>,
    /// How many contexts were asked for (each nested `@context` asks anew).
    count: AtomicUsize,
}

impl Loads {
    /// The text of the shipped context at `url`.
    fn load(&self, url: &str) -> Result<String, String> {
        if self.count.fetch_add(1, Ordering::Relaxed) >= MAX_CONTEXT_LOADS {
            return Err("too many contexts".into());
        }
        match contexts::shipped(url, self.texts) {
            Some(text) => Ok(text.to_owned()),
            None => {
                let _ = self.missing.set(url.to_owned());
                Err(format!("{url} is not shipped"))
            }
        }
    }
}

/// How deeply `value` nests, counted without recursion.
fn depth(value: &Value) -> usize {
    let mut deepest = 0;
    let mut pending = vec![(value, 1)];
    while let Some((v, d)) = pending.pop() {
        deepest = deepest.max(d);
        match v {
            Value::Array(items) => pending.extend(items.iter().map(|i| (i, d + 1))),
            Value::Object(map) => pending.extend(map.values().map(|i| (i, d + 1))),
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::contexts::SHIPPED;
    use super::*;

    const V2: &str = "https://www.w3.org/ns/credentials/v2";
    const EXAMPLES: &str = "https://www.w3.org/ns/credentials/examples/v2";

    /// A document `levels` deep whose every key is defined (examples `@vocab`).
    fn nested(levels: usize) -> Value {
        let mut inner = json!("bottom");
        for _ in 2..levels {
            inner = json!({ "next": inner });
        }
        json!({"@context": [V2, EXAMPLES], "id": "urn:example:deep", "next": inner})
    }

    #[test]
    fn every_shipped_context_can_be_used() {
        for (url, _) in SHIPPED {
            let doc = json!({"@context": url, "@id": "urn:example:1"});
            assert_eq!(
                canonical_nquads(&doc, Texts::CURRENT),
                Ok(String::new()),
                "{url}"
            );
        }
    }

    #[test]
    fn terms_no_context_defines_are_refused_not_dropped() {
        let doc = json!({"@context": [V2], "type": ["VerifiableCredential"],
            "issuer": "https://issuer.example", "shownButNeverSigned": "a claim"});
        assert!(matches!(
            canonical_nquads(&doc, Texts::CURRENT),
            Err(ProofError::JsonLd(_))
        ));
    }

    #[test]
    fn remote_contexts_inside_inline_ones_are_never_fetched() {
        let imported = json!({"@context": [V2, {"@import": "https://evil.example/import"}],
            "id": "urn:example:1"});
        assert_eq!(
            canonical_nquads(&imported, Texts::CURRENT),
            Err(ProofError::UnknownContext(
                "https://evil.example/import".into()
            ))
        );
        let scoped = json!({"@context": [V2, EXAMPLES, {"wrap": {"@id": "https://x.example/wrap",
            "@context": "https://evil.example/scoped"}}], "wrap": {"id": "urn:example:2"}});
        assert_eq!(
            canonical_nquads(&scoped, Texts::CURRENT),
            Err(ProofError::UnknownContext(
                "https://evil.example/scoped".into()
            ))
        );
    }

    #[test]
    fn deep_documents_are_refused_and_the_deepest_allowed_fits_a_worker_stack() {
        assert!(matches!(
            canonical_nquads(&nested(MAX_DEPTH + 1), Texts::CURRENT),
            Err(ProofError::Format(_))
        ));
        let deepest = nested(MAX_DEPTH);
        assert_eq!(depth(&deepest), MAX_DEPTH);
        // Runtime worker threads have 2 MiB stacks.
        let canonical = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || canonical_nquads(&deepest, Texts::CURRENT))
            .unwrap()
            .join()
            .expect("no stack overflow");
        assert_eq!(canonical.unwrap().lines().count(), MAX_DEPTH - 1);
    }

    #[test]
    fn poisoned_graphs_and_context_floods_are_stopped() {
        // A ring of blank nodes that all look alike: RDFC-1.0's worst case.
        let ring: Vec<Value> = (0..200)
            .map(|i| json!({"@id": format!("_:b{i}"), "next": {"@id": format!("_:b{}", (i + 1) % 200)}}))
            .collect();
        let doc = json!({"@context": [V2, EXAMPLES], "@graph": ring});
        assert_eq!(
            canonical_nquads(&doc, Texts::CURRENT),
            Err(ProofError::JsonLd(format!(
                "its RDF graph needs more than {HASH_BUDGET} hashes to canonicalize"
            )))
        );
        let small: Vec<Value> = (0..8)
            .map(|i| json!({"@id": format!("_:b{i}"), "next": {"@id": format!("_:b{}", (i + 1) % 8)}}))
            .collect();
        let doc = json!({"@context": [V2, EXAMPLES], "@graph": small});
        assert_eq!(
            canonical_nquads(&doc, Texts::CURRENT)
                .unwrap()
                .lines()
                .count(),
            8
        );

        let nested: Vec<Value> = (0..MAX_CONTEXT_LOADS)
            .map(|i| json!({"@context": [V2], "id": format!("urn:example:{i}")}))
            .collect();
        let doc = json!({"@context": [V2, EXAMPLES], "id": "urn:example:flood", "items": nested});
        assert!(matches!(
            canonical_nquads(&doc, Texts::CURRENT),
            Err(ProofError::JsonLd(m)) if m.contains("more than 100 times")
        ));
    }

    #[test]
    fn odd_values_are_errors_or_quads_never_panics_or_fetches() {
        let odd = [
            json!({"@language": "not a language tag!"}),
            json!({"@value": "x", "@language": "!!"}),
            json!({"@value": "x", "@direction": "sideways"}),
            json!({"@id": "not an iri at all"}),
            json!({"@id": "_:"}),
            json!({"@id": "http://[::1"}),
            json!({"@type": "%%%", "@value": "x"}),
            json!({"@value": 1e308}),
            json!({"@value": 123456789012345678901234567890u128 as f64}),
            json!({"@value": {"nested": true}, "@type": "@json"}),
            json!({"@list": [{"@list": [1, 2]}, []]}),
            json!({"@graph": [{"@id": "urn:a", "@reverse": {"next": {"@id": "urn:b"}}}]}),
            json!({"@context": {"@vocab": "not:a:base"}, "x": 1}),
            json!({"@context": {"@version": 1.0}}),
            json!({"@context": {"@base": "relative/path"}, "@id": "x"}),
            json!({"@context": null, "@id": "urn:x", "urn:p": "v"}),
        ];
        for value in odd {
            let doc = json!({"@context": [V2, EXAMPLES], "id": "urn:example:odd", "value": value});
            let read = canonical_nquads(&doc, Texts::CURRENT);
            assert!(
                !matches!(&read, Err(ProofError::JsonLd(m)) if m.starts_with("Satchel could not")),
                "{value}: {read:?}"
            );
        }
        for nothing in [json!([1, "two", null]), json!("a string"), json!(null)] {
            assert_eq!(
                canonical_nquads(&nothing, Texts::CURRENT),
                Ok(String::new()),
                "{nothing}"
            );
        }
    }
}
