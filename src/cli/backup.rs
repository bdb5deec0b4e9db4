//! `satchel backup` and `satchel restore`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use chrono::Utc;
use satchel::wallet::Wallet;

pub fn backup(wallet: &Wallet, file: &Path) -> Result<ExitCode> {
    wallet
        .backup_to(file)
        .with_context(|| format!("cannot back up to {}", file.display()))?;
    println!(
        "backed up {} badges to {}",
        wallet.badge_count()?,
        file.display()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn restore(wallet: &mut Wallet, file: &Path) -> Result<ExitCode> {
    let safety = wallet
        .restore_from(file, Utc::now())
        .with_context(|| format!("cannot restore from {}", file.display()))?;
    println!(
        "restored {} badges from {}; the wallet as it was is kept at {}",
        wallet.badge_count()?,
        file.display(),
        safety.display()
    );
    Ok(ExitCode::SUCCESS)
}
