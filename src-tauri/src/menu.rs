//! The app menu: the usual entries (About with the version and licence,
//! Quit) and every action the window offers, each with its shortcut.
//!
//! The menu only names actions: choosing one emits [`MENU_ACTION`] with the
//! action's id and the page does the work, the same as when the shortcut is
//! pressed inside the page (`ui/js/shortcuts.js` lists the same actions with
//! the same keys, and the Keyboard shortcuts dialog shows them; a test keeps
//! the two lists in step). Quit is the one action done here.

use tauri::menu::{AboutMetadata, Menu, MenuBuilder, MenuItem, PredefinedMenuItem, SubmenuBuilder};
use tauri::{AppHandle, Emitter, Runtime};

/// The event the page receives when a menu entry is chosen: the action id.
pub const MENU_ACTION: &str = "menu-action";

/// The action that ends the app.
const QUIT: &str = "quit";

/// One menu entry: its action id, its label and its shortcut as the page
/// writes it (`Ctrl` stands for Command on macOS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Action {
    pub id: &'static str,
    pub label: &'static str,
    pub keys: &'static str,
}

const fn action(id: &'static str, label: &'static str, keys: &'static str) -> Action {
    Action { id, label, keys }
}

/// The menus, in order, with their entries.
pub const MENUS: &[(&str, &[Action])] = &[
    (
        "File",
        &[
            action("import-files", "Import files…", "Ctrl+O"),
            action("import-folder", "Import folder…", "Ctrl+Shift+O"),
            action("paste", "Paste a badge…", "Ctrl+Shift+V"),
            action(QUIT, "Quit", "Ctrl+Q"),
        ],
    ),
    (
        "Badges",
        &[
            action("find", "Find", "Ctrl+F"),
            action("verify-all", "Verify all", "Ctrl+R"),
            action("new-collection", "New collection", "Ctrl+N"),
        ],
    ),
    (
        "Wallet",
        &[
            action("refresh-details", "Fetch pending details", "Ctrl+Shift+R"),
            action("export", "Export everything…", "Ctrl+E"),
            action("publish", "Publish public collections…", "Ctrl+P"),
            action("migrate", "Import from Mozilla Backpack…", "Ctrl+Shift+M"),
            action("backup", "Back up wallet…", "Ctrl+B"),
            action("restore", "Restore from backup…", "Ctrl+Shift+B"),
        ],
    ),
    (
        "View",
        &[
            action("backpack", "Backpack", "Ctrl+1"),
            action("settings", "Settings", "Ctrl+,"),
        ],
    ),
    ("Help", &[action("shortcuts", "Keyboard shortcuts", "F1")]),
];

/// What Help → About shows.
pub fn about(version: &str) -> AboutMetadata<'static> {
    AboutMetadata {
        name: Some("Satchel".into()),
        version: Some(version.into()),
        comments: Some("A local-first Open Badges backpack.".into()),
        license: Some("AGPL-3.0-or-later".into()),
        ..AboutMetadata::default()
    }
}

/// The accelerator Tauri understands for `keys` as the page writes them.
fn accelerator(keys: &str) -> String {
    match keys.strip_prefix("Ctrl+") {
        Some(rest) => format!("CmdOrCtrl+{rest}"),
        None => keys.to_owned(),
    }
}

/// Builds the app menu for `app`.
pub fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let mut bar = MenuBuilder::new(app);
    for (title, actions) in MENUS {
        let mut menu = SubmenuBuilder::new(app, *title);
        for a in *actions {
            if a.id == QUIT {
                menu = menu.separator();
            }
            let item = MenuItem::with_id(app, a.id, a.label, true, Some(accelerator(a.keys)))?;
            menu = menu.item(&item);
        }
        if *title == "Help" {
            let version = app.package_info().version.to_string();
            let about =
                PredefinedMenuItem::about(app, Some("About Satchel"), Some(about(&version)))?;
            menu = menu.separator().item(&about);
        }
        bar = bar.item(&menu.build()?);
    }
    bar.build()
}

/// Does what a menu entry asks: Quit ends the app, the rest go to the page.
pub fn chosen<R: Runtime>(app: &AppHandle<R>, id: &str) {
    if id == QUIT {
        app.exit(0);
    } else if MENUS.iter().flat_map(|(_, a)| *a).any(|a| a.id == id) {
        let _ = app.emit(MENU_ACTION, id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page's shortcut table, `{ id: "…", label: "…", keys: "…" }` per line.
    fn page_shortcuts() -> Vec<(String, String)> {
        let js = include_str!("../../ui/js/shortcuts.js");
        let field = |line: &str, name: &str| {
            let at = line.find(&format!("{name}: \""))? + name.len() + 3;
            Some(line[at..].split('"').next()?.to_owned())
        };
        js.lines()
            .filter_map(|l| Some((field(l, "id")?, field(l, "keys")?)))
            .collect()
    }

    #[test]
    fn every_menu_action_has_the_same_shortcut_in_the_page() {
        let page = page_shortcuts();
        assert!(page.len() > 10, "the table was read: {page:?}");
        for a in MENUS.iter().flat_map(|(_, a)| *a) {
            assert!(
                page.contains(&(a.id.to_owned(), a.keys.to_owned())),
                "{} ({}) is not in ui/js/shortcuts.js with that shortcut",
                a.id,
                a.keys
            );
        }
        let ids: Vec<&str> = MENUS.iter().flat_map(|(_, a)| *a).map(|a| a.id).collect();
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "one entry per action");
    }

    #[test]
    fn shortcuts_become_accelerators_and_about_names_version_and_licence() {
        assert_eq!(accelerator("Ctrl+Shift+O"), "CmdOrCtrl+Shift+O");
        assert_eq!(accelerator("F1"), "F1");
        let about = about("1.2.3");
        assert_eq!(about.version.as_deref(), Some("1.2.3"));
        assert_eq!(about.license.as_deref(), Some("AGPL-3.0-or-later"));
    }
}
