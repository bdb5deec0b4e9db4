//! Bringing an old Mozilla Backpack into the wallet, with nothing silently dropped.
//!
//! Three shapes are accepted, told apart by what they hold: the 2019 shutdown
//! export (a ZIP, or its unpacked folder, with `manifest.txt` mapping each
//! email to the baked images issued to it), saved Displayer API answers
//! (`groups.json` and `group/<id>.json`, which carry the public collections),
//! and loose folders of baked images. Every badge goes through the normal
//! import path ([`crate::intake::import_bytes`]), so duplicates are skipped and
//! a badge whose issuer is gone is kept, marked as awaiting details. Displayer
//! badges are matched to the wallet's by hosted address before that, and each
//! new hosted badge of the Mozilla era is checked once through
//! [`crate::verify`], so those whose issuers are gone are marked `unreachable`
//! in their history. The [`MigrationReport`] says what came over, what was
//! already there, and for each file or entry that did not come over, why and
//! what the learner can do.

mod detect;
mod displayer;

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use detect::Shape;
pub(crate) use detect::{is_mozilla_export, names_in};
pub use displayer::{
    DisplayerError, Group, GroupBadge, Listing, Skipped, parse_group, parse_groups, parse_manifest,
};

use super::{IntakeError, Options, import_bytes};
use crate::credential::{ObVersion, Proof};
use crate::files;
use crate::http::Fetcher;
use crate::outcome::{Coded, ErrorCode, ImportResult, ImportStatus};
use crate::verify::{self, Outcome, VerifyOptions};
use crate::wallet::{IdentityKind, Resolved, Wallet};
use detect::{Bundle, landmarks};
use displayer::MANIFEST;

/// File endings that can hold a badge in a Mozilla export.
const BADGE_FILES: &[&str] = &["png", "svg", "json"];
/// The advice for a failure whose code has none in the shared table.
const SEE_MESSAGE: &str = "see the message for what went wrong";

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

/// A migration's report, and each file's result as import gives it.
#[derive(Debug, Clone)]
pub struct Migration {
    pub report: MigrationReport,
    pub results: Vec<ImportResult>,
}

/// Migrates a Mozilla Backpack export, Displayer folder or image folder at `path`.
pub async fn migrate(
    wallet: &mut Wallet,
    fetcher: &Fetcher,
    path: &Path,
    options: Options,
    now: DateTime<Utc>,
) -> Result<Migration, IntakeError> {
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
        results: Vec::new(),
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
    Ok(Migration {
        report: run.report,
        results: run.results,
    })
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
    /// Every file's result, as import gives it.
    results: Vec<ImportResult>,
}

impl Run<'_> {
    /// Imports one file and records what happened; returns the badge id.
    async fn import(&mut self, label: String, bytes: Vec<u8>) -> Option<i64> {
        let result = import_bytes(self.wallet, self.fetcher, label, bytes, self.now).await;
        self.record(result)
    }

    fn record(&mut self, r: ImportResult) -> Option<i64> {
        self.results.push(r.clone());
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

    fn fail(&mut self, path: String, e: &IntakeError) {
        let r = ImportResult::failed(path, e);
        self.results.push(r.clone());
        self.record_failure(r);
    }

    /// A file that did not come over: import's sentence, and its advice (or,
    /// where import has none, the advice for the error's code) on its own.
    fn record_failure(&mut self, r: ImportResult) {
        let code = r.error.as_ref().map_or(ErrorCode::Unsupported, |e| e.code);
        let message = r.error_without_advice().unwrap_or("unknown failure");
        self.report.failures.push(Failure {
            message: message.to_owned(),
            advice: r.advice.unwrap_or(SEE_MESSAGE).to_owned(),
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
    ) -> Result<(), IntakeError> {
        done.push(manifest_name.to_owned());
        let folder = manifest_name
            .rsplit_once('/')
            .map(|(dir, _)| format!("{dir}/"))
            .unwrap_or_default();
        let label = bundle.label(manifest_name);
        let listing = match bundle
            .read(manifest_name)
            .and_then(|b| Ok(parse_manifest(&b)?))
        {
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
    fn identities(&mut self, options: Options) -> Result<(), IntakeError> {
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
    ) -> Result<(), IntakeError> {
        done.push(groups_name.to_owned());
        let folder = groups_name
            .rsplit_once('/')
            .map(|(dir, _)| format!("{dir}/"))
            .unwrap_or_default();
        let label = bundle.label(groups_name);
        let groups = match bundle.read(groups_name).and_then(|b| Ok(parse_groups(&b)?)) {
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
                Err(IntakeError::GroupFileMissing {
                    group: group.name.clone(),
                    id: group.id.clone(),
                })
            };
            let entries = match read.and_then(|b| Ok(parse_group(&b)?)) {
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
    fn remember_hosted_url(&mut self, id: i64, urls: &[String]) -> Result<(), IntakeError> {
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
    fn collection(&mut self, group: &Group, members: &[i64]) -> Result<(), IntakeError> {
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
    fn check_recipients(&mut self) -> Result<(), IntakeError> {
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
    async fn check_mozilla_era(&mut self) -> Result<(), IntakeError> {
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
        .await?;
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
