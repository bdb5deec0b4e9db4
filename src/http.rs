//! The one HTTP client for every remote document a badge points at.
//!
//! Every fetch (hosted assertions, BadgeClasses, issuer profiles, keys,
//! revocation lists, backpack APIs) goes through [`Fetcher`], which enforces
//! the [`HttpPolicy`]: only `http(s)`, a total time limit, a byte cap per
//! document that is enforced while streaming, a redirect cap, and no requests
//! to loopback, private or link-local addresses unless the learner allowed
//! them. The address rule is checked twice: on literal IP hosts before the
//! request (and on every redirect hop), and on every address a host name
//! resolves to, so a stranger's badge cannot make the wallet probe the
//! learner's own network.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use futures_util::StreamExt;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use url::{Host, Url};

use crate::outcome::{Coded, ErrorCode};

/// What the client accepts, as Open Badges hosts expect.
const ACCEPT_JSON: &str = "application/ld+json, application/json";

/// The limits every remote fetch obeys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpPolicy {
    /// Time to establish a connection.
    pub connect_timeout: Duration,
    /// Time for a whole request, body included.
    pub timeout: Duration,
    /// Largest response body accepted, in bytes.
    pub max_bytes: usize,
    /// Most redirects followed for one request.
    pub max_redirects: usize,
    /// Whether loopback, private and link-local addresses may be fetched.
    pub allow_private: bool,
}

impl Default for HttpPolicy {
    /// Limits chosen for badge documents: a hosted assertion or profile is a few
    /// KiB, a baked image rarely over 1 MiB; issuers answer in well under 10 s.
    fn default() -> Self {
        HttpPolicy {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(15),
            max_bytes: 8 * 1024 * 1024,
            max_redirects: 5,
            allow_private: false,
        }
    }
}

impl HttpPolicy {
    /// The default policy, with private addresses allowed or not.
    pub fn with_private(allow_private: bool) -> Self {
        HttpPolicy {
            allow_private,
            ..HttpPolicy::default()
        }
    }
}

/// Why a remote document could not be fetched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The URL is not one Satchel will fetch (scheme, syntax).
    #[error("cannot fetch {url:?}: {reason}")]
    BadUrl { url: String, reason: String },
    /// The host is on the learner's own network and that was not allowed.
    #[error(
        "{url} points at a private or local network address ({addr}); Satchel does not fetch those unless you allow it with --allow-private-network"
    )]
    PrivateAddress { url: String, addr: String },
    /// Network failure, DNS failure, refused connection.
    #[error("could not reach {url}: {reason}; the issuer's site may be offline, try again later")]
    Unreachable { url: String, reason: String },
    /// The HTTP client itself could not start, so nothing was asked.
    #[error(
        "Satchel could not start its web client, so {url} was not asked ({reason}); check that the system's trusted certificates are installed (on Debian, the ca-certificates package), then try again"
    )]
    ClientStart { url: String, reason: String },
    /// No complete answer within the time limit.
    #[error("{url} did not answer within {limit:?}; the issuer's site may be slow or offline")]
    Timeout { url: String, limit: Duration },
    /// The server answered with a status other than 2xx.
    #[error("{url} answered HTTP {status}")]
    Status { url: String, status: u16 },
    /// The body exceeded the byte cap.
    #[error("{url} sent more than {limit} bytes, more than any badge document needs")]
    TooLarge { url: String, limit: usize },
    /// Redirects went on past the cap (or in a loop).
    #[error("{url} redirected more than {limit} times")]
    TooManyRedirects { url: String, limit: usize },
}

impl Coded for FetchError {
    fn code(&self) -> ErrorCode {
        match self {
            FetchError::TooLarge { .. } => ErrorCode::TooLarge,
            FetchError::BadUrl { .. } => ErrorCode::InvalidInput,
            _ => ErrorCode::Unreachable,
        }
    }
}

