//! The commands the UI invokes: each deserializes its arguments, calls the
//! core once and maps the error to `{code, message}`.
//!
//! Long work (imports, which may fetch from issuers) runs on a blocking
//! thread with its own wallet connection and reports progress with
//! [`IMPORT_PROGRESS`] events, then announces [`WALLET_CHANGED`]; everything else is one short query on the
//! shared reading connection. Business rules live in the core, not here.

use chrono::Utc;
use satchel::ErrorCode;
use satchel::http::Fetcher;
use satchel::import::{self, ImportResult, Progress};
use satchel::wallet::{Badge, BadgeSummary, Identity, Wallet};
use serde::Serialize;
use tauri::async_runtime::block_on;
use tauri::{AppHandle, Emitter, Manager, Runtime, State};

use crate::error::CommandError;
use crate::state::Desktop;

/// The event an import emits after each item: `{done, total}`.
pub const IMPORT_PROGRESS: &str = "import-progress";
/// The event emitted when background work has changed the wallet.
pub const WALLET_CHANGED: &str = "wallet-changed";

/// What the settings view shows about the wallet.
#[derive(Debug, Clone, Serialize)]
pub struct WalletInfo {
    pub path: String,
    pub badges: i64,
    pub schema_version: i64,
    pub allow_private_network: bool,
}

/// The payload of an [`IMPORT_PROGRESS`] event.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ImportProgress {
    pub done: usize,
    pub total: usize,
}

#[tauri::command]
pub fn wallet_info(state: State<'_, Desktop>) -> Result<WalletInfo, CommandError> {
    let wallet = state.wallet();
    Ok(WalletInfo {
        path: state.path().display().to_string(),
        badges: wallet.badge_count()?,
        schema_version: wallet.schema_version()?,
        allow_private_network: state.fetcher().policy().allow_private,
    })
}

#[tauri::command]
pub fn list_badges(state: State<'_, Desktop>) -> Result<Vec<BadgeSummary>, CommandError> {
    Ok(state.wallet().list_badges()?)
}

#[tauri::command]
pub fn badge_detail(state: State<'_, Desktop>, id: i64) -> Result<Badge, CommandError> {
    Ok(state.wallet().badge(id)?)
}

/// Imports dropped or picked files, folders and ZIPs (and URLs).
#[tauri::command]
pub async fn import_paths<R: Runtime>(
    app: AppHandle<R>,
    paths: Vec<String>,
) -> Result<Vec<ImportResult>, CommandError> {
    in_background(app, move |wallet, fetcher, progress| {
        let now = Utc::now();
        block_on(import::import_inputs(
            wallet, fetcher, &paths, now, progress,
        ))
    })
    .await
}

/// Imports pasted text: a URL, JSON or a JWS.
#[tauri::command]
pub async fn import_text<R: Runtime>(
    app: AppHandle<R>,
    text: String,
) -> Result<ImportResult, CommandError> {
    in_background(app, move |wallet, fetcher, progress| {
        let bytes = text.into_bytes();
        let result = block_on(import::import_bytes(
            wallet,
            fetcher,
            "pasted".to_owned(),
            bytes,
            Utc::now(),
        ));
        progress(Progress { done: 1, total: 1 });
        result
    })
    .await
}

#[tauri::command]
pub fn list_identities(state: State<'_, Desktop>) -> Result<Vec<Identity>, CommandError> {
    Ok(state.wallet().identities()?)
}

#[tauri::command]
pub fn add_identity(state: State<'_, Desktop>, value: String) -> Result<Identity, CommandError> {
    Ok(state.wallet().add_identity(&value, Utc::now())?)
}

#[tauri::command]
pub fn remove_identity(state: State<'_, Desktop>, value: String) -> Result<(), CommandError> {
    match state.wallet().remove_identity(&value)? {
        true => Ok(()),
        false => Err(CommandError::new(
            ErrorCode::NotFound,
            format!("{value} is not one of your identities"),
        )),
    }
}

/// Runs `work` on a blocking thread with its own wallet connection, turning
/// its progress into [`IMPORT_PROGRESS`] events, so the window never freezes.
async fn in_background<R: Runtime, T: Send + 'static>(
    app: AppHandle<R>,
    work: impl FnOnce(&mut Wallet, &Fetcher, &mut dyn FnMut(Progress)) -> T + Send + 'static,
) -> Result<T, CommandError> {
    let task = tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<Desktop>();
        let mut wallet = state.open_writer()?;
        let mut report = |p: Progress| {
            let event = ImportProgress {
                done: p.done,
                total: p.total,
            };
            // A window that closed meanwhile just misses the news.
            let _ = app.emit(IMPORT_PROGRESS, event);
        };
        let output = work(&mut wallet, state.fetcher(), &mut report);
        let _ = app.emit(WALLET_CHANGED, ());
        Ok(output)
    });
    task.await.map_err(|e| {
        CommandError::new(
            ErrorCode::Io,
            format!("the background task stopped unexpectedly: {e}"),
        )
    })?
}
