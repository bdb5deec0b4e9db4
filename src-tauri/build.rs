//! Generates the Tauri context and one `allow-<command>` permission per app
//! command, so `capabilities/main.json` can allow exactly the commands the UI uses.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(satchel_commands());
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("the Tauri build step failed");
}

/// Every command `src/lib.rs` registers (kept in one list: `src/commands.list`).
fn satchel_commands() -> &'static [&'static str] {
    include!("src/commands.list")
}
