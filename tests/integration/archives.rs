//! Hostile ZIP archives: entries named with `..` or an absolute path, entries
//! stored as symbolic links, two entries of one name, and archives declaring
//! more than the documented 2 GiB in all. Each is refused with a sentence
//! naming what was refused, whether it comes as a ZIP of badges, a Satchel
//! export or a Mozilla export, and nothing is ever written outside the wallet.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::collections::ok;
use crate::util::{Sandbox, stderr};
use crate::{badges, images};
use satchel::bake::{BakeSlot, bake};

/// One entry of a hand-made archive.
enum Item<'a> {
    File(&'a str, Vec<u8>),
    Link(&'a str, &'a str),
}

fn write_zip(path: &Path, items: &[Item<'_>]) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    for item in items {
        match item {
            Item::File(name, bytes) => {
                zip.start_file(*name, opts).unwrap();
                zip.write_all(bytes).unwrap();
            }
            Item::Link(name, target) => zip.add_symlink(*name, *target, opts).unwrap(),
        }
    }
    zip.finish().unwrap();
}

/// A badge baked into a PNG, named `name`.
fn badge(name: &str, hue: u8) -> Vec<u8> {
    let id = format!("https://issuer.example/assertions/{hue}");
    let text = badges::embedded_assertion(&id, name, "Archive Guild", "ann@example.org");
    bake(
        &images::badge_png(16, hue),
        &text.to_string(),
        BakeSlot::Assertion,
    )
    .unwrap()
}

/// Replaces every occurrence of the entry name `from` by `to` (of the same
/// length) in the archive's bytes, in its local and central headers alike:
/// the `zip` crate refuses to write two entries of one name.
fn rename_entry(path: &Path, from: &str, to: &str) {
    assert_eq!(from.len(), to.len());
    let mut bytes = std::fs::read(path).unwrap();
    let mut found = 0;
    let mut i = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from.as_bytes() {
            bytes[i..i + to.len()].copy_from_slice(to.as_bytes());
            found += 1;
        }
        i += 1;
    }
    assert_eq!(found, 2, "{from} is in one local and one central header");
    std::fs::write(path, bytes).unwrap();
}

