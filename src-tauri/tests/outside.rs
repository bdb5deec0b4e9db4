//! Badges handed to the real window from outside, under a display and a
//! private D-Bus session bus: files named on the command line are imported
//! at start; files given to a second start while the window is open are
//! handed to it, the second process exits, and the one window imports them
//! with the usual report.
//!
//! Without a display, the drivers or `dbus-daemon` the test says why and
//! passes, unless `SATCHEL_E2E_REQUIRED` is set, when it fails.

use std::path::Path;
use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

use satchel_test_support::desktop as support;
use satchel_test_support::session_bus::SessionBus;
use satchel_test_support::webdriver::{self, Session};
use serde_json::json;

/// The window under test.
const APP: &str = env!("CARGO_BIN_EXE_satchel-desktop");

fn skip_or_fail(why: &str) {
    assert!(
        std::env::var_os("SATCHEL_E2E_REQUIRED").is_none(),
        "cannot run: {why}"
    );
    eprintln!("skipping the files-from-outside test: {why}");
}

/// Waits until the report reads `summary` and the grid holds a card named
/// each of `names`, then closes the report.
fn wait_for_import(app: &Session, summary: &str, names: &[&str]) {
    app.wait_for(
        "the import report and the badges in the grid",
        "const d = document.getElementById('report-dialog');
         const shown = new Set([...document.querySelectorAll('.card-name')].map((e) => e.textContent));
         return d.open && document.getElementById('report-summary').textContent === arguments[0]
             && arguments[1].every((n) => shown.has(n));",
        json!([summary, names]),
    );
    app.execute(
        "document.getElementById('report-dialog').close();",
        json!([]),
    );
}

/// Runs `satchel-desktop <args>` in `dir` as a learner's second start would,
/// on the same wallet and session bus, and waits for it to end. A process
/// that outlives the deadline has opened a window of its own: it is killed
/// and the test fails.
fn second_start(
    dir: &Path,
    home: &Path,
    wallet: &Path,
    bus: &SessionBus,
    args: &[&str],
) -> ExitStatus {
    let mut child = Command::new(APP)
        .args(args)
        .current_dir(dir)
        .env("SATCHEL_WALLET", wallet)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("DBUS_SESSION_BUS_ADDRESS", bus.address())
        .spawn()
        .expect("start a second satchel-desktop");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().expect("wait for the second start") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the second start did not hand over and exit: it kept a window of its own");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn files_given_at_start_and_to_a_second_start_reach_the_one_window() {
    if let Some(why) = webdriver::unavailable() {
        return skip_or_fail(&why);
    }
    let Some(bus) = SessionBus::start() else {
        return skip_or_fail("dbus-daemon is not installed (bash scripts/setup installs it)");
    };
    let home = tempfile::tempdir().unwrap();
    let wallet = home.path().join("wallet.sqlite3");
    let fixtures = support::write_fixtures(&home.path().join("fixtures"));
    let first = fixtures[0].display().to_string();

    // `satchel-desktop <file>`: imported at start, with the report.
    let env = [("DBUS_SESSION_BUS_ADDRESS", bus.address())];
    let app = Session::start_with_args(APP, &wallet, home.path(), &env, &[&first]);
    wait_for_import(
        &app,
        "1 imported, 0 already in your backpack, 0 failed",
        &[support::GOOD_NAMES[0]],
    );

    // A second start with files, named relative to its own folder (as a
    // file manager or a shell gives them): handed over, and it exits.
    let status = second_start(
        &home.path().join("fixtures"),
        home.path(),
        &wallet,
        &bus,
        &["good-1.png", "good-2.svg", "good-0-copy.png"],
    );
    assert!(status.success(), "the second start failed: {status}");
    wait_for_import(
        &app,
        "2 imported, 1 already in your backpack, 0 failed",
        &support::GOOD_NAMES,
    );
    assert_eq!(app.window_handles().len(), 1, "one window, never two");
    app.screenshot("09-files-from-outside");

    // Starting again with nothing to open only brings the window forward.
    let status = second_start(home.path(), home.path(), &wallet, &bus, &[]);
    assert!(status.success(), "the empty second start failed: {status}");
    assert_eq!(app.window_handles().len(), 1, "one window, never two");
}
