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
    /// Time limit of each HTTP request, in milliseconds (for tests).
    #[arg(long, global = true, env = "SATCHEL_HTTP_TIMEOUT_MS", hide = true)]
    http_timeout_ms: Option<u64>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Connect other backpacks (Badgr, Badge Connect, Open Badges 3.0 hosts).
    Backpack {
        #[command(subcommand)]
        action: cli::backpack::BackpackAction,
    },
    /// Send badges (or a collection) to a connected backpack.
    Push(cli::backpack::PushArgs),
    /// Bring in the badges a connected backpack holds.
    Pull(cli::backpack::PullArgs),
    /// Manage the emails, URLs and phone numbers badges are issued to.
    Identity {
        #[command(subcommand)]
        action: IdentityAction,
    },
    /// Import badge files, folders, ZIP archives or hosted assertion URLs;
    /// a Satchel export is restored whole and a Mozilla Backpack export is
    /// migrated, as `migrate mozilla` does.
    Import {
        #[arg(required = true, value_name = "FILE|FOLDER|ZIP|URL")]
        inputs: Vec<String>,
        /// With a Mozilla Backpack export: add its emails to your identities.
        #[arg(long)]
        add_identities: bool,
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
    /// Delete badges from the wallet for good (export or back up first to keep a copy).
    Delete {
        #[arg(required = true, value_name = "ID")]
        ids: Vec<i64>,
    },
    /// Bake a credential (a URL, JSON or JWS file) into a PNG or SVG image.
    Bake {
        image: PathBuf,
        credential: PathBuf,
        #[arg(short, long, value_name = "OUT")]
        output: PathBuf,
    },
    /// Write a consistent copy of the whole wallet to a file.
    Backup { file: PathBuf },
    /// Replace the wallet with a backup (the current wallet is kept beside it).
    Restore { file: PathBuf },
    /// Bring badges over from an old backpack.
    Migrate {
        #[command(subcommand)]
        source: MigrateSource,
    },
    /// Organize badges into collections and choose which ones are public.
    Collection {
        #[command(subcommand)]
        action: cli::collection::Action,
    },
    /// Share a badge: `satchel share linkedin <id>`.
    Share {
        #[command(subcommand)]
        target: cli::share::Target,
    },
    /// Write the public collections as a static web site into DIR.
    Publish {
        dir: PathBuf,
        /// The http(s) address the site will be served from (remembered for later publishes).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Export the whole wallet to FILE.zip, or one badge with `<id> -o badge.png|.svg|.json|.jws`.
    Export {
        #[arg(value_name = "FILE.zip|ID")]
        target: String,
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
    },
    /// Check badges against their issuers: genuine, current and yours.
    Verify {
        /// Badge ids from `satchel list`.
        #[arg(value_name = "ID", required_unless_present = "all")]
        ids: Vec<i64>,
        /// Check every badge in the wallet.
        #[arg(long, conflicts_with = "ids")]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Fetch again the details of badges whose issuer could not be reached.
    Refresh {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum MigrateSource {
    /// A Mozilla Backpack shutdown export (ZIP or folder), saved Displayer
    /// API files (groups.json, group/<id>.json), or a folder of baked images.
    Mozilla {
        path: PathBuf,
        /// Add the export's email addresses to your identities.
        #[arg(long)]
        add_identities: bool,
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
    satchel::allocator::reuse_large_buffers();
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
    let fetcher = || -> Fetcher {
        let mut policy = HttpPolicy::with_private(cli.allow_private_network);
        if let Some(ms) = cli.http_timeout_ms {
            policy.timeout = std::time::Duration::from_millis(ms);
            policy.connect_timeout = policy.connect_timeout.min(policy.timeout);
        }
        Fetcher::new(policy)
    };
    match cli.command {
        Command::Backpack { ref action } => cli::backpack::run(&mut open()?, &fetcher(), action),
        Command::Push(ref args) => cli::backpack::push(&mut open()?, &fetcher(), args),
        Command::Pull(ref args) => cli::backpack::pull(&mut open()?, &fetcher(), args),
        Command::Identity { ref action } => cli::identity::run(&mut open()?, action),
        Command::Import {
            ref inputs,
            add_identities,
            json,
        } => cli::badges::import(&mut open()?, &fetcher(), inputs, add_identities, json),
        Command::Inspect { ref file, json } => cli::badges::inspect(file, json),
        Command::List { json } => cli::badges::list(&open()?, json),
        Command::Show { id, json } => cli::badges::show(&open()?, id, json),
        Command::Delete { ref ids } => cli::badges::delete(&mut open()?, ids),
        Command::Bake {
            ref image,
            ref credential,
            ref output,
        } => cli::badges::bake(image, credential, output),
        Command::Backup { ref file } => cli::backup::backup(&open()?, file),
        Command::Restore { ref file } => cli::backup::restore(&mut open()?, file),
        Command::Migrate {
            source:
                MigrateSource::Mozilla {
                    ref path,
                    add_identities,
                    json,
                },
        } => cli::migrate::mozilla(&mut open()?, &fetcher(), path, add_identities, json),
        Command::Collection { ref action } => cli::collection::run(&mut open()?, action),
        Command::Share { ref target } => cli::share::run(&open()?, target),
        Command::Publish {
            ref dir,
            ref base_url,
            json,
        } => cli::export::publish(&mut open()?, dir, base_url.as_deref(), json),
        Command::Export {
            ref target,
            ref output,
        } => cli::export::export(&mut open()?, target, output.as_deref()),
        Command::Verify { ref ids, all, json } => {
            cli::verify::run(&mut open()?, &fetcher(), ids, all, json)
        }
        Command::Refresh { json } => cli::badges::refresh(&mut open()?, &fetcher(), json),
    }
}
