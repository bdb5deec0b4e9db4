//! Sharing a badge on LinkedIn, with links that carry only checked http(s) URLs.
//!
//! This module owns [`HttpUrl`], the only way a URL taken from a badge gets
//! into a link Satchel writes (here, and as `href`s on the published site),
//! and the two LinkedIn links: "add to profile" (Licenses & certifications)
//! and "share a post". The address LinkedIn shows as the certificate's proof
//! (`certUrl`) must be one anyone can open: the badge's page on the learner's
//! published site, or else the issuer's hosted assertion. A badge with neither
//! gets a [`ShareError::NoPublicUrl`] that says how to give it one.
//! No I/O happens here beyond reading the wallet.

use chrono::{DateTime, Datelike, Utc};
use serde::Serialize;
use url::form_urlencoded;

use crate::outcome::{Coded, ErrorCode};
use crate::wallet::{Badge, Wallet, WalletError};

/// LinkedIn's "add to profile" address.
const ADD_TO_PROFILE: &str = "https://www.linkedin.com/profile/add";
/// LinkedIn's "share a post" address.
const SHARE_OFFSITE: &str = "https://www.linkedin.com/sharing/share-offsite/";

/// An absolute http(s) URL with a host and no user name or password: the
/// only kind of URL Satchel puts into a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpUrl(url::Url);

impl HttpUrl {
    /// Checks `text`; `None` unless it is such a URL.
    pub fn parse(text: &str) -> Option<HttpUrl> {
        let url = url::Url::parse(text.trim()).ok()?;
        let ok = matches!(url.scheme(), "http" | "https")
            && url.host_str().is_some_and(|h| !h.is_empty())
            && url.username().is_empty()
            && url.password().is_none();
        ok.then_some(HttpUrl(url))
    }

    /// The URL, normalized by the parser.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// `path` resolved against this URL taken as a folder (a missing final
    /// `/` is added first, so `https://h/site` + `a.html` is `https://h/site/a.html`).
    pub fn join_path(&self, path: &str) -> Option<HttpUrl> {
        let mut base = self.0.clone();
        if !base.path().ends_with('/') {
            let folder = format!("{}/", base.path());
            base.set_path(&folder);
        }
        base.set_query(None);
        base.set_fragment(None);
        base.join(path)
            .ok()
            .and_then(|u| HttpUrl::parse(u.as_str()))
    }
}

impl std::fmt::Display for HttpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a badge cannot be shared.
#[derive(Debug, thiserror::Error)]
pub enum ShareError {
    #[error(
        "badge {0} has no name yet because its issuer could not be reached; run `satchel refresh`, then share it again"
    )]
    NoName(i64),
    #[error(
        "badge {0} has no address anyone can open to verify it: its issuer does not host it, and it is not on a published site; add it to a public collection (`satchel collection add <collection> {0}`, `satchel collection public <collection>`), publish with `satchel publish <dir> --base-url https://…`, upload the folder there, and share again"
    )]
    NoPublicUrl(i64),
    #[error(transparent)]
    Wallet(#[from] WalletError),
}

impl Coded for ShareError {
    fn code(&self) -> ErrorCode {
        match self {
            ShareError::NoName(_) | ShareError::NoPublicUrl(_) => ErrorCode::InvalidInput,
            ShareError::Wallet(e) => e.code(),
        }
    }
}

/// Where a badge's `certUrl` comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CertSource {
    /// The badge's page on the learner's published site.
    PublishedPage,
    /// The assertion hosted by the issuer.
    HostedAssertion,
}

/// The values of LinkedIn's "add to profile" form, before encoding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificationFields {
    pub name: String,
    pub organization_name: Option<String>,
    pub issue_year: Option<i32>,
    pub issue_month: Option<u32>,
    pub expiration_year: Option<i32>,
    pub expiration_month: Option<u32>,
    pub cert_url: String,
    pub cert_id: Option<String>,
}

