//! The commands the UI invokes: each deserializes its arguments, calls the
//! core once and maps the error to `{code, message}`.
//!
//! Long work (imports and verification, which fetch from issuers) runs on a
//! blocking thread with its own wallet connection and reports progress with
//! [`IMPORT_PROGRESS`] or [`VERIFY_PROGRESS`] events, then announces
//! [`WALLET_CHANGED`]; so do the wallet-wide tasks (export, publish,
//! Mozilla migration, backup and restore) and the backpack work (sign-in,
//! push, pull), which report [`TASK_PROGRESS`] (or [`IMPORT_PROGRESS`] for a
//! migration); everything else is one short query or transaction on the
//! shared connection, never held across network I/O. Business rules live in
//! the core, not here; the one check made here is that every path is one a
//! file dialog or a drop can have given (a full path).

use std::path::Path;

use chrono::Utc;
use satchel::ErrorCode;
use satchel::backpack::{self, Added, BackpackKind, Browser, PushReport, SystemBrowser};
use satchel::export::{self, ExportSummary, PublishSummary};
use satchel::http::Fetcher;
use satchel::intake::{self, InputKind, MigrationReport};
use satchel::ops;
use satchel::outcome::{ImportResult, Progress};
use satchel::share::{self, LinkedInShare};
use satchel::verify::IssuedTo;
use satchel::wallet::{
    BackpackAccount, Badge, BadgeSummary, CheckRecord, Collection, CollectionContents, Identity,
    Wallet,
};
use serde::Serialize;
use tauri::async_runtime::block_on;
use tauri::{AppHandle, Emitter, Manager, Runtime, State};

use crate::error::CommandError;
use crate::state::Desktop;
use crate::view::{self, LastView};

/// The event an import emits after each item: `{done, total}`.
pub const IMPORT_PROGRESS: &str = "import-progress";
/// The event a verification run emits after each badge: `{done, total}`.
pub const VERIFY_PROGRESS: &str = "verify-progress";
/// The event a wallet-wide task (export, publish, backup, restore) emits:
/// `{done: 0, total: 0}` while it runs, `{done: 1, total: 1}` when done.
pub const TASK_PROGRESS: &str = "task-progress";
/// The event emitted when background work has changed the wallet.
pub const WALLET_CHANGED: &str = "wallet-changed";
/// The event a browser sign-in emits with the address it asked the system
/// browser to open (a string), so the window can offer it as a link too.
pub const SIGN_IN_URL: &str = "sign-in-url";

/// What the settings view shows about the wallet.
#[derive(Debug, Clone, Serialize)]
pub struct WalletInfo {
    pub path: String,
    pub badges: i64,
    pub schema_version: i64,
    pub allow_private_network: bool,
}

/// What a restore did: how many badges the wallet now holds and where the
/// wallet as it was before is kept.
#[derive(Debug, Clone, Serialize)]
pub struct RestoreOutcome {
    pub badges: i64,
    pub previous: String,
}

/// One badge that was awaiting its issuer's details: filled in now
/// (`error` is null) or still waiting, and why.
#[derive(Debug, Clone, Serialize)]
pub struct DetailsRefresh {
    pub badge_id: i64,
    pub error: Option<String>,
}

/// The payload of an [`IMPORT_PROGRESS`] or [`VERIFY_PROGRESS`] event.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ImportProgress {
    pub done: usize,
    pub total: usize,
}

#[tauri::command]
pub fn wallet_info(state: State<'_, Desktop>) -> Result<WalletInfo, CommandError> {
    let wallet = state.wallet()?;
    Ok(WalletInfo {
        path: state.path().display().to_string(),
        badges: wallet.badge_count()?,
        schema_version: wallet.schema_version()?,
        allow_private_network: state.fetcher().policy().allow_private,
    })
}

#[tauri::command]
pub fn list_badges(state: State<'_, Desktop>) -> Result<Vec<BadgeSummary>, CommandError> {
    Ok(state.wallet()?.list_badges()?)
}

/// One badge as the detail view shows it: everything the wallet keeps, and
/// whom it was issued to, compared with the learner's identities.
#[derive(Debug, Clone, Serialize)]
pub struct BadgeDetail {
    #[serde(flatten)]
    pub badge: Badge,
    pub issued_to: IssuedTo,
    /// [`IssuedTo`] in the window's words.
    pub issued_to_sentence: String,
}

