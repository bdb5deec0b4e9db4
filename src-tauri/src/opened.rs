//! Badges handed to the window from outside: files named on its command
//! line (`satchel-desktop <files…>`, which is also how the desktop entry's
//! "Open with" starts it), and files given to a second start while the
//! window is open on the same wallet. The single-instance plugin makes that
//! second start hand its command line over (on the D-Bus session bus) and
//! exit, so no second window ever opens on one wallet.
//!
//! This module only turns arguments into full paths, queues them in
//! [`Desktop`] and tells the page ([`FILES_OPENED`]); the page takes the
//! queue with `take_opened_files` and imports it exactly as it imports a
//! drop (a Mozilla export is offered for migration, the import report
//! shows). The page also takes the queue once when it starts, so files
//! named before it listened are imported too.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Emitter, Manager, Runtime, Url};

use crate::state::Desktop;

/// The event telling the page that files from outside wait to be taken
/// (no payload).
pub const FILES_OPENED: &str = "files-opened";

/// The app's identifier (`tauri.conf.json`), the start of its D-Bus names.
const IDENTIFIER: &str = "org.satchel.desktop";

/// The inputs named on this process's command line, made full against its
/// working folder (see [`inputs`]).
pub fn from_command_line() -> Vec<String> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let args = std::env::args_os().skip(1);
    inputs(args.map(|a| a.to_string_lossy().into_owned()), &cwd)
}

/// The badge inputs among command-line arguments `args` (the program's own
/// name left out) given in the folder `cwd`: an http(s) URL stays as it is,
/// a `file:` URI becomes its path, any other argument is a path, made full
/// against `cwd`. An argument that starts with `-` is an option, not a file
/// (WebKit's WebDriver adds `--automation`); a file whose name starts with
/// `-` can be named `./-name`.
pub fn inputs(args: impl IntoIterator<Item = String>, cwd: &Path) -> Vec<String> {
    args.into_iter()
        .filter(|arg| !arg.is_empty() && !arg.starts_with('-'))
        .map(|arg| {
            if arg.starts_with("http://") || arg.starts_with("https://") {
                return arg;
            }
            let path = match Url::parse(&arg) {
                Ok(uri) if uri.scheme() == "file" => uri.to_file_path().ok(),
                _ => None,
            };
            let path = path.unwrap_or_else(|| PathBuf::from(&arg));
            cwd.join(path).display().to_string()
        })
        .collect()
}

/// The single-instance plugin for a window on `wallet`: a later start on the
/// same wallet hands its arguments to this window and exits; a start on
/// another wallet opens a window of its own. Register it before the other
/// plugins, so a second start exits before anything else is set up.
pub fn single_instance<R: Runtime>(wallet: &Path) -> TauriPlugin<R> {
    tauri_plugin_single_instance::Builder::new()
        .dbus_id(bus_id(wallet))
        .callback(|app, argv, cwd| hand_over(app, argv, &cwd))
        .build()
}

/// The D-Bus name (before the plugin's `.SingleInstance`) of the window on
/// `wallet`: the app's identifier and a digest of the wallet's full path, so
/// that two names of one file (a link, a relative path) meet.
fn bus_id(wallet: &Path) -> String {
    let full = std::fs::canonicalize(wallet).unwrap_or_else(|_| wallet.to_owned());
    let digest = Sha256::digest(full.as_os_str().as_encoded_bytes());
    format!("{IDENTIFIER}.wallet_{}", &hex::encode(digest)[..16])
}

/// Takes what a second start sent (its arguments, program first, and its
/// working folder): queues its inputs for the page, and brings the window to
/// the front either way, since starting the app again means "show it to me".
fn hand_over<R: Runtime>(app: &AppHandle<R>, argv: Vec<String>, cwd: &str) {
    let paths = inputs(argv.into_iter().skip(1), Path::new(cwd));
    if !paths.is_empty() {
        app.state::<Desktop>().open_later(paths);
        // Fails only when the app is closing, when there is no page to tell.
        let _ = app.emit(FILES_OPENED, ());
    }
    if let Some(window) = app.get_webview_window("main") {
        // Each is a request to the window manager, which may decline it.
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

#[cfg(test)]
mod tests {
    use super::{bus_id, inputs};
    use std::path::Path;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn arguments_become_full_paths_and_options_are_left_out() {
        let cwd = Path::new("/home/learner/Downloads");
        let args = strings(&[
            "badge.png",
            "--automation",
            "../old/export.zip",
            "/tmp/a b.svg",
            "file:///tmp/with%20space.json",
            "https://issuer.example/assertions/1",
            "./-dash.png",
            "",
        ]);
        assert_eq!(
            inputs(args, cwd),
            strings(&[
                "/home/learner/Downloads/badge.png",
                "/home/learner/Downloads/../old/export.zip",
                "/tmp/a b.svg",
                "/tmp/with space.json",
                "https://issuer.example/assertions/1",
                "/home/learner/Downloads/./-dash.png",
            ])
        );
    }

    #[test]
    fn a_uri_of_another_scheme_is_a_file_name() {
        let cwd = Path::new("/w");
        assert_eq!(
            inputs(strings(&["mailto:x@example.org"]), cwd),
            strings(&["/w/mailto:x@example.org"])
        );
    }

    #[test]
    fn each_wallet_has_its_own_bus_name_and_one_file_one_name() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.sqlite3");
        let b = dir.path().join("b.sqlite3");
        std::fs::write(&a, b"").unwrap();
        std::fs::write(&b, b"").unwrap();
        let link = dir.path().join("link.sqlite3");
        std::os::unix::fs::symlink(&a, &link).unwrap();
        assert_ne!(bus_id(&a), bus_id(&b));
        assert_eq!(bus_id(&a), bus_id(&link));
        let name = bus_id(&a);
        assert!(name.starts_with("org.satchel.desktop.wallet_"), "{name}");
        // A D-Bus name element: letters, digits and `_`, not starting with a digit.
        assert!(
            name.split('.')
                .all(|e| !e.starts_with(|c: char| c.is_ascii_digit())
                    && e.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')),
            "{name}"
        );
    }
}
