//! Badge text in PNG files: the chunk walk, the text chunks, and baking.
//!
//! This module owns PNG at the chunk level only. It never decodes pixels and
//! never copies `IDAT` data while reading: a read is one pass over the chunk
//! headers with a CRC check of every chunk but the pixel data. `IDAT` CRCs are
//! checked only before baking: the badge never lives there, a damaged picture
//! is the image decoder's business, and hashing megabytes of pixels would make
//! reading hundreds of times slower. Sniffing, size limits on the whole
//! image and the meaning of the text are left to the parent module.

use std::io::Read;

use super::{BakeError, BakeSlot, ImageKind, MAX_TEXT_BYTES, Unbaked, classify, is_blank};

/// The eight bytes every PNG file starts with.
pub(super) const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1A, b'\n'];

/// The PNG specification caps a chunk's data length at 2^31 - 1 bytes.
const MAX_CHUNK_LENGTH: u32 = 0x7FFF_FFFF;

/// Length, type and CRC: the bytes a chunk takes besides its data.
const CHUNK_OVERHEAD: usize = 12;

const ITXT: [u8; 4] = *b"iTXt";
const TEXT: [u8; 4] = *b"tEXt";
const ZTXT: [u8; 4] = *b"zTXt";

/// One chunk of a PNG file, borrowed from the file.
struct Chunk<'a> {
    kind: [u8; 4],
    data: &'a [u8],
    /// Offset of the chunk's length field in the file.
    start: usize,
    /// Offset just past the chunk's CRC.
    end: usize,
    crc_ok: bool,
}

impl Chunk<'_> {
    fn name(&self) -> String {
        chunk_name(self.kind)
    }

    /// The slot this chunk fills, if it is a text chunk with a badge keyword.
    fn badge_slot(&self) -> Option<BakeSlot> {
        if ![ITXT, TEXT, ZTXT].contains(&self.kind) {
            return None;
        }
        let keyword = self.data.split(|&b| b == 0).next()?;
        // A keyword must be followed by its NUL separator to count.
        if keyword.len() == self.data.len() {
            return None;
        }
        [BakeSlot::Assertion, BakeSlot::Credential]
            .into_iter()
            .find(|slot| keyword == keyword_of(*slot).as_bytes())
    }
}

/// The text-chunk keyword for each slot.
fn keyword_of(slot: BakeSlot) -> &'static str {
    match slot {
        BakeSlot::Assertion => "openbadges",
        BakeSlot::Credential => "openbadgecredential",
    }
}

fn chunk_name(kind: [u8; 4]) -> String {
    kind.escape_ascii().to_string()
}

/// A walked PNG: its chunks in file order and what follows `IEND`.
struct Walk<'a> {
    chunks: Vec<Chunk<'a>>,
    trailing_bytes: usize,
}