#[tauri::command]
pub fn badge_detail(state: State<'_, Desktop>, id: i64) -> Result<BadgeDetail, CommandError> {
    let wallet = state.wallet()?;
    let badge = wallet.badge(id)?;
    let issued_to = IssuedTo::of(badge.credential.recipient.as_ref(), &wallet.identities()?);
    Ok(BadgeDetail {
        issued_to_sentence: issued_to.sentence(),
        issued_to,
        badge,
    })
}

/// Deletes one badge for good, with its checks and collection places.
#[tauri::command]
pub fn delete_badge(state: State<'_, Desktop>, id: i64) -> Result<(), CommandError> {
    Ok(state.wallet()?.delete_badge(id)?)
}

/// Writes one badge to `path`: `.png` / `.svg` baked, `.json`, or `.jws`.
#[tauri::command]
pub fn export_badge(state: State<'_, Desktop>, id: i64, path: String) -> Result<(), CommandError> {
    let path = given_path(&path)?;
    Ok(export::export_badge(&*state.wallet()?, id, path)?)
}

/// Imports dropped or picked files, folders and ZIPs (and URLs).
#[tauri::command]
pub async fn import_paths<R: Runtime>(
    app: AppHandle<R>,
    paths: Vec<String>,
) -> Result<Vec<ImportResult>, CommandError> {
    for path in &paths {
        let trimmed = path.trim();
        if !(trimmed.starts_with("http://") || trimmed.starts_with("https://")) {
            given_path(path)?;
        }
    }
    in_background(
        app,
        IMPORT_PROGRESS,
        Writer::Reader,
        move |wallet, fetcher, progress| {
            let options = intake::Options::default();
            let run = intake::take(wallet, fetcher, &paths, options, Utc::now(), progress);
            block_on(run).results
        },
    )
    .await
}

/// The files handed to the window from outside since the last call (see
/// [`crate::opened`]); the page imports them as it imports a drop.
#[tauri::command]
pub fn take_opened_files(state: State<'_, Desktop>) -> Vec<String> {
    state.take_opened()
}

/// Imports pasted text: a URL, JSON or a JWS.
#[tauri::command]
pub async fn import_text<R: Runtime>(
    app: AppHandle<R>,
    text: String,
) -> Result<ImportResult, CommandError> {
    in_background(
        app,
        IMPORT_PROGRESS,
        Writer::Own,
        move |wallet, fetcher, progress| {
            let result = block_on(intake::take_text(wallet, fetcher, text, Utc::now()));
            progress(Progress { done: 1, total: 1 });
            result
        },
    )
    .await
}

#[tauri::command]
pub fn list_identities(state: State<'_, Desktop>) -> Result<Vec<Identity>, CommandError> {
    Ok(state.wallet()?.identities()?)
}

#[tauri::command]
pub fn add_identity(state: State<'_, Desktop>, value: String) -> Result<Identity, CommandError> {
    Ok(state.wallet()?.add_identity(&value, Utc::now())?)
}

#[tauri::command]
pub fn remove_identity(state: State<'_, Desktop>, value: String) -> Result<(), CommandError> {
    Ok(ops::remove_identity(&mut *state.wallet()?, &value)?)
}

#[tauri::command]
pub fn list_collections(state: State<'_, Desktop>) -> Result<Vec<Collection>, CommandError> {
    Ok(state.wallet()?.collections()?)
}

#[tauri::command]
pub fn collection_contents(
    state: State<'_, Desktop>,
    id: i64,
) -> Result<CollectionContents, CommandError> {
    Ok(state.wallet()?.collection_contents(id)?)
}

#[tauri::command]
pub fn create_collection(
    state: State<'_, Desktop>,
    name: String,
) -> Result<Collection, CommandError> {
    Ok(state.wallet()?.create_collection(&name, "", Utc::now())?)
}

#[tauri::command]
pub fn rename_collection(
    state: State<'_, Desktop>,
    id: i64,
    name: String,
) -> Result<(), CommandError> {
    Ok(state.wallet()?.rename_collection(id, &name)?)
}

#[tauri::command]
pub fn set_collection_public(
    state: State<'_, Desktop>,
    id: i64,
    public: bool,
) -> Result<(), CommandError> {
    Ok(state.wallet()?.set_collection_public(id, public)?)
}

