//! The Badgr API v2, as badgr-server and its successors speak it.
//!
//! Sign-in is the password grant at `/o/token` with the backpack scopes (a
//! token asked for without them only reads the profile, and backpack calls
//! then answer 404); the password is sent once and never kept. Answers come
//! wrapped as `{"status": …, "result": […]}`. A badge is imported by exactly
//! one of `url` (hosted badges), `image` (a baked image as a `data:` URI,
//! how signed badges travel) or `assertion` (a JSON object, never a string).
//! A hosted badge whose address Badgr cannot fetch (`FETCH_HTTP_NODE`) is
//! sent again as its baked image, and the report says so. Collections are
//! created empty first — Badgr fails with a 500 when the first POST carries
//! assertions — then filled and published with a PUT; an empty description
//! is left out, as Badgr refuses blank fields.
//!
//! Badgr authenticates the token request as an OAuth application: the
//! `public` one unless its administrators set up another, whose id the
//! learner then gives. The id is kept with the backpack for refreshes.

use base64::Engine;
use serde_json::{Value, json};

use super::api::{self, JSON, Remote, Session};
use super::oauth::{self, Client, Granted};
use super::{BackpackError, Endpoints, SentAs};
use crate::bake::{self, PayloadKind};
use crate::credential::ObVersion;
use crate::export::{self, BakeSource};
use crate::http::{Fetcher, Method, Request};
use crate::wallet::{Badge, Collection, RemoteCollection};

/// The scopes Satchel asks for: read and write the backpack and the profile.
pub const SCOPE: &str = "rw:backpack rw:profile";

/// Badgr's endpoints hang from its base address.
pub fn endpoints(base: &str) -> Endpoints {
    Endpoints {
        api_base: format!("{base}/v2"),
        token_url: format!("{base}/o/token"),
        authorization_url: None,
        registration_url: None,
        scopes: SCOPE.split(' ').map(str::to_owned).collect(),
    }
}

/// The OAuth application Badgr's own README sets up for its web app, which
/// a password sign-in names unless told otherwise.
pub const DEFAULT_CLIENT_ID: &str = "public";

/// The client id to sign in with: the one given (trimmed), or `public`.
pub fn client_id(given: Option<&str>) -> Result<String, BackpackError> {
    match given.map(str::trim) {
        None => Ok(DEFAULT_CLIENT_ID.to_owned()),
        Some(id) if id.is_empty() || id.chars().any(|c| c.is_control() || c == ' ') => {
            Err(BackpackError::InvalidInput(format!(
                "{id:?} is not an OAuth client id; leave it out to use Badgr's {DEFAULT_CLIENT_ID:?}"
            )))
        }
        Some(id) => Ok(id.to_owned()),
    }
}

/// Signs in with a username and password, once, as the OAuth application
/// `client_id` (sent in the form body, as Badgr expects of a public client).
pub async fn sign_in(
    fetcher: &Fetcher,
    endpoints: &Endpoints,
    username: &str,
    password: &str,
    client_id: &str,
    name: &str,
    now: i64,
) -> Result<Granted, BackpackError> {
    let client = Client {
        id: client_id.to_owned(),
        secret: None,
    };
    let granted = oauth::request_token(
        fetcher,
        &endpoints.token_url,
        &[
            ("grant_type", "password"),
            ("username", username),
            ("password", password),
            ("scope", SCOPE),
        ],
        Some(&client),
        name,
        now,
    )
    .await
    .map_err(|e| match e {
        BackpackError::SignIn {
            evidence: Some(words),
            ..
        } if words.contains("invalid_client") || words.contains("invalid client_id") => {
            BackpackError::SignIn {
                message: format!(
                    "{name} does not know Satchel's OAuth client {client_id:?} ({words}); ask its administrators which application id apps should use and add the backpack again with --client-id <that id>"
                ),
                evidence: Some(words),
            }
        }
        other => other,
    })?;
    if let Some(scope) = granted
        .scope
        .as_deref()
        .filter(|s| !s.split_whitespace().any(|s| s == "rw:backpack"))
    {
        return Err(BackpackError::SignIn {
            message: format!(
                "{name} signed you in but granted only \"{scope}\", not access to your backpack (rw:backpack); the server may limit this client — ask its administrators, or sign in again"
            ),
            evidence: Some(scope.to_owned()),
        });
    }
    Ok(granted)
}

