//! Importing badges: every payload kind, hosted badges from a loopback issuer,
//! folders, ZIPs, duplicates, and badges whose issuer cannot be reached.

use std::io::Write;

use serde_json::Value;

use crate::server::{Issuer, Route};
use crate::util::{Sandbox, hosted_issuer, stdout, third_party};
use crate::{badges, images};
use satchel::bake::{BakeSlot, bake};

fn baked_png(text: &str, hue: u8) -> Vec<u8> {
    bake(&images::badge_png(32, hue), text, BakeSlot::Assertion).unwrap()
}

#[test]
fn an_embedded_ob2_badge_is_imported_with_every_field_and_its_original_bytes() {
    let sb = Sandbox::new();
    let text = badges::embedded_assertion(
        "https://b.example/a/1",
        "Knot Tying",
        "Sea Scouts",
        "ann@example.org",
    )
    .to_string();
    let bytes = baked_png(&text, 10);
    let file = sb.write("knot.png", &bytes);

    let results = sb.import(&[&file]);
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["status"], "imported", "{results:?}");
    assert_eq!(results[0]["path"], file.as_str());
    let id = results[0]["badge_id"].as_i64().unwrap();

    let list = sb.list();
    assert_eq!(list.len(), 1);
    let b = &list[0];
    assert_eq!(b["id"], id);
    assert_eq!(b["name"], "Knot Tying");
    assert_eq!(b["issuer_name"], "Sea Scouts");
    assert_eq!(b["issued_on"], "2024-05-02T09:00:00Z");
    assert_eq!(b["recipient"], "ann@example.org");
    assert_eq!(b["ob_version"], "2.0");
    assert_eq!(b["hosted_url"], "https://b.example/a/1");
    assert!(b["expires"].is_null());

    let (shown, code) = sb.json(&["show", &id.to_string()]);
    assert_eq!(code, 0);
    assert_eq!(shown["raw_text"], text.as_str());
    assert_eq!(shown["media_type"], "image/png");
    assert_eq!(shown["credential"]["criteria_text"], "Do the work.");

    let wallet = satchel::wallet::Wallet::open(&sb.wallet).unwrap();
    assert_eq!(
        wallet.badge(id).unwrap().original,
        bytes,
        "original kept byte for byte"
    );
}

#[test]
fn importing_the_same_badge_twice_reports_a_duplicate_and_changes_nothing() {
    let sb = Sandbox::new();
    let text = badges::embedded_assertion(
        "https://b.example/a/2",
        "Knot Tying",
        "Sea Scouts",
        "ann@example.org",
    );
    let png = sb.write("one.png", baked_png(&text.to_string(), 10));
    // The same assertion re-formatted and baked into another picture is the same badge.
    let svg_bytes = bake(
        &images::badge_svg(3),
        &serde_json::to_string_pretty(&text).unwrap(),
        BakeSlot::Assertion,
    )
    .unwrap();
    let svg = sb.write("two.svg", svg_bytes);

    let first = sb.import(&[&png]);
    assert_eq!(first[0]["status"], "imported");
    let before = sb.list();
    let again = sb.import(&[&png, &svg]);
    for r in &again {
        assert_eq!(r["status"], "duplicate", "{r}");
        assert_eq!(r["badge_id"], first[0]["badge_id"]);
        assert_eq!(r["error"]["code"], "duplicate");
    }
    assert_eq!(sb.list(), before);
}

#[test]
fn an_ob3_credential_re_baked_into_another_picture_is_still_a_duplicate() {
    let sb = Sandbox::new();
    let credential = badges::ob3_credential(
        "urn:uuid:7f1c2a52-0d3e-4f43-9a7e-2b51f1f0c001",
        "Rope Work",
        "Sea Scouts",
        "ann@example.org",
    );
    let first_bytes = baked_png(&credential.to_string(), 10);
    let first = sb.import(&[&sb.write("first.png", &first_bytes)]);
    assert_eq!(first[0]["status"], "imported", "{first:?}");
    let id = first[0]["badge_id"].clone();
    let before = sb.list();

    // Another picture, and the JSON laid out differently: the same credential.
    let pretty = serde_json::to_string_pretty(&credential).unwrap();
    let second_bytes = baked_png(&pretty, 200);
    assert_ne!(second_bytes, first_bytes);
    let again = sb.import(&[&sb.write("second.png", &second_bytes)]);
    assert_eq!(again[0]["status"], "duplicate", "{again:?}");
    assert_eq!(again[0]["badge_id"], id);
    assert!(again[0].get("same_id_as").is_none(), "{again:?}");
    assert_eq!(sb.list(), before);
    let wallet = satchel::wallet::Wallet::open(&sb.wallet).unwrap();
    let kept = wallet.badge(id.as_i64().unwrap()).unwrap().original;
    assert_eq!(kept, first_bytes, "the first copy is kept as it came");
}

