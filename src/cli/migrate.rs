//! `satchel migrate mozilla`: bring an old Mozilla Backpack into the wallet.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use chrono::Utc;
use satchel::http::Fetcher;
use satchel::intake::{self, MigrationReport, Options};
use satchel::wallet::Wallet;

use super::{print_json, runtime};

pub fn mozilla(
    wallet: &mut Wallet,
    fetcher: &Fetcher,
    path: &Path,
    add_identities: bool,
    json: bool,
) -> Result<ExitCode> {
    let options = Options { add_identities };
    let migration = runtime()?.block_on(intake::mozilla::migrate(
        wallet,
        fetcher,
        path,
        options,
        Utc::now(),
    ))?;
    let report = migration.report;
    if json {
        print_json(&report)?;
    } else {
        print_report(&report);
    }
    Ok(if report.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The report of a migration, as `migrate mozilla` and `import` print it.
pub fn print_report(r: &MigrationReport) {
    println!("migrated {} ({})", r.source, r.shape.describe());
    println!(
        "  {} badges imported, {} already in the wallet",
        r.badges_imported, r.duplicates
    );
    let list = |label: &str, items: &[String]| {
        if !items.is_empty() {
            println!("  {label}: {}", items.join(", "));
        }
    };
    list("identities added", &r.identities_added);
    list(
        "emails found but not added (use --add-identities)",
        &r.identities_not_added,
    );
    list("collections created", &r.collections_created);
    list(
        "collections from an earlier migration, completed",
        &r.collections_existing,
    );
    for c in &r.collections_untouched {
        println!("  collection {:?} left as it is: {}", c.name, c.advice);
    }
    if !r.unreachable.is_empty() {
        println!(
            "  {} badges kept whose issuers could not be reached (`satchel refresh` fetches missing details, `satchel verify` checks them again):",
            r.unreachable.len()
        );
        for u in &r.unreachable {
            println!("    badge {}: {} — {}", u.badge_id, u.path, u.reason);
        }
    }
    for n in &r.recipient_notes {
        println!("  note: badge {} ({}): {}", n.badge_id, n.path, n.advice);
    }
    if !r.failures.is_empty() {
        println!("  {} files did not come over:", r.failures.len());
        for f in &r.failures {
            // Import's sentences already name their file.
            match f.message.starts_with(&f.path) {
                true => println!("    [{}] {}", f.code, f.message),
                false => println!("    [{}] {}: {}", f.code, f.path, f.message),
            }
            println!("      what to do: {}", f.advice);
        }
    }
}