/// The signed-in learner's profile (`/v2/users/self`).
pub async fn profile(
    session: &mut Session<'_>,
    endpoints: &Endpoints,
) -> Result<Value, BackpackError> {
    let url = format!("{}/users/self", endpoints.api_base);
    let (value, _) = session.get_json(&url).await?;
    Ok(api::first_result(value))
}

/// The body of an import and the form it sends: the hosted address when
/// there is one, else the baked image (how signed badges travel), else the
/// assertion as a JSON object.
fn import_body(badge: &Badge, name: &str) -> Result<(Value, SentAs), BackpackError> {
    if badge.credential.ob_version == Some(ObVersion::V3_0) {
        return Err(BackpackError::Unsupported(format!(
            "badge {} is an Open Badges 3.0 credential, which {name}'s Badgr API does not take; push it to an OB 3.0 backpack",
            badge.summary.id
        )));
    }
    if let Some(url) = &badge.summary.hosted_url {
        return Ok((json!({ "url": url }), SentAs::Url));
    }
    let is_image = badge.media_type.starts_with("image/");
    if is_image || bake::classify(&badge.raw_text) == PayloadKind::Jws {
        return image_body(BakeSource::of_badge(badge)).map_err(|e| {
            BackpackError::Unsupported(format!(
                "badge {} could not be baked into an image to send: {e}",
                badge.summary.id
            ))
        });
    }
    match assertion_body(&badge.raw_text) {
        Some(body) => Ok(body),
        None => Err(BackpackError::Unsupported(format!(
            "badge {} is neither hosted, nor an image, nor a JSON assertion, so {name} cannot take it",
            badge.summary.id
        ))),
    }
}

/// A baked image of `source`, as a `data:` URI.
fn image_body(source: BakeSource<'_>) -> Result<(Value, SentAs), export::ExportError> {
    let (kind, bytes) = export::baked_image(source, None)?;
    let data = base64::engine::general_purpose::STANDARD.encode(bytes);
    let uri = format!("data:{};base64,{data}", kind.media_type());
    Ok((json!({ "image": uri }), SentAs::Image))
}

/// The assertion as the JSON object Badgr's `assertion` field requires (it
/// refuses a string), when `text` is one.
fn assertion_body(text: &str) -> Option<(Value, SentAs)> {
    let assertion: Value = serde_json::from_str(text.trim()).ok()?;
    assertion
        .is_object()
        .then(|| (json!({ "assertion": assertion }), SentAs::Json))
}

/// What to send when Badgr could not fetch a hosted badge: a baked image
/// carrying the badge itself rather than its address (its signed form when
/// it has one, else the assertion as fetched at import), or that assertion
/// as JSON when it cannot be baked. `None` when the wallet holds only the
/// address (its issuer never answered).
fn fallback_body(badge: &Badge) -> Option<(Value, SentAs)> {
    let fetched;
    let source = match bake::classify(badge.raw_text.trim()) {
        PayloadKind::Url => {
            fetched = export::credential_document(badge)?.to_string();
            BakeSource {
                original: &[],
                raw_text: &fetched,
                ..BakeSource::of_badge(badge)
            }
        }
        PayloadKind::Json | PayloadKind::Jws => BakeSource::of_badge(badge),
    };
    image_body(source)
        .ok()
        .or_else(|| assertion_body(source.raw_text))
}

/// Imports one badge into the backpack (`POST /v2/backpack/import`). A
/// hosted badge whose address Badgr cannot fetch is sent again in the form
/// it carries itself; the first refusal stays as evidence.
pub async fn push_badge(
    session: &mut Session<'_>,
    endpoints: &Endpoints,
    badge: &Badge,
) -> Result<Remote, BackpackError> {
    let (body, sent_as) = import_body(badge, &session.name)?;
    let url = format!("{}/backpack/import", endpoints.api_base);
    let response = import(session, &url, &body).await?;
    let unreachable = sent_as == SentAs::Url
        && response.fetched.status == 400
        && api::names_error(&response.fetched, "FETCH_HTTP_NODE");
    if let Some((body, fallback)) = unreachable.then(|| fallback_body(badge)).flatten() {
        let first = api::evidence(&response.fetched);
        let retried = import(session, &url, &body).await?;
        let remote = read_import(session, badge, &retried, fallback).map_err(|e| match e {
            BackpackError::Refused { message, evidence } => BackpackError::Refused {
                message: format!(
                    "{message} (it was sent {}, then {})",
                    sent_as.describe(),
                    fallback.describe()
                ),
                evidence: format!("{first} | {evidence}"),
            },
            other => other,
        })?;
        return Ok(Remote {
            instead_of: Some(sent_as),
            evidence: remote.evidence.or(Some(first)),
            ..remote
        });
    }
    read_import(session, badge, &response, sent_as)
}

