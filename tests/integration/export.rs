//! Export and re-import: a ZIP that other backpacks read as a Mozilla export
//! and that rebuilds an identical wallet, and single-badge exports; every
//! export replaces its target whole and never writes through a symbolic link.

use std::io::Read;
use std::path::Path;

use rusqlite::Connection;
use rusqlite::types::Value as SqlValue;
use serde_json::Value;

use crate::collections::{badge_ids, ok};
use crate::server::{Issuer, Route};
use crate::util::{Sandbox, stderr};
use crate::verify::{Alg, compact};
use crate::{badges, images};
use satchel::bake::{self, BakeSlot};

/// A wallet with every kind of badge (PNG, SVG, JSON with a BOM and a
/// trailing newline, OB 3.0 JSON, a signed OB 2.0 JWS, a baked URL whose
/// issuer is down so it awaits its details), identities, two collections,
/// checks, and a connected backpack with push and mirror records.
fn rich_wallet() -> Sandbox {
    let sb = Sandbox::new();
    let learner = "ann@example.org";
    let a1 =
        badges::embedded_assertion("https://i.example/a/1", "Baked PNG", "Issuer One", learner)
            .to_string();
    let png = bake::bake(&images::badge_png(48, 10), &a1, BakeSlot::Assertion).unwrap();
    let a2 =
        badges::embedded_assertion("https://i.example/a/2", "Baked SVG", "Issuer Two", learner)
            .to_string();
    let svg = bake::bake(&images::badge_svg(90), &a2, BakeSlot::Assertion).unwrap();
    let a3 = badges::embedded_assertion(
        "https://i.example/a/3",
        "Plain JSON",
        "Issuer Three",
        "bob@example.org",
    )
    .to_string();
    let a4 = badges::ob3_credential("urn:uuid:0b3e", "Three Point Oh", "Issuer Four", learner)
        .to_string();
    let mut a5 =
        badges::embedded_assertion("urn:uuid:516e", "Signed Badge", "Issuer Five", learner);
    a5["verification"] = serde_json::json!({"type": "signed", "creator": "https://i.example/key"});
    let jws = compact(Alg::Es256, serde_json::json!({}), &a5);
    let down = Issuer::start();
    down.route("/assertions/6.json", Route::Status(503));
    let url_only = bake::bake(
        &images::badge_png(20, 60),
        &down.url("/assertions/6.json"),
        BakeSlot::Assertion,
    )
    .unwrap();
    let inputs = [
        sb.write("in/a.png", png),
        sb.write("in/b.svg", svg),
        sb.write("in/c.json", format!("\u{feff}{a3}\n")),
        sb.write("in/d.json", a4),
        sb.write("in/e.jws", jws),
        sb.write("in/f.png", url_only),
    ];
    let refs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let results = sb.import(&refs);
    assert!(
        results.iter().all(|r| r["status"] == "imported"),
        "{results:?}"
    );
    assert!(results[5]["awaiting_details"].is_string(), "{results:?}");
    let kinds: Vec<Value> = sb
        .list()
        .iter()
        .rev()
        .map(|b| sb.json(&["show", &b["id"].to_string()]).0["payload_kind"].clone())
        .collect();
    assert_eq!(kinds, ["json", "json", "json", "json", "jws", "url"]);
    ok(&sb, &["identity", "add", learner]);
    ok(&sb, &["identity", "add", "https://ann.example.org"]);
    ok(
        &sb,
        &["collection", "new", "Work", "--description", "Jobs & such"],
    );
    ok(&sb, &["collection", "new", "Fun"]);
    ok(&sb, &["collection", "add", "1", "4", "1", "3"]);
    ok(&sb, &["collection", "add", "2", "2", "1"]);
    ok(&sb, &["collection", "public", "2"]);
    ok(&sb, &["collection", "move", "2", "--to", "1"]);
    let conn = Connection::open(&sb.wallet).unwrap();
    conn.execute_batch(
        "INSERT INTO badge_check (badge_id, checked_at, outcome, message, evidence) VALUES
           (1, '2025-01-01T00:00:00.000Z', 'valid', 'all good', '{\"hosted\":200}'),
           (1, '2025-02-01T00:00:00.000Z', 'revoked', 'revoked by issuer', '{}'),
           (3, '2025-03-01T00:00:00.000Z', 'unreachable', 'timed out', '{\"url\":\"https://i.example/a/3\"}');",
    )
    .unwrap();
    conn.execute_batch(
        "INSERT INTO backpack (id, name, kind, base_url, endpoints, client_id, username, secret_key, added_at) VALUES
           (3, 'work', 'badgr', 'https://badgr.example', '{\"api\":\"https://badgr.example/v2\"}', NULL, 'ann', '5a7c0ffee5a7c0ffee5a7c0ffee5a7c0', '2025-04-01T00:00:00.000Z'),
           (5, 'ob3 host', 'ob3', 'https://ob3.example', '{}', 'client-77', NULL, '0123456789abcdef0123456789abcdef', '2025-04-02T00:00:00.000Z');
         INSERT INTO backpack_push (backpack_id, badge_id, status, remote_id, message, evidence, pushed_at) VALUES
           (3, 1, 'pushed', 'rem-1', NULL, NULL, '2025-04-03T00:00:00.000Z'),
           (3, 3, 'failed', NULL, 'the backpack refused it', '{\"status\":400}', '2025-04-03T00:00:01.000Z'),
           (5, 4, 'already_there', 'urn:uuid:0b3e', NULL, NULL, '2025-04-04T00:00:00.000Z');
         INSERT INTO backpack_collection (backpack_id, collection_id, remote_id, share_url, pushed_at) VALUES
           (3, 2, 'coll-9', 'https://badgr.example/public/collections/9', '2025-04-05T00:00:00.000Z');",
    )
    .unwrap();
    sb
}

