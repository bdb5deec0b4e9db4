//! Fuzzes the PNG reader: `unbake` never panics on any bytes, and whatever
//! it reads from a PNG survives a bake into the same image and a second read.

#![no_main]

use libfuzzer_sys::fuzz_target;
use satchel::bake::{self, BakeError, ImageKind};

fuzz_target!(|data: &[u8]| {
    let Ok(read) = bake::unbake(data) else {
        return;
    };
    if read.image != ImageKind::Png {
        return;
    }
    match bake::bake(data, &read.text, read.slot) {
        Ok(rebaked) => {
            let again = bake::unbake(&rebaked).expect("a freshly baked PNG reads back");
            assert_eq!(again.text, read.text);
            assert_eq!(again.slot, read.slot);
        }
        // Reading forgives bad CRCs outside the badge chunk; baking does not.
        Err(BakeError::Malformed(message)) if message.contains("CRC") => {}
        Err(e) => panic!("unbake succeeded but bake failed: {e}"),
    }
});
