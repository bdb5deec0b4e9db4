//! The published site: public collections as static HTML and JSON.
//!
//! `satchel publish <dir>` writes, for public collections only:
//! - `index.html`, `style.css`, and a `.satchel-site` marker;
//! - `collections/<public id>.html` and a Badgr-style `collections/<public id>.json`;
//! - `badges/<slug>.html` (image, name, issuer, dates, criteria, verify
//!   links, LinkedIn buttons, Open Graph tags), `badges/<slug>.png|svg` (the
//!   baked image, rewritten by the `clean` module so a stranger's SVG cannot run
//!   script from the learner's domain) and `badges/<slug>.json` (the credential);
//! - `displayer/<user id>/groups.json` and
//!   `displayer/<user id>/group/<collection id>.json`, where the Mozilla
//!   Displayer API's `GET` calls look for them, in its response shapes. The
//!   user id is fixed ([`DISPLAYER_USER_ID`]): a static site cannot answer
//!   the API's `POST /displayer/convert/email`, so clients are given the id.
//!
//! Pages are rendered with `maud`, whose templates escape every value they
//! splice in; `href`s are only ever relative links between the site's own
//! files or URLs that passed [`HttpUrl::parse`]. Every page carries
//! [`CONTENT_SECURITY_POLICY`] and a `no-referrer` policy. The site is built in a sibling
//! temporary folder and exchanged with the old one in one `renameat2`
//! (`RENAME_EXCHANGE`) call, so `<dir>` always holds a whole site; a folder
//! that is not an earlier Satchel site (or empty) is never replaced.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use maud::{DOCTYPE, Markup, html};
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{BakeSource, ExportError, baked_image, clean, credential_document, io_error};
use crate::bake::ImageKind;
use crate::credential::Proof;
use crate::share::{self, CertSource, HttpUrl, LinkedInShare};
use crate::wallet::{Badge, Collection, Wallet};

/// Marks a folder as a site Satchel wrote, so re-publishing may replace it.
pub const MARKER: &str = ".satchel-site";
/// The Displayer API's `userId`: a published site belongs to one learner.
pub const DISPLAYER_USER_ID: i64 = 1;

/// Where a Displayer API answer lives in the site: `displayer/<user id>/<file>`.
fn displayer_path(file: &str) -> String {
    format!("displayer/{DISPLAYER_USER_ID}/{file}")
}
/// Every page's policy: no scripts, frames, fonts or connections at all;
/// images and the style sheet only from the site itself.
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; img-src 'self'; style-src 'self'; base-uri 'none'; form-action 'none'";
/// The Open Graph description is cut to this many characters.
const OG_DESCRIPTION_CHARS: usize = 200;

