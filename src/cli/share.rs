//! `satchel share linkedin <id>`.

use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;
use satchel::share::{self, CertSource};
use satchel::wallet::Wallet;

use super::print_json;

/// Where to share a badge.
#[derive(Subcommand)]
pub enum Target {
    /// LinkedIn: the "add to profile" link and the "share a post" link.
    Linkedin {
        id: i64,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(wallet: &Wallet, target: &Target) -> Result<ExitCode> {
    let Target::Linkedin { id, json } = target;
    let links = share::linkedin(wallet, *id)?;
    if *json {
        print_json(&links)?;
        return Ok(ExitCode::SUCCESS);
    }
    let proof = match links.cert_source {
        CertSource::PublishedPage => "your published page",
        CertSource::HostedAssertion => "the issuer's hosted copy",
    };
    println!("add to profile: {}", links.add_to_profile_url);
    println!("share a post:   {}", links.share_url);
    println!("proof link:     {} ({proof})", links.fields.cert_url);
    Ok(ExitCode::SUCCESS)
}
