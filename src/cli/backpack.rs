//! `satchel backpack add|list|remove`, `satchel push` and `satchel pull`.
//!
//! Reads the password (never echoed, never kept) or opens the browser, hands
//! the work to `satchel::backpack`, and prints each badge's outcome with the
//! backpack's own words under Satchel's sentence.
//!
//! A command that signs in (`backpack add`, or `push`/`pull` with
//! `--sign-in`) on a desktop with no keyring keeps the sign-in in memory for
//! that one command, and says so; a command that only uses a stored
//! sign-in says that no keyring is running and how to sign in for one run.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use anyhow::{Context as _, Result, anyhow, bail};
use chrono::Utc;
use clap::{Args, Subcommand, ValueEnum};
use satchel::backpack::{
    self, Added, BackpackKind, Browser, Context, PushOutcome, Secrets, SystemBrowser,
};
use satchel::http::Fetcher;
use satchel::ops;
use satchel::outcome::ImportStatus;
use satchel::wallet::Wallet;

use super::{print_json, runtime};

/// The protocols, as typed on the command line.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum KindArg {
    /// Badgr API v2 (username and password).
    Badgr,
    /// Open Badges 2.1 Badge Connect (browser sign-in).
    BadgeConnect,
    /// Open Badges 3.0 API (browser sign-in).
    Ob3,
}

impl From<KindArg> for BackpackKind {
    fn from(kind: KindArg) -> Self {
        match kind {
            KindArg::Badgr => BackpackKind::Badgr,
            KindArg::BadgeConnect => BackpackKind::BadgeConnect,
            KindArg::Ob3 => BackpackKind::Ob3,
        }
    }
}

