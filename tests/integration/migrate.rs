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
    // A path-traversal name: refused, and so never read nor written anywhere.
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

/// The entry of the report's list `list` whose path ends with `suffix`.
fn entry<'a>(report: &'a Value, list: &str, suffix: &str) -> &'a Value {
    report[list]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with(suffix))
        .unwrap_or_else(|| panic!("no {list} entry for {suffix}: {report:#}"))
}

fn failure<'a>(report: &'a Value, suffix: &str) -> &'a Value {
    entry(report, "failures", suffix)
}

fn unreachable<'a>(report: &'a Value, suffix: &str) -> &'a Value {
    entry(report, "unreachable", suffix)
}

fn text<'a>(v: &'a Value, field: &str) -> &'a str {
    v[field]
        .as_str()
        .unwrap_or_else(|| panic!("no {field} in {v}"))
}

#[test]
fn a_shutdown_export_comes_over_with_a_report_that_names_every_problem() {
    let sb = Sandbox::new();
    let export = shutdown_export(&sb);
    let (r, code) = migrate(&sb, &export, true);
    assert_eq!(code, 1, "some files failed, so not a clean success");
    assert_eq!(r["shape"], "shutdown_export");
    assert_eq!(r["badges_imported"], 4, "{r:#}");
    assert_eq!(r["duplicates"], 0);
    assert_eq!(
        r["identities_added"],
        json!(["Ann@Example.org", "ann.work@example.org"])
    );
    assert_eq!(r["failures"].as_array().unwrap().len(), 4, "{r:#}");

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
    let corrupt = failure(&r, "corrupt.png");
    assert_eq!(corrupt["code"], "malformed_image");
    assert!(
        text(corrupt, "message").contains("the file is damaged or not really a PNG"),
        "{corrupt}"
    );
    assert!(
        text(corrupt, "advice").contains("another copy"),
        "{corrupt}"
    );
    let bomb = failure(&r, "bomb.png");
    assert_eq!(bomb["code"], "too_large");
    assert!(
        text(bomb, "message").contains("bomb.png is larger than 32 MiB"),
        "{bomb}"
    );
    assert!(text(bomb, "advice").contains("not a badge"), "{bomb}");
    let escaped = failure(&r, "!/../../escaped.png");
    assert_eq!(escaped["code"], "malformed_image");
    assert!(
        text(escaped, "message").contains("climbs out of the archive"),
        "{escaped}"
    );
    assert_eq!(r["collections_created"], json!([]));

    // Every badge came over, and every one of them is from an issuer long gone.
    let reason = |suffix: &str| text(unreachable(&r, suffix), "reason").to_owned();
    assert_eq!(r["unreachable"].as_array().unwrap().len(), 4, "{r:#}");
    for fetched_at_import in ["b.png", "extra.png"] {
        assert!(
            reason(fetched_at_import).contains("old-issuer.invalid"),
            "{r:#}"
        );
    }
    for embedded_05 in ["/a.png", "nested/c.png"] {
        assert!(
            reason(embedded_05).contains("names no hosted copy"),
            "{r:#}"
        );
    }
    // Each is marked unreachable in its history, to be checked again on `satchel verify`.
    for b in sb.list() {
        assert_eq!(b["status"]["outcome"], "unreachable", "{b}");
    }
    let id = unreachable(&r, "/a.png")["badge_id"].as_i64().unwrap();
    let shown = sb.json(&["show", &id.to_string()]).0;
    assert_eq!(shown["checks"].as_array().unwrap().len(), 1, "{shown:#}");
    assert_eq!(shown["checks"][0]["outcome"], "unreachable");

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
    for expected in ["Open Web", "Hashed"] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    assert!(!names.iter().any(|n| n == "Escapee"), "{names:?}");
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
    assert_eq!(r["duplicates"], 4);
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

#[test]
fn an_unpacked_shutdown_export_folder_comes_over_like_the_zip() {
    let sb = Sandbox::new();
    let manifest = json!({"ann@example.org": ["a.png", "sub/b.png", "gone.png"]});
    sb.write("unpacked/manifest.txt", manifest.to_string());
    sb.write(
        "unpacked/a.png",
        png(
            &badges::ob05_assertion("ann@example.org", None, "Unpacked A", GONE).to_string(),
            11,
        ),
    );
    sb.write(
        "unpacked/sub/b.png",
        png(&format!("{GONE}/assertions/unpacked-b"), 12),
    );
    let (r, code) = migrate(&sb, sb.path("unpacked").to_str().unwrap(), true);
    assert_eq!(code, 1, "gone.png is missing: {r:#}");
    assert_eq!(r["shape"], "shutdown_export");
    assert_eq!(r["badges_imported"], 2, "{r:#}");
    assert_eq!(r["identities_added"], json!(["ann@example.org"]));
    assert_eq!(r["failures"].as_array().unwrap().len(), 1, "{r:#}");
    let gone = failure(&r, "unpacked/gone.png");
    assert_eq!(gone["code"], "not_found");
    assert!(text(gone, "message").contains("manifest.txt lists gone.png for ann@example.org"));
    assert_eq!(r["unreachable"].as_array().unwrap().len(), 2, "{r:#}");
    assert!(text(unreachable(&r, "sub/b.png"), "reason").contains("old-issuer.invalid"));
    assert_eq!(r["recipient_notes"], json!([]), "a.png is ann's: {r:#}");
}

/// A Displayer answer entry, as the old backpack served it.
fn displayed(hosted_url: Option<&str>, assertion: Option<Value>) -> Value {
    json!({
        "lastValidated": "2019-03-01T10:00:00.000Z",
        "assertionType": "hosted",
        "hostedUrl": hosted_url,
        "assertion": assertion,
        "imageUrl": format!("{GONE}/images/badge.png")
    })
}

/// Saved Displayer answers: three public groups, one named like a collection
/// the learner already has, two groups with unusable ids, and one badge entry
/// with nothing in it (first, so the others keep their places in the report).
fn displayer_folder(sb: &Sandbox) -> String {
    let groups = json!({"userId": 7, "groups": [
        {"groupId": 1, "name": "Web Skills", "badges": 3},
        {"groupId": "2", "name": "Old Stuff", "badges": 2},
        {"groupId": "../../etc", "name": "Sneaky", "badges": 1},
        {"name": "No Id", "badges": 1},
        {"groupId": 3, "name": "Mine", "badges": 1}
    ]});
    sb.write("displayer/groups.json", groups.to_string());
    // Imported earlier from a file of another name, as a baked address.
    let b1 = format!("{GONE}/assertions/b1");
    let d7 = badges::ob10_assertion(GONE, "d7", "ann@example.org");
    let group1 = json!({"userId": 7, "groupId": 1, "badges": [
        {"lastValidated": null, "imageUrl": format!("{GONE}/images/x.png")},
        displayed(
            Some(&b1),
            Some(badges::ob05_assertion("ann@example.org", None, "Kept By The Backpack", GONE)),
        ),
        displayed(None, Some(d7.clone())),
    ]});
    sb.write("displayer/group/1.json", group1.to_string());
    let o5 = format!("{GONE}/assertions/o5");
    let group2 = json!({"userId": 7, "groupId": 2, "badges": [
        displayed(
            Some(&o5),
            Some(badges::ob05_assertion("ann@example.org", None, "Only In Group Two", GONE)),
        ),
        displayed(None, Some(d7)),
    ]});
    sb.write("displayer/group/2.json", group2.to_string());
    let group3 = json!({"userId": 7, "groupId": 3, "badges": [
        displayed(Some(&format!("{GONE}/assertions/m1")), None)
    ]});
    sb.write("displayer/group/3.json", group3.to_string());
    sb.path("displayer").display().to_string()
}

fn collections(sb: &Sandbox) -> Vec<Value> {
    sb.json(&["collection", "list"])
        .0
        .as_array()
        .unwrap()
        .clone()
}

fn collection<'a>(list: &'a [Value], name: &str) -> &'a Value {
    list.iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no collection {name}: {list:?}"))
}

