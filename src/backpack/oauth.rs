//! OAuth 2.0 as Badge Connect and the Open Badges 3.0 API use it.
//!
//! This module owns the sign-in of a native app (RFC 8252): dynamic client
//! registration (RFC 7591), the authorization-code grant with PKCE (RFC 7636,
//! `S256`) opened in the system browser, a one-shot redirect listener on
//! `127.0.0.1` with an ephemeral port, and the token endpoint (code exchange,
//! refresh, and Badgr's password grant). Opening the browser is behind the
//! [`Browser`] trait so tests (and the window) can drive the authorization
//! page themselves. PKCE is a few lines over `sha2` and `base64`, which the
//! crate already uses; the `oauth2` crate would bring its own HTTP stack
//! around the policy-bound [`Fetcher`].

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use url::Url;

use super::api::{self, JSON};
use super::secrets::Tokens;
use super::{BackpackError, Endpoints};
use crate::http::{Fetcher, Method, Request};

/// The path of the loopback redirect URI.
const CALLBACK_PATH: &str = "/callback";
/// The most bytes read from the browser's redirect request.
const MAX_CALLBACK_BYTES: usize = 16 * 1024;

/// Opens an authorization page for the learner.
pub trait Browser {
    /// Shows `url` to the learner; returns a sentence when it cannot.
    fn open(&self, url: &str) -> Result<(), String>;
}

impl<F: Fn(&str) -> Result<(), String>> Browser for F {
    fn open(&self, url: &str) -> Result<(), String> {
        self(url)
    }
}

/// The desktop's default browser, through `xdg-open`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemBrowser;

impl Browser for SystemBrowser {
    fn open(&self, url: &str) -> Result<(), String> {
        std::process::Command::new("xdg-open")
            .arg(url)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map(drop)
            .map_err(|e| format!("could not start xdg-open ({e})"))
    }
}

/// The client Satchel registered with an authorization server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub id: String,
    pub secret: Option<String>,
}

/// A PKCE verifier and its `S256` challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl Pkce {
    /// A fresh verifier of 43 unreserved characters (32 random bytes).
    pub fn new() -> Result<Self, BackpackError> {
        Ok(Pkce::from_verifier(random_token()?))
    }

    /// The challenge for a given verifier.
    pub fn from_verifier(verifier: String) -> Self {
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Pkce {
            verifier,
            challenge,
        }
    }
}

fn random_token() -> Result<String, BackpackError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| BackpackError::SignIn {
        message: format!("no randomness for the sign-in: {e}"),
        evidence: None,
    })?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// What a token endpoint answers (RFC 6749 §5.1).
#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    refresh_token: Option<String>,
    expires_in: Option<i64>,
    scope: Option<String>,
}

/// Tokens from a token endpoint, with the scope the server granted.
#[derive(Debug, Clone)]
pub struct Granted {
    pub tokens: Tokens,
    pub scope: Option<String>,
}

/// Posts a grant to a token endpoint and reads the tokens. The client, when
/// there is one, authenticates with HTTP Basic (`client_secret_basic`).
pub async fn request_token(
    fetcher: &Fetcher,
    token_url: &str,
    form: &[(&str, &str)],
    client: Option<&Client>,
    name: &str,
    now: i64,
) -> Result<Granted, BackpackError> {
    let mut fields = form.to_vec();
    let mut request = Request::new(Method::Post, token_url, JSON);
    if let Some(client) = client {
        match &client.secret {
            Some(secret) => {
                let pair = format!(
                    "{}:{}",
                    form_encode(&client.id),
                    form_encode(secret.as_str())
                );
                request = request.authorization(format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(pair)
                ));
            }
            None => fields.push(("client_id", &client.id)),
        }
    }
    let response = fetcher.send(request.form(&fields)).await?;
    let status = response.fetched.status;
    if !(200..300).contains(&status) {
        let evidence = api::evidence(&response.fetched);
        let words = api::server_words(&response.fetched)
            .map(|words| format!(" ({words})"))
            .unwrap_or_default();
        return Err(match status {
            429 => api::throttled(name, &response),
            400 | 401 => BackpackError::SignIn {
                message: if evidence.contains("invalid_grant")
                    && form.contains(&("grant_type", "password"))
                {
                    format!(
                        "{name} did not accept that username and password{words}; check them and sign in again (repeated failures make the server wait longer before it answers)"
                    )
                } else {
                    format!(
                        "{name} refused the sign-in{words}; sign in again with `satchel backpack add {name} …`"
                    )
                },
                evidence: Some(evidence),
            },
            _ => api::refusal(name, &response),
        });
    }
    let answer: TokenAnswer =
        serde_json::from_slice(&response.fetched.body).map_err(|e| BackpackError::Protocol {
            name: name.to_owned(),
            reason: format!("its token answer is not OAuth JSON: {e}"),
        })?;
    Ok(Granted {
        tokens: Tokens {
            access_token: answer.access_token,
            refresh_token: answer.refresh_token,
            expires_at: answer.expires_in.map(|s| now.saturating_add(s)),
            client_secret: client.and_then(|c| c.secret.clone()),
        },
        scope: answer.scope,
    })
}

