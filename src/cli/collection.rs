//! `satchel collection new|rename|describe|delete|add|remove|move|public|private|list|show`.

use std::process::ExitCode;

use anyhow::Result;
use chrono::Utc;
use clap::Subcommand;
use satchel::wallet::{Collection, Wallet};

use super::print_json;

/// What to do with collections. Collections are named by their id (see `list`).
#[derive(Subcommand)]
pub enum Action {
    /// Create a private collection.
    New {
        name: String,
        #[arg(long, default_value = "")]
        description: String,
        #[arg(long)]
        json: bool,
    },
    /// Rename a collection.
    Rename { collection: i64, name: String },
    /// Set a collection's description ("" clears it).
    Describe {
        collection: i64,
        description: String,
    },
    /// Delete a collection; its badges stay in the wallet.
    Delete { collection: i64 },
    /// Add badges at the end of a collection.
    Add {
        collection: i64,
        #[arg(required = true)]
        badges: Vec<i64>,
    },
    /// Take badges out of a collection (they stay in the wallet).
    Remove {
        collection: i64,
        #[arg(required = true)]
        badges: Vec<i64>,
    },
    /// Move a badge within a collection (with --badge), or the collection among the others.
    Move {
        collection: i64,
        /// The badge to move inside the collection.
        #[arg(long)]
        badge: Option<i64>,
        /// The new position, 1 being first.
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
        to: u64,
    },
    /// Make a collection public: `satchel publish` puts it on the site.
    Public { collection: i64 },
    /// Make a collection private again.
    Private { collection: i64 },
    /// List the collections in order.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show a collection and its badges in order.
    Show {
        collection: i64,
        #[arg(long)]
        json: bool,
    },
}

fn line(c: &Collection) -> String {
    let visibility = if c.public { "public" } else { "private" };
    format!(
        "{:>5}  {:<40}  {:<7}  {} badge{}",
        c.id,
        c.name,
        visibility,
        c.badge_count,
        if c.badge_count == 1 { "" } else { "s" }
    )
}

pub fn run(wallet: &mut Wallet, action: &Action) -> Result<ExitCode> {
    match action {
        Action::New {
            name,
            description,
            json,
        } => {
            let c = wallet.create_collection(name, description, Utc::now())?;
            if *json {
                print_json(&c)?;
            } else {
                println!("created collection {} ({}), private", c.id, c.name);
            }
        }
        Action::Rename { collection, name } => {
            wallet.rename_collection(*collection, name)?;
            println!("renamed collection {collection}");
        }
        Action::Describe {
            collection,
            description,
        } => {
            wallet.describe_collection(*collection, description)?;
            println!("described collection {collection}");
        }
        Action::Delete { collection } => {
            wallet.delete_collection(*collection)?;
            println!("deleted collection {collection}; its badges are still in the wallet");
        }
        Action::Add { collection, badges } => {
            let added = wallet.add_to_collection(*collection, badges)?;
            println!(
                "added {added} badge(s) to collection {collection} ({} already there)",
                badges.len() - added
            );
        }
        Action::Remove { collection, badges } => {
            wallet.remove_from_collection(*collection, badges)?;
            println!(
                "removed {} badge(s) from collection {collection}",
                badges.len()
            );
        }
        Action::Move {
            collection,
            badge,
            to,
        } => move_to(wallet, *collection, *badge, *to)?,
        Action::Public { collection } | Action::Private { collection } => {
            let public = matches!(action, Action::Public { .. });
            set_public(wallet, *collection, public)?;
        }
        Action::List { json } => list(wallet, *json)?,
        Action::Show { collection, json } => show(wallet, *collection, *json)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Moves a badge within a collection, or the collection among the others,
/// to 1-based place `to`.
fn move_to(wallet: &mut Wallet, collection: i64, badge: Option<i64>, to: u64) -> Result<()> {
    let index = usize::try_from(to - 1)?;
    match badge {
        Some(b) => {
            wallet.move_badge(collection, b, index)?;
            println!("moved badge {b} to position {to} in collection {collection}");
        }
        None => {
            wallet.move_collection(collection, index)?;
            println!("moved collection {collection} to position {to}");
        }
    }
    Ok(())
}

fn set_public(wallet: &mut Wallet, collection: i64, public: bool) -> Result<()> {
    wallet.set_collection_public(collection, public)?;
    if public {
        println!("collection {collection} is public; `satchel publish <dir>` puts it on your site");
    } else {
        println!("collection {collection} is private; publish again to take it off your site");
    }
    Ok(())
}

fn list(wallet: &Wallet, json: bool) -> Result<()> {
    let all = wallet.collections()?;
    if json {
        print_json(&all)?;
    } else if all.is_empty() {
        println!("no collections yet; make one with `satchel collection new <name>`");
    } else {
        for c in &all {
            println!("{}", line(c));
        }
    }
    Ok(())
}

fn show(wallet: &Wallet, collection: i64, json: bool) -> Result<()> {
    let contents = wallet.collection_contents(collection)?;
    if json {
        return print_json(&contents);
    }
    println!("{}", line(&contents.collection));
    if !contents.collection.description.is_empty() {
        println!("       {}", contents.collection.description);
    }
    if contents.badges.is_empty() {
        println!("       empty; add badges with `satchel collection add {collection} <badge ids>`");
    }
    for (i, b) in contents.badges.iter().enumerate() {
        println!(
            "{:>5}. badge {:<5} {}  ({})",
            i + 1,
            b.id,
            b.name.as_deref().unwrap_or("(details not fetched yet)"),
            b.issuer_name.as_deref().unwrap_or("")
        );
    }
    Ok(())
}
