//! Satchel's core: everything the backpack does, without a window.
//!
//! The modules layer in one direction; each uses only those listed before it:
//! - [`outcome`]: error codes, per-item results, progress and advice (a leaf);
//! - [`allocator`]: how the C allocator keeps large buffers (a leaf the
//!   binaries call once);
//! - [`bake`] (credentials embedded in PNG and SVG, pure functions over
//!   bytes), [`credential`] (any Open Badges payload into one model),
//!   [`http`] (the one policy-bound client for remote documents) and
//!   [`files`] (untrusted files and ZIP archives, with caps);
//! - [`wallet`]: everything kept, in SQLite;
//! - [`verify`] (checks against issuers), [`share`] (LinkedIn links),
//!   [`export`] (writes only: backups, single badges, the published site) and
//!   [`backpack`] (other backpacks' APIs);
//! - [`intake`]: the one way in for files, folders, ZIPs, URLs, pasted text,
//!   Satchel exports and Mozilla Backpack exports;
//! - [`ops`]: the steps the CLI and the window share.
//!
//! [`error`] wraps every module's error for the two faces. The core never
//! prints and never reads global state: callers hand it a wallet path, an
//! HTTP policy and the current time.

pub mod allocator;
pub mod backpack;
pub mod bake;
pub mod credential;
pub mod error;
pub mod export;
pub mod files;
pub mod http;
pub mod intake;
pub mod ops;
pub mod outcome;
pub mod share;
pub mod verify;
pub mod wallet;

pub use error::Error;
pub use outcome::{Coded, ErrorCode};