const STYLE: &str = "\
:root { color-scheme: light dark; --fg: #1d1d1f; --bg: #fafafa; --muted: #5f6368; --card: #fff; --accent: #0a66c2; }
@media (prefers-color-scheme: dark) { :root { --fg: #eee; --bg: #16161a; --muted: #aaa; --card: #222228; --accent: #70b5f9; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 60rem; padding: 1.5rem; font: 16px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
img { max-width: 100%; height: auto; }
ul.badges { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); gap: 1rem; }
ul.badges li, article.badge { background: var(--card); border-radius: .5rem; padding: 1rem; }
ul.badges img { display: block; margin: 0 auto .5rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dt { font-weight: 600; color: var(--muted); }
dd { margin: 0; white-space: pre-line; }
.button { display: inline-block; padding: .4rem .9rem; border-radius: 1rem; background: var(--accent); color: #fff; text-decoration: none; margin: 0 .5rem .5rem 0; }
main h1, main p, main a, main small, dd { unicode-bidi: isolate; }
footer { margin-top: 2rem; color: var(--muted); font-size: .875rem; }
";

/// What a publish wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublishSummary {
    pub dir: PathBuf,
    /// The address the site is meant to be served from, if known.
    pub base_url: Option<String>,
    pub collections: usize,
    pub badges: usize,
    /// The `userId` Displayer API clients are to be given.
    pub displayer_user_id: i64,
    /// `<base URL>/displayer/<user id>/groups.json`, when the base URL is known.
    pub displayer_groups_url: Option<String>,
}

/// A badge on the site.
struct SiteBadge {
    badge: Badge,
    slug: String,
    /// `<slug>.png` or `<slug>.svg`.
    image_file: String,
    image: Vec<u8>,
    document: Option<Value>,
    last_valid: Option<String>,
}

/// The stable name of a badge's files: its wallet key hashed, so the same
/// badge gets the same URL after a restore into another wallet.
fn badge_slug(dedup_key: &str) -> String {
    hex::encode(&Sha256::digest(dedup_key.as_bytes())[..8])
}

/// Writes the site of public collections to `dir`. Without `base_url`, the
/// base URL of the last publish is used; with one (or a remembered one),
/// the wallet records which badge got which page, for `satchel share`.
pub fn publish(
    wallet: &mut Wallet,
    dir: &Path,
    base_url: Option<&str>,
    now: DateTime<Utc>,
) -> Result<PublishSummary, ExportError> {
    let base = match base_url {
        Some(text) => {
            Some(HttpUrl::parse(text).ok_or_else(|| ExportError::BadBaseUrl(text.to_owned()))?)
        }
        None => wallet
            .published_base_url()?
            .as_deref()
            .and_then(HttpUrl::parse),
    };
    let replace = check_target(dir)?;
    let collections: Vec<Collection> = wallet
        .collections()?
        .into_iter()
        .filter(|c| c.public)
        .collect();
    let mut members: Vec<(Collection, Vec<i64>)> = Vec::new();
    let mut badges: BTreeMap<i64, SiteBadge> = BTreeMap::new();
    for c in collections {
        let ids = wallet.collection_badge_ids(c.id)?;
        for &id in &ids {
            if let Entry::Vacant(slot) = badges.entry(id) {
                slot.insert(site_badge(wallet, id)?);
            }
        }
        members.push((c, ids));
    }

    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| io_error(&parent, e))?;
    let staging = tempfile::Builder::new()
        .prefix(".satchel-publish-")
        .tempdir_in(&parent)
        .map_err(|e| io_error(&parent, e))?;
    let site = Site {
        root: staging.path().to_owned(),
        base: base.as_ref(),
    };
    site.write_all(&members, &badges, now)?;
    swap_in(staging, dir, replace)?;

    if let Some(base) = &base {
        let pages: Vec<(i64, String)> = badges
            .iter()
            .filter_map(|(id, b)| {
                site.absolute(&format!("badges/{}.html", b.slug))
                    .map(|u| (*id, u.to_string()))
            })
            .collect();
        wallet.record_publish(base.as_str(), &pages, now)?;
    }
    Ok(PublishSummary {
        dir: dir.to_owned(),
        displayer_groups_url: site
            .absolute(&displayer_path("groups.json"))
            .map(|u| u.to_string()),
        base_url: base.as_ref().map(|b| b.to_string()),
        collections: members.len(),
        badges: badges.len(),
        displayer_user_id: DISPLAYER_USER_ID,
    })
}

/// Whether `dir` exists and may be replaced; an error if it may not.
fn check_target(dir: &Path) -> Result<bool, ExportError> {
    match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io_error(dir, e)),
        Ok(meta) if meta.is_dir() => {
            let empty = std::fs::read_dir(dir)
                .map_err(|e| io_error(dir, e))?
                .next()
                .is_none();
            if empty || dir.join(MARKER).is_file() {
                Ok(true)
            } else {
                Err(ExportError::NotOurSite(dir.to_owned()))
            }
        }
        Ok(_) => Err(ExportError::NotOurSite(dir.to_owned())),
    }
}