/// Percent-encodes a client id or secret for Basic auth (RFC 6749 §2.3.1).
fn form_encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// What a registration endpoint answers (RFC 7591 §3.2.1).
#[derive(Deserialize)]
struct Registration {
    client_id: String,
    client_secret: Option<String>,
}

/// Registers Satchel as a native client with one loopback redirect URI.
pub async fn register(
    fetcher: &Fetcher,
    registration_url: &str,
    redirect_uri: &str,
    scopes: &[String],
    name: &str,
) -> Result<Client, BackpackError> {
    let body = serde_json::json!({
        "client_name": "Satchel",
        "software_id": "satchel",
        "software_version": env!("CARGO_PKG_VERSION"),
        "redirect_uris": [redirect_uri],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "client_secret_basic",
        "application_type": "native",
        "scope": scopes.join(" "),
    });
    let response = fetcher
        .send(Request::new(Method::Post, registration_url, JSON).json(&body))
        .await?;
    if !(200..300).contains(&response.fetched.status) {
        return Err(api::refusal(name, &response));
    }
    let registration: Registration =
        serde_json::from_slice(&response.fetched.body).map_err(|e| BackpackError::Protocol {
            name: name.to_owned(),
            reason: format!("its client registration answer is unreadable: {e}"),
        })?;
    Ok(Client {
        id: registration.client_id,
        secret: registration.client_secret,
    })
}

/// How the browser step ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Authorized {
    pub client_id: String,
    #[serde(skip)]
    pub tokens: Tokens,
    pub scope: Option<String>,
}

/// Runs the whole browser sign-in: listener, registration, authorization
/// page, redirect, code exchange. Gives up after `wait`.
pub async fn authorize(
    fetcher: &Fetcher,
    endpoints: &Endpoints,
    browser: &dyn Browser,
    wait: Duration,
    name: &str,
    now: i64,
) -> Result<Authorized, BackpackError> {
    let missing = |what: &str| BackpackError::Protocol {
        name: name.to_owned(),
        reason: format!("its discovery document names no {what}"),
    };
    let authorization_url = endpoints
        .authorization_url
        .as_deref()
        .ok_or_else(|| missing("authorization URL"))?;
    let registration_url = endpoints
        .registration_url
        .as_deref()
        .ok_or_else(|| missing("registration URL"))?;
    let listener = TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(|e| listener_error(&e))?;
    let port = listener
        .local_addr()
        .map_err(|e| listener_error(&e))?
        .port();
    let redirect_uri = format!("http://127.0.0.1:{port}{CALLBACK_PATH}");
    let client = register(
        fetcher,
        registration_url,
        &redirect_uri,
        &endpoints.scopes,
        name,
    )
    .await?;
    let pkce = Pkce::new()?;
    let state = random_token()?;
    let mut page = Url::parse(authorization_url).map_err(|e| BackpackError::Protocol {
        name: name.to_owned(),
        reason: format!("its authorization URL is not a URL: {e}"),
    })?;
    page.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &client.id)
        .append_pair("redirect_uri", &redirect_uri)
        .append_pair("scope", &endpoints.scopes.join(" "))
        .append_pair("state", &state)
        .append_pair("code_challenge", &pkce.challenge)
        .append_pair("code_challenge_method", "S256");
    browser
        .open(page.as_str())
        .map_err(|reason| BackpackError::SignIn {
            message: format!(
                "could not open the browser for {name} ({reason}); open this address yourself: {page}"
            ),
            evidence: None,
        })?;
    let code = tokio::time::timeout(wait, wait_for_code(&listener, &state, name))
        .await
        .map_err(|_| BackpackError::SignIn {
            message: format!(
                "the sign-in to {name} was not finished within {} s; run `satchel backpack add` again",
                wait.as_secs()
            ),
            evidence: None,
        })??;
    let granted = request_token(
        fetcher,
        &endpoints.token_url,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", &redirect_uri),
            ("code_verifier", &pkce.verifier),
        ],
        Some(&client),
        name,
        now,
    )
    .await?;
    Ok(Authorized {
        client_id: client.id,
        tokens: granted.tokens,
        scope: granted.scope,
    })
}