impl FetchError {
    /// The HTTP status, when the server answered with one.
    pub fn status(&self) -> Option<u16> {
        match self {
            FetchError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// A fetched document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The URL that answered, after redirects.
    pub final_url: String,
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

impl Fetched {
    /// The body as text, replacing invalid UTF-8.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// An HTTP method an API call may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

/// One request for [`Fetcher::send`]. Its `Debug` form never shows the
/// credentials or the body, so a request can be logged safely.
#[derive(Clone)]
pub struct Request {
    pub method: Method,
    pub url: String,
    /// The `Accept` header.
    pub accept: String,
    /// The whole `Authorization` header value (`Bearer …`, `Basic …`).
    pub authorization: Option<String>,
    /// The content type and the bytes of the body.
    pub body: Option<(String, Vec<u8>)>,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("authorization", &self.authorization.as_ref().map(|_| "…"))
            .field("body_bytes", &self.body.as_ref().map(|(_, b)| b.len()))
            .finish()
    }
}

impl Request {
    /// A request without credentials or body.
    pub fn new(method: Method, url: &str, accept: &str) -> Self {
        Request {
            method,
            url: url.to_owned(),
            accept: accept.to_owned(),
            authorization: None,
            body: None,
        }
    }

    /// Adds an `Authorization` header value.
    pub fn authorization(mut self, value: String) -> Self {
        self.authorization = Some(value);
        self
    }

    /// Adds a body with its content type.
    pub fn body(mut self, content_type: &str, body: Vec<u8>) -> Self {
        self.body = Some((content_type.to_owned(), body));
        self
    }

    /// Adds a JSON body.
    pub fn json(self, value: &serde_json::Value) -> Self {
        self.body("application/json", value.to_string().into_bytes())
    }

    /// Adds an `application/x-www-form-urlencoded` body.
    pub fn form(self, fields: &[(&str, &str)]) -> Self {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.body("application/x-www-form-urlencoded", body.into_bytes())
    }
}

/// A response to [`Fetcher::send`]: the document and the headers it came with.
#[derive(Debug, Clone)]
pub struct Response {
    pub fetched: Fetched,
    pub headers: HeaderMap,
}

/// The policy-bound client. Cheap to clone; share one per run so that
/// connections are reused.
#[derive(Clone)]
pub struct Fetcher {
    /// Built at the first request: loading the system's certificates takes
    /// milliseconds that a command with nothing to fetch need not spend. The
    /// reason it could not be built, if so.
    client: Arc<OnceLock<Result<reqwest::Client, String>>>,
    policy: Arc<HttpPolicy>,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("policy", &self.policy)
            .finish()
    }
}

impl Fetcher {
    /// A client that enforces `policy`.
    pub fn new(policy: HttpPolicy) -> Self {
        Fetcher {
            client: Arc::new(OnceLock::new()),
            policy: Arc::new(policy),
        }
    }

    /// The client, built the first time it is needed.
    fn client(&self, url: &str) -> Result<&reqwest::Client, FetchError> {
        self.client
            .get_or_init(|| build_client(&self.policy).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| FetchError::ClientStart {
                url: url.to_owned(),
                reason: e.clone(),
            })
    }

    /// The policy this client enforces.
    pub fn policy(&self) -> &HttpPolicy {
        &self.policy
    }

    /// Fetches `url` as a JSON document and requires a 2xx answer.
    pub async fn get_json(&self, url: &str) -> Result<Fetched, FetchError> {
        let fetched = self.get(url, ACCEPT_JSON).await?;
        if !(200..300).contains(&fetched.status) {
            return Err(FetchError::Status {
                url: url.to_owned(),
                status: fetched.status,
            });
        }
        Ok(fetched)
    }

    /// Fetches `url` with the given `Accept` header and returns whatever status
    /// the server answered (callers such as verification need to see a 410).
    pub async fn get(&self, url: &str, accept: &str) -> Result<Fetched, FetchError> {
        Ok(self
            .send(Request::new(Method::Get, url, accept))
            .await?
            .fetched)
    }

    /// Sends any request (an API call with a body or credentials) under the
    /// same policy as [`Fetcher::get`], and returns whatever status the
    /// server answered, with the response headers.
    pub async fn send(&self, request: Request) -> Result<Response, FetchError> {
        let url = request.url.as_str();
        let parsed = Url::parse(url).map_err(|e| FetchError::BadUrl {
            url: url.to_owned(),
            reason: e.to_string(),
        })?;
        check_url(&parsed, self.policy.allow_private)?;
        let accept =
            HeaderValue::from_str(&request.accept).unwrap_or(HeaderValue::from_static(ACCEPT_JSON));
        let method = match request.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut builder = self
            .client(url)?
            .request(method, parsed)
            .header(ACCEPT, accept);
        if let Some(value) = &request.authorization {
            let mut value = HeaderValue::from_str(value).map_err(|_| FetchError::BadUrl {
                url: url.to_owned(),
                reason: "the credentials cannot be sent in a header".to_owned(),
            })?;
            value.set_sensitive(true);
            builder = builder.header(AUTHORIZATION, value);
        }
        if let Some((content_type, body)) = request.body {
            builder = builder.header(CONTENT_TYPE, content_type).body(body);
        }
        let response = builder.send().await.map_err(|e| self.map_error(url, e))?;
        let headers = response.headers().clone();
        let status = response.status().as_u16();
        let final_url = response.url().to_string();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let limit = self.policy.max_bytes;
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(FetchError::TooLarge {
                url: url.to_owned(),
                limit,
            });
        }
        let mut body = Vec::new();
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| self.map_error(url, e))?;
            if body.len() + chunk.len() > limit {
                return Err(FetchError::TooLarge {
                    url: url.to_owned(),
                    limit,
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Response {
            fetched: Fetched {
                final_url,
                status,
                content_type,
                body,
            },
            headers,
        })
    }

    /// Turns a reqwest error into the policy's own words, digging out the
    /// reason a redirect or resolution was refused.
    fn map_error(&self, url: &str, error: reqwest::Error) -> FetchError {
        if error.is_timeout() {
            return FetchError::Timeout {
                url: url.to_owned(),
                limit: self.policy.timeout,
            };
        }
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
        while let Some(e) = source {
            if let Some(refused) = e.downcast_ref::<RedirectRefused>() {
                return match refused {
                    RedirectRefused::TooMany => FetchError::TooManyRedirects {
                        url: url.to_owned(),
                        limit: self.policy.max_redirects,
                    },
                    RedirectRefused::Policy(inner) => inner.clone(),
                };
            }
            if let Some(private) = e.downcast_ref::<PrivateHost>() {
                return FetchError::PrivateAddress {
                    url: url.to_owned(),
                    addr: private.0.clone(),
                };
            }
            source = e.source();
        }
        let reason = if error.is_connect() {
            "the connection failed".to_owned()
        } else if error.is_redirect() {
            "a redirect could not be followed".to_owned()
        } else {
            innermost_message(&error)
        };
        FetchError::Unreachable {
            url: url.to_owned(),
            reason,
        }
    }
}

/// A client that enforces `policy`: redirects and addresses checked at
/// every hop, its time limits, no proxy.
fn build_client(policy: &HttpPolicy) -> reqwest::Result<reqwest::Client> {
    let max_redirects = policy.max_redirects;
    let allow_private = policy.allow_private;
    let redirect = reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() > max_redirects {
            return attempt.error(RedirectRefused::TooMany);
        }
        match check_url(attempt.url(), allow_private) {
            Ok(()) => attempt.follow(),
            Err(e) => attempt.error(RedirectRefused::Policy(e)),
        }
    });
    reqwest::Client::builder()
        .connect_timeout(policy.connect_timeout)
        .timeout(policy.timeout)
        .redirect(redirect)
        .dns_resolver(Arc::new(GuardedResolver { allow_private }))
        .user_agent(concat!("Satchel/", env!("CARGO_PKG_VERSION")))
        .no_proxy()
        .build()
}

