//! The Badgr API v2, as badgr-server and its successors speak it.
//!
//! Sign-in is the password grant at `/o/token` with the backpack scopes (a
//! token asked for without them only reads the profile, and backpack calls
//! then answer 404); the password is sent once and never kept. Answers come
//! wrapped as `{"status": …, "result": […]}`. A badge is imported by exactly
//! one of `url` (hosted badges), `image` (a baked image as a `data:` URI,
//! how signed badges travel) or `assertion` (JSON). Collections are created
//! empty first — Badgr fails with a 500 when the first POST carries
//! assertions — then filled and published with a PUT.

use base64::Engine;
use serde_json::{Value, json};

use super::api::{self, JSON, Remote, Session};
use super::oauth::{self, Granted};
use super::{BackpackError, Endpoints};
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

/// Signs in with a username and password, once.
pub async fn sign_in(
    fetcher: &Fetcher,
    endpoints: &Endpoints,
    username: &str,
    password: &str,
    name: &str,
    now: i64,
) -> Result<Granted, BackpackError> {
    let granted = oauth::request_token(
        fetcher,
        &endpoints.token_url,
        &[
            ("grant_type", "password"),
            ("username", username),
            ("password", password),
            ("scope", SCOPE),
        ],
        None,
        name,
        now,
    )
    .await?;
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

/// What a badge is sent as.
fn import_body(badge: &Badge, name: &str) -> Result<Value, BackpackError> {
    if badge.credential.ob_version == Some(ObVersion::V3_0) {
        return Err(BackpackError::Unsupported(format!(
            "badge {} is an Open Badges 3.0 credential, which {name}'s Badgr API does not take; push it to an OB 3.0 backpack",
            badge.summary.id
        )));
    }
    if let Some(url) = &badge.summary.hosted_url {
        return Ok(json!({ "url": url }));
    }
    let is_image = badge.media_type.starts_with("image/");
    if is_image || bake::classify(&badge.raw_text) == PayloadKind::Jws {
        let (kind, bytes) =
            export::baked_image(BakeSource::of_badge(badge), None).map_err(|e| {
                BackpackError::Unsupported(format!(
                    "badge {} could not be baked into an image to send: {e}",
                    badge.summary.id
                ))
            })?;
        let data = base64::engine::general_purpose::STANDARD.encode(bytes);
        return Ok(json!({ "image": format!("data:{};base64,{data}", kind.media_type()) }));
    }
    Ok(json!({ "assertion": badge.raw_text }))
}

/// Imports one badge into the backpack (`POST /v2/backpack/import`).
pub async fn push_badge(
    session: &mut Session<'_>,
    endpoints: &Endpoints,
    badge: &Badge,
) -> Result<Remote, BackpackError> {
    let body = import_body(badge, &session.name)?;
    let url = format!("{}/backpack/import", endpoints.api_base);
    let response = session
        .send(Request::new(Method::Post, &url, JSON).json(&body))
        .await?;
    if response.fetched.status == 404 {
        return Err(no_backpack_scope(&session.name, &response));
    }
    api::import_outcome(&session.name, badge, &response, |v| {
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
            let body = json!({ "name": collection.name, "description": collection.description });
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
    let body = json!({
        "name": collection.name,
        "description": collection.description,
        "published": true,
        "assertions": remote_ids,
    });
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