/// Walks every chunk from the signature to `IEND`, checking lengths and CRCs.
///
/// Structural damage (truncation, impossible lengths, a missing `IHDR` or
/// `IEND`) is an error; a CRC mismatch is only recorded in the chunk, for the
/// caller to judge. `IDAT` CRCs are checked only when `check_pixels` is set.
fn walk(bytes: &[u8], check_pixels: bool) -> Result<Walk<'_>, BakeError> {
    if !bytes.starts_with(&SIGNATURE) {
        return Err(malformed("the PNG signature is missing or damaged"));
    }
    let mut chunks = Vec::new();
    let mut pos = SIGNATURE.len();
    loop {
        let rest = &bytes[pos..];
        if rest.is_empty() {
            return Err(malformed(format!(
                "the file ends at byte {pos} without an IEND chunk; it is truncated"
            )));
        }
        let Some((header, after_header)) = rest.split_first_chunk::<8>() else {
            return Err(malformed(format!(
                "the file ends in the middle of a chunk header at byte {}; it is truncated",
                bytes.len()
            )));
        };
        let length = u32::from_be_bytes([header[0], header[1], header[2], header[3]]);
        let kind = [header[4], header[5], header[6], header[7]];
        if !kind.iter().all(u8::is_ascii_alphabetic) {
            return Err(malformed(format!(
                "the chunk at byte {pos} has an invalid type \"{}\"; the file is damaged or not really a PNG",
                chunk_name(kind)
            )));
        }
        if length > MAX_CHUNK_LENGTH {
            return Err(malformed(format!(
                "chunk {} at byte {pos} declares {length} bytes of data, more than the PNG limit of {MAX_CHUNK_LENGTH}",
                chunk_name(kind)
            )));
        }
        // u32 -> usize cannot fail on the platforms Satchel runs on; a failure
        // would be a length no file in memory can hold, so it reads as truncation.
        let length = usize::try_from(length).unwrap_or(usize::MAX);
        let Some((data, after_data)) = after_header.split_at_checked(length) else {
            return Err(truncated_in(kind, pos, bytes.len()));
        };
        let Some((crc, _)) = after_data.split_first_chunk::<4>() else {
            return Err(truncated_in(kind, pos, bytes.len()));
        };
        if chunks.is_empty() && kind != *b"IHDR" {
            return Err(malformed(format!(
                "the first chunk is {}, not IHDR; the file is damaged",
                chunk_name(kind)
            )));
        }
        let crc_ok = if kind == *b"IDAT" && !check_pixels {
            true
        } else {
            let mut hasher = crc32fast::Hasher::new();
            hasher.update(&kind);
            hasher.update(data);
            hasher.finalize() == u32::from_be_bytes(*crc)
        };
        let end = pos + CHUNK_OVERHEAD + length;
        chunks.push(Chunk {
            kind,
            data,
            start: pos,
            end,
            crc_ok,
        });
        pos = end;
        if kind == *b"IEND" {
            return Ok(Walk {
                chunks,
                trailing_bytes: bytes.len() - pos,
            });
        }
    }
}

fn truncated_in(kind: [u8; 4], start: usize, file_len: usize) -> BakeError {
    malformed(format!(
        "the file ends in the middle of chunk {} at byte {file_len} (the chunk starts at byte {start}); it is truncated",
        chunk_name(kind)
    ))
}

fn malformed(message: impl Into<String>) -> BakeError {
    BakeError::Malformed(message.into())
}

/// Reads the first badge text chunk of a PNG.
pub(super) fn unbake(bytes: &[u8]) -> Result<Unbaked, BakeError> {
    let walk = walk(bytes, false)?;
    let mut warnings = Vec::new();
    let mut found: Option<(BakeSlot, String)> = None;
    let mut ignored_badge_chunks = Vec::new();
    let mut bad_crcs = Vec::new();
    for chunk in &walk.chunks {
        match chunk.badge_slot() {
            Some(_) if found.is_some() => ignored_badge_chunks.push(chunk),
            Some(slot) => {
                if !chunk.crc_ok {
                    return Err(malformed(format!(
                        "the CRC of the {} chunk `{}` at byte {} does not match its data; the badge text is damaged",
                        chunk.name(),
                        keyword_of(slot),
                        chunk.start
                    )));
                }
                let text = read_text_chunk(chunk, slot, &mut warnings)?;
                found = Some((slot, text));
            }
            None if !chunk.crc_ok => bad_crcs.push(chunk),
            None => {}
        }
    }
    let Some((slot, text)) = found else {
        return Err(BakeError::NotBaked("PNG"));
    };
    if let Some(first) = ignored_badge_chunks.first() {
        let others = ignored_badge_chunks.len() - 1;
        warnings.push(format!(
            "the image holds more than one badge chunk; the first was used and the {} chunk at byte {}{} ignored",
            first.name(),
            first.start,
            if others == 0 {
                " was".to_string()
            } else {
                format!(" and {others} more were")
            },
        ));
    }
    if let Some(first) = bad_crcs.first() {
        let others = bad_crcs.len() - 1;
        warnings.push(format!(
            "the CRC of chunk {} at byte {}{} does not match; the picture may be damaged, but the badge text is intact",
            first.name(),
            first.start,
            if others == 0 {
                String::new()
            } else {
                format!(" (and of {others} more chunks)")
            },
        ));
    }
    if walk.trailing_bytes > 0 {
        warnings.push(format!(
            "{} bytes after the IEND chunk were ignored",
            walk.trailing_bytes
        ));
    }
    Ok(Unbaked {
        image: ImageKind::Png,
        slot,
        payload: classify(&text),
        text,
        verify: None,
        warnings,
    })
}

