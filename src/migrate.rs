//! Bringing an old Mozilla Backpack into the wallet, with nothing silently dropped.
//!
//! Three shapes are accepted, told apart by what they hold: the 2019 shutdown
//! export (a ZIP, or its unpacked folder, with `manifest.txt` mapping each
//! email to the baked images issued to it), saved Displayer API answers
//! (`groups.json` and `group/<id>.json`, which carry the public collections),
//! and loose folders of baked images. Every badge goes through the normal
//! import path ([`crate::import::import_bytes`]), so duplicates are skipped and
//! a badge whose issuer is gone is kept, marked as awaiting details. Displayer
//! badges are matched to the wallet's by hosted address before that, and each
//! new hosted badge of the Mozilla era is checked once through
//! [`crate::verify`], so those whose issuers are gone are marked `unreachable`
//! in their history. The [`MigrationReport`] says what came over, what was
//! already there, and for each file or entry that did not come over, why and
//! what the learner can do.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::credential::{ObVersion, Proof};
use crate::files::{self, Archive};
use crate::http::Fetcher;
use crate::import::{ImportResult, ImportStatus, import_bytes};
use crate::verify::{self, Outcome, VerifyOptions};
use crate::wallet::{IdentityKind, Resolved, Wallet};
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

impl Shape {
    /// The shape in words, for the report.
    pub fn describe(self) -> &'static str {
        match self {
            Shape::ShutdownExport => "a Mozilla Backpack shutdown export",
            Shape::Displayer => "saved Mozilla Displayer answers",
            Shape::LooseImages => "a folder of badge images",
        }
    }
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

/// A badge kept while its issuer could not be reached: its details could not
/// be fetched at import, or its first check (kept in the badge's history)
/// found the issuer unreachable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unreachable {
    pub path: String,
    pub badge_id: i64,
    pub reason: String,
}

/// A Displayer group that was not rebuilt because the learner already has a
/// collection of that name, which is left as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CollectionNote {
    pub name: String,
    /// The learner's own collection of that name.
    pub collection_id: i64,
    /// The group's badges, in the wallet now, in the group's order.
    pub badge_ids: Vec<i64>,
    pub advice: String,
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
    /// Public collections made from Displayer groups.
    pub collections_created: Vec<String>,
    /// Collections an earlier migration made from the same groups, completed
    /// with any badge they lack (their flags are left as the learner set them).
    pub collections_existing: Vec<String>,
    /// Groups not rebuilt because a collection of the learner's own has that name.
    pub collections_untouched: Vec<CollectionNote>,
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

/// Whether `path` is a folder or ZIP holding a Mozilla Backpack export (a
/// `manifest.txt` shutdown export or saved Displayer answers), judged by its
/// file names alone, so that a window can offer to migrate what was dropped.
/// Cheap: a ZIP's entries are not read; anything unreadable is no export.
pub fn is_mozilla_export(path: &Path) -> bool {
    let candidate = path.is_dir() || files::extension(&path.to_string_lossy()) == "zip";
    candidate
        && Bundle::open(path).is_ok_and(|bundle| landmarks(&bundle.names()).2 != Shape::LooseImages)
}

