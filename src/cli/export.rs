//! `satchel export` (the whole wallet, or one badge) and `satchel publish`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use chrono::Utc;
use satchel::export;
use satchel::wallet::Wallet;

use super::print_json;

pub fn export(wallet: &mut Wallet, target: &str, output: Option<&Path>) -> Result<ExitCode> {
    match output {
        Some(out) => {
            let Ok(id) = target.parse::<i64>() else {
                bail!(
                    "{target:?} is not a badge id; `satchel export <id> -o badge.png` writes one badge, `satchel export <file.zip>` the whole wallet"
                );
            };
            export::export_badge(wallet, id, out)
                .with_context(|| format!("cannot export badge {id}"))?;
            println!("wrote badge {id} to {}", out.display());
        }
        None => {
            let path = Path::new(target);
            let summary = export::export_wallet(wallet, path, Utc::now())?;
            println!(
                "wrote {} badges, {} collections, {} identities, {} checks and {} connected backpacks to {}",
                summary.badges,
                summary.collections,
                summary.identities,
                summary.checks,
                summary.backpacks,
                path.display()
            );
            if summary.backpacks > 0 {
                println!(
                    "sign-ins to backpacks stay in this computer's keyring; after importing the export elsewhere, sign in again with `satchel backpack add <name> <url>`"
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn publish(
    wallet: &mut Wallet,
    dir: &Path,
    base_url: Option<&str>,
    json: bool,
) -> Result<ExitCode> {
    let summary = export::publish(wallet, dir, base_url, Utc::now())?;
    if json {
        print_json(&summary)?;
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "published {} public collection(s) with {} badge(s) to {}",
        summary.collections,
        summary.badges,
        dir.display()
    );
    match &summary.base_url {
        Some(url) => println!("upload the folder so that it is served at {url}"),
        None => println!(
            "no --base-url given: pages link to each other, but LinkedIn sharing needs the address the site will be served from"
        ),
    }
    let displayer = summary
        .displayer_groups_url
        .as_deref()
        .unwrap_or("displayer/<user id>/groups.json under the site's address");
    println!(
        "Displayer API (Moodle's OBv1 backpack): user id {}, public collections at {displayer}",
        summary.displayer_user_id
    );
    Ok(ExitCode::SUCCESS)
}