/// Puts the staged site where `dir` is. A new `dir` is one rename; an
/// existing one is exchanged with the staging folder in one system call, so
/// `dir` is never missing nor half written, and the old site, now in the
/// staging folder, is deleted with it.
fn swap_in(staging: tempfile::TempDir, dir: &Path, replace: bool) -> Result<(), ExportError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Temporary folders are private; a site is meant to be served.
        std::fs::set_permissions(staging.path(), std::fs::Permissions::from_mode(0o755))
            .map_err(|e| io_error(staging.path(), e))?;
    }
    if !replace {
        let staged = staging.keep();
        return std::fs::rename(&staged, dir).map_err(|e| {
            let _ = std::fs::remove_dir_all(&staged);
            io_error(dir, e)
        });
    }
    exchange(staging.path(), dir)?;
    // `staging` now holds the old site; dropping it deletes it.
    drop(staging);
    Ok(())
}

/// Swaps two folders atomically (`renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn exchange(staged: &Path, dir: &Path) -> Result<(), ExportError> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, staged, CWD, dir, RenameFlags::EXCHANGE).map_err(|e| {
        ExportError::NoAtomicSwap {
            dir: dir.to_owned(),
            reason: std::io::Error::from(e).to_string(),
        }
    })
}

/// Other systems have no call that swaps two folders in one step here; an
/// existing site is left alone rather than replaced in two.
#[cfg(not(target_os = "linux"))]
fn exchange(_staged: &Path, dir: &Path) -> Result<(), ExportError> {
    Err(ExportError::NoAtomicSwap {
        dir: dir.to_owned(),
        reason: "this system has no call that swaps two folders in one step".to_owned(),
    }
    .into())
}

fn site_badge(wallet: &Wallet, id: i64) -> Result<SiteBadge, ExportError> {
    let badge = wallet.badge(id)?;
    let slug = badge_slug(&wallet.badge_key(id)?);
    let (kind, baked) = baked_image(BakeSource::of_badge(&badge), None)?;
    let image =
        clean::clean_image(&baked).map_err(|source| ExportError::Unpublishable { id, source })?;
    let ext = match kind {
        ImageKind::Png => "png",
        ImageKind::Svg => "svg",
    };
    Ok(SiteBadge {
        image_file: format!("{slug}.{ext}"),
        slug,
        image,
        document: credential_document(&badge),
        last_valid: wallet.last_valid_check(id)?,
        badge,
    })
}

/// Open Graph values for one page.
struct OpenGraph<'a> {
    title: &'a str,
    description: Option<&'a str>,
    url: Option<HttpUrl>,
    image: Option<HttpUrl>,
}

/// The site being written into its staging folder.
struct Site<'a> {
    root: PathBuf,
    base: Option<&'a HttpUrl>,
}

