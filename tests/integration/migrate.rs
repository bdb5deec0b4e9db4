//! Migrating Mozilla Backpack exports, built here with the project's own baker.

use std::io::Write;

use serde_json::{Value, json};

use crate::util::Sandbox;
use crate::{badges, images};
use satchel::bake::{BakeSlot, bake};

/// Issuers of the Mozilla era are gone; `.invalid` never resolves.
const GONE: &str = "http://old-issuer.invalid";

fn png(text: &str, hue: u8) -> Vec<u8> {
    bake(&images::badge_png(16, hue), text, BakeSlot::Assertion).unwrap()
}

/// A shutdown export as Mozilla handed it out, with everything that goes wrong in real ones.
fn shutdown_export(sb: &Sandbox) -> String {
    let path = sb.path("mozilla-export.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    let mut add = |name: &str, bytes: &[u8]| {
        zip.start_file(name, opts).unwrap();
        zip.write_all(bytes).unwrap();
    };
    let manifest = json!({
        "Ann@Example.org": ["a.png", "b.png", "missing.png", "corrupt.png", "bomb.png"],
        "ann.work@example.org": ["nested/c.png"]
    });
    add("manifest.txt", manifest.to_string().as_bytes());
    // 0.5, plain recipient whose case differs from the manifest's email.
    add(
        "a.png",
        &png(
            &badges::ob05_assertion("ann@example.org", None, "Open Web", GONE).to_string(),
            1,
        ),
    );
    // 1.0 hosted, baked as a URL to an issuer long gone.
    add("b.png", &png(&format!("{GONE}/assertions/b1"), 2));
    // 0.5 with a hashed recipient, in a nested folder.
    add(
        "nested/c.png",
        &png(
            &badges::ob05_assertion("ann.work@example.org", Some("nacl"), "Hashed", GONE)
                .to_string(),
            3,
        ),
    );
    add("corrupt.png", b"\x89PNG\r\n\x1a\nthis is not really a png");
    // Not listed in the manifest, issued to someone the export does not name.
    add(
        "extra.png",
        &png(
            &badges::ob10_assertion(GONE, "x9", "someone.else@example.org").to_string(),
            4,
        ),
    );
    // A path-traversal name: read into memory only, never written anywhere.
    add(
        "../../escaped.png",
        &png(
            &badges::ob05_assertion("ann@example.org", None, "Escapee", GONE).to_string(),
            5,
        ),
    );
    let opts9 = zip::write::SimpleFileOptions::default().compression_level(Some(9));
    zip.start_file("bomb.png", opts9).unwrap();
    let block = vec![0u8; 1 << 20];
    for _ in 0..40 {
        zip.write_all(&block).unwrap();
    }
    zip.finish().unwrap();
    path.display().to_string()
}

fn migrate(sb: &Sandbox, path: &str, add_identities: bool) -> (Value, i32) {
    let mut args = vec!["migrate", "mozilla", path];
    if add_identities {
        args.push("--add-identities");
    }
    // Loopback stays refused: nothing here should reach for the network but `.invalid`.
    let out = sb.run_with(&[args.as_slice(), &["--json"]].concat(), false);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {out:?}"));
    (v, out.status.code().unwrap())
}

fn failure<'a>(report: &'a Value, suffix: &str) -> &'a Value {
    report["failures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with(suffix))
        .unwrap_or_else(|| panic!("no failure for {suffix}: {report}"))
}