/// Decodes the text of a `tEXt`, `zTXt` or `iTXt` chunk whose keyword matched.
fn read_text_chunk(
    chunk: &Chunk<'_>,
    slot: BakeSlot,
    warnings: &mut Vec<String>,
) -> Result<String, BakeError> {
    let keyword = keyword_of(slot);
    let label = format!("the {} chunk `{keyword}`", chunk.name());
    // The keyword and its NUL were matched by `badge_slot`.
    let body = chunk.data.get(keyword.len() + 1..).unwrap_or_default();
    let text = match chunk.kind {
        TEXT => {
            check_text_len(body.len(), &label)?;
            latin1(body)
        }
        ZTXT => {
            let Some((&method, compressed)) = body.split_first() else {
                return Err(malformed(format!(
                    "{label} ends before its compression method"
                )));
            };
            if method != 0 {
                return Err(malformed(format!(
                    "{label} uses unknown compression method {method}"
                )));
            }
            latin1(&inflate(compressed, &label)?)
        }
        _ => read_itxt_body(body, &label, warnings)?,
    };
    if is_blank(&text) {
        return Err(malformed(format!(
            "{label} is empty; there is no badge text to read"
        )));
    }
    // Latin-1 text can grow when re-encoded as UTF-8; check the final size.
    check_text_len(text.len(), &label)?;
    Ok(text)
}