fn listener_error(e: &std::io::Error) -> BackpackError {
    BackpackError::SignIn {
        message: format!("could not listen on 127.0.0.1 for the browser's answer: {e}"),
        evidence: None,
    }
}

/// Serves the loopback redirect until the browser brings back a code for
/// our `state`; other requests (a favicon, a stale tab) get a 404.
async fn wait_for_code(
    listener: &TcpListener,
    state: &str,
    name: &str,
) -> Result<String, BackpackError> {
    loop {
        let Ok((mut stream, _)) = listener.accept().await else {
            continue;
        };
        let Some(target) = read_request_target(&mut stream).await else {
            continue;
        };
        let Ok(url) = Url::parse(&format!("http://127.0.0.1{target}")) else {
            respond(&mut stream, 400, "Satchel could not read this address.").await;
            continue;
        };
        if url.path() != CALLBACK_PATH {
            respond(&mut stream, 404, "Not found.").await;
            continue;
        }
        let param = |key: &str| {
            url.query_pairs()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.into_owned())
        };
        if param("state").as_deref() != Some(state) {
            respond(
                &mut stream,
                400,
                "This answer is not for Satchel's sign-in; it was ignored.",
            )
            .await;
            continue;
        }
        if let Some(code) = param("code") {
            respond(
                &mut stream,
                200,
                "Signed in. You can close this window and return to Satchel.",
            )
            .await;
            return Ok(code);
        }
        let error = param("error").unwrap_or_else(|| "no code".to_owned());
        respond(
            &mut stream,
            200,
            "The sign-in did not complete. You can close this window.",
        )
        .await;
        let message = if error == "access_denied" {
            format!("the sign-in to {name} was declined in the browser; nothing was connected")
        } else {
            format!("{name} ended the sign-in without letting Satchel in; try again")
        };
        let description = param("error_description").unwrap_or_default();
        return Err(BackpackError::SignIn {
            message,
            evidence: Some(format!("{error} {description}").trim().to_owned()),
        });
    }
}

/// Reads a request head and returns its target (`/callback?code=…`).
async fn read_request_target(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 || head.len() + n > MAX_CALLBACK_BYTES {
            return None;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let line = head.split(|&b| b == b'\n').next()?;
    let line = std::str::from_utf8(line).ok()?;
    let mut parts = line.split_whitespace();
    (parts.next()? == "GET").then_some(())?;
    parts.next().map(str::to_owned)
}

async fn respond(stream: &mut TcpStream, status: u16, text: &str) {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Bad Request",
    };
    let body = format!("<!doctype html><meta charset=utf-8><title>Satchel</title><p>{text}</p>");
    let answer = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    // The browser may already be gone; the code is what matters.
    let _ = stream.write_all(answer.as_bytes()).await;
    let _ = stream.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    // The expected value was computed apart, with Python's hashlib and base64.
    #[test]
    fn pkce_challenge_is_the_unpadded_base64url_sha256_of_the_verifier() {
        let pkce =
            Pkce::from_verifier("satchel-verifier-0123456789-abcdefghijklmnopqrstuv".to_owned());
        assert_eq!(
            pkce.challenge,
            "womKhoa-3fNAMHC_qOzhUnF_7qEp8QrOZONyoU8zaAI"
        );
        let fresh = Pkce::new().unwrap();
        assert_eq!(fresh.verifier.len(), 43);
        assert_ne!(fresh.verifier, Pkce::new().unwrap().verifier);
    }
}
