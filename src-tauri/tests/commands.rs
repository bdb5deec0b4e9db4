//! The window's commands, tested without a display on Tauri's mock runtime
//! against real wallets in temporary directories.

use satchel_test_support::backpacks as fake_backpacks;
use satchel_test_support::desktop as support;

use std::path::Path;
use std::sync::{Arc, Mutex};

use satchel::backpack::Secrets;
use satchel::http::HttpPolicy;
use satchel_desktop::commands::{IMPORT_PROGRESS, VERIFY_PROGRESS};
use satchel_desktop::{Desktop, app};
use serde_json::{Value, json};
use support::badges as issuer_docs;
use support::loopback_issuer;
use support::server::Route;
use tauri::test::{
    INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder, mock_context, noop_assets,
};
use tauri::{App, Listener, Manager, WebviewWindow};

struct Window {
    _app: App<MockRuntime>,
    webview: WebviewWindow<MockRuntime>,
    progress: Arc<Mutex<Vec<Value>>>,
    verify_progress: Arc<Mutex<Vec<Value>>>,
    _dir: tempfile::TempDir,
}

impl Window {
    fn open() -> Window {
        Window::with_policy(HttpPolicy::default())
    }

    /// A window that may fetch from loopback issuers.
    fn loopback() -> Window {
        Window::with_policy(HttpPolicy::with_private(true))
    }

    fn with_policy(policy: HttpPolicy) -> Window {
        // Backpack sign-ins go to the keyring's in-memory store here; the
        // core's tests cover a real Secret Service.
        Window::build(policy, Some(Secrets::mock()))
    }

    /// A loopback window whose backpack sign-ins go where the real window's
    /// go: the desktop's Secret Service, if one answers.
    fn desktop_keyring() -> Window {
        Window::build(HttpPolicy::with_private(true), None)
    }

    fn build(policy: HttpPolicy, secrets: Option<Secrets>) -> Window {
        let dir = tempfile::tempdir().unwrap();
        let desktop =
            Desktop::open(&dir.path().join("wallet.sqlite3"), policy).expect("open wallet");
        let desktop = match secrets {
            Some(secrets) => desktop.with_secrets(secrets),
            None => desktop,
        };
        let app = app(mock_builder(), desktop)
            .build(mock_context(noop_assets()))
            .expect("build app");
        let progress = Arc::new(Mutex::new(Vec::new()));
        let seen = progress.clone();
        app.listen_any(IMPORT_PROGRESS, move |e| {
            seen.lock()
                .unwrap()
                .push(serde_json::from_str(e.payload()).unwrap());
        });
        let verify_progress = Arc::new(Mutex::new(Vec::new()));
        let seen = verify_progress.clone();
        app.listen_any(VERIFY_PROGRESS, move |e| {
            seen.lock()
                .unwrap()
                .push(serde_json::from_str(e.payload()).unwrap());
        });
        let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("mock window");
        Window {
            _app: app,
            webview,
            progress,
            verify_progress,
            _dir: dir,
        }
    }

    /// Invokes `cmd` as the UI does; `Err` holds the `{code, message}` body.
    fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let request = tauri::webview::InvokeRequest {
            cmd: cmd.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: tauri::ipc::InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        get_ipc_response(&self.webview, request).map(|b| b.deserialize::<Value>().unwrap())
    }
}

fn samples_dir() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../assets/samples")
        .display()
        .to_string()
}

#[test]
fn a_new_wallet_is_empty() {
    let w = Window::open();
    assert_eq!(w.invoke("list_badges", json!({})).unwrap(), json!([]));
    let info = w.invoke("wallet_info", json!({})).unwrap();
    assert_eq!(info["badges"], 0);
    assert!(info["path"].as_str().unwrap().ends_with("wallet.sqlite3"));
    assert_eq!(info["allow_private_network"], false);
}

#[test]
fn importing_a_folder_reports_each_item_and_progress() {
    let w = Window::open();
    let results = w
        .invoke("import_paths", json!({ "paths": [samples_dir()] }))
        .unwrap();
    let results = results.as_array().unwrap();
    assert_eq!(results.len(), 5);
    assert!(
        results.iter().all(|r| r["status"] == "imported"),
        "{results:?}"
    );
    let progress = w.progress.lock().unwrap().clone();
    assert_eq!(progress.last(), Some(&json!({"done": 5, "total": 5})));

    let list = w.invoke("list_badges", json!({})).unwrap();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Map Reading"), "{names:?}");

    let again = w
        .invoke("import_paths", json!({ "paths": [samples_dir()] }))
        .unwrap();
    assert!(
        again
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] == "duplicate")
    );
    assert_eq!(again[0]["error"]["code"], "duplicate");
}

#[test]
fn fixtures_import_with_reasons_for_what_failed() {
    let w = Window::open();
    let dir = tempfile::tempdir().unwrap();
    let paths = support::write_fixtures(dir.path());
    let results = w.invoke("import_paths", json!({ "paths": paths })).unwrap();
    let status = |file: &str| {
        let r = results
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["path"].as_str().unwrap().ends_with(file));
        r.unwrap()["status"].as_str().unwrap().to_owned()
    };
    assert_eq!(status("hostile.png"), "imported");
    assert_eq!(status("good-0-copy.png"), "duplicate");
    assert_eq!(status("notes.txt"), "error");
    let failed = results
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["status"] == "error")
        .unwrap();
    assert_eq!(failed["error"]["code"], "malformed_credential");
}