/// The deepest error message in a chain, which is usually the informative one.
fn innermost_message(error: &dyn std::error::Error) -> String {
    let mut current = error;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

/// Why the redirect policy stopped a request.
#[derive(Debug)]
enum RedirectRefused {
    TooMany,
    Policy(FetchError),
}

impl std::fmt::Display for RedirectRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RedirectRefused::TooMany => f.write_str("too many redirects"),
            RedirectRefused::Policy(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for RedirectRefused {}

/// A host name that resolved only to addresses the policy refuses.
#[derive(Debug)]
struct PrivateHost(String);

impl std::fmt::Display for PrivateHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} is a private or local address", self.0)
    }
}

impl std::error::Error for PrivateHost {}

/// Checks scheme and literal IP hosts of a URL against the policy.
fn check_url(url: &Url, allow_private: bool) -> Result<(), FetchError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(FetchError::BadUrl {
            url: url.to_string(),
            reason: format!(
                "only http and https addresses are fetched, not {}:",
                url.scheme()
            ),
        });
    }
    let ip = match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip),
        Some(Host::Domain(name)) => {
            if !allow_private && is_local_name(name) {
                return Err(FetchError::PrivateAddress {
                    url: url.to_string(),
                    addr: name.to_owned(),
                });
            }
            return Ok(());
        }
        None => {
            return Err(FetchError::BadUrl {
                url: url.to_string(),
                reason: "it names no host".to_owned(),
            });
        }
    };
    if !allow_private && !is_public(ip) {
        return Err(FetchError::PrivateAddress {
            url: url.to_string(),
            addr: ip.to_string(),
        });
    }
    Ok(())
}