impl Site<'_> {
    fn absolute(&self, path: &str) -> Option<HttpUrl> {
        self.base.and_then(|b| b.join_path(path))
    }

    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), ExportError> {
        let full = self.root.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
        }
        std::fs::write(&full, bytes).map_err(|e| io_error(&full, e))
    }

    fn put_json(&self, path: &str, value: &Value) -> Result<(), ExportError> {
        let mut bytes = serde_json::to_vec_pretty(value).expect("JSON values serialize");
        bytes.push(b'\n');
        self.put(path, &bytes)
    }

    fn put_page(&self, path: &str, page: Markup) -> Result<(), ExportError> {
        self.put(path, page.into_string().as_bytes())
    }

    fn write_all(
        &self,
        members: &[(Collection, Vec<i64>)],
        badges: &BTreeMap<i64, SiteBadge>,
        now: DateTime<Utc>,
    ) -> Result<(), ExportError> {
        self.put_json(
            MARKER,
            &json!({"generator": format!("satchel {}", env!("CARGO_PKG_VERSION")), "published_at": crate::wallet::timestamp(now)}),
        )?;
        self.put("style.css", STYLE.as_bytes())?;
        for b in badges.values() {
            self.write_badge(b)?;
        }
        let in_order = |ids: &[i64]| -> Vec<&SiteBadge> {
            ids.iter().filter_map(|id| badges.get(id)).collect()
        };
        for (c, ids) in members {
            let list = in_order(ids);
            self.put_page(
                &format!("collections/{}.html", c.public_id),
                self.collection_page(c, &list),
            )?;
            self.put_json(
                &format!("collections/{}.json", c.public_id),
                &self.badgr_collection(c, &list),
            )?;
            self.put_json(
                &displayer_path(&format!("group/{}.json", c.id)),
                &json!({
                    "userId": DISPLAYER_USER_ID,
                    "groupId": c.id,
                    "badges": list.iter().map(|b| self.displayer_badge(b)).collect::<Vec<_>>(),
                }),
            )?;
        }
        self.put_json(
            &displayer_path("groups.json"),
            &json!({
                "userId": DISPLAYER_USER_ID,
                "groups": members.iter().map(|(c, ids)| json!({
                    "groupId": c.id,
                    "name": c.name,
                    "badges": in_order(ids).len(),
                })).collect::<Vec<_>>(),
            }),
        )?;
        self.put_page("index.html", self.index_page(members))
    }

    fn write_badge(&self, b: &SiteBadge) -> Result<(), ExportError> {
        self.put(&format!("badges/{}", b.image_file), &b.image)?;
        if let Some(doc) = &b.document {
            self.put_json(&format!("badges/{}.json", b.slug), doc)?;
        }
        self.put_page(&format!("badges/{}.html", b.slug), self.badge_page(b))
    }

    /// The address a link to this badge should carry: its hosted assertion,
    /// else its page here.
    fn hosted_or_page(&self, b: &SiteBadge) -> Option<HttpUrl> {
        b.badge
            .summary
            .hosted_url
            .as_deref()
            .and_then(HttpUrl::parse)
            .or_else(|| self.absolute(&format!("badges/{}.html", b.slug)))
    }

    /// A link to a site file: absolute when the base URL is known.
    fn file_url(&self, path: &str) -> String {
        self.absolute(path)
            .map_or_else(|| path.to_owned(), |u| u.to_string())
    }

    fn displayer_badge(&self, b: &SiteBadge) -> Value {
        let assertion_type = match b.badge.credential.proof {
            Some(Proof::Hosted) | None => "hosted",
            Some(_) => "signed",
        };
        json!({
            "lastValidated": b.last_valid,
            "assertionType": assertion_type,
            "hostedUrl": self.hosted_or_page(b).map(|u| u.to_string()),
            "assertion": b.document,
            "imageUrl": self.file_url(&format!("badges/{}", b.image_file)),
        })
    }

    fn badgr_collection(&self, c: &Collection, list: &[&SiteBadge]) -> Value {
        let badges: Vec<Value> = list
            .iter()
            .map(|b| {
                let cr = &b.badge.credential;
                json!({
                    "id": self.hosted_or_page(b).map(|u| u.to_string()),
                    "entityId": b.slug,
                    "name": cr.name,
                    "description": cr.description,
                    "image": self.file_url(&format!("badges/{}", b.image_file)),
                    "issuer": {"name": cr.issuer_name, "url": cr.issuer_url.as_deref().and_then(HttpUrl::parse).map(|u| u.to_string())},
                    "issuedOn": cr.issued_on,
                    "expires": cr.expires,
                    "assertion": b.document,
                })
            })
            .collect();
        json!({
            "@context": "https://w3id.org/openbadges/v2",
            "type": "Collection",
            "id": self.file_url(&format!("collections/{}.json", c.public_id)),
            "name": c.name,
            "description": c.description,
            "entityId": c.public_id,
            "owner": Value::Null,
            "published": true,
            "share_url": self.absolute(&format!("collections/{}.html", c.public_id)).map(|u| u.to_string()),
            "badges": badges,
        })
    }

    fn index_page(&self, members: &[(Collection, Vec<i64>)]) -> Markup {
        let og = OpenGraph {
            title: "Badges",
            description: Some("Open Badges collections"),
            url: self.absolute("index.html"),
            image: None,
        };
        page(
            &og,
            "",
            html! {
                main {
                    h1 { "Badges" }
                    @if members.is_empty() {
                        p { "No collections are public yet." }
                    }
                    ul {
                        @for (c, ids) in members {
                            li {
                                a href={ "collections/" (c.public_id) ".html" } { (c.name) }
                                " (" (ids.len()) (if ids.len() == 1 { " badge)" } else { " badges)" })
                            }
                        }
                    }
                }
            },
        )
    }

    fn collection_page(&self, c: &Collection, list: &[&SiteBadge]) -> Markup {
        let og = OpenGraph {
            title: &c.name,
            description: Some(&c.description)
                .filter(|d| !d.is_empty())
                .map(String::as_str),
            url: self.absolute(&format!("collections/{}.html", c.public_id)),
            image: list
                .first()
                .and_then(|b| self.absolute(&format!("badges/{}", b.image_file))),
        };
        page(
            &og,
            "../",
            html! {
                nav { a href="../index.html" { "All collections" } }
                main {
                    h1 { (c.name) }
                    @if !c.description.is_empty() { p { (c.description) } }
                    ul.badges {
                        @for b in list {
                            li {
                                a href={ "../badges/" (b.slug) ".html" } {
                                    img src={ "../badges/" (b.image_file) } alt="" width="128" height="128";
                                    (display_name(&b.badge))
                                }
                                @if let Some(issuer) = &b.badge.credential.issuer_name {
                                    br;
                                    small { (issuer) }
                                }
                            }
                        }
                    }
                }
            },
        )
    }

    fn badge_page(&self, b: &SiteBadge) -> Markup {
        let c = &b.badge.credential;
        let name = display_name(&b.badge);
        let page_url = self.absolute(&format!("badges/{}.html", b.slug));
        let description = c
            .description
            .as_deref()
            .map(|d| cut(d, OG_DESCRIPTION_CHARS));
        let og = OpenGraph {
            title: &name,
            description: description.as_deref(),
            url: page_url.clone(),
            image: self.absolute(&format!("badges/{}", b.image_file)),
        };
        let hosted = b
            .badge
            .summary
            .hosted_url
            .as_deref()
            .and_then(HttpUrl::parse);
        let linkedin: Option<LinkedInShare> = match (&page_url, &hosted) {
            (Some(u), _) => share::linkedin_for(&b.badge, u, CertSource::PublishedPage).ok(),
            (None, Some(u)) => share::linkedin_for(&b.badge, u, CertSource::HostedAssertion).ok(),
            (None, None) => None,
        };
        let issuer_url = c.issuer_url.as_deref().and_then(HttpUrl::parse);
        let criteria_url = c.criteria_url.as_deref().and_then(HttpUrl::parse);
        page(
            &og,
            "../",
            html! {
                nav { a href="../index.html" { "All collections" } }
                main {
                    article.badge {
                        img src=(b.image_file) alt=(name) width="256" height="256";
                        h1 { (name) }
                        dl {
                            dt { "Issuer" }
                            dd {
                                @match (&c.issuer_name, &issuer_url) {
                                    (Some(n), Some(u)) => a href=(u.as_str()) { (n) },
                                    (Some(n), None) => (n),
                                    (None, Some(u)) => a href=(u.as_str()) { (u.as_str()) },
                                    (None, None) => "unknown",
                                }
                            }
                            @if let Some(d) = c.issued_on {
                                dt { "Issued" }
                                dd { time datetime=(d.to_rfc3339()) { (d.format("%Y-%m-%d")) } }
                            }
                            @if let Some(d) = c.expires {
                                dt { "Expires" }
                                dd { time datetime=(d.to_rfc3339()) { (d.format("%Y-%m-%d")) } }
                            }
                            @if let Some(d) = &c.description {
                                dt { "Description" }
                                dd { (d) }
                            }
                            @if c.criteria_text.is_some() || criteria_url.is_some() {
                                dt { "Criteria" }
                                dd {
                                    @if let Some(t) = &c.criteria_text { (t) " " }
                                    @if let Some(u) = &criteria_url { a href=(u.as_str()) { "Criteria page" } }
                                }
                            }
                            @if let Some(when) = &b.last_valid {
                                dt { "Last verified" }
                                dd { "valid on " (when) }
                            }
                            @if let Some(v) = &b.badge.summary.ob_version {
                                dt { "Open Badges" }
                                dd { "version " (v) }
                            }
                        }
                        section {
                            h2 { "Verify" }
                            ul {
                                @if let Some(u) = &hosted {
                                    li { a href=(u.as_str()) { "The issuer's hosted copy of this badge" } }
                                }
                                @if b.document.is_some() {
                                    li { a href={ (b.slug) ".json" } { "The credential as JSON" } }
                                }
                                li { a href=(b.image_file) download { "The baked badge image" } }
                            }
                            p { "Any Open Badges verifier can check the baked image: it carries the credential." }
                        }
                        @if let Some(share) = &linkedin {
                            section {
                                h2 { "Share" }
                                p {
                                    a.button href=(share.add_to_profile_url) { "Add to LinkedIn profile" }
                                    a.button href=(share.share_url) { "Share on LinkedIn" }
                                }
                            }
                        }
                    }
                }
            },
        )
    }
}

