//! Command handlers of the `satchel` CLI, one module per group of commands.
//! Each handler calls the core and prints; `main.rs` only parses and dispatches.

pub mod backpack;
pub mod backup;
pub mod badges;
pub mod collection;
pub mod export;
pub mod identity;
pub mod migrate;
pub mod share;
pub mod verify;

use std::io::Write;

use anyhow::{Context, Result};

pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

pub fn print_json(value: &impl serde::Serialize) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}