#[tauri::command]
pub fn delete_collection(state: State<'_, Desktop>, id: i64) -> Result<(), CommandError> {
    Ok(state.wallet()?.delete_collection(id)?)
}

/// Adds badges at the end of a collection; returns how many were new there.
#[tauri::command]
pub fn add_to_collection(
    state: State<'_, Desktop>,
    id: i64,
    badges: Vec<i64>,
) -> Result<usize, CommandError> {
    Ok(state.wallet()?.add_to_collection(id, &badges)?)
}

#[tauri::command]
pub fn remove_from_collection(
    state: State<'_, Desktop>,
    id: i64,
    badges: Vec<i64>,
) -> Result<(), CommandError> {
    Ok(state.wallet()?.remove_from_collection(id, &badges)?)
}

/// Moves a badge to 0-based place `to` within a collection.
#[tauri::command]
pub fn move_badge(
    state: State<'_, Desktop>,
    id: i64,
    badge: i64,
    to: usize,
) -> Result<(), CommandError> {
    Ok(state.wallet()?.move_badge(id, badge, to)?)
}

/// Every check of one badge, oldest first.
#[tauri::command]
pub fn badge_checks(state: State<'_, Desktop>, id: i64) -> Result<Vec<CheckRecord>, CommandError> {
    Ok(state.wallet()?.checks(id)?)
}

/// Checks badges `ids` (every badge when absent) against their issuers.
#[tauri::command]
pub async fn verify_badges<R: Runtime>(
    app: AppHandle<R>,
    ids: Option<Vec<i64>>,
) -> Result<Vec<CheckRecord>, CommandError> {
    in_background(
        app,
        VERIFY_PROGRESS,
        Writer::Own,
        move |wallet, fetcher, progress| {
            Ok(block_on(ops::verify(
                wallet,
                fetcher,
                ids,
                Utc::now(),
                progress,
            ))?)
        },
    )
    .await?
}

/// LinkedIn's "add to profile" and "share a post" links, built by the core.
#[tauri::command]
pub fn share_linkedin(state: State<'_, Desktop>, id: i64) -> Result<LinkedInShare, CommandError> {
    Ok(share::linkedin(&*state.wallet()?, id)?)
}

/// Fetches again the details of every badge whose issuer could not be
/// reached when it was imported.
#[tauri::command]
pub async fn refresh_details<R: Runtime>(
    app: AppHandle<R>,
) -> Result<Vec<DetailsRefresh>, CommandError> {
    in_task(app, TASK_PROGRESS, move |w, fetcher, _| {
        let done = block_on(intake::refresh_awaiting(w, fetcher))?;
        Ok(done
            .into_iter()
            .map(|(badge_id, error)| DetailsRefresh { badge_id, error })
            .collect())
    })
    .await
}

/// Writes the whole wallet to the ZIP at `path` (restorable with `import_paths`).
#[tauri::command]
pub async fn export_wallet<R: Runtime>(
    app: AppHandle<R>,
    path: String,
) -> Result<ExportSummary, CommandError> {
    given_path(&path)?;
    in_task(app, TASK_PROGRESS, move |w, _, _| {
        Ok(export::export_wallet(w, Path::new(&path), Utc::now())?)
    })
    .await
}

/// Writes the public collections as a static site into the folder `dir`.
#[tauri::command]
pub async fn publish_site<R: Runtime>(
    app: AppHandle<R>,
    dir: String,
    base_url: Option<String>,
) -> Result<PublishSummary, CommandError> {
    given_path(&dir)?;
    in_task(app, TASK_PROGRESS, move |w, _, _| {
        let base = base_url.as_deref().map(str::trim).filter(|b| !b.is_empty());
        Ok(export::publish(w, Path::new(&dir), base, Utc::now())?)
    })
    .await
}

/// Of the dropped or picked `paths`, the folders and ZIPs that are Mozilla
/// Backpack exports (a shutdown export or saved Displayer answers): the
/// window offers to migrate those, asking about their emails first.
#[tauri::command]
pub fn find_mozilla_exports(paths: Vec<String>) -> Vec<String> {
    paths
        .into_iter()
        .filter(|p| intake::classify(p) == InputKind::MozillaExport)
        .collect()
}