#[test]
fn displayer_answers_rebuild_public_collections_matched_by_hosted_address() {
    let sb = Sandbox::new();
    let earlier = sb.write(
        "downloads/renamed-by-the-learner.png",
        png(&format!("{GONE}/assertions/b1"), 20),
    );
    let earlier_id = sb.import(&[&earlier])[0]["badge_id"].as_i64().unwrap();
    let mine = sb.json(&["collection", "new", "Mine"]).0["id"]
        .as_i64()
        .unwrap();
    let folder = displayer_folder(&sb);

    let (r, code) = migrate(&sb, &folder, false);
    assert_eq!(code, 1, "three entries could not be used: {r:#}");
    assert_eq!(r["shape"], "displayer");
    // d7, o5 and m1 are new; b1 is the badge imported earlier, and d7 sits in two groups.
    assert_eq!(r["badges_imported"], 3, "{r:#}");
    assert_eq!(r["duplicates"], 2, "{r:#}");
    assert_eq!(sb.list().len(), 4, "b1 is not imported twice");
    assert_eq!(r["collections_created"], json!(["Web Skills", "Old Stuff"]));
    assert_eq!(r["collections_existing"], json!([]));

    let failures = r["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 3, "{r:#}");
    let sneaky = failure(&r, "groups.json#group 3");
    assert!(
        text(sneaky, "message").contains(r#"the id "../../etc", which is not letters and digits"#)
    );
    assert!(text(sneaky, "advice").contains("satchel collection new"));
    let no_id = failure(&r, "groups.json#group 4");
    assert!(text(no_id, "message").contains(r#"group 4 ("No Id") without a "groupId""#));
    let empty = failure(&r, "group/1.json#badge 1");
    assert!(text(empty, "message").contains(r#"neither an "assertion" nor a "hostedUrl""#));
    assert!(text(empty, "advice").contains("satchel import"));
    assert!(!sb.path("etc").exists());

    // The learner's own "Mine" is left as it was, and the report says how to fill it.
    let untouched = r["collections_untouched"].as_array().unwrap();
    assert_eq!(untouched.len(), 1, "{r:#}");
    assert_eq!(untouched[0]["name"], "Mine");
    assert_eq!(untouched[0]["collection_id"], mine);
    let m1 = untouched[0]["badge_ids"][0].as_i64().unwrap();
    assert!(
        text(&untouched[0], "advice").contains(&format!("satchel collection add {mine} {m1}")),
        "{r:#}"
    );

    let list = collections(&sb);
    assert_eq!(list.len(), 3);
    let own = collection(&list, "Mine");
    assert_eq!(
        (own["public"].clone(), own["badge_count"].clone()),
        (json!(false), json!(0))
    );
    for (name, count) in [("Web Skills", 2), ("Old Stuff", 2)] {
        let c = collection(&list, name);
        assert_eq!(c["public"], true, "{c}");
        assert_eq!(c["badge_count"], count, "{c}");
    }
    let id_of = |name: &str| collection(&list, name)["id"].to_string();
    let members = |name: &str| -> Vec<i64> {
        sb.json(&["collection", "show", &id_of(name)]).0["badges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["id"].as_i64().unwrap())
            .collect()
    };
    let web = members("Web Skills");
    assert_eq!(
        web[0], earlier_id,
        "matched by hostedUrl, not imported again"
    );
    let old = members("Old Stuff");
    assert_eq!(old[1], web[1], "the same 1.0 badge, matched by verify.url");

    // New Mozilla-era badges whose issuers are gone are kept and marked.
    assert_eq!(r["unreachable"].as_array().unwrap().len(), 3, "{r:#}");
    assert!(text(unreachable(&r, "group/1.json#badge 3"), "reason").contains("old-issuer.invalid"));
    assert!(text(unreachable(&r, "group/3.json#badge 1"), "reason").contains("old-issuer.invalid"));
    // The 0.5 badge names no address of its own: it is checked at the
    // `hostedUrl` the Displayer answer gave.
    assert!(text(unreachable(&r, "group/2.json#badge 1"), "reason").contains("old-issuer.invalid"));

    // A 0.5 badge the backpack kept is known by its hosted address from now on.
    let o5 = sb.import(&[&format!("{GONE}/assertions/o5")]);
    assert_eq!(o5[0]["status"], "duplicate", "{o5:?}");
    assert_eq!(o5[0]["badge_id"], old[0]);

    // Running it again changes nothing.
    let badges_before = sb.list();
    let (again, _) = migrate(&sb, &folder, false);
    assert_eq!(again["badges_imported"], 0, "{again:#}");
    assert_eq!(again["duplicates"], 5, "{again:#}");
    assert_eq!(again["collections_created"], json!([]));
    assert_eq!(
        again["collections_existing"],
        json!(["Web Skills", "Old Stuff"])
    );
    assert_eq!(again["unreachable"], json!([]));
    assert_eq!(sb.list(), badges_before);
    assert_eq!(collections(&sb), list);
}

#[test]
fn a_group_whose_file_is_missing_says_its_collection_did_not_come_over() {
    let sb = Sandbox::new();
    let groups = json!({"userId": 7, "groups": [{"groupId": 9, "name": "Lost", "badges": 2}]});
    sb.write("displayer/groups.json", groups.to_string());
    let folder = sb.path("displayer").display().to_string();

    let (r, code) = migrate(&sb, &folder, false);
    assert_eq!(code, 1, "{r:#}");
    assert_eq!(r["collections_created"], json!([]), "{r:#}");
    let lost = failure(&r, "group/9.json");
    assert_eq!(lost["code"], "not_found");
    assert!(
        text(lost, "message")
            .contains(r#"the group "Lost" (id 9), but group/9.json is not beside it"#),
        "{lost}"
    );
    assert!(
        text(lost, "advice").contains("/displayer/<userId>/group/9.json into the group folder"),
        "{lost}"
    );
}

#[test]
fn the_text_report_names_collections_and_what_to_do() {
    let sb = Sandbox::new();
    sb.json(&["collection", "new", "Mine"]);
    let folder = displayer_folder(&sb);
    let out = sb.run_with(&["migrate", "mozilla", &folder], false);
    let printed = crate::util::stdout(&out);
    assert!(
        printed.contains("collections created: Web Skills, Old Stuff"),
        "{printed}"
    );
    assert!(
        printed.contains(r#"collection "Mine" left as it is"#),
        "{printed}"
    );
    assert!(printed.contains("3 files did not come over"), "{printed}");
    assert!(
        printed.contains("badges kept whose issuers could not be reached"),
        "{printed}"
    );
}

#[test]
fn a_mozilla_export_given_to_import_is_migrated_with_the_same_report() {
    let by_migrate = Sandbox::new();
    let export = shutdown_export(&by_migrate);
    let (expected, expected_code) = migrate(&by_migrate, &export, true);

    let by_import = Sandbox::new();
    let args = ["import", export.as_str(), "--add-identities", "--json"];
    let out = by_import.run_with(&args, false);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {out:?}"));
    assert_eq!(out.status.code(), Some(expected_code), "{v:#}");
    let migrations = v["migrations"].as_array().expect("a migration report");
    assert_eq!(migrations.len(), 1, "{v:#}");
    assert_eq!(
        migrations[0], expected,
        "the same report as `migrate mozilla`"
    );
    // Every badge that came over has its result too, as any import gives.
    let imported = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "imported")
        .count();
    assert_eq!(json!(imported), expected["badges_imported"], "{v:#}");
    let listed = by_import.json(&["list"]).0;
    assert_eq!(
        json!(listed.as_array().unwrap().len()),
        expected["badges_imported"]
    );
}