#[test]
fn a_changed_credential_with_the_same_id_is_kept_beside_the_first_and_said_so() {
    let sb = Sandbox::new();
    let id = "urn:uuid:7f1c2a52-0d3e-4f43-9a7e-2b51f1f0c002";
    let original = badges::ob3_credential(id, "Rope Work", "Sea Scouts", "ann@example.org");
    let mut renamed = original.clone();
    renamed["credentialSubject"]["achievement"]["name"] = "Advanced Rope Work".into();
    let mut re_signed = original.clone();
    re_signed["proof"]["proofValue"] = "z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk".into();
    let mut other_recipient = original.clone();
    other_recipient["credentialSubject"]["identifier"][0]["identityHash"] =
        "bob@example.org".into();

    let first = sb.import(&[&sb.write("original.png", baked_png(&original.to_string(), 10))]);
    let first_id = first[0]["badge_id"].as_i64().unwrap();
    let renamed_png = sb.write("renamed.png", baked_png(&renamed.to_string(), 60));
    let re_signed_json = sb.write("re-signed.json", re_signed.to_string());
    let results = sb.import(&[&renamed_png, &re_signed_json]);
    let mut kept = vec![first_id];
    for r in &results {
        assert_eq!(r["status"], "imported", "{r}");
        assert_eq!(r["same_id_as"], first_id, "{r}");
        let warning = r["warnings"][0].as_str().unwrap();
        assert!(
            warning.contains(&format!(
                "the same id as badge {first_id} but different content"
            )) && warning.contains("both are kept"),
            "{warning}"
        );
        kept.push(r["badge_id"].as_i64().unwrap());
    }
    kept.dedup();
    assert_eq!(kept.len(), 3, "three badges: {kept:?}");
    let names: Vec<Value> = sb.list().iter().map(|b| b["name"].clone()).collect();
    assert_eq!(names, ["Rope Work", "Advanced Rope Work", "Rope Work"]);

    // The changed one again, in another picture: a duplicate of its own copy.
    let again = sb.import(&[&sb.write("renamed-again.png", baked_png(&renamed.to_string(), 99))]);
    assert_eq!(again[0]["status"], "duplicate", "{again:?}");
    assert_eq!(again[0]["badge_id"], kept[1]);

    // The human report says it in a note.
    let file = sb.write("bob.json", other_recipient.to_string());
    let out = sb.run(&["import", &file]);
    assert!(out.status.success());
    assert!(
        stdout(&out).contains(&format!("note: it has the same id as badge {first_id}")),
        "{}",
        stdout(&out)
    );
    assert_eq!(sb.list().len(), 4);

    // A restore does the same: into a wallet whose copy differs, every
    // other copy is kept beside it, and the identical one is a duplicate.
    let zip = sb.path("backup.zip").display().to_string();
    assert!(sb.run(&["export", &zip]).status.success());
    let other = Sandbox::new();
    let mine = other.import(&[&other.write("bob.json", other_recipient.to_string())]);
    let mine = mine[0]["badge_id"].as_i64().unwrap();
    let restored = other.import(&[&zip]);
    let statuses: Vec<(Value, Value)> = restored
        .iter()
        .map(|r| (r["status"].clone(), r["same_id_as"].clone()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("imported".into(), mine.into()),
            ("imported".into(), mine.into()),
            ("imported".into(), mine.into()),
            ("duplicate".into(), Value::Null),
        ]
    );
    assert_eq!(other.list().len(), 4);
}

#[test]
fn a_hosted_badge_is_understood_by_fetching_assertion_badgeclass_and_issuer() {
    let issuer = hosted_issuer(1, "ann@example.org");
    let sb = Sandbox::new();
    let file = sb.write(
        "hosted.png",
        baked_png(&issuer.url("/assertions/0.json"), 50),
    );

    let results = sb.import(&[&file]);
    assert_eq!(results[0]["status"], "imported", "{results:?}");
    assert!(results[0].get("awaiting_details").is_none());
    let list = sb.list();
    assert_eq!(list[0]["name"], "Rust Basics");
    assert_eq!(list[0]["issuer_name"], "Loopback Academy");
    assert_eq!(list[0]["hosted_url"], issuer.url("/assertions/0.json"));
    assert_eq!(issuer.hits("/issuer.json"), 1);

    let id = list[0]["id"].to_string();
    let (shown, _) = sb.json(&["show", &id]);
    let fetched = shown["fetched"]
        .as_object()
        .expect("fetched documents kept");
    assert_eq!(
        fetched.len(),
        3,
        "assertion, BadgeClass and issuer kept verbatim"
    );
}