async fn import(
    session: &mut Session<'_>,
    url: &str,
    body: &Value,
) -> Result<crate::http::Response, BackpackError> {
    session
        .send(Request::new(Method::Post, url, JSON).json(body))
        .await
}

fn read_import(
    session: &Session<'_>,
    badge: &Badge,
    response: &crate::http::Response,
    sent_as: SentAs,
) -> Result<Remote, BackpackError> {
    if response.fetched.status == 404 {
        return Err(no_backpack_scope(&session.name, response));
    }
    api::import_outcome(&session.name, badge, response, sent_as, |v| {
        entity_id(&api::first_result(v))
    })
}

fn entity_id(value: &Value) -> Option<String> {
    value
        .get("entityId")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// Badgr's answer to a token without the backpack scope.
fn no_backpack_scope(name: &str, response: &crate::http::Response) -> BackpackError {
    api::sign_in_again(
        name,
        "it answered \"not found or insufficient privileges\", which Badgr says when the sign-in lacks the rw:backpack scope",
        Some(api::evidence(&response.fetched)),
    )
}

/// Creates the collection if needed, puts its badge list, publishes it and
/// returns its remote id and share page.
pub async fn push_collection(
    session: &mut Session<'_>,
    endpoints: &Endpoints,
    existing: Option<&RemoteCollection>,
    collection: &Collection,
    remote_ids: &[String],
) -> Result<RemoteCollection, BackpackError> {
    let list_url = format!("{}/backpack/collections", endpoints.api_base);
    let remote_id = match existing {
        Some(remote) => remote.remote_id.clone(),
        None => {
            let body = collection_fields(collection);
            let response = session
                .send(Request::new(Method::Post, &list_url, JSON).json(&body))
                .await?;
            if !api::is_success(&response) {
                return Err(collection_refusal(session, &response));
            }
            let created = api::first_result(api::json_body(&session.name, &response)?);
            entity_id(&created).ok_or_else(|| BackpackError::Protocol {
                name: session.name.clone(),
                reason: "it created the collection but gave no entityId".to_owned(),
            })?
        }
    };
    let mut body = collection_fields(collection);
    body["published"] = json!(true);
    body["assertions"] = json!(remote_ids);
    let url = format!("{list_url}/{remote_id}");
    let response = session
        .send(Request::new(Method::Put, &url, JSON).json(&body))
        .await?;
    if !api::is_success(&response) {
        return Err(collection_refusal(session, &response));
    }
    let updated = api::first_result(api::json_body(&session.name, &response)?);
    Ok(RemoteCollection {
        remote_id,
        share_url: updated
            .get("share_url")
            .and_then(Value::as_str)
            .map(str::to_owned),
    })
}

/// A collection's name, and its description unless it is blank: Badgr
/// refuses blank strings ("This field may not be blank.") where it takes a
/// missing field.
fn collection_fields(collection: &Collection) -> Value {
    let mut fields = json!({ "name": collection.name });
    let description = collection.description.trim();
    if !description.is_empty() {
        fields["description"] = json!(description);
    }
    fields
}

fn collection_refusal(session: &Session<'_>, response: &crate::http::Response) -> BackpackError {
    match response.fetched.status {
        404 => no_backpack_scope(&session.name, response),
        _ => api::refusal(&session.name, response),
    }
}

/// Every badge in the backpack (`GET /v2/backpack/assertions`, all pages).
/// Badgr shows each recipient re-hashed with its own salt, so a badge is
/// pulled from its issuer by `openBadgeId` whenever it has one.
pub async fn pull(
    session: &mut Session<'_>,
    endpoints: &Endpoints,
) -> Result<api::Paged<super::Pulled>, BackpackError> {
    let url = format!("{}/backpack/assertions", endpoints.api_base);
    let items = session
        .get_pages(&url, |page| match api::unwrap_result(page) {
            Value::Array(items) => items,
            _ => Vec::new(),
        })
        .await?;
    Ok(items.map(|item| super::Pulled {
        remote_id: entity_id(&item),
        text: item
            .get("openBadgeId")
            .and_then(Value::as_str)
            .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
            .map(str::to_owned)
            .unwrap_or_else(|| item.to_string()),
    }))
}
