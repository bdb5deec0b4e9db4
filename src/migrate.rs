//! Bringing an old Mozilla Backpack into the wallet, with nothing silently dropped.
//!
//! Three shapes are accepted, told apart by what they hold: the 2019 shutdown
//! export (a ZIP, or its unpacked folder, with `manifest.txt` mapping each
//! email to the baked images issued to it), saved Displayer API answers
//! (`groups.json` and `group/<id>.json`, which carry the public collections),
//! and loose folders of baked images. Every badge goes through the normal
//! import path ([`crate::import::import_bytes`]), so duplicates are skipped and
//! a badge whose issuer is gone is kept, marked as awaiting details. The
//! [`MigrationReport`] says what came over, what was already there, and for
//! each file that did not come over, why and what the learner can do.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::files::{self, Archive};
use crate::http::Fetcher;
use crate::import::{ImportResult, ImportStatus, import_bytes};
use crate::wallet::{IdentityKind, Wallet};
use crate::{Error, ErrorCode};

/// The name of the shutdown export's index file.
const MANIFEST: &str = "manifest.txt";
/// File endings that can hold a badge in a Mozilla export.
const BADGE_FILES: &[&str] = &["png", "svg", "json"];

/// What kind of Mozilla material was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// The shutdown export: `manifest.txt` and baked images.
    ShutdownExport,
    /// Saved Displayer API answers: `groups.json` and `group/<id>.json`.
    Displayer,
    /// Baked images with no index.
    LooseImages,
}

/// A file that did not come over, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub path: String,
    pub code: ErrorCode,
    pub message: String,
    /// What the learner can do next.
    pub advice: String,
}

/// A badge kept while its issuer could not be reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unreachable {
    pub path: String,
    pub badge_id: i64,
    pub reason: String,
}

/// A badge that came over but is not (yet) matched to one of the learner's identities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecipientNote {
    pub path: String,
    pub badge_id: i64,
    /// The identity the badge was issued to, when the file tells it.
    pub issued_to: Option<String>,
    pub advice: String,
}

/// Everything a migration did, for the learner to read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MigrationReport {
    pub source: String,
    pub shape: Shape,
    pub badges_imported: usize,
    /// Badges that were already in the wallet (skipped, unchanged).
    pub duplicates: usize,
    pub identities_added: Vec<String>,
    /// Emails found in the export but not added (`--add-identities` adds them).
    pub identities_not_added: Vec<String>,
    pub collections_created: Vec<String>,
    /// Collections that were already in the wallet and were left as they are.
    pub collections_existing: Vec<String>,
    pub unreachable: Vec<Unreachable>,
    pub recipient_notes: Vec<RecipientNote>,
    pub failures: Vec<Failure>,
}

/// Options of a migration.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Add the emails of the export to the learner's identities.
    pub add_identities: bool,
}

/// Where the files of a migration come from: a ZIP or a folder, read by the
/// names they have inside it.
enum Bundle {
    Zip(Box<Archive>, BTreeMap<String, usize>),
    Folder(PathBuf, Vec<String>),
}

impl Bundle {
    fn open(path: &Path) -> Result<Bundle, Error> {
        let meta = std::fs::metadata(path).map_err(|e| files::io_error(path, e))?;
        if meta.is_dir() {
            let mut names = Vec::new();
            walk_folder(path, path, &mut names)?;
            names.sort();
            return Ok(Bundle::Folder(path.to_owned(), names));
        }
        let mut archive = Archive::open(path)?;
        let entries = archive
            .entries()?
            .into_iter()
            .map(|e| (e.name, e.index))
            .collect();
        Ok(Bundle::Zip(Box::new(archive), entries))
    }

    fn names(&self) -> Vec<String> {
        match self {
            Bundle::Zip(_, entries) => entries.keys().cloned().collect(),
            Bundle::Folder(_, names) => names.clone(),
        }
    }

    fn contains(&self, name: &str) -> bool {
        match self {
            Bundle::Zip(_, entries) => entries.contains_key(name),
            Bundle::Folder(_, names) => names.iter().any(|n| n == name),
        }
    }

    fn label(&self, name: &str) -> String {
        match self {
            Bundle::Zip(archive, _) => archive.label(name),
            Bundle::Folder(root, _) => root.join(name).display().to_string(),
        }
    }

    fn read(&mut self, name: &str) -> Result<Vec<u8>, Error> {
        match self {
            Bundle::Zip(archive, entries) => match entries.get(name) {
                Some(&index) => archive.read(index),
                None => Err(missing(name)),
            },
            Bundle::Folder(root, names) => {
                if !names.iter().any(|n| n == name) {
                    return Err(missing(name));
                }
                files::read_file(&root.join(name))
            }
        }
    }
}

