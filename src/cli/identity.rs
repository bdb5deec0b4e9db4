//! `satchel identity add|list|remove`.

use std::process::ExitCode;

use anyhow::Result;
use chrono::Utc;
use satchel::ops;
use satchel::wallet::Wallet;

use super::print_json;
use crate::IdentityAction;

pub fn run(wallet: &mut Wallet, action: &IdentityAction) -> Result<ExitCode> {
    match action {
        IdentityAction::Add { value } => {
            let id = wallet.add_identity(value, Utc::now())?;
            println!("added {} {}", id.kind_name(), id.value);
        }
        IdentityAction::Remove { value } => {
            ops::remove_identity(wallet, value)?;
            println!("removed {value}");
        }
        IdentityAction::List { json } => {
            let ids = wallet.identities()?;
            if *json {
                print_json(&ids)?;
            } else if ids.is_empty() {
                println!(
                    "no identities yet; add the email your badges were issued to with `satchel identity add you@example.org`"
                );
            } else {
                for id in ids {
                    println!("{:<10} {}", id.kind_name(), id.value);
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