/// Names that always mean this machine or its local network.
fn is_local_name(name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost") || name.ends_with(".local")
}

/// Whether an address is on the public internet (not loopback, private,
/// link-local, shared, documentation, multicast or unspecified).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (first & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (first == 0x2001 && v6.segments()[1] == 0x0db8)) // documentation
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space 100.64/10
        || (a == 198 && (b == 18 || b == 19)) // benchmarking 198.18/15
        || a >= 240)
}

/// Resolves host names and drops the addresses the policy refuses, so a public
/// name that points at 127.0.0.1 or 10.0.0.1 is refused too.
struct GuardedResolver {
    allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|a| allow_private || is_public(a.ip()))
                .collect();
            if allowed.is_empty() && !found.is_empty() {
                let addr = format!("{host} resolves to {}", found[0].ip());
                return Err(Box::new(PrivateHost(addr)) as Box<dyn std::error::Error + Send + Sync>);
            }
            let addrs: Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_and_private_addresses_are_told_apart() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.9",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["93.184.216.34", "1.1.1.1", "2606:4700::1111"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn urls_are_checked_before_any_request() {
        let check = |u: &str, allow| check_url(&Url::parse(u).unwrap(), allow);
        assert!(matches!(
            check("http://127.0.0.1:8080/a", false),
            Err(FetchError::PrivateAddress { .. })
        ));
        assert!(matches!(
            check("http://localhost/a", false),
            Err(FetchError::PrivateAddress { .. })
        ));
        assert!(matches!(
            check("file:///etc/passwd", true),
            Err(FetchError::BadUrl { .. })
        ));
        assert!(check("http://127.0.0.1:8080/a", true).is_ok());
        assert!(check("https://example.org/a", false).is_ok());
    }

    #[tokio::test]
    async fn a_private_address_is_refused_without_a_request() {
        let fetcher = Fetcher::new(HttpPolicy::default());
        let err = fetcher.get_json("http://127.0.0.1:9/x").await.unwrap_err();
        assert!(matches!(err, FetchError::PrivateAddress { .. }), "{err}");
        assert!(err.to_string().contains("--allow-private-network"));
    }
}