#[derive(Subcommand)]
pub enum BackpackAction {
    /// Connect a backpack and sign in (again, if the name exists).
    Add {
        /// A short name of your choice, used by push and pull.
        name: String,
        /// The backpack's address, such as https://badgr.example.org.
        base_url: String,
        #[arg(long, value_enum, default_value = "badgr")]
        kind: KindArg,
        #[command(flatten)]
        credentials: Credentials,
        /// The OAuth application to sign in as (Badgr; default: public).
        #[arg(long, value_name = "ID")]
        client_id: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// List the connected backpacks.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Disconnect a backpack and delete its sign-in from the keyring.
    Remove { name: String },
}

/// Who signs in to a Badgr backpack, and where the password comes from.
#[derive(Args)]
pub struct Credentials {
    /// Your username (Badgr).
    #[arg(long)]
    username: Option<String>,
    /// Read the password from standard input (also when it is not a terminal).
    #[arg(long)]
    password_stdin: bool,
}

/// Signing in as part of a push or pull, for a desktop with no keyring (the
/// sign-in then lasts for this command only) or to renew a stored one.
#[derive(Args)]
pub struct SignInFirst {
    /// Sign in before the work: Badgr asks for the password (for the
    /// username stored, unless --username names another), the others open
    /// the browser. Implied by --username and --password-stdin.
    #[arg(long)]
    sign_in: bool,
    #[command(flatten)]
    credentials: Credentials,
}

impl SignInFirst {
    fn wanted(&self) -> bool {
        self.sign_in || self.credentials.username.is_some() || self.credentials.password_stdin
    }
}

#[derive(Args)]
pub struct PushArgs {
    /// The backpack's name.
    backpack: String,
    /// Badge ids to send.
    #[arg(value_name = "ID")]
    ids: Vec<i64>,
    /// Send a collection's badges, then the collection (Badgr).
    #[arg(long, conflicts_with = "ids")]
    collection: Option<String>,
    /// Send every badge not sent yet.
    #[arg(long, conflicts_with_all = ["ids", "collection"])]
    all: bool,
    #[command(flatten)]
    sign_in: SignInFirst,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct PullArgs {
    /// The backpack's name.
    backpack: String,
    #[command(flatten)]
    sign_in: SignInFirst,
    #[arg(long)]
    json: bool,
}

pub fn run(wallet: &mut Wallet, fetcher: &Fetcher, action: &BackpackAction) -> Result<ExitCode> {
    match action {
        BackpackAction::Add {
            name,
            base_url,
            kind,
            credentials,
            client_id,
            json,
        } => {
            let secrets = secrets_for_sign_in();
            let ctx = ops::context(fetcher, &secrets, Utc::now());
            let target = Target {
                name,
                base_url,
                kind: BackpackKind::from(*kind),
                client_id: client_id.as_deref(),
                username: None,
            };
            let added = sign_in(wallet, &ctx, &target, credentials)?;
            if *json {
                print_json(&added)?;
            } else {
                let who = added
                    .profile
                    .as_ref()
                    .and_then(describe_profile)
                    .map(|w| format!(" as {w}"))
                    .unwrap_or_default();
                println!(
                    "connected {} ({}) at {}{who}; {}",
                    added.backpack.name,
                    added.backpack.kind,
                    added.backpack.base_url,
                    kept(&added)
                );
            }
        }
        BackpackAction::List { json } => {
            let all = wallet.backpacks()?;
            if *json {
                print_json(&all)?;
            } else if all.is_empty() {
                println!(
                    "no backpacks yet; connect one with `satchel backpack add badgr https://api.badgr.io --username you@example.org`"
                );
            } else {
                for b in all {
                    println!(
                        "{:<16} {:<14} {}  ({} badges there{})",
                        b.name,
                        b.kind,
                        b.base_url,
                        b.pushed,
                        b.username.map(|u| format!(", as {u}")).unwrap_or_default()
                    );
                }
            }
        }
        BackpackAction::Remove { name } => {
            let (secrets, no_keyring) = ops::keyring_or_session();
            backpack::remove(wallet, &secrets, name)?;
            match no_keyring {
                None => println!("removed {name} and deleted its sign-in from the keyring"),
                Some(_) => println!(
                    "removed {name}; no keyring is running, so no stored sign-in was deleted"
                ),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The backpack a sign-in is for.
struct Target<'a> {
    name: &'a str,
    base_url: &'a str,
    kind: BackpackKind,
    client_id: Option<&'a str>,
    /// The Badgr username stored earlier, used when none is given.
    username: Option<&'a str>,
}

/// Signs in to `target` (connecting it, or again): Badgr with the password
/// read once, the others through the browser. The tokens go to `ctx`'s store.
fn sign_in(
    wallet: &mut Wallet,
    ctx: &Context<'_>,
    target: &Target<'_>,
    credentials: &Credentials,
) -> Result<Added> {
    let name = target.name;
    let browser = |url: &str| -> Result<(), String> {
        eprintln!("Sign in to {name} in your browser. If it did not open, visit:\n  {url}");
        if let Err(e) = SystemBrowser.open(url) {
            eprintln!("({e})");
        }
        Ok(())
    };
    let credentials = match target.kind {
        BackpackKind::Badgr => Some(read_credentials(
            name,
            credentials.username.as_deref().or(target.username),
            credentials.password_stdin,
        )?),
        _ => None,
    };
    let password = credentials.as_ref().map(|(u, p)| (u.as_str(), p.as_str()));
    let sign_in = ops::sign_in(target.kind, password, target.client_id, &browser);
    let run = backpack::add(wallet, ctx, name, target.base_url, target.kind, sign_in);
    Ok(runtime()?.block_on(run)?)
}

/// Where a new sign-in is kept: the keyring, or, when none is running, this
/// command's memory, which the learner is told about (with the bus's words).
fn secrets_for_sign_in() -> Secrets {
    let (secrets, no_keyring) = ops::keyring_or_session();
    if let Some(e) = no_keyring {
        eprintln!("note: {}", backpack::secrets::SESSION_ONLY);
        if let Some(details) = e.evidence() {
            eprintln!("      (the keyring could not be reached: {details})");
        }
    }
    secrets
}

/// Where a push or pull finds its sign-in: signed in afresh when asked
/// (kept as for `backpack add`), else the keyring. Without a keyring the
/// error says so and how to sign in for this one command.
fn signed_in(
    wallet: &mut Wallet,
    fetcher: &Fetcher,
    name: &str,
    first: &SignInFirst,
) -> Result<Secrets> {
    if !first.wanted() {
        return Secrets::system().map_err(|e| {
            anyhow!(
                "{e}\n  to sign in for this command only, add --sign-in (with --password-stdin to pipe a Badgr password)\n  details: {}",
                e.evidence().unwrap_or_default()
            )
        });
    }
    let account = wallet
        .backpack(name)?
        .ok_or_else(|| backpack::BackpackError::NoSuchBackpack(name.to_owned()))?;
    let secrets = secrets_for_sign_in();
    let target = Target {
        name,
        base_url: &account.base_url,
        kind: BackpackKind::parse(&account.kind)?,
        client_id: account.client_id.as_deref(),
        username: account.username.as_deref(),
    };
    let added = sign_in(
        wallet,
        &ops::context(fetcher, &secrets, Utc::now()),
        &target,
        &first.credentials,
    )?;
    eprintln!("signed in to {name}; {}", kept(&added));
    Ok(secrets)
}

/// Where a sign-in was kept, as the end of a sentence.
fn kept(added: &Added) -> &'static str {
    match added.session_only {
        Some(_) => "the sign-in lasts for this command only",
        None => "the sign-in is in your keyring",
    }
}

/// The username and the password, read once. The password comes from the
/// terminal without echo, or from standard input when asked or piped.
fn read_credentials(
    name: &str,
    username: Option<&str>,
    password_stdin: bool,
) -> Result<(String, String)> {
    let interactive = std::io::stdin().is_terminal() && !password_stdin;
    let username = match username {
        Some(u) => u.to_owned(),
        None if interactive => {
            eprint!("Username for {name}: ");
            read_line()?
        }
        None => bail!("give your {name} username with --username"),
    };
    let password = if interactive {
        rpassword::prompt_password(format!("Password for {username} at {name}: "))
            .context("cannot read the password from the terminal")?
    } else {
        read_line()?
    };
    if password.is_empty() {
        bail!("no password was given for {username} at {name}");
    }
    Ok((username, password))
}

fn read_line() -> Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// A name or email from a profile answer, in any of the three shapes.
fn describe_profile(profile: &serde_json::Value) -> Option<String> {
    ["name", "email", "firstName"]
        .iter()
        .find_map(|k| profile.get(*k)?.as_str())
        .or_else(|| profile.pointer("/emails/0/email")?.as_str())
        .map(str::to_owned)
}

pub fn push(wallet: &mut Wallet, fetcher: &Fetcher, args: &PushArgs) -> Result<ExitCode> {
    let selection = ops::selection(&args.ids, args.collection.as_deref(), args.all)?;
    let secrets = signed_in(wallet, fetcher, &args.backpack, &args.sign_in)?;
    let ctx = ops::context(fetcher, &secrets, Utc::now());
    let name = &args.backpack;
    let report = runtime()?.block_on(backpack::push(wallet, &ctx, name, &selection))?;
    if args.json {
        print_json(&report)?;
    } else {
        let count = |s| report.results.iter().filter(|r| r.status == s).count();
        for r in &report.results {
            let id = r.badge_id;
            match (&r.status, &r.error) {
                (PushOutcome::Pushed, _) => println!(
                    "pushed    badge {id}{}",
                    r.sent_as
                        .map(|s| format!(" {}", s.describe()))
                        .unwrap_or_default()
                ),
                (PushOutcome::AlreadyThere, _) => {
                    println!("already   badge {id} was already on {name}")
                }
                (PushOutcome::Unchanged, _) => println!("unchanged badge {id} (sent earlier)"),
                (_, Some(e)) => println!("error     badge {id} [{}] {}", e.code, e.message),
                (_, None) => {}
            }
            if let (Some(sent), Some(first)) = (r.sent_as, r.instead_of) {
                println!(
                    "          {name} could not take it {}; it went {} instead",
                    first.describe(),
                    sent.describe()
                );
            }
            if let Some(evidence) = r
                .evidence
                .as_ref()
                .filter(|_| r.status == PushOutcome::Error || r.instead_of.is_some())
            {
                println!("          {name} said: {evidence}");
            }
        }
        if let Some(c) = &report.collection {
            match (&c.error, &c.share_url) {
                (Some(e), _) => println!("collection not published [{}] {}", e.code, e.message),
                (None, Some(url)) => println!("collection published at {url}"),
                (None, None) => println!("collection published"),
            }
        }
        println!(
            "{} pushed, {} already there, {} unchanged, {} failed{}",
            count(PushOutcome::Pushed),
            count(PushOutcome::AlreadyThere),
            count(PushOutcome::Unchanged),
            count(PushOutcome::Error),
            if report.failed() {
                " — run the same command again to retry what failed"
            } else {
                ""
            }
        );
    }
    Ok(if report.failed() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

pub fn pull(wallet: &mut Wallet, fetcher: &Fetcher, args: &PullArgs) -> Result<ExitCode> {
    let secrets = signed_in(wallet, fetcher, &args.backpack, &args.sign_in)?;
    let ctx = ops::context(fetcher, &secrets, Utc::now());
    let results = runtime()?.block_on(ops::pull(wallet, &ctx, &args.backpack))?;
    let failed = results.iter().any(|r| r.status == ImportStatus::Error);
    if args.json {
        print_json(&serde_json::json!({ "results": results }))?;
    } else {
        super::badges::print_results(&results);
        println!("{} badges listed by {}", results.len(), args.backpack);
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
