//! Fuzzes the ZIP reader used by import and the Mozilla migration: any bytes
//! as an archive never panic, and no entry inflates past the per-file cap.

#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;
use satchel::files::{Archive, MAX_FILE_BYTES};

fuzz_target!(|data: &[u8]| {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(data).expect("write");
    let Ok(mut archive) = Archive::open(file.path()) else {
        return;
    };
    let Ok(entries) = archive.entries() else {
        return;
    };
    for entry in entries {
        if let Ok(bytes) = archive.read(entry.index) {
            assert!(bytes.len() as u64 <= MAX_FILE_BYTES);
        }
    }
});
