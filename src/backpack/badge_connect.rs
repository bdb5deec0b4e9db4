//! Open Badges 2.1 Badge Connect.
//!
//! Discovery reads `/.well-known/badgeconnect.json` (a manifest whose
//! `badgeConnectAPI` entries name the API base and the OAuth endpoints);
//! sign-in is the browser flow of [`super::oauth`]. Only hosted badges can
//! be sent (`POST {apiBase}/assertions` with `{"assertion": {"id": url}}`).
//! Badgr serves this API at `/bcv1` and lists badges under `results`; the
//! spec says `/ims/ob/v2p1` and `assertions`. Both are accepted.

use serde_json::{Value, json};

use super::api::{self, JSON, Remote, Session};
use super::{BackpackError, Endpoints, Pulled, SentAs};
use crate::http::{Fetcher, Method, Request};
use crate::wallet::Badge;

/// The scopes Satchel asks for.
pub const SCOPES: [&str; 3] = [
    "https://purl.imsglobal.org/spec/ob/v2p1/scope/assertion.readonly",
    "https://purl.imsglobal.org/spec/ob/v2p1/scope/assertion.create",
    "https://purl.imsglobal.org/spec/ob/v2p1/scope/profile.readonly",
];

/// Reads the Badge Connect manifest of the host at `base`.
pub async fn discover(
    fetcher: &Fetcher,
    base: &str,
    name: &str,
) -> Result<Endpoints, BackpackError> {
    let url = format!("{base}/.well-known/badgeconnect.json");
    let fetched = fetcher.get_json(&url).await.map_err(|e| match e.status() {
        Some(404) => BackpackError::InvalidInput(format!(
            "{base} does not offer Badge Connect (no {url}); check the address, or try --kind badgr or --kind ob3"
        )),
        _ => e.into(),
    })?;
    let manifest: Value = serde_json::from_slice(&fetched.body).map_err(|e| bad(name, &e))?;
    let api = manifest
        .get("badgeConnectAPI")
        .and_then(|v| match v {
            Value::Array(all) => all.first(),
            one => Some(one),
        })
        .ok_or_else(|| bad(name, &"it lists no badgeConnectAPI"))?;
    let text = |key: &str| api.get(key).and_then(Value::as_str).map(str::to_owned);
    let offered: Vec<String> = api
        .get("scopesOffered")
        .and_then(Value::as_array)
        .map(|s| {
            s.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    Ok(Endpoints {
        api_base: text("apiBase")
            .ok_or_else(|| bad(name, &"it names no apiBase"))?
            .trim_end_matches('/')
            .to_owned(),
        token_url: text("tokenUrl").ok_or_else(|| bad(name, &"it names no tokenUrl"))?,
        authorization_url: text("authorizationUrl"),
        registration_url: text("registrationUrl"),
        scopes: wanted_scopes(&SCOPES, &offered),
    })
}

/// The scopes to ask for: ours, limited to those offered when the server
/// says what it offers.
pub(super) fn wanted_scopes(ours: &[&str], offered: &[String]) -> Vec<String> {
    ours.iter()
        .filter(|s| offered.is_empty() || offered.iter().any(|o| o == *s))
        .map(|s| (*s).to_owned())
        .collect()
}

fn bad(name: &str, reason: &dyn std::fmt::Display) -> BackpackError {
    BackpackError::Protocol {
        name: name.to_owned(),
        reason: format!("its Badge Connect manifest is unreadable: {reason}"),
    }
}

/// Sends a hosted badge by its URL.
pub async fn push_badge(
    session: &mut Session<'_>,
    endpoints: &Endpoints,
    badge: &Badge,
) -> Result<Remote, BackpackError> {
    let Some(hosted) = badge.summary.hosted_url.clone() else {
        return Err(BackpackError::Unsupported(format!(
            "badge {} is not hosted by its issuer, and Badge Connect only takes hosted badges (by URL); push it to a Badgr or OB 3.0 backpack",
            badge.summary.id
        )));
    };
    let url = format!("{}/assertions", endpoints.api_base);
    let body = json!({ "assertion": { "id": hosted } });
    let response = session
        .send(Request::new(Method::Post, &url, JSON).json(&body))
        .await?;
    let remote = api::import_outcome(&session.name, badge, &response, SentAs::Url, |v| {
        let v = api::unwrap_result(v);
        v.pointer("/assertion/id")
            .or_else(|| v.get("id"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    })?;
    Ok(Remote {
        remote_id: remote.remote_id.or(Some(hosted)),
        ..remote
    })
}

/// Every badge the backpack lists, all pages.
pub async fn pull(
    session: &mut Session<'_>,
    endpoints: &Endpoints,
) -> Result<api::Paged<Pulled>, BackpackError> {
    let url = format!("{}/assertions", endpoints.api_base);
    let items = session
        .get_pages(&url, |page| {
            let mut page = api::unwrap_result(page);
            ["assertions", "results"]
                .iter()
                .find_map(|key| match page.get_mut(*key).map(Value::take) {
                    Some(Value::Array(items)) => Some(items),
                    _ => None,
                })
                .unwrap_or_default()
        })
        .await?;
    Ok(items.map(pulled))
}

/// A listed assertion: fetched again from its issuer when it is hosted
/// there, taken as listed otherwise.
pub(super) fn pulled(item: Value) -> Pulled {
    let id = match &item {
        Value::String(s) => Some(s.clone()),
        _ => item.get("id").and_then(Value::as_str).map(str::to_owned),
    };
    let hosted = id
        .clone()
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    let text = match (hosted, item) {
        (Some(url), _) => url,
        (None, Value::String(s)) => s,
        (None, other) => other.to_string(),
    };
    Pulled {
        remote_id: id,
        text,
    }
}

/// The learner's profile (`GET {apiBase}/profile`).
pub async fn profile(
    session: &mut Session<'_>,
    endpoints: &Endpoints,
) -> Result<Value, BackpackError> {
    let url = format!("{}/profile", endpoints.api_base);
    let (value, _) = session.get_json(&url).await?;
    let mut value = api::unwrap_result(value);
    Ok(match value.get_mut("profile").map(Value::take) {
        Some(profile) => profile,
        None => value,
    })
}
