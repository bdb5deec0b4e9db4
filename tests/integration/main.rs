//! Integration tests: the real `satchel` binary on real files, a real SQLite
//! wallet and real HTTP issuers on 127.0.0.1.

use satchel_test_support::backpacks as fake_backpacks;
use satchel_test_support::{badges, images, server, signing};

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
mod status;
mod util;
mod verify;
