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
use super::{BackpackError, BackpackKind, Context, SentAs, badgr};
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
            let why = if ctx.secrets.is_session_only() {
                "no keyring is running, and it was not signed in to in this session"
            } else {
                "no sign-in is stored in the keyring for it"
            };
            sign_in_again(&account.name, why, None)
        })?;
        Ok(Session {
            fetcher: ctx.fetcher,
            secrets: ctx.secrets,
            key: account.secret_key.clone(),
            name: account.name.clone(),
            tokens,
            token_url,
            client_id: account.client_id.clone().or_else(|| {
                // Badgr rows stored before the client id was kept.
                (account.kind == BackpackKind::Badgr.as_str())
                    .then(|| badgr::DEFAULT_CLIENT_ID.to_owned())
            }),
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
                let why = match &evidence {
                    Some(words) => format!("its sign-in has expired (it said: {words})"),
                    None => "its sign-in has expired".to_owned(),
                };
                sign_in_again(&self.name, &why, evidence)
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
    shorten(text)
}

fn collect_strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) if !s.trim().is_empty() => out.push(s.trim().to_owned()),
        Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

/// The server's words about a refused request, with the field each is
/// about: `description: This field may not be blank.` from Badgr's bare
/// field errors (`{"description": ["…"]}`) or its v2 envelope
/// (`fieldErrors`, `validationErrors`), `DUPLICATE_BADGE: …` from a list of
/// named errors, `invalid_client` or `invalid_grant: …` from OAuth, and the
/// `detail` of other answers. `None` when the body says nothing readable.
pub fn server_words(fetched: &Fetched) -> Option<String> {
    let value: Value = serde_json::from_slice(&fetched.body).ok()?;
    let mut words = Vec::new();
    describe(&value, None, &mut words);
    let text = words.join("; ");
    (!text.is_empty()).then(|| shorten(text))
}

/// Appends what `value` says to `out`, each part prefixed with the field it
/// is about when there is one.
fn describe(value: &Value, field: Option<&str>, out: &mut Vec<String>) {
    let said = |text: &str| match field {
        Some(field) => format!("{field}: {text}"),
        None => text.to_owned(),
    };
    match value {
        Value::String(text) if !text.trim().is_empty() => out.push(said(text.trim())),
        Value::Array(items) => items.iter().for_each(|v| describe(v, field, out)),
        Value::Object(map) => {
            let text = |key: &str| map.get(key).and_then(Value::as_str).map(str::trim);
            // OAuth (RFC 6749 §5.2) and Badgr's named errors: a code and its sentence.
            if let Some(code) = text("error").or_else(|| text("name")) {
                let more = text("error_description").or_else(|| text("description"));
                out.push(said(&match more {
                    Some(more) if !more.is_empty() => format!("{code}: {more}"),
                    _ => code.to_owned(),
                }));
                return;
            }
            let before = out.len();
            for (key, v) in map {
                match key.as_str() {
                    "fieldErrors" | "validationErrors" | "non_field_errors" | "detail" => {
                        describe(v, field, out)
                    }
                    // The envelope around the error: said only if nothing else is.
                    "status" | "result" => {}
                    _ => describe(v, Some(key), out),
                }
            }
            if out.len() == before
                && let Some(status) = map.get("status").filter(|s| s.is_object())
            {
                let status_text = |key: &str| status.get(key).and_then(Value::as_str);
                if let Some(text) = status_text("error")
                    .or_else(|| status_text("description"))
                    .filter(|t| !t.trim().is_empty() && *t != "ok")
                {
                    out.push(said(text.trim()));
                }
            }
        }
        _ => {}
    }
}

/// Cuts a remote's text to the length kept as evidence.
fn shorten(text: String) -> String {
    match text.char_indices().nth(MAX_EVIDENCE) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
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
        FetchError::Timeout { url, limit } => {
            format!("nothing came from {url} within {limit:?}")
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
    // Badgr's sign-in throttle sends no Retry-After; it says the wait in
    // seconds as `expires` in the body.
    let retry_after = response
        .headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .or_else(|| {
            serde_json::from_slice::<Value>(&response.fetched.body)
                .ok()?
                .get("expires")?
                .as_u64()
        });
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
                "{name} refused the request to {} (HTTP {status}){}",
                response.fetched.final_url,
                said(&response.fetched)
            ),
            evidence,
        },
    }
}