/// Every row of a table, ordered, optionally without its first column.
fn rows(wallet: &Path, sql: &str) -> Vec<Vec<SqlValue>> {
    let conn = Connection::open(wallet).unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| (0..n).map(|i| r.get::<_, SqlValue>(i)).collect())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Every table of the wallet, field by field (identity ids are the one
/// thing a restore does not keep).
const TABLES: &[(&str, &str)] = &[
    ("badge", "SELECT * FROM badge ORDER BY id"),
    (
        "identity",
        "SELECT kind, value, added_at FROM identity ORDER BY id",
    ),
    ("collection", "SELECT * FROM collection ORDER BY id"),
    (
        "collection_badge",
        "SELECT * FROM collection_badge ORDER BY collection_id, badge_id",
    ),
    ("badge_check", "SELECT * FROM badge_check ORDER BY id"),
    ("published_site", "SELECT * FROM published_site"),
    (
        "published_badge",
        "SELECT * FROM published_badge ORDER BY badge_id",
    ),
    ("backpack", "SELECT * FROM backpack ORDER BY id"),
    (
        "backpack_push",
        "SELECT * FROM backpack_push ORDER BY backpack_id, badge_id",
    ),
    (
        "backpack_collection",
        "SELECT * FROM backpack_collection ORDER BY backpack_id, collection_id",
    ),
];

fn zip_entry(path: &Path, name: &str) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut entry = zip.by_name(name).unwrap();
    let mut bytes = Vec::new();
    entry.read_to_end(&mut bytes).unwrap();
    bytes
}