#[test]
fn the_detail_keeps_hostile_text_verbatim() {
    let w = Window::open();
    let dir = tempfile::tempdir().unwrap();
    let paths = support::write_fixtures(dir.path());
    w.invoke("import_paths", json!({ "paths": paths })).unwrap();
    let list = w.invoke("list_badges", json!({})).unwrap();
    let hostile = list
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == support::HOSTILE_NAME);
    let id = hostile.expect("hostile badge listed")["id"].clone();
    let badge = w.invoke("badge_detail", json!({ "id": id })).unwrap();
    assert_eq!(badge["credential"]["description"], support::HOSTILE_NAME);
    assert_eq!(badge["media_type"], "image/png");
    assert!(badge["raw_text"].as_str().unwrap().contains("onerror"));
}

#[test]
fn the_detail_says_whom_a_badge_was_issued_to_once_there_are_identities() {
    let w = Window::open();
    let dir = tempfile::tempdir().unwrap();
    let paths = support::write_fixtures(dir.path());
    w.invoke("import_paths", json!({ "paths": paths })).unwrap();
    let list = w.invoke("list_badges", json!({})).unwrap();
    let id = list[0]["id"].clone();
    let before = w.invoke("badge_detail", json!({ "id": id })).unwrap();
    assert_eq!(before["issued_to"]["kind"], "not_compared", "{before}");
    w.invoke("add_identity", json!({ "value": support::LEARNER }))
        .unwrap();
    let after = w.invoke("badge_detail", json!({ "id": id })).unwrap();
    assert_eq!(after["issued_to"]["kind"], "you");
    assert_eq!(
        after["issued_to_sentence"],
        format!("Issued to you ({}).", support::LEARNER)
    );
}

#[test]
fn an_unknown_badge_is_a_not_found_error() {
    let w = Window::open();
    let err = w.invoke("badge_detail", json!({ "id": 4242 })).unwrap_err();
    assert_eq!(err["code"], "not_found");
    assert!(err["message"].as_str().unwrap().contains("4242"), "{err}");
    assert_eq!(
        err.as_object().unwrap().len(),
        2,
        "only code and message: {err}"
    );
}

#[test]
fn pasted_text_that_is_no_badge_is_reported_not_thrown() {
    let w = Window::open();
    let result = w
        .invoke("import_text", json!({ "text": "{\"hello\": 1}" }))
        .unwrap();
    assert_eq!(result["status"], "error");
    assert_eq!(result["path"], "pasted");
    assert_eq!(result["error"]["code"], "malformed_credential");
}

#[test]
fn identities_are_added_listed_and_removed() {
    let w = Window::open();
    let err = w
        .invoke("add_identity", json!({ "value": "not an identity" }))
        .unwrap_err();
    assert_eq!(err["code"], "invalid_input");
    let added = w
        .invoke("add_identity", json!({ "value": support::LEARNER }))
        .unwrap();
    assert_eq!(added["kind"], "email");
    let list = w.invoke("list_identities", json!({})).unwrap();
    assert_eq!(list[0]["value"], support::LEARNER);
    w.invoke("remove_identity", json!({ "value": support::LEARNER }))
        .unwrap();
    let err = w
        .invoke("remove_identity", json!({ "value": support::LEARNER }))
        .unwrap_err();
    assert_eq!(err["code"], "not_found");
}

/// Imports the fixtures and returns the ids of the badges named `names`.
fn import_fixtures(w: &Window, names: &[&str]) -> Vec<i64> {
    let dir = tempfile::tempdir().unwrap();
    let paths = support::write_fixtures(dir.path());
    w.invoke("import_paths", json!({ "paths": paths })).unwrap();
    let list = w.invoke("list_badges", json!({})).unwrap();
    names
        .iter()
        .map(|name| {
            list.as_array()
                .unwrap()
                .iter()
                .find(|b| b["name"] == *name)
                .unwrap_or_else(|| panic!("{name} listed"))["id"]
                .as_i64()
                .unwrap()
        })
        .collect()
}