/// `: <the server's words>` for the end of a sentence, or nothing.
pub fn said(fetched: &Fetched) -> String {
    server_words(fetched)
        .map(|words| format!(": {words}"))
        .unwrap_or_default()
}

/// A badge as the remote now holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    pub remote_id: Option<String>,
    /// The backpack already had it.
    pub already: bool,
    pub evidence: Option<String>,
    /// The form the badge travelled in.
    pub sent_as: SentAs,
    /// The form tried first and refused, when the badge went in another.
    pub instead_of: Option<SentAs>,
}

/// Whether an answer names the error `code` (Badgr's `DUPLICATE_BADGE`,
/// `FETCH_HTTP_NODE`, …) anywhere in its JSON.
pub fn names_error(fetched: &Fetched, code: &str) -> bool {
    let mut strings = Vec::new();
    if let Ok(value) = serde_json::from_slice::<Value>(&fetched.body) {
        collect_strings(&value, &mut strings);
    }
    strings.iter().any(|s| s == code)
}

/// Reads the answer to "add this badge, sent as `sent_as`" in the shapes
/// Badgr and Badge Connect use: 2xx with an id, or a 400 that names
/// `DUPLICATE_BADGE` (already there, not a failure),
/// `VERIFY_RECIPIENT_IDENTIFIER` or `FETCH_HTTP_NODE`.
pub fn import_outcome(
    name: &str,
    badge: &Badge,
    response: &Response,
    sent_as: SentAs,
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
            sent_as,
            instead_of: None,
        });
    }
    let evidence = evidence(&response.fetched);
    let has = |code: &str| names_error(&response.fetched, code);
    if has("DUPLICATE_BADGE") || status == 409 {
        return Ok(Remote {
            remote_id: None,
            already: true,
            evidence: Some(evidence),
            sent_as,
            instead_of: None,
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
    if has("FETCH_HTTP_NODE") {
        let at = badge
            .summary
            .hosted_url
            .as_deref()
            .map(|url| format!(" at {url}"))
            .unwrap_or_default();
        return Err(BackpackError::Refused {
            message: format!(
                "{name} could not fetch badge {id} from its issuer{at} (FETCH_HTTP_NODE), so it cannot check it; the issuer's site may be gone"
            ),
            evidence,
        });
    }
    if status == 400 {
        return Err(BackpackError::Refused {
            message: format!(
                "{name} refused badge {id} as invalid{}",
                said(&response.fetched)
            ),
            evidence,
        });
    }
    Err(refusal(name, response))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn answer(status: u16, body: Value) -> Fetched {
        Fetched {
            final_url: "https://badgr.example/v2/backpack/collections".to_owned(),
            status,
            content_type: Some(JSON.to_owned()),
            body: body.to_string().into_bytes(),
        }
    }

    #[test]
    fn server_words_name_the_field_in_each_shape_badgr_answers() {
        let words = |body: Value| server_words(&answer(400, body));
        assert_eq!(
            words(json!({"description": ["This field may not be blank."]})).as_deref(),
            Some("description: This field may not be blank.")
        );
        assert_eq!(
            words(
                json!({"status": {"success": false, "description": "bad request"},
                "result": [], "fieldErrors": {"name": ["This field is required."]},
                "validationErrors": ["FETCH_HTTP_NODE", "Unable to reach URL"]})
            )
            .as_deref(),
            Some("name: This field is required.; FETCH_HTTP_NODE; Unable to reach URL")
        );
        assert_eq!(
            words(json!([{"name": "DUPLICATE_BADGE", "description": "Already there"}])).as_deref(),
            Some("DUPLICATE_BADGE: Already there")
        );
        assert_eq!(
            words(json!({"error": "invalid_client"})).as_deref(),
            Some("invalid_client")
        );
        assert_eq!(
            words(json!({"status": {"success": false,
                "description": "entity not found or insufficient privileges"}, "result": []}))
            .as_deref(),
            Some("entity not found or insufficient privileges")
        );
        assert_eq!(words(json!({"result": []})), None);
    }
}
