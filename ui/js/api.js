// The window's one door to the core: every command the UI uses, by name.
// Failures arrive as {code, message, details?}; callers switch on `code`.

const tauri = window.__TAURI__;

/**
 * An error from a command, with the core's stable code and, when there is
 * more to read, `details` (a backpack's answer, the keyring's raw error).
 * The core's sentences start in lower case (the CLI prints them after
 * "error: "); here they stand alone, so they start with a capital.
 */
export class AppError extends Error {
  constructor(code, message, details = null) {
    super(capitalized(message));
    this.code = code;
    this.details = details;
  }
}

/** The core's sentence, standing alone: with a capital. */
export function capitalized(sentence) {
  const text = String(sentence ?? "");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

async function call(command, args) {
  try {
    return await tauri.core.invoke(command, args);
  } catch (e) {
    if (e && typeof e === "object" && "code" in e) throw new AppError(e.code, e.message, e.details);
    throw new AppError("internal", String(e));
  }
}

export const walletInfo = () => call("wallet_info");
export const listBadges = () => call("list_badges");
export const badgeDetail = (id) => call("badge_detail", { id });
/** Deletes one badge for good (its checks and collection places go with it). */
export const deleteBadge = (id) => call("delete_badge", { id });
/** Writes one badge to `path`; its extension (.png, .svg, .json, .jws) picks the form. */
export const exportBadge = (id, path) => call("export_badge", { id, path });
export const importPaths = (paths) => call("import_paths", { paths });
export const importText = (text) => call("import_text", { text });
/** The files given from outside (command line, a second start) not imported yet. */
export const takeOpenedFiles = () => call("take_opened_files");
export const listIdentities = () => call("list_identities");
export const addIdentity = (value) => call("add_identity", { value });
export const removeIdentity = (value) => call("remove_identity", { value });
export const listCollections = () => call("list_collections");
export const collectionContents = (id) => call("collection_contents", { id });
export const createCollection = (name) => call("create_collection", { name });
export const renameCollection = (id, name) => call("rename_collection", { id, name });
export const setCollectionPublic = (id, pub) => call("set_collection_public", { id, public: pub });
export const deleteCollection = (id) => call("delete_collection", { id });
export const addToCollection = (id, badges) => call("add_to_collection", { id, badges });
export const removeFromCollection = (id, badges) => call("remove_from_collection", { id, badges });
/** Moves `badge` to 0-based place `to` within collection `id`. */
export const moveBadge = (id, badge, to) => call("move_badge", { id, badge, to });
export const badgeChecks = (id) => call("badge_checks", { id });
/** Verifies badges `ids`, or every badge when `ids` is null; progress comes as "verify-progress". */
export const verifyBadges = (ids) => call("verify_badges", { ids });
/** LinkedIn links built (and URL-checked) by the core; rejects with the core's sentence. */
export const shareLinkedin = (id) => call("share_linkedin", { id });
/** Fetches the details of badges whose issuer was unreachable; resolves to [{badge_id, error}]. */
export const refreshDetails = () => call("refresh_details");
/** Writes the whole wallet to a ZIP; progress comes as "task-progress". */
export const exportWallet = (path) => call("export_wallet", { path });
/** Writes the public collections as a static site into `dir` (`baseUrl` may be null). */
export const publishSite = (dir, baseUrl) => call("publish_site", { dir, baseUrl });
/** Of `paths`, the folders and ZIPs that are Mozilla Backpack exports. */
export const findMozillaExports = (paths) => call("find_mozilla_exports", { paths });
/** Migrates a Mozilla Backpack export; its emails become identities only when `addIdentities`. */
export const migrateMozilla = (path, addIdentities) =>
  call("migrate_mozilla", { path, addIdentities });
/** Backs the wallet up to `path`; resolves to the number of badges backed up. */
export const backupWallet = (path) => call("backup_wallet", { path });
/** Restores the wallet from a backup; resolves to {badges, previous}. */
export const restoreWallet = (path) => call("restore_wallet", { path });

/** The connected backpacks: [{name, kind, base_url, username, added_at, pushed}]. */
export const listBackpacks = () => call("list_backpacks");
/**
 * Connects a backpack. Badgr signs in with `username` and `password` (sent once, never
 * kept); Badge Connect and OB 3.0 open the system browser (its address comes as "sign-in-url").
 * Resolves to {backpack, scope, profile, session_only}: `session_only` is the core's sentence
 * when no keyring runs and the sign-in lasts only until the window closes.
 */
export const addBackpack = ({ name, baseUrl, kind, username, password, clientId = null }) =>
  call("add_backpack", { name, baseUrl, kind, username, password, clientId });
/** Disconnects a backpack and deletes its sign-in from the keyring. */
export const removeBackpack = (name) => call("remove_backpack", { name });
/** Sends badge `ids`, or a `collection`'s badges, or (both null) every badge; resolves to the push report. */
export const pushToBackpack = (name, { ids = null, collection = null } = {}) =>
  call("push_to_backpack", { name, ids, collection });
/** Imports every badge the backpack lists; resolves to import results. */
export const pullFromBackpack = (name) => call("pull_from_backpack", { name });

/** The URL of a badge's own picture, served from the wallet. */
/** The view the window showed when it last closed: `{tab, collection}`. */
export const lastView = () => call("last_view");
/** Keeps the view shown now (`{tab: "backpack"|"settings", collection: id|null}`) for the next start. */
export const rememberView = (view) => call("remember_view", { view });
/** Closes the window, which ends the app (Quit). */
export const quit = () => tauri.window.getCurrentWindow().close();

export const badgeImageUrl = (id) => `satchel://badge/${encodeURIComponent(id)}`;

/** Subscribes to an app event; returns a promise of the unsubscribe function. */
export const listen = (event, handler) => tauri.event.listen(event, (e) => handler(e.payload));

/** Calls `handler(event)` for native drag-and-drop over the window. */
export const onDragDrop = (handler) =>
  tauri.webviewWindow.getCurrentWebviewWindow().onDragDropEvent((e) => handler(e.payload));

/** The native file or folder picker; resolves to a list of paths (maybe empty). */
export async function pickPaths({ directory }) {
  const picked = await tauri.dialog.open({
    multiple: true,
    directory,
    title: directory ? "Import a folder of badges" : "Import badge files",
    filters: directory ? undefined : [
      { name: "Badges", extensions: ["png", "svg", "json", "jws", "jwt", "txt", "zip"] },
    ],
  });
  if (!picked) return [];
  return Array.isArray(picked) ? picked : [picked];
}

/** The native save dialog; resolves to the chosen path, or null. */
export async function pickSavePath({ title, defaultPath, name, extensions }) {
  const picked = await tauri.dialog.save({ title, defaultPath, filters: [{ name, extensions }] });
  return picked || null;
}

/** One file or folder from the native picker, or null. */
export async function pickOne({ title, directory, name, extensions }) {
  const picked = await tauri.dialog.open({
    multiple: false,
    directory,
    title,
    filters: directory || !extensions ? undefined : [{ name, extensions }],
  });
  if (!picked) return null;
  return Array.isArray(picked) ? picked[0] ?? null : picked;
}

/** Opens an http(s) link in the learner's browser, never in this window. */
export const openExternal = (url) => tauri.opener.openUrl(url);