#[test]
fn collections_are_created_filled_reordered_published_and_deleted() {
    let w = Window::open();
    let ids = import_fixtures(&w, &support::GOOD_NAMES);
    let err = w
        .invoke("create_collection", json!({ "name": "   " }))
        .unwrap_err();
    assert_eq!(err["code"], "invalid_input");

    let made = w
        .invoke("create_collection", json!({ "name": "Outdoors" }))
        .unwrap();
    let id = made["id"].as_i64().unwrap();
    assert_eq!(made["public"], false);
    assert_eq!(made["badge_count"], 0);

    let added = w
        .invoke("add_to_collection", json!({ "id": id, "badges": ids }))
        .unwrap();
    assert_eq!(added, 3);
    let again = w
        .invoke("add_to_collection", json!({ "id": id, "badges": [ids[0]] }))
        .unwrap();
    assert_eq!(again, 0, "a badge already there keeps its place");

    // The last badge to the front, as a drag (or "Move earlier" twice) does.
    w.invoke("move_badge", json!({ "id": id, "badge": ids[2], "to": 0 }))
        .unwrap();
    let contents = w
        .invoke("collection_contents", json!({ "id": id }))
        .unwrap();
    let order: Vec<i64> = contents["badges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_i64().unwrap())
        .collect();
    assert_eq!(order, vec![ids[2], ids[0], ids[1]]);

    w.invoke("set_collection_public", json!({ "id": id, "public": true }))
        .unwrap();
    w.invoke("rename_collection", json!({ "id": id, "name": "Outside" }))
        .unwrap();
    let list = w.invoke("list_collections", json!({})).unwrap();
    assert_eq!(list[0]["name"], "Outside");
    assert_eq!(list[0]["public"], true);
    assert_eq!(list[0]["badge_count"], 3);

    w.invoke(
        "remove_from_collection",
        json!({ "id": id, "badges": [ids[0]] }),
    )
    .unwrap();
    let err = w
        .invoke(
            "remove_from_collection",
            json!({ "id": id, "badges": [ids[0]] }),
        )
        .unwrap_err();
    assert_eq!(err["code"], "not_found");

    w.invoke("delete_collection", json!({ "id": id })).unwrap();
    assert_eq!(w.invoke("list_collections", json!({})).unwrap(), json!([]));
    assert_eq!(
        w.invoke("list_badges", json!({}))
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        4,
        "deleting a collection keeps its badges"
    );
    let err = w
        .invoke("collection_contents", json!({ "id": id }))
        .unwrap_err();
    assert_eq!(err["code"], "not_found");
    assert_eq!(err.as_object().unwrap().len(), 2);
}

#[test]
fn a_badge_is_saved_as_a_copy_then_deleted_from_its_collection_too() {
    let w = Window::open();
    let ids = import_fixtures(&w, &support::GOOD_NAMES);
    let c = w
        .invoke("create_collection", json!({ "name": "Kept" }))
        .unwrap();
    let cid = c["id"].as_i64().unwrap();
    w.invoke(
        "add_to_collection",
        json!({ "id": cid, "badges": [ids[0], ids[1]] }),
    )
    .unwrap();

    let out = w._dir.path().join("copy.png");
    w.invoke("export_badge", json!({ "id": ids[0], "path": out }))
        .unwrap();
    let copy = std::fs::read(&out).unwrap();
    let found = satchel::bake::unbake(&copy).expect("the copy is a baked badge");
    assert!(found.text.contains("fixture-0"), "{}", found.text);
    let err = w
        .invoke(
            "export_badge",
            json!({ "id": ids[0], "path": w._dir.path().join("x.gif") }),
        )
        .unwrap_err();
    assert_eq!(err["code"], "unsupported", "{err}");

    w.invoke("delete_badge", json!({ "id": ids[0] })).unwrap();
    let left = w
        .invoke("collection_contents", json!({ "id": cid }))
        .unwrap();
    let in_collection: Vec<i64> = left["badges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_i64().unwrap())
        .collect();
    assert_eq!(in_collection, vec![ids[1]]);
    assert_eq!(badge_count(&w), 3);
    let err = w
        .invoke("delete_badge", json!({ "id": ids[0] }))
        .unwrap_err();
    assert_eq!(err["code"], "not_found");
    // The saved copy comes back in.
    let back = w.invoke("import_paths", json!({ "paths": [out] })).unwrap();
    assert_eq!(back[0]["status"], "imported", "{back}");
}

#[test]
fn details_an_issuer_could_not_give_at_import_are_fetched_later() {
    let w = Window::loopback();
    let issuer = loopback_issuer();
    let class = issuer_docs::badge_class(&issuer.base, "rust", "Rust Basics");
    issuer.route("/badges/rust.json", Route::Status(503));
    let pasted = w
        .invoke(
            "import_text",
            json!({ "text": issuer.url("/assertions/0.json") }),
        )
        .unwrap();
    assert_eq!(pasted["status"], "imported", "{pasted}");
    assert!(
        pasted["awaiting_details"].as_str().unwrap().contains("503"),
        "{pasted}"
    );
    let id = pasted["badge_id"].as_i64().unwrap();
    assert_eq!(
        w.invoke("list_badges", json!({})).unwrap()[0]["details"],
        "awaiting"
    );

    let still = w.invoke("refresh_details", json!({})).unwrap();
    assert_eq!(still[0]["badge_id"], id);
    assert!(
        still[0]["error"].as_str().unwrap().contains("503"),
        "{still}"
    );

    issuer.json("/badges/rust.json", &class);
    let done = w.invoke("refresh_details", json!({})).unwrap();
    assert_eq!(done, json!([{"badge_id": id, "error": null}]));
    let row = w.invoke("list_badges", json!({})).unwrap()[0].clone();
    assert_eq!(
        (row["details"].as_str(), row["name"].as_str()),
        (Some("complete"), Some("Rust Basics"))
    );
    assert_eq!(w.invoke("refresh_details", json!({})).unwrap(), json!([]));
}

#[test]
fn verifying_against_a_loopback_issuer_keeps_history_and_reports_progress() {
    let w = Window::loopback();
    let issuer = loopback_issuer();
    w.invoke("add_identity", json!({ "value": support::LEARNER }))
        .unwrap();
    let url = issuer.url("/assertions/0.json");
    let imported = w.invoke("import_text", json!({ "text": url })).unwrap();
    assert_eq!(imported["status"], "imported", "{imported}");
    let id = imported["badge_id"].as_i64().unwrap();

    let checks = w.invoke("verify_badges", json!({ "ids": null })).unwrap();
    assert_eq!(checks[0]["outcome"], "valid", "{checks}");
    assert_eq!(
        w.verify_progress.lock().unwrap().last(),
        Some(&json!({"done": 1, "total": 1}))
    );
    let list = w.invoke("list_badges", json!({})).unwrap();
    assert_eq!(list[0]["status"]["outcome"], "valid");

    issuer.route("/assertions/0.json", Route::Status(410));
    let checks = w.invoke("verify_badges", json!({ "ids": [id] })).unwrap();
    assert_eq!(checks[0]["outcome"], "revoked", "{checks}");
    let history = w.invoke("badge_checks", json!({ "id": id })).unwrap();
    let outcomes: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["valid", "revoked"]);
    let list = w.invoke("list_badges", json!({})).unwrap();
    assert_eq!(list[0]["status"]["outcome"], "revoked");

    let err = w
        .invoke("verify_badges", json!({ "ids": [4242] }))
        .unwrap_err();
    assert_eq!(err.as_object().unwrap().len(), 2, "{err}");
}

#[test]
fn linkedin_links_come_from_the_core_or_its_reason_why_not() {
    let w = Window::loopback();
    let issuer = loopback_issuer();
    let url = issuer.url("/assertions/0.json");
    let imported = w.invoke("import_text", json!({ "text": url })).unwrap();
    let id = imported["badge_id"].as_i64().unwrap();
    let links = w.invoke("share_linkedin", json!({ "id": id })).unwrap();
    let add = links["add_to_profile_url"].as_str().unwrap();
    assert!(
        add.starts_with("https://www.linkedin.com/profile/add?"),
        "{add}"
    );
    let query: std::collections::HashMap<String, String> = add
        .split_once('?')
        .unwrap()
        .1
        .split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap();
            let decode = |s: &str| {
                let s = s.replace('+', " ");
                let bytes = s.as_bytes();
                let mut out = Vec::new();
                let mut i = 0;
                while i < bytes.len() {
                    if bytes[i] == b'%' {
                        out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                        i += 3;
                    } else {
                        out.push(bytes[i]);
                        i += 1;
                    }
                }
                String::from_utf8(out).unwrap()
            };
            (decode(k), decode(v))
        })
        .collect();
    assert_eq!(query["name"], "Rust Basics");
    assert_eq!(query["organizationName"], "Loopback Academy");
    assert_eq!(query["issueYear"], "2024");
    assert_eq!(query["issueMonth"], "3");
    assert_eq!(query["certUrl"], url);
    assert_eq!(links["cert_source"], "hosted_assertion");

    // A badge with no address anyone can open gets the core's sentence.
    let text = issuer_docs::embedded_assertion(
        "urn:uuid:5e0c4c1e-0000-4000-8000-000000000001",
        "Offline Badge",
        "Nowhere Guild",
        support::LEARNER,
    )
    .to_string();
    let unlinked = w.invoke("import_text", json!({ "text": text })).unwrap();
    assert_eq!(unlinked["status"], "imported", "{unlinked}");
    let err = w
        .invoke("share_linkedin", json!({ "id": unlinked["badge_id"] }))
        .unwrap_err();
    assert_eq!(err["code"], "invalid_input", "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("no address"),
        "{err}"
    );
}

