//! Reading the files of a Mozilla Backpack export: the shutdown export's
//! `manifest.txt` and saved Displayer API answers (`groups.json`,
//! `group/<id>.json`). Pure functions over bytes: every entry that cannot be
//! used is listed with a reason, so none is dropped without a word.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::outcome::{Coded, ErrorCode};

/// The name of the shutdown export's index file.
pub(super) const MANIFEST: &str = "manifest.txt";

/// Why a saved file cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DisplayerError {
    #[error("{what} is not valid JSON ({reason})")]
    NotJson { what: &'static str, reason: String },
    #[error(
        "manifest.txt should map each email address to a list of image file names, but it holds {0}"
    )]
    ManifestShape(&'static str),
    #[error("groups.json has no \"groups\" list; is it a saved Displayer API answer?")]
    NoGroups,
    #[error("the group file has no \"badges\" list; is it a saved Displayer API answer?")]
    NoBadges,
}

impl Coded for DisplayerError {
    fn code(&self) -> ErrorCode {
        ErrorCode::MalformedCredential
    }
}

fn parse_json(bytes: &[u8], what: &'static str) -> Result<Value, DisplayerError> {
    serde_json::from_slice(bytes).map_err(|e| DisplayerError::NotJson {
        what,
        reason: e.to_string(),
    })
}

/// What a saved file listed: the entries that can be used, and a sentence
/// for each one that cannot, so none is dropped without a word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing<T> {
    pub items: T,
    pub skipped: Vec<Skipped>,
}

/// An entry of a saved file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Where it sits: `Ann@example.org` (a manifest key), `group 3`, `badge 2`.
    pub entry: String,
    pub reason: String,
}

/// A public group listed in `groups.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The group id, letters and digits only (it names `group/<id>.json`).
    pub id: String,
    pub name: String,
}

/// One badge of a `group/<id>.json` answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupBadge {
    /// Its place in the group's `badges` list, counting from 1.
    pub position: usize,
    /// What to import: the embedded assertion as JSON text, else the hosted URL.
    pub text: String,
    /// Every address the entry says the badge is hosted at, best first: its
    /// `hostedUrl` (for a 0.5 badge the only place its hosted copy is named),
    /// then the assertion's `verify.url`, then its http(s) `id`.
    pub hosted_urls: Vec<String>,
}

/// Reads `manifest.txt`: a JSON object mapping each email to its image file
/// names. A value that is not a list, or a name that is not a string, is
/// skipped with a reason.
pub fn parse_manifest(
    bytes: &[u8],
) -> Result<Listing<BTreeMap<String, Vec<String>>>, DisplayerError> {
    let value = parse_json(bytes, MANIFEST)?;
    let object = value
        .as_object()
        .ok_or_else(|| DisplayerError::ManifestShape(kind_of(&value)))?;
    let mut listing = Listing {
        items: BTreeMap::new(),
        skipped: Vec::new(),
    };
    for (email, images) in object {
        let Some(list) = images.as_array() else {
            listing.skipped.push(Skipped {
                entry: email.clone(),
                reason: format!(
                    "manifest.txt gives {} for {email} instead of a list of image file names",
                    kind_of(images)
                ),
            });
            continue;
        };
        let mut names = Vec::new();
        for image in list {
            match image.as_str() {
                Some(name) => names.push(name.to_owned()),
                None => listing.skipped.push(Skipped {
                    entry: email.clone(),
                    reason: format!(
                        "manifest.txt lists {} for {email} where an image file name belongs",
                        kind_of(image)
                    ),
                }),
            }
        }
        listing.items.insert(email.clone(), names);
    }
    Ok(listing)
}

/// Reads `groups.json`: the public groups. A group without a usable id is
/// skipped with a reason; a group without a name is named after its id.
pub fn parse_groups(bytes: &[u8]) -> Result<Listing<Vec<Group>>, DisplayerError> {
    let value = parse_json(bytes, "groups.json")?;
    let groups = value["groups"].as_array().ok_or(DisplayerError::NoGroups)?;
    let mut listing = Listing {
        items: Vec::new(),
        skipped: Vec::new(),
    };
    for (i, g) in groups.iter().enumerate() {
        let entry = format!("group {}", i + 1);
        let name = g["name"].as_str().map(str::trim).filter(|n| !n.is_empty());
        let shown = name.map_or_else(String::new, |n| format!(" (\"{n}\")"));
        let id = match &g["groupId"] {
            Value::Number(n) => n.to_string(),
            Value::String(s) => s.clone(),
            Value::Null => {
                listing.skipped.push(Skipped {
                    entry,
                    reason: format!(
                        "groups.json lists group {}{shown} without a \"groupId\", so its badges cannot be found",
                        i + 1
                    ),
                });
                continue;
            }
            other => {
                listing.skipped.push(Skipped {
                    entry,
                    reason: format!(
                        "groups.json gives group {}{shown} {} as its \"groupId\" instead of a number",
                        i + 1,
                        kind_of(other)
                    ),
                });
                continue;
            }
        };
        // Group ids name files; anything but digits and letters could reach outside.
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
            listing.skipped.push(Skipped {
                entry,
                reason: format!(
                    "groups.json gives group {}{shown} the id \"{}\", which is not letters and digits, so Satchel will not look for a file by that name",
                    i + 1,
                    id.escape_debug()
                ),
            });
            continue;
        }
        let name = name.map_or_else(|| format!("Mozilla Backpack group {id}"), str::to_owned);
        listing.items.push(Group { id, name });
    }
    Ok(listing)
}

/// Reads `group/<id>.json`: each badge's credential and hosted addresses. An
/// entry with neither an `assertion` object nor a `hostedUrl` is skipped
/// with a reason.
pub fn parse_group(bytes: &[u8]) -> Result<Listing<Vec<GroupBadge>>, DisplayerError> {
    let value = parse_json(bytes, "the group file")?;
    let badges = value["badges"].as_array().ok_or(DisplayerError::NoBadges)?;
    let mut listing = Listing {
        items: Vec::new(),
        skipped: Vec::new(),
    };
    for (i, b) in badges.iter().enumerate() {
        let assertion = b.get("assertion").filter(|a| a.is_object());
        let hosted = b["hostedUrl"]
            .as_str()
            .map(str::trim)
            .filter(|u| !u.is_empty());
        let candidates = [
            hosted,
            assertion
                .and_then(|a| a.pointer("/verify/url"))
                .and_then(web_address),
            assertion.and_then(|a| a.get("id")).and_then(web_address),
        ];
        let mut hosted_urls: Vec<String> = Vec::new();
        for url in candidates.into_iter().flatten() {
            if !hosted_urls.iter().any(|u| u == url) {
                hosted_urls.push(url.to_owned());
            }
        }
        let text = match (assertion, hosted) {
            (Some(a), _) => a.to_string(),
            (None, Some(url)) => url.to_owned(),
            (None, None) => {
                listing.skipped.push(Skipped {
                    entry: format!("badge {}", i + 1),
                    reason: format!(
                        "badge {} of the group has neither an \"assertion\" nor a \"hostedUrl\", so there is nothing to import",
                        i + 1
                    ),
                });
                continue;
            }
        };
        listing.items.push(GroupBadge {
            position: i + 1,
            text,
            hosted_urls,
        });
    }
    Ok(listing)
}

/// A string value that is an http(s) address.
fn web_address(v: &Value) -> Option<&str> {
    v.as_str()
        .map(str::trim)
        .filter(|s| s.starts_with("http://") || s.starts_with("https://"))
}

/// Names the kind of a JSON value for a sentence.
fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "a text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}