fn missing(name: &str) -> Error {
    Error::other(ErrorCode::NotFound, format!("{name} is not there"))
}

/// Lists files below `dir` by their path relative to `root`, skipping hidden ones.
fn walk_folder(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), Error> {
    let entries = std::fs::read_dir(dir).map_err(|e| files::io_error(dir, e))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            walk_folder(root, &path, out)?;
        } else if let Ok(relative) = path.strip_prefix(root) {
            out.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

/// Migrates a Mozilla Backpack export, Displayer folder or image folder at `path`.
pub async fn migrate_mozilla(
    wallet: &mut Wallet,
    fetcher: &Fetcher,
    path: &Path,
    options: Options,
    now: DateTime<Utc>,
) -> Result<MigrationReport, Error> {
    let mut bundle = Bundle::open(path)?;
    let names = bundle.names();
    let manifest = names
        .iter()
        .filter(|n| n.rsplit('/').next() == Some(MANIFEST))
        .min_by_key(|n| n.len())
        .cloned();
    let groups = names
        .iter()
        .filter(|n| n.rsplit('/').next() == Some("groups.json"))
        .min_by_key(|n| n.len())
        .cloned();
    let shape = match (&manifest, &groups) {
        (Some(_), _) => Shape::ShutdownExport,
        (None, Some(_)) => Shape::Displayer,
        (None, None) => Shape::LooseImages,
    };
    let mut run = Run {
        wallet,
        fetcher,
        now,
        report: MigrationReport {
            source: path.display().to_string(),
            shape,
            badges_imported: 0,
            duplicates: 0,
            identities_added: Vec::new(),
            identities_not_added: Vec::new(),
            collections_created: Vec::new(),
            collections_existing: Vec::new(),
            unreachable: Vec::new(),
            recipient_notes: Vec::new(),
            failures: Vec::new(),
        },
        export_emails: Vec::new(),
        imported: Vec::new(),
    };
    let mut done: Vec<String> = Vec::new();
    if let Some(manifest) = manifest {
        run.shutdown_export(&mut bundle, &manifest, options, &mut done)
            .await?;
    }
    if let Some(groups) = groups {
        run.displayer(&mut bundle, &groups, &mut done).await?;
    }
    // Everything else that can hold a badge comes over too, so nothing is dropped.
    for name in names {
        let ext = files::extension(&name);
        if done.contains(&name) || !BADGE_FILES.contains(&ext.as_str()) {
            continue;
        }
        let label = bundle.label(&name);
        match bundle.read(&name) {
            Ok(bytes) => {
                run.import(label, bytes).await;
            }
            Err(e) => run.fail(label, &e),
        }
    }
    run.check_recipients()?;
    Ok(run.report)
}

/// The state of one migration while it runs.
struct Run<'a> {
    wallet: &'a mut Wallet,
    fetcher: &'a Fetcher,
    now: DateTime<Utc>,
    report: MigrationReport,
    /// Emails the export says the badges were issued to.
    export_emails: Vec<String>,
    /// Badges that came over or were already there: (label, badge id).
    imported: Vec<(String, i64)>,
}

