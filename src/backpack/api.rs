//! What every backpack protocol shares: a signed-in session that refreshes
//! its token, paging through `Link: rel="next"`, and turning answers into
//! outcomes or refusals a learner can act on.
//!
//! The protocol modules only build requests and read their documents; the
//! rules for a 401, a 429, a 5xx or no answer at all live here once.

use reqwest::header::{LINK, RETRY_AFTER};
use serde_json::Value;
use url::Url;

use super::oauth::{self, Client};
use super::secrets::{Secrets, Tokens};
use super::{BackpackError, Context};
use crate::http::{FetchError, Fetched, Fetcher, Method, Request, Response};
use crate::wallet::{BackpackAccount, Badge};

/// The `Accept` header of API calls.
pub const JSON: &str = "application/json";
/// The longest piece of a remote answer kept as evidence.
const MAX_EVIDENCE: usize = 600;
/// The most pages read from one list, so a server that always answers
/// "next" cannot keep Satchel busy forever.
const MAX_PAGES: usize = 500;
/// A token this close to its expiry is refreshed before use.
const EXPIRY_MARGIN_SECS: i64 = 30;

/// A signed-in connection to one backpack.
pub struct Session<'a> {
    pub fetcher: &'a Fetcher,
    secrets: &'a Secrets,
    key: String,
    /// The backpack's name, as the learner called it.
    pub name: String,
    tokens: Tokens,
    token_url: String,
    client_id: Option<String>,
    now: i64,
}

impl<'a> Session<'a> {
    /// Opens a session with the tokens stored for `account`.
    pub fn open(
        ctx: &Context<'a>,
        account: &BackpackAccount,
        token_url: String,
    ) -> Result<Self, BackpackError> {
        let tokens = ctx.secrets.load(&account.secret_key)?.ok_or_else(|| {
            sign_in_again(
                &account.name,
                "no sign-in is stored in the keyring for it",
                None,
            )
        })?;
        Ok(Session {
            fetcher: ctx.fetcher,
            secrets: ctx.secrets,
            key: account.secret_key.clone(),
            name: account.name.clone(),
            tokens,
            token_url,
            client_id: account.client_id.clone(),
            now: ctx.now.timestamp(),
        })
    }

    fn authorization(&self) -> String {
        format!("Bearer {}", self.tokens.access_token)
    }

    /// Sends an API call with the access token. A token past its expiry is
    /// refreshed first; a 401 refreshes once and retries. A 429 becomes
    /// [`BackpackError::Throttled`]; other statuses are the caller's to read.
    pub async fn send(&mut self, request: Request) -> Result<Response, BackpackError> {
        if self
            .tokens
            .expires_at
            .is_some_and(|at| at <= self.now + EXPIRY_MARGIN_SECS)
        {
            self.refresh().await?;
        }
        let mut response = self
            .fetcher
            .send(request.clone().authorization(self.authorization()))
            .await
            .map_err(|e| offline(&self.name, e))?;
        if response.fetched.status == 401 {
            self.refresh().await?;
            response = self
                .fetcher
                .send(request.authorization(self.authorization()))
                .await
                .map_err(|e| offline(&self.name, e))?;
            if response.fetched.status == 401 {
                return Err(sign_in_again(
                    &self.name,
                    "it no longer accepts Satchel's sign-in",
                    Some(evidence(&response.fetched)),
                ));
            }
        }
        if response.fetched.status == 429 {
            return Err(throttled(&self.name, &response));
        }
        Ok(response)
    }

    /// Trades the refresh token for new tokens and stores them.
    async fn refresh(&mut self) -> Result<(), BackpackError> {
        let Some(refresh) = self.tokens.refresh_token.clone() else {
            return Err(sign_in_again(&self.name, "its sign-in has expired", None));
        };
        let client = self.client_id.clone().map(|id| Client {
            id,
            secret: self.tokens.client_secret.clone(),
        });
        let granted = oauth::request_token(
            self.fetcher,
            &self.token_url,
            &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
            client.as_ref(),
            &self.name,
            self.now,
        )
        .await
        .map_err(|e| match e {
            BackpackError::SignIn { evidence, .. } => {
                sign_in_again(&self.name, "its sign-in has expired", evidence)
            }
            BackpackError::Fetch(e) => offline(&self.name, e),
            other => other,
        })?;
        let mut tokens = granted.tokens;
        if tokens.refresh_token.is_none() {
            tokens.refresh_token = Some(refresh);
        }
        tokens.client_secret = self.tokens.client_secret.clone();
        self.secrets.save(&self.key, &tokens)?;
        self.tokens = tokens;
        Ok(())
    }

