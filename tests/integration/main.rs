//! Integration tests: the real `satchel` binary on real files, a real SQLite
//! wallet and real HTTP issuers on 127.0.0.1.

#[path = "../support/badges.rs"]
mod badges;
#[path = "../support/backpacks.rs"]
mod fake_backpacks;
#[path = "../support/images.rs"]
mod images;
#[path = "../support/server.rs"]
mod server;

mod architecture;
mod archives;
mod backpacks;
mod cli;
mod collections;
mod export;
mod fuzz_regressions;
mod hardening;
mod hostile;
mod hostile_site;
mod import;
mod migrate;
mod publish;
mod util;
mod verify;
