//! Fuzzes the capped file reader: reading in pieces equals reading at once.
//! The property itself lives in `fuzz/properties.rs`, shared with the
//! `fuzz_regressions` test that replays `fuzz/regressions/capped_reader/`.

#![no_main]

#[path = "../properties.rs"]
mod properties;

libfuzzer_sys::fuzz_target!(|data: &[u8]| properties::capped_reader(data));