    /// Reads a JSON document, requiring a 2xx answer.
    pub async fn get_json(&mut self, url: &str) -> Result<(Value, Response), BackpackError> {
        let response = self.send(Request::new(Method::Get, url, JSON)).await?;
        if !is_success(&response) {
            return Err(refusal(&self.name, &response));
        }
        Ok((json_body(&self.name, &response)?, response))
    }

    /// Reads every page of a list, following `Link: <…>; rel="next"`, and
    /// returns the items `items` picks out of each page.
    pub async fn get_pages(
        &mut self,
        first: &str,
        items: impl Fn(Value) -> Vec<Value>,
    ) -> Result<Paged<Value>, BackpackError> {
        let mut all = Vec::new();
        let mut seen = Vec::new();
        let mut next = Some(first.to_owned());
        while let Some(url) = next.take() {
            if seen.contains(&url) || seen.len() >= MAX_PAGES {
                break;
            }
            let (page, response) = match self.get_json(&url).await {
                Ok(answer) => answer,
                // Nothing read yet: the listing itself failed.
                Err(e) if seen.is_empty() => return Err(e),
                Err(e) => {
                    return Ok(Paged {
                        items: all,
                        stopped: Some(e),
                    });
                }
            };
            all.extend(items(page));
            next = next_link(&response, &url);
            seen.push(url);
        }
        Ok(Paged {
            items: all,
            stopped: None,
        })
    }
}

/// What a paged listing gave: the items of every page read, and why it
/// stopped before the last page, when it did (what was read still counts).
#[derive(Debug)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub stopped: Option<BackpackError>,
}

impl<T> Paged<T> {
    /// The same listing with each item turned into something else.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Paged<U> {
        Paged {
            items: self.items.into_iter().map(f).collect(),
            stopped: self.stopped,
        }
    }
}

/// Whether the answer is a 2xx.
pub fn is_success(response: &Response) -> bool {
    (200..300).contains(&response.fetched.status)
}

/// The body as JSON, or a protocol error naming the backpack.
pub fn json_body(name: &str, response: &Response) -> Result<Value, BackpackError> {
    serde_json::from_slice(&response.fetched.body).map_err(|e| BackpackError::Protocol {
        name: name.to_owned(),
        reason: format!("{} is not JSON: {e}", response.fetched.final_url),
    })
}

/// Badgr wraps answers as `{"status": …, "result": …}`; the spec's APIs do
/// not. This returns what is inside either way.
pub fn unwrap_result(value: Value) -> Value {
    match value {
        Value::Object(mut map) if map.contains_key("status") && map.contains_key("result") => {
            map.remove("result").unwrap_or_default()
        }
        other => other,
    }
}

/// The first object of a result that may be a list of one.
pub fn first_result(value: Value) -> Value {
    match unwrap_result(value) {
        Value::Array(items) => items.into_iter().next().unwrap_or_default(),
        other => other,
    }
}

/// The target of `Link: <…>; rel="next"`, resolved against the page's URL.
fn next_link(response: &Response, current: &str) -> Option<String> {
    let base = Url::parse(current).ok()?;
    response
        .headers
        .get_all(LINK)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .find_map(|link| {
            let (target, params) = link.split_once(';')?;
            let is_next = params.split(';').any(|p| {
                let p = p.trim().replace(' ', "");
                p == "rel=\"next\"" || p == "rel=next"
            });
            let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
            is_next.then(|| base.join(target).ok().map(String::from))?
        })
}

/// The remote's own words: the strings of a JSON answer, or its text,
/// shortened. Kept as evidence next to Satchel's sentence.
pub fn evidence(fetched: &Fetched) -> String {
    let text = match serde_json::from_slice::<Value>(&fetched.body) {
        Ok(value) => {
            let mut strings = Vec::new();
            collect_strings(&value, &mut strings);
            if strings.is_empty() {
                value.to_string()
            } else {
                strings.join("; ")
            }
        }
        Err(_) => fetched.text().trim().to_owned(),
    };
    let text = if text.is_empty() {
        format!("HTTP {}", fetched.status)
    } else {
        text
    };
    match text.char_indices().nth(MAX_EVIDENCE) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

fn collect_strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) if !s.trim().is_empty() => out.push(s.trim().to_owned()),
        Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

