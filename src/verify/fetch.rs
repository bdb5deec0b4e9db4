//! Fetching for one verification run: per-host limits and a per-run cache.
//!
//! Every request goes through the shared [`Fetcher`] and its policy. On top of
//! it, a run allows only a few requests at a time to each host (issuers are
//! small sites) and fetches each shared document (issuer profile, BadgeClass,
//! key, revocation or status list, DID document) once: concurrent checks that
//! need the same URL wait for the one request in flight. Failures are cached
//! too, so an issuer that is offline costs one timeout per run, not one per badge.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{OnceCell, Semaphore};

use crate::http::{FetchError, Fetched, Fetcher};

/// What verification accepts: JSON-LD and JSON documents first, anything
/// else (an OB 1.x PEM key file) last.
const ACCEPT: &str = "application/ld+json, application/json;q=0.9, */*;q=0.1";

/// A fetch's result, shared between the checks that asked for it.
pub(super) type Shared = Result<Arc<Fetched>, FetchError>;

/// The fetching side of one run.
pub(super) struct RunFetcher<'a> {
    fetcher: Cow<'a, Fetcher>,
    per_host: usize,
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
    cache: PerRun<Shared>,
}

/// Results worked out once per run and shared by every check that asks for
/// the same key: concurrent askers wait for the first, and each gets a copy.
pub(super) struct PerRun<T> {
    cells: Mutex<HashMap<String, Arc<OnceCell<T>>>>,
}

impl<T> Default for PerRun<T> {
    fn default() -> Self {
        PerRun {
            cells: Mutex::default(),
        }
    }
}

impl<T: Clone> PerRun<T> {
    /// The result for `key`, worked out by `work` if no check asked before.
    pub async fn get<F: Future<Output = T>>(&self, key: &str, work: impl FnOnce() -> F) -> T {
        let cell = {
            let mut cells = self.cells.lock().unwrap_or_else(|e| e.into_inner());
            cells.entry(key.to_owned()).or_default().clone()
        };
        cell.get_or_init(work).await.clone()
    }
}

impl<'a> RunFetcher<'a> {
    pub fn new(fetcher: Cow<'a, Fetcher>, per_host: usize) -> Self {
        RunFetcher {
            fetcher,
            per_host: per_host.max(1),
            hosts: Mutex::default(),
            cache: PerRun::default(),
        }
    }

    /// The policy of the underlying client.
    pub fn allow_private(&self) -> bool {
        self.fetcher.policy().allow_private
    }

    /// Fetches a document only this badge uses (its hosted assertion).
    pub async fn fresh(&self, url: &str) -> Shared {
        self.limited(url).await.map(Arc::new)
    }

    /// Fetches a document many badges may share, once per run.
    pub async fn shared(&self, url: &str) -> Shared {
        self.cache.get(url, || self.fresh(url)).await
    }

    /// One request, waiting for a free slot on the URL's host.
    async fn limited(&self, url: &str) -> Result<Fetched, FetchError> {
        let host = host_of(url);
        let semaphore = {
            let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
            hosts
                .entry(host)
                .or_insert_with(|| Arc::new(Semaphore::new(self.per_host)))
                .clone()
        };
        // The semaphore is never closed, so acquiring cannot fail.
        let _permit = semaphore.acquire().await.ok();
        self.fetcher.get(url, ACCEPT).await
    }
}

/// The host and port a URL is fetched from: what the per-host limit counts
/// by (empty for a URL that does not parse).
pub(super) fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .map(|u| {
            format!(
                "{}:{}",
                u.host_str().unwrap_or(""),
                u.port_or_known_default().unwrap_or(0)
            )
        })
        .unwrap_or_default()
}