#[test]
fn export_then_import_into_a_fresh_wallet_rebuilds_it_field_by_field() {
    let sb = rich_wallet();
    ok(
        &sb,
        &[
            "publish",
            &sb.path("site").display().to_string(),
            "--base-url",
            "https://ann.example.org/badges",
        ],
    );
    let zip = sb.path("backup.zip").display().to_string();
    ok(&sb, &["export", &zip]);

    let fresh = Sandbox::new();
    let results = fresh.import(&[&zip]);
    assert_eq!(results.len(), 6, "{results:?}");
    assert!(
        results.iter().all(|r| r["status"] == "imported"),
        "{results:?}"
    );

    let tables: Vec<String> = rows(
        &sb.wallet,
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
    )
    .into_iter()
    .map(|r| match &r[0] {
        SqlValue::Text(t) => t.clone(),
        other => panic!("{other:?}"),
    })
    // Issuers' key documents kept by verification are a cache, not the
    // learner's data: a backup copies them, an export does not.
    .filter(|t| t != "key_document")
    .collect();
    let mut compared: Vec<String> = TABLES.iter().map(|(t, _)| t.to_string()).collect();
    compared.sort();
    assert_eq!(tables, compared, "every table is compared");
    for (table, sql) in TABLES {
        let before = rows(&sb.wallet, sql);
        assert!(!before.is_empty(), "{table} has rows");
        assert_eq!(before, rows(&fresh.wallet, sql), "{table}");
    }
    // The same through the CLI, as the window sees it.
    for id in ["1", "2", "3", "4", "5", "6"] {
        assert_eq!(
            sb.json(&["show", id]).0,
            fresh.json(&["show", id]).0,
            "badge {id}"
        );
    }
    assert_eq!(badge_ids(&fresh, "1"), [4, 1, 3]);
    assert_eq!(
        fresh.json(&["collection", "list"]).0,
        sb.json(&["collection", "list"]).0
    );
    assert_eq!(
        fresh.json(&["identity", "list"]).0,
        sb.json(&["identity", "list"]).0
    );
    let share = |s: &Sandbox| s.json(&["share", "linkedin", "2"]).0;
    assert_eq!(
        share(&fresh),
        share(&sb),
        "the published page is remembered"
    );
}

#[test]
fn the_export_is_a_mozilla_style_bundle_of_baked_images() {
    let sb = rich_wallet();
    let zip = sb.path("backup.zip");
    ok(&sb, &["export", &zip.display().to_string()]);
    let manifest: Value = serde_json::from_slice(&zip_entry(&zip, "manifest.txt")).unwrap();
    let map = manifest.as_object().unwrap();
    let files_for = |email: &str| -> Vec<String> {
        map[email]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        files_for("ann@example.org"),
        [
            "badge-1.png",
            "badge-2.svg",
            "badge-4.png",
            "badge-5.png",
            "badge-6.png"
        ]
    );
    assert_eq!(
        files_for("bob@example.org"),
        ["badge-3.png"],
        "a plain recipient email"
    );
    let original_png = std::fs::read(sb.path("in/a.png")).unwrap();
    assert_eq!(
        zip_entry(&zip, "badge-1.png"),
        original_png,
        "an image is kept as it came"
    );
    for (file, name) in [
        ("badge-3.png", "Plain JSON"),
        ("badge-4.png", "Three Point Oh"),
    ] {
        let baked = zip_entry(&zip, file);
        let unbaked = bake::unbake(&baked).unwrap();
        let c = satchel::credential::parse(&unbaked.text).unwrap();
        assert_eq!(c.name.as_deref(), Some(name));
    }
    let ob3 = bake::unbake(&zip_entry(&zip, "badge-4.png")).unwrap();
    assert_eq!(
        ob3.slot,
        bake::BakeSlot::Credential,
        "3.0 goes in the credential slot"
    );
    let ours: Value = serde_json::from_slice(&zip_entry(&zip, "satchel-export.json")).unwrap();
    assert_eq!(ours["format"], "satchel-export");
    assert_eq!(ours["version"], 2);
    assert_eq!(ours["badge_count"], 6);
    let backpacks = ours["wallet"]["backpacks"].as_array().unwrap();
    assert_eq!(backpacks.len(), 2);
    assert_eq!(backpacks[0]["pushes"].as_array().unwrap().len(), 2);
    let text = String::from_utf8(zip_entry(&zip, "satchel-export.json")).unwrap();
    assert!(
        !text.contains("token"),
        "no sign-in secret is exported: the keyring keeps them"
    );
    assert_eq!(ours["wallet"]["checks"].as_array().unwrap().len(), 3);
    assert_eq!(ours["wallet"]["collections"][0]["name"], "Fun");
    let names: Vec<String> = std::fs::read_dir(sb.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names.iter().any(|n| n.ends_with(".part")),
        "no temp file left: {names:?}"
    );
}

