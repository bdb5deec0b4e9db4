//! Fuzzes credential parsing (JSON, JWS, VC-JWT): never panics, and a parsed credential stores and reads back the same.
//! The property itself lives in `fuzz/properties.rs`, shared with the
//! `fuzz_regressions` test that replays `fuzz/regressions/credential_parse/`.

#![no_main]

#[path = "../properties.rs"]
mod properties;

libfuzzer_sys::fuzz_target!(|data: &[u8]| properties::credential_parse(data));