/// Makes every central header of the archive declare `size` inflated bytes.
fn declare_sizes(path: &Path, size: u32) {
    let mut bytes = std::fs::read(path).unwrap();
    let mut patched = 0;
    for i in 0..bytes.len().saturating_sub(28) {
        if bytes[i..i + 4] == *b"PK\x01\x02" {
            bytes[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    assert!(patched > 0);
    std::fs::write(path, bytes).unwrap();
}

/// Every file under `dir` but the wallet's own, with its bytes.
fn files_under(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                walk(&path, out);
            } else if !entry.file_name().to_string_lossy().starts_with("wallet.") {
                out.insert(path.clone(), std::fs::read(&path).unwrap_or_default());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, &mut out);
    out
}

fn error_of(result: &Value) -> (&str, &str) {
    assert_eq!(result["status"], "error", "{result}");
    (
        result["error"]["code"].as_str().unwrap(),
        result["error"]["message"].as_str().unwrap(),
    )
}

fn names(sb: &Sandbox) -> Vec<String> {
    sb.list()
        .iter()
        .map(|b| b["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn unsafe_entries_of_a_zip_of_badges_are_refused_one_by_one() {
    let sb = Sandbox::new();
    // Were entries written by name, these would land in the sandbox.
    let absolute = sb.path("absolute.png").display().to_string();
    let secret = sb.write("secret.png", badge("Linked", 4));
    let zip = sb.path("deep/inner/badges.zip");
    write_zip(
        &zip,
        &[
            Item::File("kept.png", badge("Kept", 1)),
            Item::File("../../escaped.png", badge("Escapee", 2)),
            Item::File(&absolute, badge("Absolute", 3)),
            Item::Link("link.png", &secret),
        ],
    );
    let before = files_under(sb.dir.path());

    let results = sb.import(&[&zip.display().to_string()]);
    assert_eq!(results.len(), 4, "{results:#?}");
    assert_eq!(results[0]["status"], "imported", "{results:#?}");
    for (result, name, reason) in [
        (
            &results[1],
            "../../escaped.png",
            "climbs out of the archive",
        ),
        (&results[2], absolute.as_str(), "is an absolute path"),
        (&results[3], "link.png", "is a symbolic link"),
    ] {
        let (code, message) = error_of(result);
        assert_eq!(code, "malformed_image", "{result}");
        assert!(
            message.contains(&format!("badges.zip!/{name} was not read")),
            "{message}"
        );
        assert!(message.contains(reason), "{message}");
        assert!(
            message.ends_with("ask whoever made the archive for the badge file itself"),
            "its own advice, not the damaged-file one: {message}"
        );
    }
    assert_eq!(names(&sb), ["Kept"], "the link's target was not read");
    assert_eq!(files_under(sb.dir.path()), before, "nothing was written");
    assert!(!Path::new(&absolute).exists());
    assert!(!Path::new("../../escaped.png").exists());
}

#[test]
fn a_satchel_export_holding_an_unsafe_entry_is_not_restored_at_all() {
    let sb = Sandbox::new();
    sb.import(&[&sb.write("in/kept.png", badge("Kept", 1))]);
    let export = sb.path("backup.zip");
    ok(&sb, &["export", &export.display().to_string()]);
    let mut original = zip::ZipArchive::new(std::fs::File::open(&export).unwrap()).unwrap();
    let written: Vec<(String, Vec<u8>)> = (0..original.len())
        .map(|i| {
            let mut entry = original.by_index(i).unwrap();
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
            (entry.name().unwrap().into_owned(), bytes)
        })
        .collect();
    let fresh = Sandbox::new();
    let absolute = fresh.path("absolute.png").display().to_string();
    let secret = fresh.write("secret.png", badge("Linked", 4));
    for (extra, name, reason) in [
        (
            Item::File("../escaped.png", badge("Escapee", 2)),
            "../escaped.png",
            "climbs out of the archive",
        ),
        (
            Item::File(&absolute, badge("Absolute", 3)),
            absolute.as_str(),
            "is an absolute path",
        ),
        (
            Item::Link("badge-9.png", &secret),
            "badge-9.png",
            "is a symbolic link",
        ),
    ] {
        // The export as written, plus one entry.
        let altered = fresh.path("altered/backup.zip");
        let mut all: Vec<Item<'_>> = written
            .iter()
            .map(|(n, b)| Item::File(n, b.clone()))
            .collect();
        all.push(extra);
        write_zip(&altered, &all);
        let before = files_under(fresh.dir.path());

        let results = fresh.import(&[&altered.display().to_string()]);
        assert_eq!(results.len(), 1, "refused whole: {results:#?}");
        let (code, message) = error_of(&results[0]);
        assert_eq!(code, "malformed_image");
        assert!(
            message.contains(&format!("backup.zip!/{name} was not read")),
            "{message}"
        );
        assert!(message.contains(reason), "{message}");
        assert!(fresh.list().is_empty(), "nothing of the export was kept");
        assert_eq!(files_under(fresh.dir.path()), before);
    }
    assert!(!fresh.dir.path().join("escaped.png").exists());
}

#[test]
fn a_mozilla_export_with_unsafe_entries_brings_the_rest_and_names_each_refusal() {
    let sb = Sandbox::new();
    let absolute = sb.path("absolute.png").display().to_string();
    let secret = sb.write("secret.png", badge("Linked", 4));
    let manifest = json!({"ann@example.org": ["a.png", "link.png", absolute]});
    let export = sb.path("mozilla.zip");
    write_zip(
        &export,
        &[
            Item::File("manifest.txt", manifest.to_string().into_bytes()),
            Item::File("a.png", badge("Kept", 1)),
            Item::Link("link.png", &secret),
            Item::File(&absolute, badge("Absolute", 3)),
        ],
    );
    let before = files_under(sb.dir.path());
    let (r, code) = sb.json(&["migrate", "mozilla", &export.display().to_string()]);
    assert_eq!(code, 1, "{r:#}");
    assert_eq!(r["badges_imported"], 1, "{r:#}");
    let failures = r["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 2, "{r:#}");
    for (name, reason) in [
        ("link.png", "is a symbolic link"),
        (absolute.as_str(), "is an absolute path"),
    ] {
        let failure = failures
            .iter()
            .find(|f| f["path"] == format!("{}!/{name}", export.display()))
            .unwrap_or_else(|| panic!("no failure for {name}: {r:#}"));
        assert_eq!(failure["code"], "malformed_image");
        assert!(
            failure["message"].as_str().unwrap().contains(reason),
            "{failure}"
        );
    }
    assert_eq!(names(&sb), ["Kept"]);
    assert_eq!(files_under(sb.dir.path()), before, "nothing was written");
}

#[test]
fn two_entries_of_one_name_make_any_archive_ambiguous_and_refused() {
    let sb = Sandbox::new();
    let duplicate = "more than one entry under the same name";

    let loose = sb.path("badges.zip");
    write_zip(
        &loose,
        &[
            Item::File("a.png", badge("First", 1)),
            Item::File("b.png", badge("Second", 2)),
        ],
    );
    rename_entry(&loose, "b.png", "a.png");
    let results = sb.import(&[&loose.display().to_string()]);
    assert_eq!(results.len(), 1, "{results:#?}");
    let (code, message) = error_of(&results[0]);
    assert_eq!(code, "malformed_image");
    assert!(message.contains(duplicate), "{message}");

    // A Satchel export whose manifest is there twice.
    let other = Sandbox::new();
    other.import(&[&other.write("in/kept.png", badge("Kept", 3))]);
    let export = other.path("backup.zip");
    ok(&other, &["export", &export.display().to_string()]);
    let manifest = {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&export).unwrap()).unwrap();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut zip.by_name("satchel-export.json").unwrap(), &mut bytes)
            .unwrap();
        bytes
    };
    let twice = sb.path("twice.zip");
    write_zip(
        &twice,
        &[
            Item::File("satchel-export.json", manifest.clone()),
            Item::File("satchel-export.jsoX", manifest),
        ],
    );
    rename_entry(&twice, "satchel-export.jsoX", "satchel-export.json");
    let results = sb.import(&[&twice.display().to_string()]);
    assert_eq!(results.len(), 1, "{results:#?}");
    assert!(error_of(&results[0]).1.contains(duplicate), "{results:#?}");

    // A Mozilla export with one image name twice.
    let mozilla = sb.path("mozilla.zip");
    let listing = json!({"ann@example.org": ["a.png"]}).to_string();
    write_zip(
        &mozilla,
        &[
            Item::File("manifest.txt", listing.into_bytes()),
            Item::File("a.png", badge("First", 1)),
            Item::File("b.png", badge("Second", 2)),
        ],
    );
    rename_entry(&mozilla, "b.png", "a.png");
    let out = sb.run(&["migrate", "mozilla", &mozilla.display().to_string()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains(duplicate), "{}", stderr(&out));

    assert!(sb.list().is_empty(), "neither copy was taken");
}

#[test]
fn an_archive_declaring_more_than_two_gib_in_all_is_refused_before_inflating() {
    let sb = Sandbox::new();
    let zip = sb.path("bomb.zip");
    let items: Vec<(String, Vec<u8>)> = (0..70)
        .map(|i| (format!("e{i:02}.png"), vec![b'x'; 16]))
        .collect();
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut writer = zip::ZipWriter::new(std::fs::File::create(&zip).unwrap());
    for (name, bytes) in &items {
        writer.start_file(name.as_str(), stored).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap();
    // 70 entries of 32 MiB each: every one within the per-entry cap, 2.2 GiB in all.
    declare_sizes(&zip, 32 << 20);

    let results = sb.import(&[&zip.display().to_string()]);
    assert_eq!(results.len(), 1, "{results:#?}");
    let (code, message) = error_of(&results[0]);
    assert_eq!(code, "too_large");
    assert!(message.contains("bomb.zip"), "{message}");
    assert!(message.contains("more than 2 GiB"), "{message}");
}