/// Parses what follows the keyword of an `iTXt` chunk:
/// compression flag, method, language tag, NUL, translated keyword, NUL, text.
fn read_itxt_body(
    body: &[u8],
    label: &str,
    warnings: &mut Vec<String>,
) -> Result<String, BakeError> {
    let Some(([flag, method], rest)) = body.split_first_chunk::<2>() else {
        return Err(malformed(format!(
            "{label} ends before its compression flag"
        )));
    };
    let mut fields = rest.splitn(3, |&b| b == 0);
    let (Some(_language), Some(_translated), Some(raw)) =
        (fields.next(), fields.next(), fields.next())
    else {
        return Err(malformed(format!(
            "{label} lacks the language tag and translated keyword fields"
        )));
    };
    let bytes = match (flag, method) {
        (0, _) => {
            check_text_len(raw.len(), label)?;
            raw.to_vec()
        }
        (1, 0) => match inflate(raw, label) {
            Ok(bytes) => bytes,
            // Some old bakers set the flag on plain text; readers that
            // ignored the flag accepted such files, so we do too.
            Err(BakeError::Malformed(_)) if std::str::from_utf8(raw).is_ok() => {
                check_text_len(raw.len(), label)?;
                warnings.push(format!(
                    "{label} is marked as compressed but holds plain text; it was read as plain text"
                ));
                raw.to_vec()
            }
            Err(e) => return Err(e),
        },
        (1, method) => {
            return Err(malformed(format!(
                "{label} uses unknown compression method {method}"
            )));
        }
        (flag, _) => {
            return Err(malformed(format!(
                "{label} has an invalid compression flag {flag} (expected 0 or 1)"
            )));
        }
    };
    String::from_utf8(bytes).map_err(|e| {
        malformed(format!(
            "{label} is not valid UTF-8 text (bad byte at offset {} of the text)",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Inflates zlib data, refusing to produce more than [`MAX_TEXT_BYTES`].
fn inflate(compressed: &[u8], label: &str) -> Result<Vec<u8>, BakeError> {
    let mut out = Vec::new();
    // One byte past the cap tells "exactly at the cap" from "over it".
    let cap = MAX_TEXT_BYTES as u64 + 1;
    flate2::read::ZlibDecoder::new(compressed)
        .take(cap)
        .read_to_end(&mut out)
        .map_err(|e| {
            malformed(format!(
                "the compressed text of {label} cannot be inflated: {e}"
            ))
        })?;
    if out.len() > MAX_TEXT_BYTES {
        return Err(BakeError::TooLarge {
            what: format!("the inflated text of {label}"),
            limit: MAX_TEXT_BYTES,
        });
    }
    Ok(out)
}

fn check_text_len(len: usize, label: &str) -> Result<(), BakeError> {
    if len > MAX_TEXT_BYTES {
        return Err(BakeError::TooLarge {
            what: format!("the text of {label} ({len} bytes)"),
            limit: MAX_TEXT_BYTES,
        });
    }
    Ok(())
}

/// `tEXt` and `zTXt` hold ISO 8859-1, whose bytes are the first 256 code points.
fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// Rebuilds the PNG with every badge chunk removed and one uncompressed
/// `iTXt` chunk holding `text` right after `IHDR`.
pub(super) fn bake(image: &[u8], text: &str, slot: BakeSlot) -> Result<Vec<u8>, BakeError> {
    let walk = walk(image, true)?;
    if let Some(bad) = walk.chunks.iter().find(|chunk| !chunk.crc_ok) {
        return Err(malformed(format!(
            "the CRC of chunk {} at byte {} does not match; refusing to bake into a damaged PNG",
            bad.name(),
            bad.start
        )));
    }
    let new_chunk = itxt_chunk(keyword_of(slot), text);
    let mut out = Vec::with_capacity(image.len() + new_chunk.len());
    out.extend_from_slice(&SIGNATURE);
    for chunk in &walk.chunks {
        if chunk.badge_slot().is_some() {
            continue;
        }
        out.extend_from_slice(&image[chunk.start..chunk.end]);
        if chunk.kind == *b"IHDR" {
            out.extend_from_slice(&new_chunk);
        }
    }
    // Bytes after IEND are not part of the image and are not carried over.
    Ok(out)
}

/// An uncompressed `iTXt` chunk with empty language tag and translated keyword.
fn itxt_chunk(keyword: &str, text: &str) -> Vec<u8> {
    let mut data = Vec::with_capacity(keyword.len() + 5 + text.len());
    data.extend_from_slice(keyword.as_bytes());
    // NUL, flag 0 (uncompressed), method 0, empty language NUL, empty translated NUL.
    data.extend_from_slice(&[0, 0, 0, 0, 0]);
    data.extend_from_slice(text.as_bytes());
    encode_chunk(ITXT, &data)
}

/// Frames chunk data with its length, type and CRC.
///
/// The caller keeps `data` under [`MAX_TEXT_BYTES`] plus a keyword, far below
/// the 2^31 - 1 chunk limit, so the length always fits.
fn encode_chunk(kind: [u8; 4], data: &[u8]) -> Vec<u8> {
    let length = u32::try_from(data.len()).unwrap_or(MAX_CHUNK_LENGTH);
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(&kind);
    hasher.update(data);
    let mut chunk = Vec::with_capacity(data.len() + CHUNK_OVERHEAD);
    chunk.extend_from_slice(&length.to_be_bytes());
    chunk.extend_from_slice(&kind);
    chunk.extend_from_slice(data);
    chunk.extend_from_slice(&hasher.finalize().to_be_bytes());
    chunk
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::bake::{PayloadKind, bake as bake_any, fixture, unbake as unbake_any};

    const URL: &str = "https://example.org/assertions/1";
    const JSON: &str = r#"{"@context":"https://w3id.org/openbadges/v2","id":"https://example.org/a/1","type":"Assertion"}"#;
    const JWS: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";

    /// A real RGBA PNG made by the `png` crate, with text chunks added by `setup`.
    fn png_with(width: u32, setup: impl FnOnce(&mut ::png::Encoder<'_, &mut Vec<u8>>)) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut encoder = ::png::Encoder::new(&mut out, width, 4);
            encoder.set_color(::png::ColorType::Rgba);
            encoder.set_depth(::png::BitDepth::Eight);
            setup(&mut encoder);
            let mut writer = encoder.write_header().expect("header");
            let pixels: Vec<u8> = (0..width * 4 * 4).map(|i| (i * 7 % 251) as u8).collect();
            writer.write_image_data(&pixels).expect("pixels");
            writer.finish().expect("finish");
        }
        out
    }

    fn plain_png() -> Vec<u8> {
        png_with(8, |_| {})
    }

    /// Inserts a whole chunk just before `IEND`, so after `IDAT`.
    fn before_iend(mut png: Vec<u8>, chunk: &[u8]) -> Vec<u8> {
        let at = png.len() - CHUNK_OVERHEAD;
        png.splice(at..at, chunk.iter().copied());
        png
    }

    fn zlib(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(bytes).expect("compress");
        encoder.finish().expect("compress")
    }

    fn compressed_itxt(keyword: &str, text: &[u8]) -> Vec<u8> {
        let mut data = keyword.as_bytes().to_vec();
        data.extend_from_slice(&[0, 1, 0]);
        data.extend_from_slice(b"en\0\0");
        data.extend_from_slice(&zlib(text));
        encode_chunk(ITXT, &data)
    }

    fn kinds(png: &[u8]) -> Vec<String> {
        walk(png, true)
            .expect("walk")
            .chunks
            .iter()
            .map(|c| c.name())
            .collect()
    }

    fn badge_chunk_count(png: &[u8]) -> usize {
        let walk = walk(png, true).expect("walk");
        walk.chunks
            .iter()
            .filter(|c| c.badge_slot().is_some())
            .count()
    }

    fn malformed_message(result: Result<Unbaked, BakeError>) -> String {
        match result {
            Err(BakeError::Malformed(message)) => message,
            other => panic!("expected Malformed, got {other:?}"),
        }
    }

    /// Flips one bit in the CRC of the first chunk of the given type.
    fn corrupt_crc(png: &mut [u8], kind: &[u8; 4]) {
        let chunk_end = walk(png, true)
            .expect("walk")
            .chunks
            .iter()
            .find(|c| &c.kind == kind)
            .map(|c| c.end)
            .expect("chunk present");
        png[chunk_end - 1] ^= 0x01;
    }

    #[test]
    fn round_trips_every_payload_in_both_slots() {
        for slot in [BakeSlot::Assertion, BakeSlot::Credential] {
            for (text, payload) in [
                (URL, PayloadKind::Url),
                (JSON, PayloadKind::Json),
                (JWS, PayloadKind::Jws),
            ] {
                let baked = bake_any(&plain_png(), text, slot).expect("bake");
                let read = unbake_any(&baked).expect("unbake");
                assert_eq!(read.image, ImageKind::Png);
                assert_eq!(read.slot, slot);
                assert_eq!(read.text, text);
                assert_eq!(read.payload, payload);
                assert!(read.warnings.is_empty(), "{:?}", read.warnings);
                assert_eq!(kinds(&baked)[..2], ["IHDR".to_string(), "iTXt".to_string()]);
            }
        }
    }

    #[test]
    fn baked_png_still_decodes_and_keeps_other_chunks() {
        let original = plain_png();
        let baked =
            bake_any(&original, "https://example.org/ü", BakeSlot::Assertion).expect("bake");
        let decoder = ::png::Decoder::new(std::io::Cursor::new(&baked));
        let mut reader = decoder.read_info().expect("decodes");
        let mut pixels = vec![0; reader.output_buffer_size().expect("size")];
        reader.next_frame(&mut pixels).expect("frame");
        // Removing the new chunk gives the original file back, byte for byte.
        let walk = walk(&baked, true).expect("walk");
        let itxt = &walk.chunks[1];
        let mut stripped = baked[..itxt.start].to_vec();
        stripped.extend_from_slice(&baked[itxt.end..]);
        assert_eq!(stripped, original);
    }

    #[test]
    fn baking_twice_leaves_one_chunk_with_the_new_text() {
        let once = bake_any(&plain_png(), URL, BakeSlot::Assertion).expect("bake");
        let twice = bake_any(&once, JSON, BakeSlot::Credential).expect("bake");
        assert_eq!(badge_chunk_count(&twice), 1);
        let read = unbake_any(&twice).expect("unbake");
        assert_eq!(
            (read.slot, read.text.as_str()),
            (BakeSlot::Credential, JSON)
        );
        // Old chunks of every text type, before and after IDAT, are replaced too.
        let messy = png_with(8, |e| {
            e.add_text_chunk("openbadges".into(), URL.into())
                .expect("text");
            e.add_ztxt_chunk("openbadgecredential".into(), JSON.into())
                .expect("ztxt");
            e.add_text_chunk("Comment".into(), "kept".into())
                .expect("text");
        });
        let messy = before_iend(messy, &compressed_itxt("openbadges", JWS.as_bytes()));
        let rebaked =
            bake_any(&messy, "https://example.org/new", BakeSlot::Assertion).expect("bake");
        assert_eq!(badge_chunk_count(&rebaked), 1);
        assert_eq!(
            unbake_any(&rebaked).expect("unbake").text,
            "https://example.org/new"
        );
        assert_eq!(kinds(&rebaked).iter().filter(|k| *k == "tEXt").count(), 1);
    }

    #[test]
    fn finds_a_badge_chunk_after_idat() {
        let baked = before_iend(plain_png(), &itxt_chunk("openbadges", URL));
        assert!(
            kinds(&baked).iter().position(|k| k == "IDAT")
                < kinds(&baked).iter().position(|k| k == "iTXt")
        );
        let read = unbake_any(&baked).expect("unbake");
        assert_eq!((read.slot, read.text.as_str()), (BakeSlot::Assertion, URL));
    }

    #[test]
    fn reads_text_ztxt_and_compressed_itxt() {
        let latin1 = "https://example.org/caf\u{e9}";
        let text = png_with(8, |e| {
            e.add_text_chunk("openbadges".into(), latin1.into())
                .expect("text")
        });
        assert_eq!(unbake_any(&text).expect("tEXt").text, latin1);
        let ztxt = png_with(8, |e| {
            e.add_ztxt_chunk("openbadgecredential".into(), JSON.into())
                .expect("ztxt")
        });
        let read = unbake_any(&ztxt).expect("zTXt");
        assert_eq!(
            (read.slot, read.text.as_str()),
            (BakeSlot::Credential, JSON)
        );
        let itxt = before_iend(
            plain_png(),
            &compressed_itxt("openbadges", "{\"name\":\"Gr\u{fc}n\"}".as_bytes()),
        );
        assert_eq!(
            unbake_any(&itxt).expect("iTXt").text,
            "{\"name\":\"Gr\u{fc}n\"}"
        );
    }

    #[test]
    fn reads_plain_text_wrongly_flagged_as_compressed() {
        let mut data = b"openbadges\0\x01\x00\0\0".to_vec();
        data.extend_from_slice(URL.as_bytes());
        let png = before_iend(plain_png(), &encode_chunk(ITXT, &data));
        let read = unbake_any(&png).expect("unbake");
        assert_eq!(read.text, URL);
        assert!(read.warnings[0].contains("marked as compressed"));
    }

    #[test]
    fn refuses_itxt_that_is_not_utf8() {
        let png = before_iend(
            plain_png(),
            &encode_chunk(ITXT, b"openbadges\0\0\0\0\0http://\xFF"),
        );
        assert!(malformed_message(unbake_any(&png)).contains("not valid UTF-8"));
    }

    #[test]
    fn refuses_compressed_text_that_inflates_past_the_cap() {
        let zeros = vec![b'0'; 5 * 1024 * 1024];
        let itxt = before_iend(plain_png(), &compressed_itxt("openbadges", &zeros));
        assert!(matches!(
            unbake_any(&itxt),
            Err(BakeError::TooLarge {
                limit: MAX_TEXT_BYTES,
                ..
            })
        ));
        let mut data = b"openbadgecredential\0\0".to_vec();
        data.extend_from_slice(&zlib(&zeros));
        let ztxt = before_iend(plain_png(), &encode_chunk(ZTXT, &data));
        assert!(matches!(unbake_any(&ztxt), Err(BakeError::TooLarge { .. })));
    }

    #[test]
    fn a_bad_crc_on_the_badge_chunk_is_an_error() {
        let mut baked = bake_any(&plain_png(), URL, BakeSlot::Assertion).expect("bake");
        corrupt_crc(&mut baked, b"iTXt");
        let message = malformed_message(unbake_any(&baked));
        assert!(
            message.contains("iTXt") && message.contains("openbadges"),
            "{message}"
        );
    }

    #[test]
    fn a_bad_crc_elsewhere_is_a_warning_when_reading_and_an_error_when_baking() {
        let mut baked = bake_any(&plain_png(), URL, BakeSlot::Assertion).expect("bake");
        corrupt_crc(&mut baked, b"IHDR");
        let read = unbake_any(&baked).expect("unbake");
        assert_eq!(read.text, URL);
        assert_eq!(read.warnings.len(), 1);
        assert!(read.warnings[0].contains("IHDR"), "{:?}", read.warnings);
    }

    #[test]
    fn pixel_crcs_are_skipped_when_reading_and_checked_before_baking() {
        let mut baked = bake_any(&plain_png(), URL, BakeSlot::Assertion).expect("bake");
        corrupt_crc(&mut baked, b"IDAT");
        let read = unbake_any(&baked).expect("unbake");
        assert_eq!(read.text, URL);
        assert!(read.warnings.is_empty(), "{:?}", read.warnings);
        let message = match bake_any(&baked, JWS, BakeSlot::Assertion) {
            Err(BakeError::Malformed(message)) => message,
            other => panic!("expected Malformed, got {other:?}"),
        };
        assert!(
            message.contains("CRC") && message.contains("IDAT"),
            "{message}"
        );
    }

    #[test]
    fn the_first_of_two_badge_chunks_wins_with_a_warning() {
        let png = png_with(8, |e| {
            e.add_itxt_chunk("openbadges".into(), "https://example.org/first".into())
                .expect("itxt")
        });
        let png = before_iend(
            png,
            &itxt_chunk("openbadgecredential", "https://example.org/second"),
        );
        let read = unbake_any(&png).expect("unbake");
        assert_eq!(read.text, "https://example.org/first");
        assert_eq!(read.slot, BakeSlot::Assertion);
        assert_eq!(read.warnings.len(), 1);
        assert!(read.warnings[0].contains("more than one badge chunk"));
    }

    #[test]
    fn truncated_files_are_malformed_with_a_position() {
        let baked = bake_any(&plain_png(), JSON, BakeSlot::Assertion).expect("bake");
        for len in [9, 15, 20, 33, 40, baked.len() - 13, baked.len() - 1] {
            let message = malformed_message(unbake_any(&baked[..len]));
            assert!(
                message.contains("byte") && message.contains("truncated"),
                "{len}: {message}"
            );
        }
        let message = malformed_message(unbake_any(&baked[..baked.len() - 4]));
        assert!(message.contains("middle of chunk IEND"), "{message}");
        let without_iend = &baked[..baked.len() - CHUNK_OVERHEAD];
        assert!(malformed_message(unbake_any(without_iend)).contains("without an IEND"));
    }

    #[test]
    fn every_prefix_of_a_baked_png_is_handled_without_panic() {
        let baked = bake_any(&png_with(3, |_| {}), JSON, BakeSlot::Credential).expect("bake");
        for len in 0..baked.len() {
            assert!(unbake_any(&baked[..len]).is_err(), "prefix of {len} bytes");
            assert!(bake_any(&baked[..len], URL, BakeSlot::Assertion).is_err());
        }
        assert!(unbake_any(&baked).is_ok());
    }

    #[test]
    fn impossible_lengths_and_types_are_malformed() {
        let mut png = plain_png();
        // The IHDR length field sits right after the signature.
        png[8..12].copy_from_slice(&0x8000_0000u32.to_be_bytes());
        assert!(malformed_message(unbake_any(&png)).contains("PNG limit"));
        let mut png = plain_png();
        png[12] = b'1';
        assert!(malformed_message(unbake_any(&png)).contains("invalid type"));
    }

    #[test]
    fn a_plain_png_is_not_baked() {
        assert_eq!(unbake_any(&plain_png()), Err(BakeError::NotBaked("PNG")));
        let other_keyword = png_with(8, |e| {
            e.add_itxt_chunk("openbadgesx".into(), URL.into())
                .expect("itxt")
        });
        assert_eq!(unbake_any(&other_keyword), Err(BakeError::NotBaked("PNG")));
    }

    #[test]
    fn an_empty_badge_chunk_is_malformed() {
        let png = before_iend(plain_png(), &itxt_chunk("openbadges", " "));
        assert!(malformed_message(unbake_any(&png)).contains("empty"));
    }

    #[test]
    fn trailing_bytes_after_iend_are_a_warning_and_dropped_when_baking() {
        let mut baked = bake_any(&plain_png(), URL, BakeSlot::Assertion).expect("bake");
        baked.extend_from_slice(b"junk");
        assert!(unbake_any(&baked).expect("unbake").warnings[0].contains("4 bytes after the IEND"));
        let rebaked = bake_any(&baked, URL, BakeSlot::Assertion).expect("bake");
        assert!(rebaked.ends_with(b"IEND\xAE\x42\x60\x82"));
    }

    #[test]
    fn a_text_file_named_png_is_unsupported() {
        let json = br#"{"badge": "https://example.org/badge"}"#;
        assert!(
            matches!(unbake_any(json), Err(BakeError::Unsupported(what)) if what.contains("JSON"))
        );
    }

    #[test]
    fn third_party_baked_pngs() {
        let cases = [
            (
                "concentricsky__openbadges-bakery/openbadges_bakery/testfiles/baked_heart.png",
                "\"uid\":\"123\"",
            ),
            (
                "1EdTech__digital-credentials-public-validator/inspector-vc/src/test/resources/ob20/simple-badge.png",
                "https://w3id.org/openbadges/v2",
            ),
            (
                "concentricsky__badgr-server/apps/backpack/tests/testfiles/baked_image.png",
                "http://a.com/instance",
            ),
        ];
        for (path, needle) in cases {
            let Some(bytes) = fixture(path) else { return };
            let read = unbake_any(&bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
            assert_eq!(
                (read.image, read.slot, read.payload),
                (ImageKind::Png, BakeSlot::Assertion, PayloadKind::Json),
                "{path}"
            );
            assert!(read.text.contains(needle), "{path}: {}", read.text);
            let rebaked = bake_any(&bytes, &read.text, BakeSlot::Assertion).expect("rebake");
            assert_eq!(unbake_any(&rebaked).expect("unbake").text, read.text);
            assert_eq!(badge_chunk_count(&rebaked), 1);
        }
    }

    #[test]
    fn third_party_text_file_named_png_is_unsupported() {
        let Some(bytes) =
            fixture("concentricsky__badgr-server/apps/backpack/tests/testfiles/bad_image.png")
        else {
            return;
        };
        assert!(
            matches!(unbake_any(&bytes), Err(BakeError::Unsupported(what)) if what.contains("JSON"))
        );
    }

    #[test]
    fn third_party_unbaked_pngs() {
        for path in [
            "mozilla__openbadges-bakery/test/unbaked.png",
            "concentricsky__badgr-server/apps/backpack/tests/testfiles/unbaked_image.png",
            "concentricsky__openbadges-bakery/openbadges_bakery/testfiles/public_domain_heart.png",
        ] {
            let Some(bytes) = fixture(path) else { return };
            assert_eq!(
                unbake_any(&bytes),
                Err(BakeError::NotBaked("PNG")),
                "{path}"
            );
            let baked = bake_any(&bytes, URL, BakeSlot::Assertion).expect("bake");
            assert_eq!(unbake_any(&baked).expect("unbake").text, URL);
        }
    }
}