/// Brings a Mozilla Backpack export (ZIP or folder) in; the export's emails
/// become identities only when `add_identities` is set.
#[tauri::command]
pub async fn migrate_mozilla<R: Runtime>(
    app: AppHandle<R>,
    path: String,
    add_identities: bool,
) -> Result<MigrationReport, CommandError> {
    given_path(&path)?;
    in_task(app, IMPORT_PROGRESS, move |w, fetcher, _| {
        let options = intake::Options { add_identities };
        let run = intake::mozilla::migrate(w, fetcher, Path::new(&path), options, Utc::now());
        Ok(block_on(run)?.report)
    })
    .await
}

/// Writes a consistent copy of the wallet to `path`; returns its badge count.
#[tauri::command]
pub async fn backup_wallet<R: Runtime>(
    app: AppHandle<R>,
    path: String,
) -> Result<i64, CommandError> {
    given_path(&path)?;
    in_task(app, TASK_PROGRESS, move |w, _, _| {
        w.backup_to(Path::new(&path))?;
        Ok(w.badge_count()?)
    })
    .await
}

/// Replaces the wallet with the backup at `path`, keeping the old one beside it.
#[tauri::command]
pub async fn restore_wallet<R: Runtime>(
    app: AppHandle<R>,
    path: String,
) -> Result<RestoreOutcome, CommandError> {
    given_path(&path)?;
    in_task(app, TASK_PROGRESS, move |w, _, _| {
        let previous = w.restore_from(Path::new(&path), Utc::now())?;
        let badges = w.badge_count()?;
        Ok(RestoreOutcome {
            badges,
            previous: previous.display().to_string(),
        })
    })
    .await
}

/// The connected backpacks, with how many badges each holds from this wallet.
#[tauri::command]
pub fn list_backpacks(state: State<'_, Desktop>) -> Result<Vec<BackpackAccount>, CommandError> {
    Ok(state.wallet()?.backpacks()?)
}

/// Connects a backpack (or signs in to it again). Badgr takes `username`
/// and `password`, used once and never kept; Badge Connect and OB 3.0 open
/// the system browser and announce its address with [`SIGN_IN_URL`]. On a
/// desktop with no keyring the sign-in lasts until the window closes, and
/// the answer's `session_only` says so.
#[tauri::command]
pub async fn add_backpack<R: Runtime>(
    app: AppHandle<R>,
    name: String,
    base_url: String,
    kind: String,
    username: Option<String>,
    password: Option<String>,
    client_id: Option<String>,
) -> Result<Added, CommandError> {
    let kind = BackpackKind::parse(&kind)?;
    let secrets = app.state::<Desktop>().secrets_for_sign_in();
    let announce = app.clone();
    in_task(app, TASK_PROGRESS, move |wallet, fetcher, _| {
        let browser = move |url: &str| -> Result<(), String> {
            let _ = announce.emit(SIGN_IN_URL, url);
            // The window shows the address too, so a browser that did not
            // start is no dead end.
            let _ = SystemBrowser.open(url);
            Ok(())
        };
        let password = username.as_deref().zip(password.as_deref());
        let sign_in = ops::sign_in(kind, password, client_id.as_deref(), &browser);
        let ctx = ops::context(fetcher, &secrets, Utc::now());
        let run = backpack::add(wallet, &ctx, &name, &base_url, kind, sign_in);
        Ok(block_on(run)?)
    })
    .await
}

/// Disconnects a backpack and deletes its sign-in from the keyring (or,
/// with none running, from this window's memory).
#[tauri::command]
pub fn remove_backpack(state: State<'_, Desktop>, name: String) -> Result<(), CommandError> {
    let secrets = state.secrets_for_sign_in();
    Ok(backpack::remove(&mut *state.wallet()?, &secrets, &name)?)
}

/// Sends badges to a backpack: `ids`, else a `collection` (its badges, then
/// the collection itself), else every badge not sent yet.
#[tauri::command]
pub async fn push_to_backpack<R: Runtime>(
    app: AppHandle<R>,
    name: String,
    ids: Option<Vec<i64>>,
    collection: Option<String>,
) -> Result<PushReport, CommandError> {
    let ids = ids.unwrap_or_default();
    let selection = ops::selection(&ids, collection.as_deref(), true)?;
    let secrets = app.state::<Desktop>().secrets()?;
    in_task(app, TASK_PROGRESS, move |wallet, fetcher, _| {
        let ctx = ops::context(fetcher, &secrets, Utc::now());
        Ok(block_on(backpack::push(wallet, &ctx, &name, &selection))?)
    })
    .await
}