/// The badges the window lists.
fn badge_count(w: &Window) -> usize {
    w.invoke("list_badges", json!({}))
        .unwrap()
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn exporting_everything_restores_into_a_fresh_wallet() {
    let w = Window::open();
    import_fixtures(&w, &support::GOOD_NAMES);
    let count = badge_count(&w);
    assert_eq!(count, 4, "three good badges and the hostile one");
    let out = tempfile::tempdir().unwrap();
    let zip = out.path().join("everything.zip").display().to_string();
    let summary = w.invoke("export_wallet", json!({ "path": zip })).unwrap();
    assert_eq!(summary["badges"], count);
    assert!(Path::new(&zip).is_file());

    let fresh = Window::open();
    let results = fresh
        .invoke("import_paths", json!({ "paths": [zip] }))
        .unwrap();
    assert!(
        results
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] == "imported"),
        "{results}"
    );
    assert_eq!(badge_count(&fresh), count);

    let site = out.path().join("site").display().to_string();
    let published = w
        .invoke("publish_site", json!({ "dir": site, "baseUrl": "  " }))
        .unwrap();
    assert_eq!(published["collections"], 0, "{published}");
    let err = w
        .invoke(
            "publish_site",
            json!({ "dir": site, "baseUrl": "javascript:alert(1)" }),
        )
        .unwrap_err();
    assert_eq!(err["code"], "invalid_input", "{err}");
}

/// A Mozilla Backpack shutdown export: `manifest.txt` naming the learner's
/// email and three images, one of them missing.
fn mozilla_export(dir: &Path) -> String {
    let fixtures = support::write_fixtures(&dir.join("fixtures"));
    let manifest = json!({ support::LEARNER: ["good-0.png", "good-1.png", "missing.png"] });
    let mut entries = vec![("manifest.txt", manifest.to_string().into_bytes())];
    for name in ["good-0.png", "good-1.png"] {
        let file = fixtures.iter().find(|p| p.ends_with(name)).unwrap();
        entries.push((name, std::fs::read(file).unwrap()));
    }
    let path = dir.join("mozilla.zip");
    std::fs::write(&path, stored_zip(&entries)).unwrap();
    path.display().to_string()
}