impl Run<'_> {
    /// Imports one file and records what happened; returns the badge id.
    async fn import(&mut self, label: String, bytes: Vec<u8>) -> Option<i64> {
        let result = import_bytes(self.wallet, self.fetcher, label, bytes, self.now).await;
        self.record(result)
    }

    fn record(&mut self, r: ImportResult) -> Option<i64> {
        match r.status {
            ImportStatus::Imported => {
                self.report.badges_imported += 1;
                let id = r.badge_id?;
                if let Some(reason) = r.awaiting_details {
                    self.report.unreachable.push(Unreachable {
                        path: r.path.clone(),
                        badge_id: id,
                        reason,
                    });
                }
                self.imported.push((r.path, id));
                Some(id)
            }
            ImportStatus::Duplicate => {
                self.report.duplicates += 1;
                let id = r.badge_id?;
                self.imported.push((r.path, id));
                Some(id)
            }
            ImportStatus::Error => {
                let (code, message) = r
                    .error
                    .map(|e| (e.code, e.message))
                    .unwrap_or((ErrorCode::Unsupported, "unknown failure".into()));
                self.report.failures.push(Failure {
                    path: r.path,
                    advice: advice(code).to_owned(),
                    code,
                    message,
                });
                None
            }
        }
    }

    fn fail(&mut self, path: String, e: &Error) {
        self.report.failures.push(Failure {
            path,
            code: e.code(),
            message: e.to_string(),
            advice: advice(e.code()).to_owned(),
        });
    }

    /// The shutdown export: identities from the manifest's emails, then every
    /// image it lists, each reported if it is missing or unreadable.
    async fn shutdown_export(
        &mut self,
        bundle: &mut Bundle,
        manifest_name: &str,
        options: Options,
        done: &mut Vec<String>,
    ) -> Result<(), Error> {
        done.push(manifest_name.to_owned());
        let folder = manifest_name
            .rsplit_once('/')
            .map(|(dir, _)| format!("{dir}/"))
            .unwrap_or_default();
        let label = bundle.label(manifest_name);
        let listing = match bundle.read(manifest_name).and_then(|b| parse_manifest(&b)) {
            Ok(listing) => listing,
            Err(e) => {
                // The images are still worth bringing over without their index.
                self.fail(label, &e);
                return Ok(());
            }
        };
        for email in listing.keys() {
            self.export_emails.push(email.clone());
        }
        self.identities(options)?;
        for (email, images) in listing {
            for image in images {
                let name = format!("{folder}{image}");
                if !bundle.contains(&name) {
                    self.report.failures.push(Failure {
                        path: bundle.label(&name),
                        code: ErrorCode::NotFound,
                        message: format!(
                            "manifest.txt lists {image} for {email}, but the export does not contain it"
                        ),
                        advice: "the export is incomplete; if you still have this image, import it with `satchel import <file>`".into(),
                    });
                    continue;
                }
                if done.contains(&name) {
                    continue;
                }
                done.push(name.clone());
                let label = bundle.label(&name);
                match bundle.read(&name) {
                    Ok(bytes) => {
                        self.import(label, bytes).await;
                    }
                    Err(e) => self.fail(label, &e),
                }
            }
        }
        Ok(())
    }

    /// Adds the export's emails as identities, or lists them when not asked to.
    fn identities(&mut self, options: Options) -> Result<(), Error> {
        let known: Vec<String> = self
            .wallet
            .identities()?
            .into_iter()
            .filter(|i| i.kind == IdentityKind::Email)
            .map(|i| i.value.to_lowercase())
            .collect();
        for email in self.export_emails.clone() {
            if known.contains(&email.to_lowercase()) {
                continue;
            }
            if options.add_identities {
                match self.wallet.add_identity(&email, self.now) {
                    Ok(id) => self.report.identities_added.push(id.value),
                    Err(e) => self.fail(MANIFEST.into(), &e.into()),
                }
            } else {
                self.report.identities_not_added.push(email);
            }
        }
        Ok(())
    }

    /// Saved Displayer answers: the badges of each public group, then the
    /// group itself as a public collection holding them in order.
    async fn displayer(
        &mut self,
        bundle: &mut Bundle,
        groups_name: &str,
        done: &mut Vec<String>,
    ) -> Result<(), Error> {
        done.push(groups_name.to_owned());
        let folder = groups_name
            .rsplit_once('/')
            .map(|(dir, _)| format!("{dir}/"))
            .unwrap_or_default();
        let label = bundle.label(groups_name);
        let groups = match bundle.read(groups_name).and_then(|b| parse_groups(&b)) {
            Ok(groups) => groups,
            Err(e) => {
                self.fail(label, &e);
                return Ok(());
            }
        };
        for (group_id, group_name) in groups {
            let name = format!("{folder}group/{group_id}.json");
            done.push(name.clone());
            let label = bundle.label(&name);
            let entries = match bundle.read(&name).and_then(|b| parse_group(&b)) {
                Ok(entries) => entries,
                Err(e) => {
                    self.fail(label, &e);
                    continue;
                }
            };
            let mut members = Vec::new();
            for (i, text) in entries.into_iter().enumerate() {
                let label = format!("{label}#badge{}", i + 1);
                if let Some(id) = self.import(label, text.into_bytes()).await {
                    members.push(id);
                }
            }
            self.collection(&group_name, &members)?;
        }
        Ok(())
    }

    /// Puts `members` into the collection named `name`, creating it as a
    /// public collection when there is none. Adding is idempotent, so a
    /// migration cut short and run again completes the collection.
    fn collection(&mut self, name: &str, members: &[i64]) -> Result<(), Error> {
        let existing = self
            .wallet
            .collections()?
            .into_iter()
            .find(|c| c.name == name);
        let id = match existing {
            Some(c) => {
                self.report.collections_existing.push(name.to_owned());
                c.id
            }
            None => {
                let c = self.wallet.create_collection(name, "", self.now)?;
                self.wallet.set_collection_public(c.id, true)?;
                self.report.collections_created.push(name.to_owned());
                c.id
            }
        };
        self.wallet.add_to_collection(id, members)?;
        Ok(())
    }

    /// Notes every badge that matches none of the learner's identities, with
    /// the identity it was issued to when the file tells it.
    fn check_recipients(&mut self) -> Result<(), Error> {
        let identities: Vec<String> = self
            .wallet
            .identities()?
            .into_iter()
            .map(|i| i.value)
            .collect();
        for (path, id) in self.imported.clone() {
            let badge = self.wallet.badge(id)?;
            let Some(recipient) = badge.credential.recipient else {
                continue;
            };
            if identities.iter().any(|i| recipient.matches(i)) {
                continue;
            }
            let from_export = self
                .export_emails
                .iter()
                .find(|e| recipient.matches(e))
                .cloned();
            let plain = (!recipient.hashed && !recipient.identity.contains('$'))
                .then(|| recipient.identity.clone());
            let issued_to = from_export.or(plain);
            let advice = match &issued_to {
                Some(email) => format!(
                    "this badge was issued to {email}, which is not one of your identities; add it with `satchel identity add {email}` (or migrate with --add-identities)"
                ),
                None => "this badge was issued to a hashed address that matches none of your identities; add the email you used with the old backpack with `satchel identity add <email>`".to_owned(),
            };
            self.report.recipient_notes.push(RecipientNote {
                path,
                badge_id: id,
                issued_to,
                advice,
            });
        }
        Ok(())
    }
}

