//! `satchel verify`: check badges against their issuers and keep the results.

use std::process::ExitCode;

use anyhow::Result;
use chrono::Utc;
use indicatif::{ProgressBar, ProgressStyle};
use satchel::http::Fetcher;
use satchel::ops;
use satchel::verify::Outcome;
use satchel::wallet::{Badge, CheckRecord, LatestCheck, Wallet};

use super::{print_json, runtime};

pub fn run(
    wallet: &mut Wallet,
    fetcher: &Fetcher,
    ids: &[i64],
    all: bool,
    json: bool,
) -> Result<ExitCode> {
    // clap requires ids or --all, never both.
    let ids = (!all).then(|| ids.to_vec());
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} checked").expect("valid template"),
    );
    let results = runtime()?.block_on(ops::verify(wallet, fetcher, ids, Utc::now(), &mut |p| {
        bar.set_length(p.total as u64);
        bar.set_position(p.done as u64);
    }))?;
    bar.finish_and_clear();
    let all_valid = results.iter().all(|c| c.outcome == Outcome::Valid);
    if json {
        print_json(&serde_json::json!({ "results": results }))?;
    } else {
        if results.is_empty() {
            println!("the wallet is empty; nothing to check");
        }
        for c in &results {
            println!("badge {}: {} — {}", c.badge_id, c.outcome, c.message);
        }
        let valid = results
            .iter()
            .filter(|c| c.outcome == Outcome::Valid)
            .count();
        if !results.is_empty() {
            println!("{valid} of {} valid", results.len());
        }
    }
    Ok(if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// A badge's check history, oldest first; sets the badge's latest status.
pub fn history(wallet: &Wallet, badge: &mut Badge) -> Result<Vec<CheckRecord>> {
    let checks = wallet.checks(badge.summary.id)?;
    badge.summary.status = checks.last().map(|c| LatestCheck {
        outcome: c.outcome,
        checked_at: c.checked_at.clone(),
    });
    Ok(checks)
}

/// The newest few checks, for `satchel show`.
pub fn print_history(id: i64, checks: &[CheckRecord]) {
    const SHOWN: usize = 5;
    if checks.is_empty() {
        println!("checked:  never (run `satchel verify {id}`)");
    }
    for c in checks.iter().rev().take(SHOWN) {
        println!("checked:  {} {}: {}", c.checked_at, c.outcome, c.message);
    }
    if checks.len() > SHOWN {
        println!(
            "          … {} earlier checks (`satchel show {id} --json` lists all)",
            checks.len() - SHOWN
        );
    }
}
