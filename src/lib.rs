//! Satchel's core: everything the backpack does, without a window.
//!
//! The modules layer in one direction: [`bake`] reads and writes credentials
//! embedded in images (pure functions over bytes), [`credential`] turns any
//! Open Badges payload into one normalized model, [`http`] is the single
//! policy-bound client for remote documents, [`wallet`] keeps everything in
//! SQLite, and [`import`] ties them together for files, folders and ZIPs.
//! The core never prints and never reads global state: callers hand it a
//! wallet path, an HTTP policy and the current time. [`files`] reads
//! untrusted files and ZIP archives with caps for every module that needs to.
//! [`share`] builds LinkedIn links from checked http(s) URLs, and [`export`]
//! writes full backups, single badges and the published static site.

pub mod backpack;
pub mod bake;
pub mod credential;
pub mod error;
pub mod export;
pub mod files;
pub mod http;
pub mod import;
pub mod migrate;
pub mod share;
pub mod verify;
pub mod wallet;

pub use error::{Error, ErrorCode};
