//! Fuzzes baking: any accepted text bakes into a PNG or an SVG and reads back exactly.
//! The property itself lives in `fuzz/properties.rs`, shared with the
//! `fuzz_regressions` test that replays `fuzz/regressions/bake_round_trip/`.

#![no_main]

#[path = "../properties.rs"]
mod properties;

libfuzzer_sys::fuzz_target!(|data: &[u8]| properties::bake_round_trip(data));
