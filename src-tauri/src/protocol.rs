//! The `satchel:` URI scheme: badge images served from the wallet.
//!
//! `satchel://badge/<id>` answers with the badge's original bytes, exactly as
//! imported, when they are a PNG or SVG image, so the UI never hot-links an
//! issuer's server. SVG is a document that may carry scripts: it is served
//! with a CSP that forbids them (and the UI shows it only through `<img>`,
//! where scripts never run anyway). Reads happen off the main thread.

use std::borrow::Cow;

use satchel::wallet::WalletError;
use tauri::http::{Request, Response, StatusCode, header};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};

use crate::state::Desktop;

/// The scheme name, as registered and as written in the UI's CSP.
pub const SCHEME: &str = "satchel";

/// The media types served; anything else in the wallet (JSON, JWS, URL
/// badges) has no picture of its own.
const IMAGE_TYPES: &[&str] = &["image/png", "image/svg+xml"];

/// Answers one request, on a blocking thread.
pub fn handle<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let app = ctx.app_handle().clone();
    tauri::async_runtime::spawn_blocking(move || {
        let response = respond(&app.state::<Desktop>(), &request);
        responder.respond(response);
    });
}

/// The response for `request`: the image, or a status with no body.
pub fn respond(desktop: &Desktop, request: &Request<Vec<u8>>) -> Response<Cow<'static, [u8]>> {
    let Some(id) = badge_id(request.uri()) else {
        return status(StatusCode::NOT_FOUND);
    };
    let Ok(wallet) = desktop.wallet() else {
        return status(StatusCode::INTERNAL_SERVER_ERROR);
    };
    let (media_type, original) = match wallet.badge_original(id) {
        Ok(found) => found,
        Err(WalletError::NoSuchBadge(_)) => return status(StatusCode::NOT_FOUND),
        Err(_) => return status(StatusCode::INTERNAL_SERVER_ERROR),
    };
    if !IMAGE_TYPES.contains(&media_type.as_str()) {
        return status(StatusCode::NOT_FOUND);
    }
    Response::builder()
        .header(header::CONTENT_TYPE, media_type)
        .header(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'none'",
        )
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        // Ids are only unique within one wallet, and tests open many.
        .header(header::CACHE_CONTROL, "no-store")
        .body(Cow::Owned(original))
        .unwrap_or_else(|_| status(StatusCode::INTERNAL_SERVER_ERROR))
}

/// The id in `satchel://badge/<id>` (or `http://satchel.localhost/badge/<id>`
/// where the platform rewrites custom schemes).
fn badge_id(uri: &tauri::http::Uri) -> Option<i64> {
    let path = uri.path().trim_start_matches('/');
    let rest = match uri.host() {
        Some("badge") => path,
        _ => path.strip_prefix("badge/")?,
    };
    rest.parse().ok()
}

fn status(code: StatusCode) -> Response<Cow<'static, [u8]>> {
    let mut response = Response::new(Cow::Borrowed(&[][..]));
    *response.status_mut() = code;
    response
}

#[cfg(test)]
mod tests {
    use super::badge_id;

    #[test]
    fn reads_the_badge_id_from_both_url_forms() {
        let id = |s: &str| badge_id(&s.parse().unwrap());
        assert_eq!(id("satchel://badge/42"), Some(42));
        assert_eq!(id("http://satchel.localhost/badge/7"), Some(7));
        assert_eq!(id("satchel://badge/x"), None);
        assert_eq!(id("satchel://other/1"), None);
    }
}