#[test]
fn importing_an_export_twice_or_into_a_used_wallet_merges() {
    let sb = rich_wallet();
    let zip = sb.path("backup.zip").display().to_string();
    ok(&sb, &["export", &zip]);
    let results = sb.import(&[&zip]);
    assert!(
        results.iter().all(|r| r["status"] == "duplicate"),
        "{results:?}"
    );
    assert_eq!(sb.list().len(), 6);
    assert_eq!(
        rows(&sb.wallet, "SELECT * FROM badge_check").len(),
        3,
        "checks not doubled"
    );

    let other = crate::collections::wallet_with_badges(2);
    ok(&other, &["collection", "new", "Mine"]);
    let results = other.import(&[&zip]);
    let imported: Vec<i64> = results
        .iter()
        .map(|r| r["badge_id"].as_i64().unwrap())
        .collect();
    assert_eq!(imported, [3, 4, 5, 6, 7, 8], "taken ids get new ones");
    let names: Vec<Value> = other
        .json(&["collection", "list"])
        .0
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].clone())
        .collect();
    assert_eq!(names, ["Mine", "Fun", "Work"]);
    assert_eq!(
        badge_ids(&other, "3"),
        [6, 3, 5],
        "memberships follow the new ids"
    );
}

#[test]
fn a_damaged_export_changes_nothing() {
    let sb = rich_wallet();
    let zip = sb.path("backup.zip");
    ok(&sb, &["export", &zip.display().to_string()]);
    // Rewrite the archive with one original altered.
    let mut src = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
    let bad = sb.path("bad.zip");
    let mut out = zip::ZipWriter::new(std::fs::File::create(&bad).unwrap());
    for i in 0..src.len() {
        let mut entry = src.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if name == "badge-2.svg" {
            bytes.extend_from_slice(b"<!-- changed -->");
        }
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut out, &bytes).unwrap();
    }
    out.finish().unwrap();

    let fresh = Sandbox::new();
    let (v, code) = fresh.json(&["import", &bad.display().to_string()]);
    assert_eq!(code, 1);
    let message = v["results"][0]["error"]["message"].as_str().unwrap();
    assert!(message.contains("does not match its checksum"), "{message}");
    assert!(fresh.list().is_empty(), "no badge of the export was kept");
    assert!(
        fresh
            .json(&["collection", "list"])
            .0
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn one_badge_is_exported_as_png_svg_json_or_jws() {
    let sb = rich_wallet();
    let out = |name: &str| sb.path(name).display().to_string();
    ok(&sb, &["export", "3", "-o", &out("c.png")]);
    ok(&sb, &["export", "3", "-o", &out("c.svg")]);
    ok(&sb, &["export", "3", "-o", &out("c.json")]);
    ok(&sb, &["export", "2", "-o", &out("b.svg")]);
    for file in ["c.png", "c.svg"] {
        let unbaked = bake::unbake(&std::fs::read(sb.path(file)).unwrap()).unwrap();
        assert!(unbaked.text.contains("Plain JSON"), "{file}");
    }
    let json: Value = serde_json::from_slice(&std::fs::read(sb.path("c.json")).unwrap()).unwrap();
    assert_eq!(json["badge"]["name"], "Plain JSON");
    assert_eq!(
        std::fs::read(sb.path("b.svg")).unwrap(),
        std::fs::read(sb.path("in/b.svg")).unwrap(),
        "an SVG badge exported as SVG is its original"
    );
    let bad = sb.run(&["export", "3", "-o", &out("c.gif")]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains(".png, .svg, .json or .jws"),
        "{}",
        stderr(&bad)
    );
    let bad = sb.run(&["export", "3", "-o", &out("c.jws")]);
    assert!(
        stderr(&bad).contains("not a signed badge"),
        "{}",
        stderr(&bad)
    );
    let bad = sb.run(&["export", "77", "-o", &out("x.png")]);
    assert!(
        stderr(&bad).contains("no badge with id 77"),
        "{}",
        stderr(&bad)
    );
}

/// A wallet holding one baked PNG badge (id 1).
fn one_badge_wallet() -> Sandbox {
    let sb = Sandbox::new();
    let text = badges::embedded_assertion(
        "https://i.example/a/linked",
        "Linked",
        "Issuer",
        "ann@example.org",
    )
    .to_string();
    let png = bake::bake(&images::badge_png(16, 30), &text, BakeSlot::Assertion).unwrap();
    let results = sb.import(&[&sb.write("in/a.png", png)]);
    assert_eq!(results[0]["status"], "imported", "{results:?}");
    sb
}

#[test]
fn an_export_replaces_a_symlink_at_its_target_and_never_writes_through_it() {
    let sb = one_badge_wallet();
    let precious = sb.write("precious.txt", "the learner's own notes");
    std::fs::create_dir(sb.path("elsewhere")).unwrap();
    let exports: [(&str, Vec<&str>); 3] = [
        ("badge.png", vec!["export", "1", "-o"]),
        ("badge.json", vec!["export", "1", "-o"]),
        ("wallet.zip", vec!["export"]),
    ];
    for (name, args) in exports {
        for (kind, target) in [
            ("a file", precious.clone()),
            (
                "nothing yet",
                sb.path("elsewhere/new").display().to_string(),
            ),
        ] {
            let out = sb.path(name);
            let _ = std::fs::remove_file(&out);
            std::os::unix::fs::symlink(&target, &out).unwrap();
            let out = out.display().to_string();
            ok(&sb, &[args.as_slice(), &[out.as_str()]].concat());

            let written = std::fs::symlink_metadata(&out).unwrap();
            assert!(written.is_file(), "{name} over a link to {kind}");
            let bytes = std::fs::read(&out).unwrap();
            match name {
                "badge.png" => assert!(bake::unbake(&bytes).unwrap().text.contains("Linked")),
                "badge.json" => assert!(serde_json::from_slice::<Value>(&bytes).is_ok()),
                _ => assert!(zip_entry(Path::new(&out), "satchel-export.json").starts_with(b"{")),
            }
        }
        assert_eq!(
            std::fs::read_to_string(&precious).unwrap(),
            "the learner's own notes",
            "the file {name}'s link pointed to"
        );
        assert!(!sb.path("elsewhere/new").exists(), "{name}");
    }
}

#[test]
fn an_existing_export_is_replaced_by_a_new_file_never_rewritten_in_place() {
    let sb = one_badge_wallet();
    for (name, args) in [
        ("copy.png", vec!["export", "1", "-o"]),
        ("copy.zip", vec!["export"]),
    ] {
        let out = sb.write(name, "the old copy");
        // A second name for the old file sees it change only if it is
        // written in place.
        let other_name = sb.path(&format!("old-{name}"));
        std::fs::hard_link(&out, &other_name).unwrap();
        ok(&sb, &[args.as_slice(), &[out.as_str()]].concat());
        assert_eq!(
            std::fs::read_to_string(&other_name).unwrap(),
            "the old copy"
        );
        assert_ne!(std::fs::read(&out).unwrap(), b"the old copy");
    }
    let leftovers: Vec<String> = std::fs::read_dir(sb.dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn publishing_into_a_symlinked_folder_is_refused_and_leaves_its_target_alone() {
    let sb = one_badge_wallet();
    let full = sb.path("full");
    std::fs::create_dir(&full).unwrap();
    std::fs::write(full.join("notes.txt"), "mine").unwrap();
    let empty = sb.path("empty");
    std::fs::create_dir(&empty).unwrap();
    for target in [&full, &empty] {
        let site = sb.path("site");
        let _ = std::fs::remove_file(&site);
        std::os::unix::fs::symlink(target, &site).unwrap();
        let out = sb.run(&["publish", &site.display().to_string()]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("is not a site Satchel published"),
            "{}",
            stderr(&out)
        );
        assert!(std::fs::symlink_metadata(&site).unwrap().is_symlink());
    }
    let listed = |dir: &Path| -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect()
    };
    assert_eq!(listed(&full), ["notes.txt"]);
    assert_eq!(
        std::fs::read_to_string(full.join("notes.txt")).unwrap(),
        "mine"
    );
    assert!(listed(&empty).is_empty());
}
