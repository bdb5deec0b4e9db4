//! Fuzzes credential parsing: JSON, compact JWS and VC-JWT text of any shape
//! never panics, and a parsed credential always serializes and reads back
//! the same (the wallet stores it that way).

#![no_main]

use libfuzzer_sys::fuzz_target;
use satchel::credential::{self, Credential};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(parsed) = credential::parse(&text) else {
        return;
    };
    let stored = serde_json::to_string(&parsed).expect("credentials serialize");
    let back: Credential = serde_json::from_str(&stored).expect("stored credentials read back");
    assert_eq!(back, parsed);
});