/// A ZIP archive of uncompressed entries, as plain as Mozilla's.
fn stored_zip(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let (mut out, mut central) = (Vec::new(), Vec::new());
    // Version 2.0, no flags, stored, 00:00 on 1980-01-01.
    let common = |buf: &mut Vec<u8>, name: &str, data: &[u8]| {
        for half in [20u16, 0, 0, 0, 0x21] {
            buf.extend_from_slice(&half.to_le_bytes());
        }
        buf.extend_from_slice(&crc32fast::hash(data).to_le_bytes());
        let size = (data.len() as u32).to_le_bytes();
        buf.extend_from_slice(&size);
        buf.extend_from_slice(&size);
        buf.extend_from_slice(&(name.len() as u16).to_le_bytes());
        buf.extend_from_slice(&0u16.to_le_bytes());
    };
    for (name, data) in entries {
        let offset = out.len() as u32;
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        common(&mut out, name, data);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&20u16.to_le_bytes());
        common(&mut central, name, data);
        central.extend_from_slice(&[0; 10]); // comment length, disk, attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let (at, size, count) = (out.len() as u32, central.len() as u32, entries.len() as u16);
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[test]
fn dropped_mozilla_exports_are_told_apart_from_badges() {
    let w = Window::open();
    let dir = tempfile::tempdir().unwrap();
    let zip = mozilla_export(dir.path());
    let unpacked = dir.path().join("unpacked");
    std::fs::create_dir_all(unpacked.join("group")).unwrap();
    std::fs::write(
        unpacked.join("groups.json"),
        r#"{"userId": 1, "groups": []}"#,
    )
    .unwrap();
    let badge = dir.path().join("fixtures/good-0.png");
    let plain_zip = dir.path().join("plain.zip");
    std::fs::write(
        &plain_zip,
        stored_zip(&[("a.png", std::fs::read(&badge).unwrap())]),
    )
    .unwrap();
    let paths = json!([
        zip,
        badge,
        samples_dir(),
        unpacked,
        plain_zip,
        dir.path().join("gone.zip")
    ]);
    let found = w
        .invoke("find_mozilla_exports", json!({ "paths": paths }))
        .unwrap();
    assert_eq!(found, json!([zip, unpacked]));
}

#[test]
fn a_mozilla_export_migrates_and_adds_emails_only_when_asked() {
    let w = Window::open();
    let dir = tempfile::tempdir().unwrap();
    let export = mozilla_export(dir.path());
    let report = w
        .invoke(
            "migrate_mozilla",
            json!({ "path": export, "addIdentities": false }),
        )
        .unwrap();
    assert_eq!(report["shape"], "shutdown_export", "{report:#}");
    assert_eq!(report["badges_imported"], 2, "{report:#}");
    assert_eq!(report["duplicates"], 0);
    assert_eq!(report["identities_added"], json!([]));
    assert_eq!(report["identities_not_added"], json!([support::LEARNER]));
    let failures = report["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 1, "{report:#}");
    assert!(
        failures[0]["path"]
            .as_str()
            .unwrap()
            .ends_with("missing.png")
    );
    assert_eq!(failures[0]["code"], "not_found");
    assert!(!failures[0]["advice"].as_str().unwrap().is_empty());
    assert_eq!(
        w.invoke("list_identities", json!({})).unwrap(),
        json!([]),
        "nothing added without asking"
    );
    assert_eq!(badge_count(&w), 2);
    let progress = w.progress.lock().unwrap().clone();
    assert_eq!(progress.last(), Some(&json!({"done": 1, "total": 1})));

    let again = w
        .invoke(
            "migrate_mozilla",
            json!({ "path": export, "addIdentities": true }),
        )
        .unwrap();
    assert_eq!(again["badges_imported"], 0, "{again:#}");
    assert_eq!(again["duplicates"], 2);
    assert_eq!(again["identities_added"], json!([support::LEARNER]));
    let identities = w.invoke("list_identities", json!({})).unwrap();
    assert_eq!(identities[0]["value"], support::LEARNER);

    let err = w
        .invoke(
            "migrate_mozilla",
            json!({ "path": dir.path().join("nowhere.zip"), "addIdentities": false }),
        )
        .unwrap_err();
    assert_eq!(err["code"], "io", "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("nowhere.zip"),
        "{err}"
    );
}

#[test]
fn a_backup_restores_and_keeps_the_wallet_it_replaced() {
    let w = Window::open();
    import_fixtures(&w, &support::GOOD_NAMES);
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("wallet.backup").display().to_string();
    let backed_up = w
        .invoke("backup_wallet", json!({ "path": backup }))
        .unwrap();
    assert_eq!(backed_up, 4);

    let text = issuer_docs::embedded_assertion(
        "https://badges.satchel.example/assertions/after-backup",
        "After Backup",
        "Fixture Guild",
        support::LEARNER,
    )
    .to_string();
    let added = w.invoke("import_text", json!({ "text": text })).unwrap();
    assert_eq!(added["status"], "imported", "{added}");
    assert_eq!(badge_count(&w), 5);

    let restored = w
        .invoke("restore_wallet", json!({ "path": backup }))
        .unwrap();
    assert_eq!(restored["badges"], 4, "{restored}");
    let previous = restored["previous"].as_str().unwrap();
    assert!(Path::new(previous).is_file(), "{previous}");
    assert_eq!(badge_count(&w), 4, "the shared reader sees the restore");

    let not_a_backup = dir.path().join("notes.txt");
    std::fs::write(&not_a_backup, "shopping list").unwrap();
    let err = w
        .invoke("restore_wallet", json!({ "path": not_a_backup }))
        .unwrap_err();
    assert_eq!(err.as_object().unwrap().len(), 2, "{err}");
    assert_eq!(badge_count(&w), 4, "a bad backup changes nothing");
}

#[test]
fn a_badgr_backpack_is_connected_sent_to_read_back_and_disconnected() {
    let host = fake_backpacks::Backpack::start();
    host.state()
        .verified_emails
        .push(support::LEARNER.to_owned());
    let w = Window::loopback();
    let ids = import_fixtures(&w, &support::GOOD_NAMES);
    let add = |password: &str| {
        w.invoke(
            "add_backpack",
            json!({"name": "badgr", "baseUrl": host.base, "kind": "badgr",
                   "username": fake_backpacks::USER, "password": password}),
        )
    };
    let err = add("wrong").unwrap_err();
    assert_eq!(err["code"], "auth_required", "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("password"),
        "{err}"
    );
    // The wait Badgr imposes after a wrong password is over.
    host.state().backoff.clear();
    assert_eq!(w.invoke("list_backpacks", json!({})).unwrap(), json!([]));

    let added = add(fake_backpacks::PASSWORD).unwrap();
    assert_eq!(added["backpack"]["name"], "badgr");
    assert_eq!(added["profile"]["firstName"], "Ada");
    assert!(added["backpack"].get("secret_key").is_none(), "{added}");
    let listed = w.invoke("list_backpacks", json!({})).unwrap();
    assert_eq!(listed[0]["kind"], "badgr");
    assert_eq!(listed[0]["username"], fake_backpacks::USER);
    assert_eq!(listed[0]["pushed"], 0);

    let report = w
        .invoke(
            "push_to_backpack",
            json!({"name": "badgr", "ids": [ids[0], ids[1]]}),
        )
        .unwrap();
    let statuses: Vec<&str> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["pushed", "pushed"], "{report}");
    assert_eq!(host.state().imports.len(), 2);
    // Everything else goes with no ids; what went before is not sent again.
    let all = w
        .invoke("push_to_backpack", json!({"name": "badgr"}))
        .unwrap();
    let count = |s: &str| {
        all["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["status"] == s)
            .count()
    };
    assert_eq!((count("unchanged"), count("error")), (2, 0), "{all}");
    assert_eq!(host.state().imports.len(), 2 + count("pushed"));
    let pushed = w.invoke("list_backpacks", json!({})).unwrap()[0]["pushed"].clone();
    assert_eq!(pushed, host.state().imports.len());

    let err = w
        .invoke("pull_from_backpack", json!({"name": "elsewhere"}))
        .unwrap_err();
    assert_eq!(err["code"], "not_found");
    w.invoke("remove_backpack", json!({"name": "badgr"}))
        .unwrap();
    assert_eq!(w.invoke("list_backpacks", json!({})).unwrap(), json!([]));
    let err = w
        .invoke("push_to_backpack", json!({"name": "badgr"}))
        .unwrap_err();
    assert_eq!(err["code"], "not_found", "{err}");
}

/// Set in the child process that runs a test without a D-Bus session.
const NO_BUS: &str = "SATCHEL_TEST_NO_SESSION_BUS";

/// Runs the test `name` again in a child process whose session bus address
/// points at a socket that does not exist (as on a desktop with no keyring
/// running), and checks it passed there. Returns whether this is the child.
fn in_a_session_without_a_bus(name: &str) -> bool {
    if std::env::var_os(NO_BUS).is_some() {
        return true;
    }
    let missing = tempfile::tempdir().unwrap();
    let address = format!("unix:path={}", missing.path().join("bus").display());
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(NO_BUS, "1")
        .env("DBUS_SESSION_BUS_ADDRESS", address)
        .env("XDG_RUNTIME_DIR", missing.path())
        .output()
        .expect("run the test again");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "without a session bus:\n{stdout}\n{stderr}"
    );
    false
}

#[test]
fn without_a_keyring_the_window_says_so_and_keeps_a_sign_in_for_the_session_only() {
    if !in_a_session_without_a_bus(
        "without_a_keyring_the_window_says_so_and_keeps_a_sign_in_for_the_session_only",
    ) {
        return;
    }
    let host = fake_backpacks::Backpack::start();
    host.state()
        .verified_emails
        .push(support::LEARNER.to_owned());
    let w = Window::desktop_keyring();
    let ids = import_fixtures(&w, &support::GOOD_NAMES);
    let work = w
        .invoke("create_collection", json!({"name": "Work"}))
        .unwrap();
    let work = work["id"].clone();
    w.invoke("add_to_collection", json!({"id": work, "badges": [ids[0]]}))
        .unwrap();

    // Using a stored sign-in: the plain sentence, the bus's words apart.
    let err = w
        .invoke("pull_from_backpack", json!({"name": "badgr"}))
        .unwrap_err();
    let message = err["message"].as_str().unwrap();
    assert!(
        message.starts_with("no keyring is running on this desktop")
            && message.contains("GNOME Keyring or KWallet")
            && message.contains("for this session only")
            && !message.contains("zbus"),
        "{err}"
    );
    assert_eq!(err["code"], "io", "{err}");
    assert!(
        err["details"]
            .as_str()
            .unwrap()
            .contains("Failed to connect"),
        "{err}"
    );

    // Signing in keeps the token in the window's memory, and says so.
    let added = w
        .invoke(
            "add_backpack",
            json!({"name": "badgr", "baseUrl": host.base, "kind": "badgr",
                   "username": fake_backpacks::USER, "password": fake_backpacks::PASSWORD}),
        )
        .unwrap();
    let notice = added["session_only"].as_str().unwrap();
    assert!(
        notice.contains("no keyring is running") && notice.contains("asked for it again next time"),
        "{added}"
    );
    // The sign-in works for as long as the window runs: the badges and the
    // collection go, and the collection's share page comes back.
    let report = w
        .invoke(
            "push_to_backpack",
            json!({"name": "badgr", "collection": "Work"}),
        )
        .unwrap();
    assert_eq!(report["results"][0]["status"], "pushed", "{report}");
    let share = report["collection"]["share_url"].as_str().unwrap();
    assert!(share.starts_with(&host.base), "{report}");
    let pulled = w
        .invoke("pull_from_backpack", json!({"name": "badgr"}))
        .unwrap();
    assert!(pulled.is_array(), "{pulled}");

    // Nothing of it was written: not to the wallet, nor next to it.
    let token = host.state().last_access_token();
    for entry in std::fs::read_dir(w._dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains(&token));
    }
    w.invoke("remove_backpack", json!({"name": "badgr"}))
        .unwrap();
    assert_eq!(w.invoke("list_backpacks", json!({})).unwrap(), json!([]));
}

/// The command list in `src/commands.list` (which generates the permissions),
/// the handlers in `src/lib.rs`, the capability and the UI's calls agree.
#[test]
fn capabilities_allow_exactly_the_commands_the_ui_uses() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
    let quoted = |text: &str, prefix: &str| -> Vec<String> {
        let mut found: Vec<String> = text
            .split(prefix)
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .map(|s| s.replace('-', "_"))
            .collect();
        found.sort();
        found
    };
    let listed = quoted(&read("src/commands.list"), "    \"");
    let allowed = quoted(&read("capabilities/main.json"), "\"allow-");
    let called = quoted(&read("../ui/js/api.js"), "call(\"");
    let mut handled: Vec<String> = read("src/lib.rs")
        .split("commands::")
        .skip(1)
        .filter_map(|rest| rest.split(',').next())
        .filter(|s| s.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .map(str::to_owned)
        .collect();
    handled.sort();
    assert_eq!(listed, allowed, "capabilities/main.json");
    assert_eq!(listed, called, "ui/js/api.js");
    assert_eq!(listed, handled, "src/lib.rs");
}

/// Files handed over from outside wait until the page takes them, once.
#[test]
fn files_from_outside_are_taken_once() {
    let w = Window::open();
    let given = ["/home/learner/badge.png", "https://issuer.example/a/1"];
    w.webview
        .state::<Desktop>()
        .open_later(given.iter().map(|s| s.to_string()).collect());
    assert_eq!(w.invoke("take_opened_files", json!({})), Ok(json!(given)));
    assert_eq!(w.invoke("take_opened_files", json!({})), Ok(json!([])));
}

/// The `{code, message}` of a refused command, after checking its code.
fn refused(w: &Window, cmd: &str, args: Value, code: &str) -> String {
    let err = w
        .invoke(cmd, args.clone())
        .expect_err(&format!("{cmd} {args} is refused"));
    assert_eq!(err["code"], code, "{cmd} {args}: {err}");
    err["message"].as_str().unwrap().to_owned()
}

#[test]
fn every_command_refuses_ids_that_do_not_exist() {
    let w = Window::open();
    let badge = import_fixtures(&w, &support::GOOD_NAMES)[0];
    let before = badge_count(&w);
    let collection = w
        .invoke("create_collection", json!({ "name": "Real" }))
        .unwrap()["id"]
        .clone();
    let out = w._dir.path().join("out.png");
    for (cmd, args) in [
        ("badge_detail", json!({ "id": 4242 })),
        ("delete_badge", json!({ "id": 4242 })),
        ("export_badge", json!({ "id": 4242, "path": out })),
        ("badge_checks", json!({ "id": 4242 })),
        ("share_linkedin", json!({ "id": 4242 })),
        ("verify_badges", json!({ "ids": [4242] })),
        ("collection_contents", json!({ "id": 4242 })),
        ("rename_collection", json!({ "id": 4242, "name": "X" })),
        (
            "set_collection_public",
            json!({ "id": 4242, "public": true }),
        ),
        ("delete_collection", json!({ "id": 4242 })),
        (
            "add_to_collection",
            json!({ "id": 4242, "badges": [badge] }),
        ),
        (
            "add_to_collection",
            json!({ "id": collection, "badges": [4242] }),
        ),
        (
            "remove_from_collection",
            json!({ "id": 4242, "badges": [badge] }),
        ),
        ("move_badge", json!({ "id": 4242, "badge": badge, "to": 0 })),
        (
            "move_badge",
            json!({ "id": collection, "badge": 4242, "to": 0 }),
        ),
        ("remove_backpack", json!({ "name": "nowhere" })),
        ("push_to_backpack", json!({ "name": "nowhere" })),
        ("pull_from_backpack", json!({ "name": "nowhere" })),
    ] {
        let message = refused(&w, cmd, args, "not_found");
        assert!(
            message.contains("4242") || message.contains("nowhere"),
            "{cmd} names what it did not find: {message}"
        );
    }
    assert!(!out.exists());
    assert_eq!(badge_count(&w), before);
}

#[test]
fn every_path_must_be_a_full_one_as_dialogs_and_drops_give() {
    let w = Window::open();
    let badge = import_fixtures(&w, &support::GOOD_NAMES)[0];
    let before = badge_count(&w);
    let dir = w._dir.path().display().to_string();
    let with_nul = format!("{dir}/copy\0.png");
    for (cmd, args) in [
        ("export_badge", json!({ "id": badge, "path": "" })),
        ("export_badge", json!({ "id": badge, "path": "copy.png" })),
        ("export_badge", json!({ "id": badge, "path": with_nul })),
        ("export_wallet", json!({ "path": "everything.zip" })),
        ("publish_site", json!({ "dir": "site" })),
        ("publish_site", json!({ "dir": "" })),
        (
            "migrate_mozilla",
            json!({ "path": "mozilla.zip", "addIdentities": false }),
        ),
        ("backup_wallet", json!({ "path": "wallet.backup" })),
        ("restore_wallet", json!({ "path": "../wallet.backup" })),
        (
            "import_paths",
            json!({ "paths": [samples_dir(), "badge.png"] }),
        ),
        ("import_paths", json!({ "paths": [""] })),
    ] {
        let message = refused(&w, cmd, args, "invalid_input");
        assert!(message.contains("is not a full path"), "{message}");
    }
    for written in ["copy.png", "everything.zip", "site", "wallet.backup"] {
        assert!(!Path::new(written).exists(), "{written} beside the app");
    }
    assert_eq!(badge_count(&w), before);
    // Addresses of hosted badges are no paths, and still come in.
    let url = w
        .invoke(
            "import_paths",
            json!({ "paths": ["https://badge.invalid/a"] }),
        )
        .unwrap();
    assert_eq!(url[0]["path"], "https://badge.invalid/a", "{url}");
}

#[test]
fn the_image_protocol_serves_badge_images_and_nothing_else() {
    let w = Window::open();
    w.invoke("import_paths", json!({ "paths": [samples_dir()] }))
        .unwrap();
    let text = issuer_docs::embedded_assertion(
        "https://badges.satchel.example/assertions/no-picture",
        "No Picture",
        "Fixture Guild",
        support::LEARNER,
    )
    .to_string();
    let plain = w.invoke("import_text", json!({ "text": text })).unwrap()["badge_id"]
        .as_i64()
        .unwrap();
    let desktop = w._app.state::<Desktop>();
    let get = |uri: &str| {
        let request = tauri::http::Request::builder()
            .uri(uri)
            .body(Vec::new())
            .unwrap();
        satchel_desktop::protocol::respond(&desktop, &request)
    };

    let mut served = Vec::new();
    for badge in w
        .invoke("list_badges", json!({}))
        .unwrap()
        .as_array()
        .unwrap()
    {
        let id = badge["id"].as_i64().unwrap();
        let response = get(&format!("satchel://badge/{id}"));
        if id == plain {
            assert_eq!(response.status(), 404, "a JSON badge has no picture");
            continue;
        }
        assert_eq!(response.status(), 200);
        let headers = response.headers();
        let header = |name: &str| headers[name].to_str().unwrap().to_owned();
        assert_eq!(
            header("content-security-policy"),
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'none'"
        );
        assert_eq!(header("x-content-type-options"), "nosniff");
        assert_eq!(header("cache-control"), "no-store");
        served.push((header("content-type"), response.body().to_vec()));
    }
    let mut samples: Vec<(String, Vec<u8>)> = std::fs::read_dir(samples_dir())
        .unwrap()
        .flatten()
        .map(|e| {
            let path = e.path();
            let kind = match path.extension().unwrap().to_str().unwrap() {
                "svg" => "image/svg+xml",
                _ => "image/png",
            };
            (kind.to_owned(), std::fs::read(path).unwrap())
        })
        .collect();
    samples.sort();
    served.sort();
    assert!(served == samples, "each image exactly as imported");

    // A platform that rewrites custom schemes asks the same way.
    assert_eq!(get("http://satchel.localhost/badge/1").status(), 200);
    for uri in [
        "satchel://badge/4242",
        "satchel://badge/-1",
        "satchel://badge/",
        "satchel://badge/1/../2",
        "satchel://badge/..%2Fwallet.sqlite3",
        "satchel://wallet/1",
        "satchel://localhost/wallet.sqlite3",
        "http://satchel.localhost/wallet.sqlite3",
        "http://satchel.localhost/badge/one",
    ] {
        let response = get(uri);
        assert_eq!(response.status(), 404, "{uri}");
        assert!(response.body().is_empty(), "{uri}");
        assert!(response.headers().get("content-type").is_none(), "{uri}");
    }
}

/// The window's import of 1,000 baked PNGs (1 KiB–1 MiB, the `core` bench's
/// files), three times into a new wallet each: the time of `import_paths`,
/// as the page waits for it. A measurement, run with
/// `cargo test -p satchel-desktop --release --test commands -- --ignored --nocapture measure`
#[test]
#[ignore = "a measurement, not a check; see the README"]
fn measure_importing_1000_files_through_the_window() {
    // As the window's `main` does.
    satchel::allocator::reuse_large_buffers();
    let files = tempfile::tempdir().unwrap();
    let folder = files.path().join("badges");
    let pictures = satchel_test_support::measure::baked_pngs(1000);
    satchel_test_support::measure::write_baked(&folder, &pictures, pictures.len());
    for round in 1..=3 {
        let w = Window::open();
        let started = std::time::Instant::now();
        let results = w
            .invoke("import_paths", json!({ "paths": [folder] }))
            .unwrap();
        let secs = started.elapsed().as_secs_f64();
        let imported = results
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["status"] == "imported")
            .count();
        assert_eq!(imported, pictures.len());
        println!("window_import_1000_files: round {round}: {secs:.2} s");
    }
}
