//! Fuzzes the readers of a Mozilla Backpack's saved files: `manifest.txt`,
//! `groups.json` and `group/<id>.json` of any shape never panic, a group id
//! that comes back can only name a file inside the group folder, and every
//! badge entry that comes back has something to import.

#![no_main]

use libfuzzer_sys::fuzz_target;
use satchel::intake::mozilla::{parse_group, parse_groups, parse_manifest};

fuzz_target!(|data: &[u8]| {
    let _ = parse_manifest(data);
    if let Ok(groups) = parse_groups(data) {
        for g in &groups.items {
            assert!(!g.id.is_empty() && g.id.chars().all(|c| c.is_ascii_alphanumeric()));
            assert!(!g.name.is_empty());
        }
    }
    if let Ok(badges) = parse_group(data) {
        for b in &badges.items {
            assert!(!b.text.trim().is_empty());
        }
    }
});
