//! Fuzzes the ZIP reader of import and migration: never panics, stays under the per-entry cap, and reads entries the same in any order.
//! The property itself lives in `fuzz/properties.rs`, shared with the
//! `fuzz_regressions` test that replays `fuzz/regressions/zip_import/`.

#![no_main]

#[path = "../properties.rs"]
mod properties;

libfuzzer_sys::fuzz_target!(|data: &[u8]| properties::zip_import(data));
