//! One way in: everything a learner hands Satchel comes through here.
//!
//! [`classify`] decides what each input is — one of Satchel's own exports,
//! a Mozilla Backpack export (shutdown ZIP or folder, or saved Displayer
//! answers), an address of a hosted badge, or badge files (a file, a folder
//! or a ZIP of them) — from its name and the names it holds, never by
//! inflating anything. [`take`] routes each input: an export is restored
//! whole ([`restore`]), a Mozilla export is migrated ([`mozilla`]), and the
//! rest is expanded into items ([`expand`]) and imported one by one
//! ([`badge`]). The CLI's `import` and `migrate mozilla`, the window's drop
//! and pick, and backpack pulls all come through this module, so the same
//! input is treated the same way wherever it is given.
//!
//! Every item gets its own [`ImportResult`]: a bad file never aborts the
//! others, and a badge whose issuer cannot be reached is kept, marked as
//! awaiting details. Network I/O happens while no write transaction is
//! open; the badges of a long intake are then stored a batch at a time
//! ([`batch`]), through a wallet [`Run`](crate::wallet::Run).

mod badge;
mod batch;
mod error;
mod expand;
pub mod mozilla;
mod restore;

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use badge::{Inspection, import_bytes, inspect, refresh_awaiting};
pub use error::IntakeError;
pub use mozilla::{Migration, MigrationReport};

use crate::files;
use crate::http::Fetcher;
use crate::outcome::{ImportResult, ImportStatus, Progress};
use crate::wallet::Wallet;

/// What an input is, and so where it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// A ZIP written by `satchel export`: restored whole.
    SatchelExport,
    /// A Mozilla Backpack export or saved Displayer answers: migrated.
    MozillaExport,
    /// An http(s) address of a hosted badge.
    Url,
    /// A badge file, or a folder or ZIP of them: imported item by item.
    Badges,
}

/// Decides what `input` is, from its form and the names it holds.
pub fn classify(input: &str) -> InputKind {
    let trimmed = input.trim();
    if trimmed.starts_with("http://") || trimmed.starts_with("https://") {
        return InputKind::Url;
    }
    // A folder or ZIP is listed once, and its names decide.
    let Some(names) = mozilla::names_in(Path::new(input)) else {
        return InputKind::Badges;
    };
    if files::extension(input) == "zip" && restore::is_export(&names) {
        InputKind::SatchelExport
    } else if mozilla::is_mozilla_export(&names) {
        InputKind::MozillaExport
    } else {
        InputKind::Badges
    }
}

/// Choices the learner makes for a whole intake.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Add the emails of a Mozilla export to the learner's identities.
    pub add_identities: bool,
}

/// What an intake did: every item's result (restored, migrated and
/// imported alike), and the report of each Mozilla migration among them.
#[derive(Debug, Clone, Serialize)]
pub struct Intake {
    pub results: Vec<ImportResult>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub migrations: Vec<MigrationReport>,
}

impl Intake {
    /// Whether any item did not come in.
    pub fn failed(&self) -> bool {
        self.results.iter().any(|r| r.status == ImportStatus::Error)
            || self.migrations.iter().any(|m| !m.failures.is_empty())
    }
}

/// Takes in every input: exports restored, Mozilla exports migrated, the
/// rest imported item by item. `progress` is called after each item of
/// the item-by-item imports.
pub async fn take(
    wallet: &mut Wallet,
    fetcher: &Fetcher,
    inputs: &[String],
    options: Options,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(Progress),
) -> Intake {
    let mut intake = Intake {
        results: Vec::new(),
        migrations: Vec::new(),
    };
    let mut loose = Vec::new();
    for input in inputs {
        match classify(input) {
            InputKind::SatchelExport => {
                intake
                    .results
                    .extend(restore::restore_export(wallet, input));
            }
            InputKind::MozillaExport => {
                let path = Path::new(input);
                match mozilla::migrate(wallet, fetcher, path, options, now).await {
                    Ok(m) => {
                        intake.results.extend(m.results);
                        intake.migrations.push(m.report);
                    }
                    Err(e) => intake.results.push(ImportResult::failed(input.clone(), &e)),
                }
            }
            InputKind::Url | InputKind::Badges => loose.push(input.clone()),
        }
    }
    let items = expand::expand(&loose);
    let total = items.len();
    // Reading runs ahead on a thread of its own, so this one only
    // understands badges and stores them a batch at a time.
    let run = wallet.start_run(total);
    let mut batch = batch::Batch::default();
    let mut items = expand::ReadAhead::new(items).peekable();
    let mut done = 0;
    while let Some((label, bytes)) = items.next() {
        match bytes {
            Ok(bytes) => match badge::prepare(fetcher, label, bytes).await {
                Ok(ready) => batch.ready(ready),
                Err(failed) => batch.done(failed),
            },
            Err(e) => batch.done(ImportResult::failed(label, &e)),
        }
        if batch.is_due() || items.peek().is_none() {
            for result in batch.store(wallet, &run, now) {
                intake.results.push(result);
                done += 1;
                progress(Progress { done, total });
            }
        }
    }
    wallet.end_run(run);
    intake
}

/// Takes in pasted text: a URL, JSON or a JWS.
pub async fn take_text(
    wallet: &mut Wallet,
    fetcher: &Fetcher,
    text: String,
    now: DateTime<Utc>,
) -> ImportResult {
    import_bytes(wallet, fetcher, "pasted".to_owned(), text.into_bytes(), now).await
}
