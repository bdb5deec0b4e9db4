//! The properties the fuzz targets check, one function per target.
//!
//! Each function panics when its property fails. The fuzz targets in
//! `fuzz_targets/` call them on libFuzzer's inputs, and the `fuzz_regressions`
//! integration test calls the same functions on `fuzz/regressions/<target>/`,
//! so a committed input is judged exactly as the fuzzer judged it.
#![allow(dead_code)] // each fuzz target uses one of these

use std::io::{ErrorKind, Read, Write};

use satchel::bake::{self, BakeError, BakeSlot, ImageKind};
use satchel::credential::{self, Credential};
use satchel::files::{self, Archive, MAX_FILE_BYTES};

/// The PNG reader never panics, and what it reads survives a bake into the
/// same image and a second read.
pub fn png_reader(data: &[u8]) {
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
}

/// The SVG reader never panics, and what it reads survives a bake into the
/// same document and a second read.
pub fn svg_reader(data: &[u8]) {
    let Ok(read) = bake::unbake(data) else {
        return;
    };
    if read.image != ImageKind::Svg {
        return;
    }
    let rebaked = match bake::bake(data, &read.text, read.slot) {
        Ok(rebaked) => rebaked,
        // Reading forgives control characters XML forbids; baking refuses them.
        Err(BakeError::InvalidText(message)) if message.contains("control character") => return,
        Err(e) => panic!("unbake succeeded but bake failed: {e}"),
    };
    let again = bake::unbake(&rebaked).expect("a freshly baked SVG reads back");
    assert_eq!(again.text, read.text);
    assert_eq!(again.slot, read.slot);
}

/// A picture with no badge in it, for [`bake_round_trip`].
const PLAIN_SVG: &[u8] =
    br#"<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>"#;

/// Any text the baker accepts reads back, from a PNG and from an SVG,
/// in either slot. The first byte picks the image and the slot; the rest is the text.
pub fn bake_round_trip(data: &[u8]) {
    let Some((&choice, text)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    let png: &[u8] = include_bytes!("regressions/png_reader/baked-url.png");
    let (image, kind) = if choice & 1 == 0 {
        (png, ImageKind::Png)
    } else {
        (PLAIN_SVG, ImageKind::Svg)
    };
    let slot = if choice & 2 == 0 {
        BakeSlot::Assertion
    } else {
        BakeSlot::Credential
    };
    match bake::bake(image, text, slot) {
        Ok(baked) => {
            let read = bake::unbake(&baked).expect("a freshly baked image reads back");
            assert_eq!(read.image, kind);
            assert_eq!(read.slot, slot);
            // An SVG keeps the text without surrounding white space, which
            // documents gain and lose when edited; a PNG keeps it exactly.
            let stored = if kind == ImageKind::Svg {
                text.trim()
            } else {
                text
            };
            assert_eq!(read.text, stored, "the text reads back");
        }
        // Blank text, or characters the image cannot hold, are refused in words.
        Err(BakeError::InvalidText(_)) => {}
        Err(e) => panic!("baking {text:?} failed: {e}"),
    }
}

/// Credential text of any shape never panics, and a parsed credential
/// serializes and reads back the same (the wallet stores it that way).
pub fn credential_parse(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(parsed) = credential::parse(&text) else {
        return;
    };
    let stored = serde_json::to_string(&parsed).expect("credentials serialize");
    let back: Credential = serde_json::from_str(&stored).expect("stored credentials read back");
    assert_eq!(back, parsed);
}

/// Any bytes as a ZIP archive never panic, no entry inflates past the
/// per-file cap, and reading the entries back to front gives each the same
/// bytes as reading them in order.
pub fn zip_import(data: &[u8]) {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(data).expect("write");
    let Ok(mut archive) = Archive::open(file.path()) else {
        return;
    };
    let Ok(entries) = archive.entries() else {
        return;
    };
    let forward: Vec<_> = entries
        .iter()
        .map(|entry| archive.read(entry.index).ok())
        .collect();
    for bytes in forward.iter().flatten() {
        assert!(bytes.len() as u64 <= MAX_FILE_BYTES);
    }
    let mut again = Archive::open(file.path()).expect("an archive that opened once opens again");
    for (entry, first) in entries.iter().zip(&forward).rev() {
        assert_eq!(
            &again.read(entry.index).ok(),
            first,
            "entry {} reads the same in any order",
            entry.name
        );
    }
}

/// A source that hands out at most `step` bytes per call and is interrupted
/// every third call, as pipes and slow disks are.
struct Trickle<'a> {
    rest: &'a [u8],
    step: usize,
    calls: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.calls += 1;
        if self.calls.is_multiple_of(3) {
            return Err(ErrorKind::Interrupted.into());
        }
        let n = self.step.min(buf.len()).min(self.rest.len());
        let (piece, rest) = self.rest.split_at(n);
        buf[..n].copy_from_slice(piece);
        self.rest = rest;
        Ok(n)
    }
}

/// The capped reader gives the same bytes whether its source hands them
/// over in small pieces or all at once, and a file reads back as written.
/// The first byte picks the piece size; the rest is the content.
pub fn capped_reader(data: &[u8]) {
    let Some((&step, content)) = data.split_first() else {
        return;
    };
    let at_once = files::read_capped(content).expect("a slice under the cap reads");
    assert_eq!(at_once, content);
    let pieces = Trickle {
        rest: content,
        step: usize::from(step % 17) + 1,
        calls: 0,
    };
    let in_pieces = files::read_capped(pieces).expect("a trickling source under the cap reads");
    assert_eq!(in_pieces, at_once, "pieces equal the whole");
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(content).expect("write");
    assert_eq!(
        files::read_file(file.path()).expect("a small file reads"),
        at_once
    );
}