#[test]
fn a_shutdown_export_comes_over_with_a_report_that_names_every_problem() {
    let sb = Sandbox::new();
    let export = shutdown_export(&sb);
    let (r, code) = migrate(&sb, &export, true);
    assert_eq!(code, 1, "some files failed, so not a clean success");
    assert_eq!(r["shape"], "shutdown_export");
    assert_eq!(r["badges_imported"], 5, "{r:#}");
    assert_eq!(r["duplicates"], 0);
    assert_eq!(
        r["identities_added"],
        json!(["Ann@Example.org", "ann.work@example.org"])
    );
    assert_eq!(r["failures"].as_array().unwrap().len(), 3, "{r:#}");

    let missing = failure(&r, "missing.png");
    assert_eq!(missing["code"], "not_found");
    assert!(
        missing["message"]
            .as_str()
            .unwrap()
            .contains("manifest.txt lists missing.png for Ann@Example.org")
    );
    assert!(
        missing["advice"]
            .as_str()
            .unwrap()
            .contains("satchel import")
    );
    assert_eq!(failure(&r, "corrupt.png")["code"], "malformed_image");
    assert_eq!(failure(&r, "bomb.png")["code"], "too_large");

    let unreachable = r["unreachable"].as_array().unwrap();
    assert!(
        unreachable
            .iter()
            .any(|u| u["path"].as_str().unwrap().ends_with("b.png")),
        "{r:#}"
    );
    assert!(
        unreachable
            .iter()
            .all(|u| u["reason"].as_str().unwrap().contains("old-issuer.invalid"))
    );

    // Both the case-different plain recipient and the hashed one match the added identities.
    let notes = r["recipient_notes"].as_array().unwrap();
    assert_eq!(notes.len(), 1, "{r:#}");
    assert!(notes[0]["path"].as_str().unwrap().ends_with("extra.png"));
    assert_eq!(notes[0]["issued_to"], "someone.else@example.org");
    assert!(
        notes[0]["advice"]
            .as_str()
            .unwrap()
            .contains("satchel identity add someone.else@example.org")
    );

    let names: Vec<String> = sb
        .list()
        .iter()
        .filter_map(|b| b["name"].as_str().map(str::to_owned))
        .collect();
    for expected in ["Open Web", "Hashed", "Escapee"] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    assert!(!sb.dir.path().parent().unwrap().join("escaped.png").exists());
    assert!(!sb.path("escaped.png").exists());
}

#[test]
fn migrating_twice_changes_nothing_the_second_time() {
    let sb = Sandbox::new();
    let export = shutdown_export(&sb);
    migrate(&sb, &export, true);
    let badges_before = sb.list();
    let ids_before = sb.json(&["identity", "list"]).0;
    let (r, _) = migrate(&sb, &export, true);
    assert_eq!(r["badges_imported"], 0);
    assert_eq!(r["duplicates"], 5);
    assert_eq!(r["identities_added"], json!([]));
    assert_eq!(sb.list(), badges_before);
    assert_eq!(sb.json(&["identity", "list"]).0, ids_before);
}

#[test]
fn without_the_flag_emails_are_reported_and_recipients_explained() {
    let sb = Sandbox::new();
    let export = shutdown_export(&sb);
    let (r, _) = migrate(&sb, &export, false);
    assert_eq!(r["identities_added"], json!([]));
    assert_eq!(
        r["identities_not_added"],
        json!(["Ann@Example.org", "ann.work@example.org"])
    );
    let notes = r["recipient_notes"].as_array().unwrap();
    let hashed = notes
        .iter()
        .find(|n| n["path"].as_str().unwrap().ends_with("nested/c.png"))
        .expect("note for the hashed badge");
    assert_eq!(
        hashed["issued_to"], "ann.work@example.org",
        "the manifest tells whose hash it is"
    );
    assert!(
        hashed["advice"]
            .as_str()
            .unwrap()
            .contains("--add-identities")
    );
    assert!(
        sb.json(&["identity", "list"])
            .0
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_loose_folder_of_downloaded_badges_comes_over() {
    let sb = Sandbox::new();
    sb.write(
        "old/one.png",
        png(
            &badges::ob05_assertion("ann@example.org", None, "Loose One", GONE).to_string(),
            9,
        ),
    );
    sb.write(
        "old/deeper/two.png",
        png(
            &badges::ob10_assertion(GONE, "l2", "ann@example.org").to_string(),
            8,
        ),
    );
    sb.write("old/notes.txt", "not a badge");
    let (r, code) = migrate(&sb, sb.path("old").to_str().unwrap(), false);
    assert_eq!(r["shape"], "loose_images");
    assert_eq!(r["badges_imported"], 2, "{r:#}");
    assert_eq!(code, 0, "{r:#}");
}
