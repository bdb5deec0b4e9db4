//! The installable package, installed for real: `dpkg -i` of the `.deb`
//! that `scripts/package` built, its files and metadata checked with the
//! desktop's own validators, the installed window started the way its
//! desktop entry starts it (its `Exec` line with a badge file), a second
//! badge opened through the entry with `gio launch` (handed to the open
//! window), both checked in the wallet with the installed `satchel`; then
//! the package is removed. Prints the time from launching the installed app
//! to its first painted grid.
//!
//! It needs root, dpkg, a display, the drivers and a built `.deb`; without
//! one of them it says why and passes, unless `SATCHEL_E2E_REQUIRED` is set
//! (as `scripts/test` does, after running `scripts/package`), when it fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use satchel_test_support::desktop as support;
use satchel_test_support::session_bus::SessionBus;
use satchel_test_support::webdriver::{self, Session};
use serde_json::{Value, json};

/// The package's name, as Tauri's bundler derives it from `productName`.
const PACKAGE: &str = "satchel";
/// Where the package puts its desktop entry, and what it registers for.
const DESKTOP_ENTRY: &str = "/usr/share/applications/Satchel.desktop";
const MIME_TYPES: [&str; 6] = [
    "image/png",
    "image/svg+xml",
    "application/json",
    "application/jose",
    "application/jwt",
    "application/zip",
];

/// The `.deb` `scripts/package` left in the build folder these tests run from.
fn built_deb() -> Option<PathBuf> {
    let app = Path::new(env!("CARGO_BIN_EXE_satchel-desktop"));
    let bundle = app.parent()?.parent()?.join("release/bundle/deb");
    let mut debs: Vec<PathBuf> = std::fs::read_dir(bundle)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "deb"))
        .collect();
    debs.sort();
    debs.pop()
}

fn succeeds(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Why the test cannot run here, if it cannot.
fn unavailable() -> Option<String> {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !root {
        return Some("installing a package needs root".into());
    }
    if !succeeds("dpkg", &["--version"]) {
        return Some("dpkg is missing (not a Debian system)".into());
    }
    if let Some(why) = webdriver::unavailable() {
        return Some(why);
    }
    for tool in [
        "desktop-file-validate",
        "appstreamcli",
        "gio",
        "dbus-daemon",
    ] {
        if !succeeds("sh", &["-c", &format!("command -v {tool}")]) {
            return Some(format!(
                "{tool} is missing (bash scripts/setup installs it)"
            ));
        }
    }
    if built_deb().is_none() {
        return Some("no .deb has been built (run bash scripts/package first)".into());
    }
    if succeeds("dpkg", &["-s", PACKAGE]) {
        return Some(format!(
            "{PACKAGE} is already installed here; this test installs and removes it, so it leaves an installed copy alone"
        ));
    }
    None
}

/// Runs `program args`, failing the test with its output unless it succeeds.
fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{program} {args:?} failed:\n{text}");
    text
}

/// The installed package; removed when dropped, however the test ends.
struct Installed;

impl Installed {
    fn install(deb: &Path) -> Installed {
        run("dpkg", &["-i", &deb.display().to_string()]);
        Installed
    }
}

impl Drop for Installed {
    fn drop(&mut self) {
        let removed = Command::new("dpkg").args(["-r", PACKAGE]).output();
        if !removed.is_ok_and(|o| o.status.success()) {
            eprintln!("could not remove the {PACKAGE} package; remove it with: dpkg -r {PACKAGE}");
        }
    }
}

/// A line `Key=value` of the desktop entry.
fn entry_value<'a>(entry: &'a str, key: &str) -> &'a str {
    entry
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
        .unwrap_or_else(|| panic!("the desktop entry has no {key}:\n{entry}"))
}