/// The shutdown manifest and the Displayer `groups.json` nearest the top of
/// `names`, and the shape they make.
fn landmarks(names: &[String]) -> (Option<String>, Option<String>, Shape) {
    let nearest = |file: &str| {
        names
            .iter()
            .filter(|n| n.rsplit('/').next() == Some(file))
            .min_by_key(|n| n.len())
            .cloned()
    };
    let (manifest, groups) = (nearest(MANIFEST), nearest("groups.json"));
    let shape = match (&manifest, &groups) {
        (Some(_), _) => Shape::ShutdownExport,
        (None, Some(_)) => Shape::Displayer,
        (None, None) => Shape::LooseImages,
    };
    (manifest, groups, shape)
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
    let (manifest, groups, shape) = landmarks(&names);
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
            collections_untouched: Vec::new(),
            unreachable: Vec::new(),
            recipient_notes: Vec::new(),
            failures: Vec::new(),
        },
        export_emails: Vec::new(),
        imported: Vec::new(),
        new_badges: Vec::new(),
        hosted: HashMap::new(),
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
    run.check_mozilla_era().await?;
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
    /// Badges this run added: (label, badge id).
    new_badges: Vec<(String, i64)>,
    /// The wallet's badges by hosted address, for matching Displayer entries
    /// (filled when the first group is read).
    hosted: HashMap<String, i64>,
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
                self.new_badges.push((r.path.clone(), id));
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
                self.record_failure(r);
                None
            }
        }
    }

    fn fail(&mut self, path: String, e: &Error) {
        self.record_failure(ImportResult::failed(path, e));
    }

    /// A file that did not come over: import's sentence, and its advice (or,
    /// where import has none, the advice for the error's code) on its own.
    fn record_failure(&mut self, r: ImportResult) {
        let code = r.error.as_ref().map_or(ErrorCode::Unsupported, |e| e.code);
        let message = r.error_without_advice().unwrap_or("unknown failure");
        self.report.failures.push(Failure {
            message: message.to_owned(),
            advice: r.advice.unwrap_or_else(|| advice(code)).to_owned(),
            path: r.path,
            code,
        });
    }

    /// Reports each entry a saved file listed but that cannot be used.
    fn skipped(&mut self, label: &str, skipped: Vec<Skipped>, advice: &str) {
        for s in skipped {
            self.report.failures.push(Failure {
                path: format!("{label}#{}", s.entry),
                code: ErrorCode::MalformedCredential,
                message: s.reason,
                advice: advice.to_owned(),
            });
        }
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
            Ok(listing) => {
                self.skipped(
                    &label,
                    listing.skipped,
                    "the images this entry meant are still imported if they are in the export; check that none is missing from the report's badges",
                );
                listing.items
            }
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

    /// Saved Displayer answers: the badges of each public group, matched to
    /// badges already in the wallet or imported, then the group itself as a
    /// public collection holding them in order.
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
        self.skipped(
            &label,
            groups.skipped,
            "this group cannot be rebuilt; make it again with `satchel collection new <name>` and `satchel collection add`",
        );
        for badge in self.wallet.list_badges()? {
            if let Some(url) = badge.hosted_url {
                self.hosted.entry(url).or_insert(badge.id);
            }
        }
        for group in groups.items {
            let name = format!("{folder}group/{}.json", group.id);
            done.push(name.clone());
            let label = bundle.label(&name);
            let read = if bundle.contains(&name) {
                bundle.read(&name)
            } else {
                Err(Error::other(
                    ErrorCode::NotFound,
                    format!(
                        "groups.json lists the group \"{}\" (id {}), but group/{}.json is not beside it",
                        group.name, group.id, group.id
                    ),
                ))
            };
            let entries = match read.and_then(|b| parse_group(&b)) {
                Ok(entries) => entries,
                Err(e) => {
                    let code = e.code();
                    self.report.failures.push(Failure {
                        path: label,
                        code,
                        message: e.to_string(),
                        advice: format!(
                            "save the Displayer answer /displayer/<userId>/group/{}.json into the group folder and migrate again; the group's collection is not made until then",
                            group.id
                        ),
                    });
                    continue;
                }
            };
            self.skipped(
                &label,
                entries.skipped,
                "if you still have this badge's image or address, import it with `satchel import <file|URL>` and add it with `satchel collection add`",
            );
            let mut members = Vec::new();
            for badge in entries.items {
                let label = format!("{label}#badge {}", badge.position);
                if let Some(id) = self.group_badge(label, badge).await {
                    members.push(id);
                }
            }
            if let Err(e) = self.collection(&group, &members) {
                self.fail(label, &e);
            }
        }
        Ok(())
    }

    /// Finds a Displayer badge in the wallet by any of its hosted addresses,
    /// else imports it (the import matches it by assertion id, then by content).
    async fn group_badge(&mut self, label: String, badge: GroupBadge) -> Option<i64> {
        let known = badge
            .hosted_urls
            .iter()
            .find_map(|url| self.hosted.get(url).copied());
        let id = match known {
            Some(id) => {
                self.report.duplicates += 1;
                self.imported.push((label, id));
                id
            }
            None => {
                let id = self.import(label, badge.text.into_bytes()).await?;
                if let Err(e) = self.remember_hosted_url(id, &badge.hosted_urls) {
                    self.fail(format!("badge {id}"), &e);
                }
                id
            }
        };
        for url in badge.hosted_urls {
            self.hosted.entry(url).or_insert(id);
        }
        Some(id)
    }

    /// A 0.5 assertion does not say where it is hosted; the Displayer entry
    /// does. Storing that address with the badge lets a later import of the
    /// same badge by its address be recognised as the same badge.
    fn remember_hosted_url(&mut self, id: i64, urls: &[String]) -> Result<(), Error> {
        let Some(url) = urls.first() else {
            return Ok(());
        };
        let badge = self.wallet.badge(id)?;
        if badge.credential.hosted_url.is_some() {
            return Ok(());
        }
        let mut credential = badge.credential;
        credential.hosted_url = Some(url.clone());
        let resolved = Resolved {
            credential,
            fetched: badge.fetched.map(|f| f.to_string()),
            details: badge.summary.details,
            details_error: badge.details_error,
        };
        self.wallet.update_details(id, &resolved)?;
        Ok(())
    }

    /// Puts `members` into the public collection rebuilt from `group`. A
    /// collection an earlier migration made from it (known by its
    /// description) is completed, so a migration cut short and run again
    /// finishes it; a collection of the learner's own with the same name is
    /// left untouched, and the report says how to bring the badges together.
    fn collection(&mut self, group: &Group, members: &[i64]) -> Result<(), Error> {
        let description = format!(
            "Public group {} of your Mozilla Backpack, rebuilt by `satchel migrate mozilla`.",
            group.id
        );
        let existing = self
            .wallet
            .collections()?
            .into_iter()
            .find(|c| c.name == group.name);
        let id = match existing {
            Some(c) if c.description == description => {
                self.report.collections_existing.push(group.name.clone());
                c.id
            }
            Some(c) => {
                let ids: Vec<String> = members.iter().map(i64::to_string).collect();
                self.report.collections_untouched.push(CollectionNote {
                    name: group.name.clone(),
                    collection_id: c.id,
                    badge_ids: members.to_vec(),
                    advice: format!(
                        "you already have a collection named \"{}\" (collection {}), so Satchel left it as it is and did not rebuild the Mozilla group into it; the group's badges are in your wallet: add them with `satchel collection add {} {}`, or rename your collection and migrate again",
                        group.name,
                        c.id,
                        c.id,
                        ids.join(" ")
                    ),
                });
                return Ok(());
            }
            None => {
                let c = self
                    .wallet
                    .create_collection(&group.name, &description, self.now)?;
                self.wallet.set_collection_public(c.id, true)?;
                self.report.collections_created.push(group.name.clone());
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

impl Run<'_> {
    /// Checks once, against their issuers, the hosted badges of the Mozilla
    /// era (0.5 and 1.x, and badges baked as a bare address) this run added;
    /// each check joins the badge's history, and those whose issuer could not
    /// be reached are reported. Badges already in the wallet are not checked
    /// again, so a second run changes nothing.
    async fn check_mozilla_era(&mut self) -> Result<(), Error> {
        let mut labels = HashMap::new();
        let mut ids = Vec::new();
        for (label, id) in &self.new_badges {
            let badge = self.wallet.badge(*id)?;
            let c = &badge.credential;
            let era = matches!(
                c.ob_version,
                Some(ObVersion::V0_5 | ObVersion::V1_0 | ObVersion::V1_1)
            ) && c.proof == Some(Proof::Hosted);
            if era || badge.payload_kind == "url" {
                labels.insert(*id, label.clone());
                ids.push(*id);
            }
        }
        if ids.is_empty() {
            return Ok(());
        }
        let checks = verify::verify_badges(
            self.wallet,
            self.fetcher,
            &ids,
            self.now,
            VerifyOptions::default(),
            &mut |_| {},
        )
        .await
        .map_err(|verify::VerifyError::Wallet(e)| Error::from(e))?;
        for check in checks {
            let known = self
                .report
                .unreachable
                .iter()
                .any(|u| u.badge_id == check.badge_id);
            if check.outcome != Outcome::Unreachable || known {
                continue;
            }
            self.report.unreachable.push(Unreachable {
                path: labels.remove(&check.badge_id).unwrap_or_default(),
                badge_id: check.badge_id,
                reason: check.message,
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
pub fn parse_manifest(bytes: &[u8]) -> Result<Listing<BTreeMap<String, Vec<String>>>, Error> {
    let value = parse_json(bytes, MANIFEST)?;
    let object = value.as_object().ok_or_else(|| {
        Error::other(
            ErrorCode::MalformedCredential,
            format!(
                "manifest.txt should map each email address to a list of image file names, but it holds {}",
                kind_of(&value)
            ),
        )
    })?;
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
pub fn parse_groups(bytes: &[u8]) -> Result<Listing<Vec<Group>>, Error> {
    let value = parse_json(bytes, "groups.json")?;
    let groups = value["groups"].as_array().ok_or_else(|| {
        Error::other(
            ErrorCode::MalformedCredential,
            "groups.json has no \"groups\" list; is it a saved Displayer API answer?",
        )
    })?;
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
pub fn parse_group(bytes: &[u8]) -> Result<Listing<Vec<GroupBadge>>, Error> {
    let value = parse_json(bytes, "the group file")?;
    let badges = value["badges"].as_array().ok_or_else(|| {
        Error::other(
            ErrorCode::MalformedCredential,
            "the group file has no \"badges\" list; is it a saved Displayer API answer?",
        )
    })?;
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
