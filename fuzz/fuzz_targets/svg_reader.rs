//! Fuzzes the SVG reader: `unbake` never panics on any bytes, and whatever
//! it reads from an SVG survives a bake into the same document and a second read.

#![no_main]

use libfuzzer_sys::fuzz_target;
use satchel::bake::{self, ImageKind};

fuzz_target!(|data: &[u8]| {
    let Ok(read) = bake::unbake(data) else {
        return;
    };
    if read.image != ImageKind::Svg {
        return;
    }
    let rebaked = match bake::bake(data, &read.text, read.slot) {
        Ok(rebaked) => rebaked,
        Err(e) => panic!("unbake succeeded but bake failed: {e}"),
    };
    let again = bake::unbake(&rebaked).expect("a freshly baked SVG reads back");
    assert_eq!(again.text, read.text);
    assert_eq!(again.slot, read.slot);
});