#[test]
fn the_installed_package_opens_badges_through_its_desktop_entry() {
    if let Some(why) = unavailable() {
        assert!(
            std::env::var_os("SATCHEL_E2E_REQUIRED").is_none(),
            "cannot run: {why}"
        );
        eprintln!("skipping the package install test: {why}");
        return;
    }
    let deb = built_deb().unwrap();
    let _installed = Installed::install(&deb);

    // What the package holds, checked by the desktop's own validators.
    for file in [
        "/usr/bin/satchel",
        "/usr/bin/satchel-desktop",
        "/usr/share/metainfo/org.satchel.desktop.metainfo.xml",
        "/usr/share/mime/packages/org.satchel.desktop.xml",
    ] {
        assert!(Path::new(file).is_file(), "the package installs {file}");
    }
    for size in [
        "16x16", "24x24", "32x32", "48x48", "64x64", "128x128", "256x256", "512x512",
    ] {
        let icon = format!("/usr/share/icons/hicolor/{size}/apps/satchel-desktop.png");
        assert!(Path::new(&icon).is_file(), "the package installs {icon}");
    }
    run("desktop-file-validate", &[DESKTOP_ENTRY]);
    run(
        "appstreamcli",
        &[
            "validate",
            "--no-net",
            "/usr/share/metainfo/org.satchel.desktop.metainfo.xml",
        ],
    );
    let entry = std::fs::read_to_string(DESKTOP_ENTRY).unwrap();
    let exec = entry_value(&entry, "Exec");
    assert_eq!(exec, "satchel-desktop %F");
    let mime: Vec<&str> = entry_value(&entry, "MimeType")
        .split(';')
        .filter(|m| !m.is_empty())
        .collect();
    assert_eq!(mime, MIME_TYPES);
    // Offered under "Open with" for each type, never made the default.
    for mime in MIME_TYPES {
        let listed = run("gio", &["mime", mime]);
        let registered = listed
            .split_once("Registered applications:")
            .map(|(_, rest)| rest)
            .unwrap_or_else(|| panic!("gio mime {mime}:\n{listed}"));
        assert!(registered.contains("Satchel.desktop"), "{mime}:\n{listed}");
    }
    // Never made the default: the package sets no default application
    // (gio may still pick it where it is the only one registered).
    let files = run("dpkg", &["-L", PACKAGE]);
    assert!(
        !files.contains("mimeapps.list") && !files.contains("defaults.list"),
        "{files}"
    );
    // .jws and .jwt files are known by their types, so "Open with" offers Satchel.
    let home = tempfile::tempdir().unwrap();
    for (name, mime) in [("a.jws", "application/jose"), ("a.jwt", "application/jwt")] {
        let file = home.path().join(name);
        std::fs::write(&file, "eyJhbGciOiJFUzI1NiJ9.e30.c2ln").unwrap();
        let info = run(
            "gio",
            &[
                "info",
                "-a",
                "standard::content-type",
                &file.display().to_string(),
            ],
        );
        assert!(
            info.contains(&format!("standard::content-type: {mime}")),
            "{info}"
        );
    }

    // A wallet filled by the installed command.
    let wallet = home.path().join("wallet.sqlite3");
    let wallet_arg = wallet.display().to_string();
    let samples = concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/samples");
    run(
        "/usr/bin/satchel",
        &["--wallet", &wallet_arg, "import", samples],
    );
    let fixtures = support::write_fixtures(&home.path().join("fixtures"));
    let (first, second) = (
        fixtures[0].display().to_string(),
        fixtures[1].display().to_string(),
    );

    // The window started as its entry starts it, with a badge file for %F.
    let bus = SessionBus::start().expect("dbus-daemon");
    let env = [("DBUS_SESSION_BUS_ADDRESS", bus.address())];
    let args: Vec<&str> = exec
        .split(' ')
        .skip(1)
        .map(|a| if a == "%F" { first.as_str() } else { a })
        .collect();
    let program = format!("/usr/bin/{}", exec.split(' ').next().unwrap());
    let app = Session::start_with_args(&program, &wallet, home.path(), &env, &args);
    app.wait_for(
        "the first painted grid",
        "return document.body.dataset.firstPaint && document.querySelectorAll('.card').length > 0;",
        json!([]),
    );
    let painted = app.started.elapsed();
    wait_for_report(&app, "1 imported, 0 already in your backpack, 0 failed");

    // A second badge opened through the desktop entry goes to this window.
    let launched = Command::new("gio")
        .args(["launch", DESKTOP_ENTRY, &second])
        .env("SATCHEL_WALLET", &wallet)
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("DBUS_SESSION_BUS_ADDRESS", bus.address())
        .status()
        .expect("run gio launch");
    assert!(launched.success(), "gio launch failed: {launched}");
    wait_for_report(&app, "1 imported, 0 already in your backpack, 0 failed");
    assert_eq!(app.window_handles().len(), 1, "one window, never two");
    app.screenshot("10-installed-package");

    let listed = run(
        "/usr/bin/satchel",
        &["--wallet", &wallet_arg, "list", "--json"],
    );
    let names: Vec<String> = serde_json::from_str::<Vec<Value>>(&listed)
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap().to_owned())
        .collect();
    for name in &support::GOOD_NAMES[..2] {
        assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
    }
    println!(
        "installed app: launch to first painted grid {} ms ({} badges; includes the WebDriver session)",
        painted.as_millis(),
        names.len()
    );
}

/// Waits for the import report to read `summary` (with a badge card shown
/// for what it imported), then closes it for the next one.
fn wait_for_report(app: &Session, summary: &str) {
    app.wait_for(
        "the import report",
        "const d = document.getElementById('report-dialog');
         return d.open && document.getElementById('report-summary').textContent === arguments[0];",
        json!([summary]),
    );
    app.execute(
        "document.getElementById('report-dialog').close();",
        json!([]),
    );
}
