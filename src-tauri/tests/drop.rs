//! One real native drag-and-drop of a badge file onto the window, under a
//! display: a tiny GTK drag source (`tests/drag_source.py`) offers the file as
//! `text/uri-list`, and `xdotool` presses, moves and releases the pointer
//! from it onto the app, as a learner's hand would. The badge must arrive in
//! the grid through the window's own drop handler; a dropped Mozilla Backpack
//! export must be offered for migration and come over.

use satchel_test_support::desktop as support;
use satchel_test_support::webdriver;

/// The window under test.
const APP: &str = env!("CARGO_BIN_EXE_satchel-desktop");

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::json;
use webdriver::Session;

#[test]
fn a_file_dropped_on_the_window_is_imported() {
    if let Some(why) = webdriver::unavailable() {
        assert!(
            std::env::var_os("SATCHEL_E2E_REQUIRED").is_none(),
            "cannot run: {why}"
        );
        eprintln!("skipping the drag-and-drop test: {why}");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let fixtures = support::write_fixtures(&home.path().join("fixtures"));
    let badge = &fixtures[0];
    let app = Session::start(APP, &home.path().join("wallet.sqlite3"), home.path());
    app.wait_for(
        "first paint",
        "return document.body.dataset.firstPaint;",
        json!([]),
    );
    app.set_rect(0, 0, 900, 700);

    drag_onto_window(badge);
    app.wait_for(
        "the dropped badge in the grid",
        "return [...document.querySelectorAll('.card-name')].some((e) => e.textContent === arguments[0]);",
        json!([support::GOOD_NAMES[0]]),
    );
    let report = app.execute(
        "return document.getElementById('report-summary').textContent;",
        json!([]),
    );
    assert_eq!(report, "1 imported, 0 already in your backpack, 0 failed");
    app.screenshot("07-after-native-drop");

    // A dropped Mozilla Backpack export (here unpacked) is offered for
    // migration, asking about its emails, instead of being imported file by file.
    let export = home.path().join("mozilla-export");
    std::fs::create_dir_all(&export).unwrap();
    let manifest = json!({ support::LEARNER: ["good-1.png"] });
    std::fs::write(export.join("manifest.txt"), manifest.to_string()).unwrap();
    std::fs::copy(&fixtures[1], export.join("good-1.png")).unwrap();
    app.execute(
        "document.getElementById('report-dialog').close();",
        json!([]),
    );
    drag_onto_window(&export);
    app.wait_for(
        "the migration offered for the dropped export",
        "return document.getElementById('migrate-dialog').open
            && document.getElementById('migrate-given-path').textContent === arguments[0]
            && !document.getElementById('migrate-add-identities').checked;",
        json!([export.display().to_string()]),
    );
    app.screenshot("07b-mozilla-drop");
    app.click("#migrate-given");
    let summary = app.wait_for(
        "the migration report",
        "const d = document.getElementById('migration-dialog');
         return d.open && document.getElementById('migration-summary').textContent;",
        json!([]),
    );
    assert!(
        summary.as_str().unwrap().starts_with("1 badge imported"),
        "{summary}"
    );
}

/// Drags `path` from a small GTK window beside the app onto the app, with
/// real pointer events on the X display.
fn drag_onto_window(path: &std::path::Path) {
    // Debian's own Python: python3-gi is installed for it, not for other Pythons on PATH.
    let mut source = Command::new("/usr/bin/python3")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/drag_source.py"))
        .args([&format!("file://{}", path.display()), "1000", "100"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the drag source");
    let mut line = String::new();
    BufReader::new(source.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "ready", "the drag source did not start");
    std::thread::sleep(Duration::from_millis(300));

    support::xdotool(&["mousemove", "1080", "160", "mousedown", "1"]);
    for step in 1..=20 {
        let x = 1080 - step * 27;
        let y = 160 + step * 12;
        support::xdotool(&["mousemove", &x.to_string(), &y.to_string()]);
        std::thread::sleep(Duration::from_millis(30));
    }
    std::thread::sleep(Duration::from_millis(200));
    support::xdotool(&["mouseup", "1"]);
    std::thread::sleep(Duration::from_millis(200));
    let _ = source.kill();
    let _ = source.wait();
}