/// Both LinkedIn links for one badge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkedInShare {
    pub badge_id: i64,
    pub cert_source: CertSource,
    pub fields: CertificationFields,
    /// Opens LinkedIn's "add license or certification" form, filled in.
    pub add_to_profile_url: String,
    /// Opens LinkedIn's "share a post" box for `fields.cert_url`.
    pub share_url: String,
}

/// The LinkedIn links for badge `id`, using its published page when the last
/// publish to a known base URL wrote one, else the issuer's hosted assertion.
pub fn linkedin(wallet: &Wallet, id: i64) -> Result<LinkedInShare, ShareError> {
    let badge = wallet.badge(id)?;
    let published = wallet
        .published_page(id)?
        .and_then(|p| HttpUrl::parse(&p))
        .map(|u| (u, CertSource::PublishedPage));
    let hosted = || {
        badge
            .summary
            .hosted_url
            .as_deref()
            .and_then(HttpUrl::parse)
            .map(|u| (u, CertSource::HostedAssertion))
    };
    let (url, source) = published
        .or_else(hosted)
        .ok_or(ShareError::NoPublicUrl(id))?;
    linkedin_for(&badge, &url, source)
}

/// The LinkedIn links for `badge` with `cert_url` as its proof.
pub fn linkedin_for(
    badge: &Badge,
    cert_url: &HttpUrl,
    cert_source: CertSource,
) -> Result<LinkedInShare, ShareError> {
    let c = &badge.credential;
    let name = c
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .ok_or(ShareError::NoName(badge.summary.id))?;
    let year_month = |d: Option<DateTime<Utc>>| d.map(|d| (d.year(), d.month()));
    let issued = year_month(c.issued_on);
    let expires = year_month(c.expires);
    let fields = CertificationFields {
        name,
        organization_name: c.issuer_name.clone().filter(|n| !n.trim().is_empty()),
        issue_year: issued.map(|d| d.0),
        issue_month: issued.map(|d| d.1),
        expiration_year: expires.map(|d| d.0),
        expiration_month: expires.map(|d| d.1),
        cert_url: cert_url.to_string(),
        cert_id: c.id.clone(),
    };
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("startTask", "CERTIFICATION_NAME");
    query.append_pair("name", &fields.name);
    let mut optional = |key: &str, value: Option<String>| {
        if let Some(v) = value {
            query.append_pair(key, &v);
        }
    };
    optional("organizationName", fields.organization_name.clone());
    optional("issueYear", fields.issue_year.map(|y| y.to_string()));
    optional("issueMonth", fields.issue_month.map(|m| m.to_string()));
    optional(
        "expirationYear",
        fields.expiration_year.map(|y| y.to_string()),
    );
    optional(
        "expirationMonth",
        fields.expiration_month.map(|m| m.to_string()),
    );
    optional("certUrl", Some(fields.cert_url.clone()));
    optional("certId", fields.cert_id.clone());
    let add_to_profile_url = format!("{ADD_TO_PROFILE}?{}", query.finish());
    let share_url = format!(
        "{SHARE_OFFSITE}?{}",
        form_urlencoded::Serializer::new(String::new())
            .append_pair("url", &fields.cert_url)
            .finish()
    );
    Ok(LinkedInShare {
        badge_id: badge.summary.id,
        cert_source,
        fields,
        add_to_profile_url,
        share_url,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls_with_a_host_pass() {
        assert!(HttpUrl::parse("https://issuer.example/a/1").is_some());
        assert!(HttpUrl::parse(" http://127.0.0.1:8080/x ").is_some());
        for bad in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,hi",
            "https://user:pw@issuer.example/",
            "/relative/path",
            "urn:uuid:1234",
            "",
        ] {
            assert!(HttpUrl::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn paths_join_under_the_base_folder() {
        let base = HttpUrl::parse("https://me.example/badges?x=1").unwrap();
        assert_eq!(
            base.join_path("b/1.html").unwrap().as_str(),
            "https://me.example/badges/b/1.html"
        );
        let root = HttpUrl::parse("https://me.example").unwrap();
        assert_eq!(
            root.join_path("index.html").unwrap().as_str(),
            "https://me.example/index.html"
        );
    }
}
