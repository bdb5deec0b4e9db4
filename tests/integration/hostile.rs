//! Hostile input: every file here was made to hurt. Each must get a specific
//! error code, never a panic, and leave the badges already in the wallet alone.

use std::io::Write;

use crate::server::{Issuer, Route};
use crate::util::{Sandbox, stderr};
use crate::{badges, images};
use satchel::bake::{BakeSlot, bake};

/// A wallet that already holds one good badge, to prove it stays untouched.
fn wallet_with_one_badge() -> (Sandbox, Vec<serde_json::Value>) {
    let sb = Sandbox::new();
    let text = badges::embedded_assertion(
        "https://b.example/keep",
        "Keep Me",
        "Safe Issuer",
        "ann@example.org",
    )
    .to_string();
    let file = sb.write(
        "good.png",
        bake(&images::badge_png(16, 7), &text, BakeSlot::Assertion).unwrap(),
    );
    assert_eq!(sb.import(&[&file])[0]["status"], "imported");
    let list = sb.list();
    (sb, list)
}

/// Imports `bytes` as `name` and returns the error code and message.
fn import_error(sb: &Sandbox, name: &str, bytes: &[u8]) -> (String, String) {
    let file = sb.write(name, bytes);
    let out = sb.run(&["import", "--json", &file]);
    assert_ne!(out.status.code(), Some(101), "panicked: {}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    assert_eq!(out.status.code(), Some(1), "a failed item exits 1");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let r = &v["results"][0];
    assert_eq!(r["status"], "error", "{r}");
    (
        r["error"]["code"].as_str().unwrap().to_owned(),
        r["error"]["message"].as_str().unwrap().to_owned(),
    )
}

/// A small PNG with `extra` chunks after its `IDAT`.
fn png_with(extra: &[Vec<u8>]) -> Vec<u8> {
    images::insert_before_iend(&images::badge_png(8, 1), extra)
}

#[test]
fn broken_images_get_specific_errors_and_the_wallet_is_untouched() {
    let (sb, before) = wallet_with_one_badge();
    let good = bake(
        &images::badge_png(16, 2),
        "https://b.example/x",
        BakeSlot::Assertion,
    )
    .unwrap();

    let mut bad_crc = good.clone();
    // Flip a byte of the badge text itself, after keyword and header.
    let at = bad_crc.windows(4).position(|w| w == b"iTXt").unwrap() + 4 + 20;
    bad_crc[at] ^= 0xff;
    let (code, msg) = import_error(&sb, "crc.png", &bad_crc);
    assert_eq!(code, "malformed_image", "{msg}");

    let (code, msg) = import_error(&sb, "truncated.png", &good[..good.len() / 2]);
    assert_eq!(code, "malformed_image", "{msg}");

    let (code, msg) = import_error(&sb, "fake.png", b"<html>this is a web page</html>");
    assert_eq!(code, "malformed_image", "{msg}");
    assert!(
        msg.contains("fake.png is not a PNG image (it starts with \"<html>this is a web page\"…)"),
        "{msg}"
    );
    let (code, msg) = import_error(&sb, "notes.svg", b"just some notes");
    assert_eq!(code, "malformed_image", "{msg}");
    assert!(msg.contains("notes.svg is not an SVG image"), "{msg}");

    let (code, msg) = import_error(
        &sb,
        "jpeg.png",
        &[0xff, 0xd8, 0xff, 0xe0, 0, 16, b'J', b'F', b'I', b'F'],
    );
    assert_eq!(code, "unsupported", "{msg}");

    let (code, msg) = import_error(&sb, "empty.png", b"");
    assert_eq!(code, "unsupported", "{msg}");
    assert!(msg.contains("empty"), "{msg}");

    let (code, msg) = import_error(&sb, "plain.png", &images::badge_png(8, 3));
    assert_eq!(code, "not_baked", "{msg}");

    assert_eq!(sb.list(), before);
}

#[test]
fn a_compressed_chunk_that_inflates_past_the_cap_is_refused() {
    let (sb, before) = wallet_with_one_badge();
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&vec![b'a'; 64 * 1024 * 1024]).unwrap();
    let compressed = z.finish().unwrap();
    let mut data = b"openbadges\0\0".to_vec();
    data.extend_from_slice(&compressed);
    let bomb = png_with(&[images::chunk(b"zTXt", &data)]);
    assert!(bomb.len() < 1024 * 1024, "the bomb itself is small");
    let (code, msg) = import_error(&sb, "bomb.png", &bomb);
    assert_eq!(code, "too_large", "{msg}");
    assert_eq!(sb.list(), before);
}

