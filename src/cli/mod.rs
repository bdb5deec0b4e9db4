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

/// The async runtime of one command, with a worker thread per core (the
/// checks of `verify` spread their cryptography over them).
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Standard output, buffered: Rust's own flushes at every line, which made
/// a long listing one system call per line.
pub fn stdout() -> std::io::BufWriter<std::io::StdoutLock<'static>> {
    std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock())
}

pub fn print_json(value: &impl serde::Serialize) -> Result<()> {
    let mut out = stdout();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}
