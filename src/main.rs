//! The `satchel` command-line tool: everything the window does, over the same core.
//!
//! This file only parses arguments, calls the core and prints. Errors are
//! reported once, with their chain, and the exit status tells scripts what
//! happened: 0 all went well, 1 some item failed, 2 the command could not run.

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use satchel::http::{Fetcher, HttpPolicy};
use satchel::wallet::Wallet;

#[derive(Parser)]
#[command(
    name = "satchel",
    version,
    about = "Keep, check and share your Open Badges."
)]
struct Cli {
    /// The wallet database to use [default: the XDG data dir's satchel/wallet.sqlite3].
    #[arg(long, global = true, env = "SATCHEL_WALLET", value_name = "PATH")]
    wallet: Option<PathBuf>,
    /// Allow fetching from loopback and private network addresses.
    #[arg(long, global = true, env = "SATCHEL_ALLOW_PRIVATE_NETWORK")]
    allow_private_network: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Manage the emails, URLs and phone numbers badges are issued to.
    Identity {
        #[command(subcommand)]
        action: IdentityAction,
    },
    /// Import badge files, folders, ZIP archives or hosted assertion URLs.
    Import {
        #[arg(required = true, value_name = "FILE|FOLDER|ZIP|URL")]
        inputs: Vec<String>,
        /// Print the results as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show what is inside a badge file, without importing it.
    Inspect {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// List the badges in the wallet.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show everything known about one badge.
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Bake a credential (a URL, JSON or JWS file) into a PNG or SVG image.
    Bake {
        image: PathBuf,
        credential: PathBuf,
        #[arg(short, long, value_name = "OUT")]
        output: PathBuf,
    },
    /// Fetch again the details of badges whose issuer could not be reached.
    Refresh {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum IdentityAction {
    /// Add an email address, http(s) URL or telephone number.
    Add { value: String },
    /// List your identities.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove an identity.
    Remove { value: String },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("satchel: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let wallet_path = || -> Result<PathBuf> {
        cli.wallet
            .clone()
            .or_else(Wallet::default_path)
            .context("no wallet location: pass --wallet PATH or set SATCHEL_WALLET")
    };
    let open = || -> Result<Wallet> { Ok(Wallet::open(&wallet_path()?)?) };
    let fetcher = || -> Result<Fetcher> {
        Ok(Fetcher::new(HttpPolicy::with_private(
            cli.allow_private_network,
        ))?)
    };
    match cli.command {
        Command::Identity { ref action } => cli::identity::run(&mut open()?, action),
        Command::Import { ref inputs, json } => {
            cli::badges::import(&mut open()?, &fetcher()?, inputs, json)
        }
        Command::Inspect { ref file, json } => cli::badges::inspect(file, json),
        Command::List { json } => cli::badges::list(&open()?, json),
        Command::Show { id, json } => cli::badges::show(&open()?, id, json),
        Command::Bake {
            ref image,
            ref credential,
            ref output,
        } => cli::badges::bake(image, credential, output),
        Command::Refresh { json } => cli::badges::refresh(&mut open()?, &fetcher()?, json),
    }
}