/// The sentence for a backpack that wants a new sign-in.
pub fn sign_in_again(name: &str, why: &str, evidence: Option<String>) -> BackpackError {
    BackpackError::SignIn {
        message: format!(
            "{name}: {why}; sign in again with `satchel backpack add {name} <its address>` (your push history is kept)"
        ),
        evidence,
    }
}

/// A backpack that gave no answer, said of the backpack (a [`FetchError`]
/// speaks of an issuer's site); other fetch errors stay as they are.
fn offline(name: &str, error: FetchError) -> BackpackError {
    let reason = match error {
        FetchError::Unreachable { url, reason } => format!("{url}: {reason}"),
        FetchError::Timeout { url, seconds } => {
            format!("nothing came from {url} within {seconds} s")
        }
        other => return other.into(),
    };
    BackpackError::Offline {
        name: name.to_owned(),
        reason,
    }
}

/// A 429, with the wait the server asked for when it said.
pub fn throttled(name: &str, response: &Response) -> BackpackError {
    let retry_after = response
        .headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok());
    BackpackError::Throttled {
        name: name.to_owned(),
        retry_after,
        evidence: evidence(&response.fetched),
    }
}

/// A non-2xx answer as a learner-facing error.
pub fn refusal(name: &str, response: &Response) -> BackpackError {
    let status = response.fetched.status;
    let evidence = evidence(&response.fetched);
    match status {
        401 | 403 => sign_in_again(name, "it did not let Satchel in", Some(evidence)),
        429 => throttled(name, response),
        500..=599 => BackpackError::Unavailable {
            name: name.to_owned(),
            status,
            evidence,
        },
        _ => BackpackError::Refused {
            message: format!(
                "{name} refused the request to {} (HTTP {status})",
                response.fetched.final_url
            ),
            evidence,
        },
    }
}

/// A badge as the remote now holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    pub remote_id: Option<String>,
    /// The backpack already had it.
    pub already: bool,
    pub evidence: Option<String>,
}

/// Reads the answer to "add this badge" in the shapes Badgr and Badge
/// Connect use: 2xx with an id, or a 400 that names `DUPLICATE_BADGE`
/// (already there, not a failure) or `VERIFY_RECIPIENT_IDENTIFIER`.
pub fn import_outcome(
    name: &str,
    badge: &Badge,
    response: &Response,
    id_of: impl Fn(Value) -> Option<String>,
) -> Result<Remote, BackpackError> {
    let status = response.fetched.status;
    if (200..300).contains(&status) {
        let remote_id = serde_json::from_slice(&response.fetched.body)
            .ok()
            .and_then(id_of);
        return Ok(Remote {
            remote_id,
            already: false,
            evidence: None,
        });
    }
    let evidence = evidence(&response.fetched);
    let mut codes = Vec::new();
    if let Ok(value) = serde_json::from_slice::<Value>(&response.fetched.body) {
        collect_strings(&value, &mut codes);
    }
    let has = |code: &str| codes.iter().any(|s| s == code);
    if has("DUPLICATE_BADGE") || status == 409 {
        return Ok(Remote {
            remote_id: None,
            already: true,
            evidence: Some(evidence),
        });
    }
    let id = badge.summary.id;
    if has("VERIFY_RECIPIENT_IDENTIFIER") {
        let to = badge
            .credential
            .recipient
            .as_ref()
            .filter(|r| !r.hashed)
            .map(|r| format!(" ({})", r.identity))
            .unwrap_or_default();
        return Err(BackpackError::Refused {
            message: format!(
                "{name} refused badge {id}: the address it was issued to{to} is not a verified email of your {name} account; add that address to your account on {name}, confirm it from the email they send, then push again"
            ),
            evidence,
        });
    }
    if status == 400 {
        return Err(BackpackError::Refused {
            message: format!(
                "{name} refused badge {id} as invalid; its own words are below — if the issuer's site is gone, {name} cannot check the badge"
            ),
            evidence,
        });
    }
    Err(refusal(name, response))
}
