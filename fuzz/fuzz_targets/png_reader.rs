//! Fuzzes the PNG reader: never panics, and what it reads bakes and reads back.
//! The property itself lives in `fuzz/properties.rs`, shared with the
//! `fuzz_regressions` test that replays `fuzz/regressions/png_reader/`.

#![no_main]

#[path = "../properties.rs"]
mod properties;

libfuzzer_sys::fuzz_target!(|data: &[u8]| properties::png_reader(data));