#[test]
fn a_pasted_assertion_url_is_imported() {
    let issuer = hosted_issuer(1, "ann@example.org");
    let sb = Sandbox::new();
    let results = sb.import(&[&issuer.url("/assertions/0.json")]);
    assert_eq!(results[0]["status"], "imported", "{results:?}");
    assert_eq!(sb.list()[0]["name"], "Rust Basics");
}

#[test]
fn a_badge_whose_issuer_is_down_is_kept_and_filled_in_later() {
    let issuer = Issuer::start();
    let url = issuer.url("/assertions/7.json");
    issuer.route("/assertions/7.json", Route::Status(503));
    let sb = Sandbox::new();
    let bytes = baked_png(&url, 90);
    let file = sb.write("later.png", &bytes);

    let results = sb.import(&[&file]);
    assert_eq!(results[0]["status"], "imported");
    let why = results[0]["awaiting_details"].as_str().expect("awaiting");
    assert!(why.contains("503"), "{why}");
    let list = sb.list();
    assert_eq!(list[0]["details"], "awaiting");
    assert_eq!(list[0]["hosted_url"], url.as_str());
    assert!(list[0]["name"].is_null());

    let (refreshed, code) = sb.json(&["refresh"]);
    assert_eq!(code, 1, "still waiting is not success");
    assert_eq!(refreshed["results"][0]["complete"], false);

    crate::util::serve_hosted(&issuer, "Back Online", [7], "ann@example.org");
    let (refreshed, code) = sb.json(&["refresh"]);
    assert_eq!(code, 0, "{refreshed}");
    assert_eq!(refreshed["results"][0]["complete"], true);
    let list = sb.list();
    assert_eq!(list[0]["details"], "complete");
    assert_eq!(list[0]["issuer_name"], "Back Online");
    let wallet = satchel::wallet::Wallet::open(&sb.wallet).unwrap();
    assert_eq!(
        wallet
            .badge(list[0]["id"].as_i64().unwrap())
            .unwrap()
            .original,
        bytes
    );
}

#[test]
fn loopback_issuers_are_refused_unless_allowed_and_the_badge_is_kept() {
    let issuer = hosted_issuer(1, "ann@example.org");
    let sb = Sandbox::new();
    let file = sb.write(
        "probe.png",
        baked_png(&issuer.url("/assertions/0.json"), 50),
    );
    let out = sb.run_with(&["import", "--json", &file], false);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let why = v["results"][0]["awaiting_details"]
        .as_str()
        .expect("kept, awaiting");
    assert!(why.contains("--allow-private-network"), "{why}");
    assert_eq!(
        issuer.hits("/assertions/0.json"),
        0,
        "no request reached the private address"
    );
}