/// Imports every badge a backpack lists, through the normal import path.
#[tauri::command]
pub async fn pull_from_backpack<R: Runtime>(
    app: AppHandle<R>,
    name: String,
) -> Result<Vec<ImportResult>, CommandError> {
    let secrets = app.state::<Desktop>().secrets()?;
    in_task(app, TASK_PROGRESS, move |wallet, fetcher, _| {
        let ctx = ops::context(fetcher, &secrets, Utc::now());
        Ok(block_on(ops::pull(wallet, &ctx, &name))?)
    })
    .await
}

/// `path` as a path the window can have been given: file dialogs and drops
/// give full paths, so an empty, relative or NUL-holding one did not come
/// from them and is refused rather than resolved against wherever the app
/// happens to run.
fn given_path(path: &str) -> Result<&Path, CommandError> {
    let given = Path::new(path);
    if path.contains('\0') || !given.is_absolute() {
        return Err(CommandError::new(
            ErrorCode::InvalidInput,
            format!(
                "{path:?} is not a full path, as a file dialog or a drop gives; nothing was done, so pick the file or folder again"
            ),
        ));
    }
    Ok(given)
}

/// [`in_background`] for a task without progress of its own: reports that it
/// runs (`{0, 0}`) and that it ended (`{1, 1}`) on `event`.
async fn in_task<R: Runtime, T: Send + 'static>(
    app: AppHandle<R>,
    event: &'static str,
    work: impl FnOnce(&mut Wallet, &Fetcher, &mut dyn FnMut(Progress)) -> Result<T, CommandError>
    + Send
    + 'static,
) -> Result<T, CommandError> {
    in_background(app, event, Writer::Own, move |wallet, fetcher, progress| {
        progress(Progress { done: 0, total: 0 });
        let output = work(wallet, fetcher, progress);
        progress(Progress { done: 1, total: 1 });
        output
    })
    .await?
}

/// The wallet connection a background task writes with.
#[derive(Debug, Clone, Copy)]
enum Writer {
    /// A connection of its own, beside the reader.
    Own,
    /// The reader's, borrowed for the task's length (an import of files:
    /// see [`Desktop::borrow_for_import`]).
    Reader,
}

/// Runs `work` on a blocking thread with a wallet connection for writing,
/// turning its progress into `event`s (`{done, total}`), so the window never
/// freezes.
async fn in_background<R: Runtime, T: Send + 'static>(
    app: AppHandle<R>,
    event: &'static str,
    writer: Writer,
    work: impl FnOnce(&mut Wallet, &Fetcher, &mut dyn FnMut(Progress)) -> T + Send + 'static,
) -> Result<T, CommandError> {
    let task = tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<Desktop>();
        let mut wallet = match writer {
            Writer::Own => state.open_writer()?,
            Writer::Reader => state.borrow_for_import()?,
        };
        let mut report = |p: Progress| {
            let done = ImportProgress {
                done: p.done,
                total: p.total,
            };
            // A window that closed meanwhile just misses the news.
            let _ = app.emit(event, done);
        };
        let output = work(&mut wallet, state.fetcher(), &mut report);
        if let Writer::Reader = writer {
            state.give_back(wallet);
        }
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

/// The view the window showed when it last closed.
#[tauri::command]
pub fn last_view<R: Runtime>(app: AppHandle<R>) -> Result<LastView, CommandError> {
    Ok(view::load(&config_dir(&app)?))
}

/// Keeps the view the window shows now, for the next start.
#[tauri::command]
pub fn remember_view<R: Runtime>(app: AppHandle<R>, view: LastView) -> Result<(), CommandError> {
    view::save(&config_dir(&app)?, &view).map_err(|e| {
        CommandError::new(
            ErrorCode::Io,
            format!(
                "cannot keep the window's view for the next start ({e}); nothing else is affected, \
                 but check that your config folder can be written to"
            ),
        )
    })
}

fn config_dir<R: Runtime>(app: &AppHandle<R>) -> Result<std::path::PathBuf, CommandError> {
    app.path().app_config_dir().map_err(|e| {
        CommandError::new(
            ErrorCode::Io,
            format!(
                "no config folder to keep the window's view in ({e}); nothing else is affected, \
                 but set HOME or XDG_CONFIG_HOME so that Satchel opens where you left it"
            ),
        )
    })
}
