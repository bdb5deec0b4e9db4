//! Satchel's desktop window: a Tauri 2 shell over the `satchel` core.
//!
//! This crate owns only the window: [`commands`] adapts the core to IPC,
//! [`protocol`] serves badge images from the wallet, [`state`] holds the
//! wallet connection and HTTP client, [`error`] carries `{code, message}`
//! errors, [`menu`] builds the app menu, [`view`] keeps the last view,
//! [`opened`] takes badges handed over from outside (the command line, a
//! second start), and [`painting`] picks how WebKit paints on this computer.
//! The UI itself is plain HTML, ES modules and CSS in `ui/`.
//! [`app`] wires everything that does not need a real window (so the command
//! tests can use Tauri's mock runtime); [`run`] adds the plugins and starts it.

pub mod commands;
pub mod error;
pub mod menu;
pub mod opened;
pub mod painting;
pub mod protocol;
pub mod state;
pub mod view;

use tauri::plugin::TauriPlugin;
use tauri::{Runtime, Url};

pub use error::CommandError;
pub use state::Desktop;

/// Why the window could not start.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("cannot open the wallet: {0}")]
    Wallet(#[from] CommandError),
    #[error("the window failed: {0}")]
    Tauri(#[from] tauri::Error),
}

/// Registers the state, the commands and the image protocol on `builder`.
pub fn app<R: Runtime>(builder: tauri::Builder<R>, desktop: Desktop) -> tauri::Builder<R> {
    builder
        .manage(desktop)
        .register_asynchronous_uri_scheme_protocol(protocol::SCHEME, protocol::handle)
        .invoke_handler(tauri::generate_handler![
            commands::wallet_info,
            commands::list_badges,
            commands::badge_detail,
            commands::delete_badge,
            commands::export_badge,
            commands::import_paths,
            commands::import_text,
            commands::take_opened_files,
            commands::list_identities,
            commands::add_identity,
            commands::remove_identity,
            commands::list_collections,
            commands::collection_contents,
            commands::create_collection,
            commands::rename_collection,
            commands::set_collection_public,
            commands::delete_collection,
            commands::add_to_collection,
            commands::remove_from_collection,
            commands::move_badge,
            commands::badge_checks,
            commands::verify_badges,
            commands::share_linkedin,
            commands::refresh_details,
            commands::export_wallet,
            commands::publish_site,
            commands::find_mozilla_exports,
            commands::migrate_mozilla,
            commands::backup_wallet,
            commands::restore_wallet,
            commands::list_backpacks,
            commands::add_backpack,
            commands::remove_backpack,
            commands::push_to_backpack,
            commands::pull_from_backpack,
            commands::last_view,
            commands::remember_view,
        ])
}

/// Opens the wallet the environment names and runs the window until it closes.
pub fn run() -> Result<(), RunError> {
    let desktop = Desktop::from_env()?;
    desktop.open_later(opened::from_command_line());
    let single_instance = opened::single_instance(desktop.path());
    app(tauri::Builder::default(), desktop)
        .plugin(single_instance)
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(navigation_guard())
        .plugin(window_state())
        .menu(menu::build)
        .on_menu_event(|app, event| menu::chosen(app, event.id().as_ref()))
        .run(tauri::generate_context!())?;
    Ok(())
}

/// Keeps the window's size, position and maximized state across starts.
fn window_state<R: Runtime>() -> TauriPlugin<R> {
    use tauri_plugin_window_state::StateFlags;
    tauri_plugin_window_state::Builder::new()
        .with_state_flags(StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED)
        .build()
}

/// Keeps the webview on the app's own pages: a link in a stranger's badge
/// can never replace the UI (links open in the system browser instead).
fn navigation_guard<R: Runtime>() -> TauriPlugin<R> {
    tauri::plugin::Builder::new("navigation-guard")
        .on_navigation(|_, url| is_app_page(url))
        .build()
}

fn is_app_page(url: &Url) -> bool {
    url.scheme() == "tauri" || url.host_str() == Some("tauri.localhost")
}

#[cfg(test)]
mod tests {
    use super::is_app_page;

    #[test]
    fn only_the_app_pages_are_navigable() {
        let ok = |s: &str| is_app_page(&s.parse().unwrap());
        assert!(ok("tauri://localhost/index.html"));
        assert!(ok("http://tauri.localhost/"));
        assert!(!ok("https://evil.example/"));
        assert!(!ok("file:///etc/passwd"));
    }
}
