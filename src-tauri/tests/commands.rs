//! The window's commands, tested without a display on Tauri's mock runtime
//! against real wallets in temporary directories.

mod support;

use std::path::Path;
use std::sync::{Arc, Mutex};

use satchel::http::HttpPolicy;
use satchel_desktop::commands::IMPORT_PROGRESS;
use satchel_desktop::{Desktop, app};
use serde_json::{Value, json};
use tauri::test::{
    INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder, mock_context, noop_assets,
};
use tauri::{App, Listener, WebviewWindow};

struct Window {
    _app: App<MockRuntime>,
    webview: WebviewWindow<MockRuntime>,
    progress: Arc<Mutex<Vec<Value>>>,
    _dir: tempfile::TempDir,
}

impl Window {
    fn open() -> Window {
        let dir = tempfile::tempdir().unwrap();
        let desktop = Desktop::open(&dir.path().join("wallet.sqlite3"), HttpPolicy::default())
            .expect("open wallet");
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
        let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("mock window");
        Window {
            _app: app,
            webview,
            progress,
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