#[test]
fn folders_are_walked_and_zips_read_entry_by_entry() {
    let sb = Sandbox::new();
    let mk = |n: usize| {
        let id = format!("https://b.example/a/f{n}");
        baked_png(
            &badges::embedded_assertion(&id, &format!("Badge {n}"), "Folder U", "ann@example.org")
                .to_string(),
            n as u8,
        )
    };
    sb.write("in/a.png", mk(1));
    sb.write("in/deeper/b.png", mk(2));
    sb.write("in/notes.md", "not a badge, not looked at");
    sb.write("in/.hidden.png", mk(9));
    let ob3 = badges::ob3_credential("urn:uuid:1", "Three", "Issuer Three", "ann@example.org")
        .to_string();
    sb.write("in/three.json", &ob3);

    let zip_path = sb.path("pack.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("x/c.png", opts).unwrap();
    zip.write_all(&mk(3)).unwrap();
    zip.start_file("readme.txt", opts).unwrap();
    zip.write_all(b"hello").unwrap();
    zip.start_file("__MACOSX/._c.png", opts).unwrap();
    zip.write_all(b"junk").unwrap();
    zip.finish().unwrap();

    let results = sb.import(&[sb.path("in").to_str().unwrap(), zip_path.to_str().unwrap()]);
    let by_path = |suffix: &str| {
        results
            .iter()
            .find(|r| r["path"].as_str().unwrap().ends_with(suffix))
            .unwrap_or_else(|| panic!("{suffix} in {results:?}"))
    };
    assert_eq!(results.len(), 5, "{results:?}");
    assert_eq!(by_path("a.png")["status"], "imported");
    assert_eq!(by_path("deeper/b.png")["status"], "imported");
    assert_eq!(by_path("three.json")["status"], "imported");
    assert_eq!(by_path("pack.zip!/x/c.png")["status"], "imported");
    let readme = by_path("pack.zip!/readme.txt");
    assert_eq!(readme["status"], "error");
    assert_eq!(readme["error"]["code"], "malformed_credential");
    let names: Vec<_> = sb
        .list()
        .iter()
        .map(|b| b["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names.len(), 4);
    assert!(names.contains(&"Three".to_owned()));
}

#[test]
fn a_link_inside_a_folder_that_leads_back_up_is_named_and_not_followed() {
    let sb = Sandbox::new();
    let text =
        badges::embedded_assertion("https://b.example/a/9", "Loops", "Guild", "ann@example.org")
            .to_string();
    let folder = sb.path("badges");
    sb.write("badges/one.png", baked_png(&text, 9));
    std::os::unix::fs::symlink(&folder, folder.join("again")).unwrap();
    std::os::unix::fs::symlink("..", folder.join("up")).unwrap();
    let out = sb.run(&["import", folder.to_str().unwrap(), "--json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the links are reported as not imported"
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = v["results"].as_array().unwrap();
    let imported = results.iter().filter(|r| r["status"] == "imported").count();
    assert_eq!(imported, 1, "the badge once, not once per loop: {v:#}");
    for link in ["again", "up"] {
        let r = results
            .iter()
            .find(|r| r["path"].as_str().unwrap().ends_with(link))
            .unwrap_or_else(|| panic!("no result for {link}: {v:#}"));
        assert_eq!(r["error"]["code"], "unsupported");
        assert!(
            r["error"]["message"]
                .as_str()
                .unwrap()
                .contains("is a link to a folder")
        );
    }
    // The learner may still name a linked folder itself.
    let named = sb.path("named-link");
    std::os::unix::fs::symlink(&folder, &named).unwrap();
    let again = sb.import(&[named.to_str().unwrap()]);
    assert!(
        again.iter().any(|r| r["status"] == "duplicate"),
        "{again:?}"
    );
}

#[test]
fn identities_can_be_added_listed_and_removed() {
    let sb = Sandbox::new();
    for v in [
        "ann@example.org",
        "https://ann.example.org/",
        "tel:+1 555 0100",
    ] {
        let out = sb.run(&["identity", "add", v]);
        assert!(out.status.success(), "{v}: {out:?}");
    }
    assert!(
        sb.run(&["identity", "add", "ANN@example.org"])
            .status
            .success(),
        "case variant is the same identity"
    );
    let (ids, _) = sb.json(&["identity", "list"]);
    let ids = ids.as_array().unwrap();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert_eq!(ids[2]["kind"], "telephone");
    assert_eq!(ids[2]["value"], "+15550100");
    let bad = sb.run(&["identity", "add", "not an identity"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(crate::util::stderr(&bad).contains("not an email address"));
    assert!(
        sb.run(&["identity", "remove", "ann@example.org"])
            .status
            .success()
    );
    assert_eq!(
        sb.json(&["identity", "list"]).0.as_array().unwrap().len(),
        2
    );
}

#[test]
fn inspect_reads_a_file_without_touching_the_wallet() {
    let sb = Sandbox::new();
    let text = badges::ob3_credential("urn:uuid:2", "Three", "Issuer Three", "ann@example.org")
        .to_string();
    let file = sb.write(
        "three.png",
        bake(&images::badge_png(16, 1), &text, BakeSlot::Credential).unwrap(),
    );
    let (v, code) = sb.json(&["inspect", &file]);
    assert_eq!(code, 0);
    assert_eq!(v["media_type"], "image/png");
    assert_eq!(v["baked"]["slot"], "credential");
    assert_eq!(v["payload"], "json");
    assert_eq!(v["credential"]["ob_version"], "3.0");
    assert_eq!(v["credential"]["name"], "Three");
    assert!(!sb.wallet.exists(), "inspect opens no wallet");

    // Text named as an image is told as import tells it.
    let fake = sb.write("fake.png", text.into_bytes());
    let out = sb.run(&["inspect", &fake]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        crate::util::stderr(&out).contains("fake.png is not a PNG image"),
        "{}",
        crate::util::stderr(&out)
    );
}

#[test]
fn the_bake_command_writes_a_badge_that_imports() {
    let sb = Sandbox::new();
    let picture = sb.write("plain.png", images::badge_png(24, 5));
    let text = badges::embedded_assertion(
        "https://b.example/a/cli",
        "Baked By CLI",
        "Me",
        "ann@example.org",
    )
    .to_string();
    let cred = sb.write("cred.json", &text);
    let out_path = sb.path("baked.png");
    let out = sb.run(&["bake", &picture, &cred, "-o", out_path.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    let results = sb.import(&[out_path.to_str().unwrap()]);
    assert_eq!(results[0]["status"], "imported");
    assert_eq!(sb.list()[0]["name"], "Baked By CLI");
    assert!(stdout(&out).contains("baked"));
}

#[test]
fn third_party_baked_badges_import_and_wait_for_their_offline_issuers() {
    let Some(dir) = third_party() else { return };
    let sb = Sandbox::new();
    let files = [
        "concentricsky__openbadges-bakery/openbadges_bakery/testfiles/baked_heart.png",
        "1EdTech__digital-credentials-public-validator/inspector-vc/src/test/resources/ob20/simple-badge.png",
        "mozilla__openbadges-bakery/test/no-json.svg",
    ];
    let paths: Vec<String> = files
        .iter()
        .map(|f| dir.join(f).display().to_string())
        .collect();
    let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
    // No loopback allowed and no internet here: what the files point at is unreachable.
    let out = sb.run_with(&[&["import", "--json"], refs.as_slice()].concat(), false);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    for r in results {
        assert_eq!(r["status"], "imported", "{r}");
    }
    let unplain = sb.write(
        "unbaked.png",
        std::fs::read(dir.join("mozilla__openbadges-bakery/test/unbaked.png")).unwrap(),
    );
    let r = &sb.import(&[&unplain])[0];
    assert_eq!(r["error"]["code"], "not_baked", "{r}");
}

#[test]
fn an_issuer_address_that_answers_with_a_web_page_keeps_the_badge_awaiting() {
    let issuer = Issuer::start();
    issuer.route(
        "/assertions/1.json",
        Route::Body(
            "text/html; charset=utf-8",
            b"<!DOCTYPE html><html><body>Our new website!</body></html>".to_vec(),
        ),
    );
    issuer.route(
        "/assertions/2.json",
        Route::Json("{\"broken\": ".to_owned()),
    );
    let sb = Sandbox::new();
    let page = sb.write("page.png", baked_png(&issuer.url("/assertions/1.json"), 20));
    let broken = sb.write(
        "broken.png",
        baked_png(&issuer.url("/assertions/2.json"), 30),
    );
    let results = sb.import(&[&page, &broken]);
    for r in &results {
        assert_eq!(r["status"], "imported", "{r}");
        let why = r["awaiting_details"].as_str().expect("kept, awaiting");
        assert!(
            why.contains("answered with something that is not a badge"),
            "{why}"
        );
        assert!(why.contains("satchel refresh"), "{why}");
    }
    let list = sb.list();
    assert_eq!(list.len(), 2);
    for b in &list {
        assert_eq!(b["details"], "awaiting");
        let (shown, _) = sb.json(&["show", &b["id"].to_string()]);
        assert!(
            shown["fetched"].is_null(),
            "the web page is not kept: {shown}"
        );
    }

    // Once the issuer serves the badge, refresh fills it in.
    crate::util::serve_hosted(&issuer, "Back Again", [1], "ann@example.org");
    let (refreshed, _) = sb.json(&["refresh"]);
    let complete: Vec<bool> = refreshed["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["complete"].as_bool().unwrap())
        .collect();
    assert_eq!(complete.iter().filter(|c| **c).count(), 1, "{refreshed}");
}

#[test]
fn the_human_output_names_each_failed_file_and_says_what_to_do() {
    let sb = Sandbox::new();
    let picture = sb.write("picture.png", images::badge_png(8, 4));
    let notes = sb.write("notes.json", "these are my notes");
    let missing = sb.path("missing.png").display().to_string();
    let out = sb.run(&["import", &picture, &notes, &missing]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let line = |file: &str| -> String {
        text.lines()
            .find(|l| l.starts_with("error") && l.contains(file))
            .unwrap_or_else(|| panic!("a line for {file}: {text}"))
            .to_owned()
    };
    let l = line(&picture);
    assert!(
        l.contains("[not_baked]") && l.contains("import the badge file the issuer sent"),
        "{l}"
    );
    assert_eq!(l.matches(picture.as_str()).count(), 1, "named once: {l}");
    let l = line(&notes);
    assert!(
        l.contains("[malformed_credential]")
            && l.contains("check that this file is the badge itself"),
        "{l}"
    );
    let l = line(&missing);
    assert!(
        l.contains("[io]") && l.contains("does not exist") && l.contains("check the name and path"),
        "{l}"
    );
}