/// What a learner can do about a file that failed, by error code.
fn advice(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::NotBaked => {
            "this image holds no badge data; it may be only the picture of a badge — download the badge again from its issuer"
        }
        ErrorCode::MalformedImage => {
            "the file is damaged; if you have another copy of it, import that one"
        }
        ErrorCode::MalformedCredential => {
            "the badge data inside is broken; ask the issuer for a fresh copy of the badge"
        }
        ErrorCode::TooLarge => "the file is far larger than any badge; it is not a badge",
        ErrorCode::Unsupported => "Satchel cannot read this kind of file as a badge",
        ErrorCode::Unreachable => "the issuer could not be reached; try again later",
        _ => "see the message for what went wrong",
    }
}

fn parse_json(bytes: &[u8], what: &str) -> Result<Value, Error> {
    serde_json::from_slice(bytes).map_err(|e| {
        Error::other(
            ErrorCode::MalformedCredential,
            format!("{what} is not valid JSON ({e})"),
        )
    })
}

/// `manifest.txt`: a JSON object mapping each email to its image file names.
fn parse_manifest(bytes: &[u8]) -> Result<BTreeMap<String, Vec<String>>, Error> {
    let value = parse_json(bytes, MANIFEST)?;
    let shape_error = || {
        Error::other(
            ErrorCode::MalformedCredential,
            "manifest.txt should map each email address to a list of image file names",
        )
    };
    let object = value.as_object().ok_or_else(shape_error)?;
    let mut out = BTreeMap::new();
    for (email, images) in object {
        let list = images.as_array().ok_or_else(shape_error)?;
        let names = list
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        out.insert(email.clone(), names);
    }
    Ok(out)
}

/// `groups.json`: the public groups, as (group id, name).
fn parse_groups(bytes: &[u8]) -> Result<Vec<(String, String)>, Error> {
    let value = parse_json(bytes, "groups.json")?;
    let groups = value["groups"].as_array().ok_or_else(|| {
        Error::other(
            ErrorCode::MalformedCredential,
            "groups.json has no \"groups\" list; is it a saved Displayer API answer?",
        )
    })?;
    Ok(groups
        .iter()
        .filter_map(|g| {
            let id = match &g["groupId"] {
                Value::Number(n) => n.to_string(),
                Value::String(s) => s.clone(),
                _ => return None,
            };
            // Group ids name files; anything but digits and letters is refused.
            if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
                return None;
            }
            let name = g["name"]
                .as_str()
                .unwrap_or("Untitled collection")
                .to_owned();
            Some((id, name))
        })
        .collect())
}

/// `group/<id>.json`: each badge's credential text (the embedded assertion,
/// else its hosted URL).
fn parse_group(bytes: &[u8]) -> Result<Vec<String>, Error> {
    let value = parse_json(bytes, "the group file")?;
    let badges = value["badges"].as_array().ok_or_else(|| {
        Error::other(
            ErrorCode::MalformedCredential,
            "the group file has no \"badges\" list",
        )
    })?;
    Ok(badges
        .iter()
        .filter_map(|b| match (&b["assertion"], b["hostedUrl"].as_str()) {
            (Value::Object(_), _) => Some(b["assertion"].to_string()),
            (_, Some(url)) => Some(url.to_owned()),
            _ => None,
        })
        .collect())
}
