//! Integration tests: the real `satchel` binary on real files, a real SQLite
//! wallet and real HTTP issuers on 127.0.0.1.

#[path = "../support/badges.rs"]
mod badges;
#[path = "../support/images.rs"]
mod images;
#[path = "../support/server.rs"]
mod server;

mod cli;
mod hostile;
mod import;
mod util;