/// A badge's name, or a stand-in while its issuer has not answered.
fn display_name(badge: &Badge) -> String {
    badge
        .credential
        .name
        .clone()
        .unwrap_or_else(|| format!("Badge {}", badge.summary.id))
}

/// `text` cut to `max` characters, with an ellipsis if it was longer.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// The page frame: head with Open Graph tags, then `body`.
fn page(og: &OpenGraph<'_>, up: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(CONTENT_SECURITY_POLICY);
                meta name="referrer" content="no-referrer";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (og.title) }
                link rel="stylesheet" href={ (up) "style.css" };
                meta property="og:type" content="website";
                meta property="og:title" content=(og.title);
                @if let Some(d) = og.description {
                    meta name="description" content=(d);
                    meta property="og:description" content=(d);
                }
                @if let Some(u) = &og.url {
                    link rel="canonical" href=(u.as_str());
                    meta property="og:url" content=(u.as_str());
                }
                @if let Some(i) = &og.image {
                    meta property="og:image" content=(i.as_str());
                }
            }
            body {
                (body)
                footer { p { "Published with Satchel, a local-first Open Badges backpack." } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn an_existing_site_is_exchanged_and_the_old_one_deleted() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("site");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join(MARKER), "{}").unwrap();
        std::fs::write(dir.join("gone.html"), "old").unwrap();
        let staging = tempfile::Builder::new()
            .prefix(".satchel-publish-")
            .tempdir_in(parent.path())
            .unwrap();
        std::fs::write(staging.path().join(MARKER), "{}").unwrap();
        std::fs::write(staging.path().join("index.html"), "new").unwrap();
        let staged = staging.path().to_owned();
        swap_in(staging, &dir, check_target(&dir).unwrap()).unwrap();
        assert_eq!(names(&dir), [MARKER, "index.html"]);
        assert!(
            !staged.exists(),
            "the old site went with the staging folder"
        );
        assert_eq!(names(parent.path()), ["site"]);
    }

    #[test]
    fn a_new_site_is_renamed_into_place() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("fresh");
        let staging = tempfile::tempdir_in(parent.path()).unwrap();
        std::fs::write(staging.path().join("index.html"), "new").unwrap();
        swap_in(staging, &dir, check_target(&dir).unwrap()).unwrap();
        assert_eq!(names(&dir), ["index.html"]);
        assert_eq!(names(parent.path()), ["fresh"]);
    }
}
