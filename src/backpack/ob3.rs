//! The Open Badges 3.0 API (`/ims/ob/v3p0`).
//!
//! Discovery reads the OpenAPI document at `{base}/ims/ob/v3p0/discovery`:
//! the API base is its first `servers` entry and the OAuth endpoints come
//! from its `oauth2` security scheme (`x-imssf-registrationUrl` for dynamic
//! registration). Sign-in is the browser flow of [`super::oauth`] with the
//! v3p0 scopes. Credentials are upserted with `POST /credentials` — JSON as
//! `application/json`, a compact JWS as `text/plain` — and listed by
//! `GET /credentials` as `{credential: […], compactJwsString: […]}`.

use serde_json::Value;

use super::api::{self, JSON, Remote, Session};
use super::badge_connect::wanted_scopes;
use super::{BackpackError, Endpoints, Pulled, SentAs};
use crate::bake::{self, PayloadKind};
use crate::credential::ObVersion;
use crate::http::{Fetcher, Method, Request};
use crate::wallet::Badge;

/// The path of the API under a host.
const API_PATH: &str = "/ims/ob/v3p0";

/// The scopes Satchel asks for.
pub const SCOPES: [&str; 4] = [
    "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly",
    "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert",
    "https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.readonly",
    "https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.update",
];

/// Reads the discovery document of the host at `base` (or of the API base
/// itself when `base` already ends in `/ims/ob/v3p0`).
pub async fn discover(
    fetcher: &Fetcher,
    base: &str,
    name: &str,
) -> Result<Endpoints, BackpackError> {
    let api_base = if base.ends_with(API_PATH) {
        base.to_owned()
    } else {
        format!("{base}{API_PATH}")
    };
    let url = format!("{api_base}/discovery");
    let fetched = fetcher.get_json(&url).await.map_err(|e| match e.status() {
        Some(404) => BackpackError::InvalidInput(format!(
            "{base} does not offer the Open Badges 3.0 API (no {url}); check the address, or try --kind badgr or --kind badge-connect"
        )),
        _ => e.into(),
    })?;
    let doc: Value = serde_json::from_slice(&fetched.body).map_err(|e| bad(name, &e))?;
    let server = doc
        .pointer("/servers/0/url")
        .and_then(Value::as_str)
        .map(|s| s.trim_end_matches('/').to_owned())
        .unwrap_or(api_base);
    let scheme = doc
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .and_then(|all| {
            all.values().find(|s| {
                s.get("type").and_then(Value::as_str) == Some("oauth2")
                    && s.pointer("/flows/authorizationCode").is_some()
            })
        })
        .ok_or_else(|| bad(name, &"it names no OAuth 2.0 authorization-code flow"))?;
    let flow = &scheme["flows"]["authorizationCode"];
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
    let offered: Vec<String> = flow
        .get("scopes")
        .and_then(Value::as_object)
        .map(|s| s.keys().cloned().collect())
        .unwrap_or_default();
    Ok(Endpoints {
        api_base: server,
        token_url: text(flow, "tokenUrl").ok_or_else(|| bad(name, &"it names no tokenUrl"))?,
        authorization_url: text(flow, "authorizationUrl"),
        registration_url: text(scheme, "x-imssf-registrationUrl"),
        scopes: wanted_scopes(&SCOPES, &offered),
    })
}

fn bad(name: &str, reason: &dyn std::fmt::Display) -> BackpackError {
    BackpackError::Protocol {
        name: name.to_owned(),
        reason: format!("its OB 3.0 discovery document is unreadable: {reason}"),
    }
}

/// Upserts one OB 3.0 credential: 201 created, 200 replaced.
pub async fn push_badge(
    session: &mut Session<'_>,
    endpoints: &Endpoints,
    badge: &Badge,
) -> Result<Remote, BackpackError> {
    if badge.credential.ob_version != Some(ObVersion::V3_0) {
        return Err(BackpackError::Unsupported(format!(
            "badge {} is an Open Badges {} badge, and the OB 3.0 API takes only 3.0 credentials; push it to a Badgr or Badge Connect backpack",
            badge.summary.id,
            badge
                .summary
                .ob_version
                .as_deref()
                .unwrap_or("2.0 or older")
        )));
    }
    let text = badge.raw_text.trim();
    let (content_type, sent_as) = match bake::classify(text) {
        PayloadKind::Jws => ("text/plain", SentAs::Jws),
        PayloadKind::Json => ("application/json", SentAs::Json),
        PayloadKind::Url => {
            return Err(BackpackError::Unsupported(format!(
                "badge {} is known only by its URL; import the credential itself to push it",
                badge.summary.id
            )));
        }
    };
    let url = format!("{}/credentials", endpoints.api_base);
    let response = session
        .send(Request::new(Method::Post, &url, JSON).body(content_type, text.as_bytes().to_vec()))
        .await?;
    if !api::is_success(&response) {
        let evidence = api::evidence(&response.fetched);
        return Err(match response.fetched.status {
            400 => BackpackError::Refused {
                message: format!(
                    "{} refused badge {} as invalid{}",
                    session.name,
                    badge.summary.id,
                    api::said(&response.fetched)
                ),
                evidence,
            },
            _ => api::refusal(&session.name, &response),
        });
    }
    let remote_id = badge.credential.id.clone().or_else(|| {
        serde_json::from_slice::<Value>(&response.fetched.body)
            .ok()?
            .get("id")?
            .as_str()
            .map(str::to_owned)
    });
    Ok(Remote {
        remote_id,
        already: response.fetched.status == 200,
        evidence: None,
        sent_as,
        instead_of: None,
    })
}

/// Every credential the host lists, all pages.
pub async fn pull(
    session: &mut Session<'_>,
    endpoints: &Endpoints,
) -> Result<api::Paged<Pulled>, BackpackError> {
    let url = format!("{}/credentials", endpoints.api_base);
    let items = session
        .get_pages(&url, |mut page| {
            let mut out = Vec::new();
            for key in ["credential", "compactJwsString"] {
                if let Some(Value::Array(items)) = page.get_mut(key).map(Value::take) {
                    out.extend(items);
                }
            }
            out
        })
        .await?;
    Ok(items.map(|item| match item {
        Value::String(jws) => Pulled {
            remote_id: None,
            text: jws,
        },
        json => Pulled {
            remote_id: json.get("id").and_then(Value::as_str).map(str::to_owned),
            text: json.to_string(),
        },
    }))
}

/// The learner's profile (`GET /profile`).
pub async fn profile(
    session: &mut Session<'_>,
    endpoints: &Endpoints,
) -> Result<Value, BackpackError> {
    let url = format!("{}/profile", endpoints.api_base);
    Ok(session.get_json(&url).await?.0)
}

/// Replaces the learner's profile (`PUT /profile`) and returns what the host kept.
pub async fn update_profile(
    session: &mut Session<'_>,
    endpoints: &Endpoints,
    profile: &Value,
) -> Result<Value, BackpackError> {
    let url = format!("{}/profile", endpoints.api_base);
    let response = session
        .send(Request::new(Method::Put, &url, JSON).json(profile))
        .await?;
    if !api::is_success(&response) {
        return Err(api::refusal(&session.name, &response));
    }
    api::json_body(&session.name, &response)
}