#[test]
fn two_badge_chunks_take_the_first_and_warn() {
    let sb = Sandbox::new();
    let first =
        badges::embedded_assertion("https://b.example/first", "First", "I", "a@b.org").to_string();
    let second = badges::embedded_assertion("https://b.example/second", "Second", "I", "a@b.org")
        .to_string();
    let file = sb.write(
        "two.png",
        png_with(&[
            images::itxt("openbadges", &first),
            images::itxt("openbadges", &second),
        ]),
    );
    let r = &sb.import(&[&file])[0];
    assert_eq!(r["status"], "imported");
    let warnings = r["warnings"].to_string();
    assert!(
        warnings.contains("second") || warnings.contains("more than one"),
        "{warnings}"
    );
    assert_eq!(sb.list()[0]["name"], "First");
}

#[test]
fn hostile_svgs_never_resolve_entities() {
    let (sb, before) = wallet_with_one_badge();
    let xxe = r#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="x">&xxe;</openbadges:assertion></svg>"#;
    let (code, msg) = import_error(&sb, "xxe.svg", xxe.as_bytes());
    assert_eq!(code, "malformed_image", "{msg}");
    assert!(!msg.contains("root:"), "file contents leaked: {msg}");

    let laughs = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="x">&lol3;</openbadges:assertion></svg>"#;
    let (code, msg) = import_error(&sb, "laughs.svg", laughs.as_bytes());
    assert_eq!(code, "malformed_image", "{msg}");
    assert_eq!(sb.list(), before);
}

#[test]
fn an_svg_with_a_script_is_read_but_its_script_is_only_reported() {
    let sb = Sandbox::new();
    let text =
        badges::embedded_assertion("https://b.example/svg", "Scripted", "I", "a@b.org").to_string();
    let svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><script>alert(1)</script><openbadges:assertion verify="https://b.example/svg"><![CDATA[{text}]]></openbadges:assertion></svg>"#
    );
    let file = sb.write("script.svg", svg);
    let r = &sb.import(&[&file])[0];
    assert_eq!(r["status"], "imported", "{r}");
    assert!(r["warnings"].to_string().contains("script"), "{r}");
}

#[test]
fn deeply_nested_json_is_refused_cleanly() {
    let (sb, before) = wallet_with_one_badge();
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let json = format!("{{\"recipient\": {deep}}}");
    let (code, msg) = import_error(&sb, "deep.json", json.as_bytes());
    assert_eq!(code, "malformed_credential", "{msg}");
    assert!(msg.contains("nest"), "{msg}");
    let baked = bake(&images::badge_png(8, 1), &json, BakeSlot::Assertion).unwrap();
    let (code, _) = import_error(&sb, "deep.png", &baked);
    assert_eq!(code, "malformed_credential");
    assert_eq!(sb.list(), before);
}

#[test]
fn a_50_mb_file_is_refused_without_reading_it_all() {
    let (sb, before) = wallet_with_one_badge();
    let mut big = images::badge_png(8, 1);
    big.resize(50 * 1024 * 1024, 0);
    let (code, msg) = import_error(&sb, "big.png", &big);
    assert_eq!(code, "too_large", "{msg}");
    assert!(msg.contains("MiB"), "{msg}");
    assert_eq!(sb.list(), before);
}

#[test]
fn a_url_that_redirects_forever_stops_and_the_badge_waits() {
    let issuer = Issuer::start();
    issuer.route("/loop", Route::Redirect(issuer.url("/loop")));
    let sb = Sandbox::new();
    let file = sb.write(
        "loop.png",
        bake(
            &images::badge_png(8, 1),
            &issuer.url("/loop"),
            BakeSlot::Assertion,
        )
        .unwrap(),
    );
    let r = &sb.import(&[&file])[0];
    assert_eq!(r["status"], "imported", "kept, never dropped: {r}");
    let why = r["awaiting_details"].as_str().unwrap();
    assert!(why.contains("redirected more than 5 times"), "{why}");
    assert!(
        issuer.hits("/loop") <= 7,
        "bounded: {}",
        issuer.hits("/loop")
    );
}

#[test]
fn a_zip_bomb_entry_is_capped() {
    let (sb, before) = wallet_with_one_badge();
    let path = sb.path("bomb.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default().compression_level(Some(9));
    zip.start_file("huge.png", opts).unwrap();
    let block = vec![0u8; 1024 * 1024];
    for _ in 0..40 {
        zip.write_all(&block).unwrap();
    }
    zip.finish().unwrap();
    let out = sb.run(&["import", "--json", path.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["results"][0]["error"]["code"], "too_large", "{v}");
    assert_eq!(sb.list(), before);
}
