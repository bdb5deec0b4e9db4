// Starts the window: loads the badges and collections, wires the toolbar,
// the views, the detail dialog, the card menu, the importer, the wallet
// tools (export, publish, Mozilla migration, backup, restore) and the
// connected backpacks, and reloads whenever the wallet changes.

import * as api from "./api.js";
import { Backpacks } from "./backpacks.js";
import { issuers, matches } from "./badges.js";
import { Collections } from "./collections.js";
import { showDetail } from "./detail.js";
import { isWebUrl, setText, show } from "./dom.js";
import { BadgeGrid } from "./grid.js";
import { Importer } from "./importer.js";
import { Menu } from "./menu.js";
import { Settings } from "./settings.js";
import { dispatch, showShortcuts } from "./shortcuts.js";
import { WalletTools } from "./tools.js";

const $ = (id) => document.getElementById(id);
const notice = $("notice");
const notify = (message) => setText(notice, message);

let badges = [];
/** The active collection's badge ids in its order (null: every badge). */
let collectionOrder = null;
const grid = new BadgeGrid(
  $("badge-grid"),
  (badge) => openDetail(badge.id),
  (badge, index, anchor) => openCardMenu(badge, index, anchor),
  (badgeId, to) => moveInCollection(badgeId, to),
);
const settings = new Settings();
const importer = new Importer(notify);
const menu = new Menu($("card-menu"));
new WalletTools(notify, importer);
const backpacks = new Backpacks(notify, importer);
/** Reads what the settings view shows: identities, the wallet, backpacks. */
const refreshSettings = () =>
  Promise.all([settings.refresh(), backpacks.refresh()]).catch((e) => notify(e.message));
const collections = new Collections({
  onSelect: () => {
    rememberView();
    return loadCollection().then(applyFilters);
  },
  onChange: () => loadCollection().then(applyFilters),
  notify,
});

async function openDetail(id) {
  const dialog = $("detail-dialog");
  const opener = document.activeElement;
  try {
    await showDetail(dialog, id, { verify, notify, changed: () => reload() });
  } catch (e) {
    notify(e.message);
    return;
  }
  // The keyboard goes back where it was; a card redrawn meanwhile is found again.
  dialog.addEventListener(
    "close",
    () => {
      if (opener?.isConnected) opener.focus();
      else if (opener?.matches(".card") && !$("backpack-view").hidden) grid.focus(grid.focusIndex);
    },
    { once: true },
  );
}

/** Verifies `ids` (null: every badge) off the main thread, with progress. */
let verifying = 0;
async function verify(ids) {
  const label = ids === null ? "every badge" : ids.length === 1 ? "the badge" : `${ids.length} badges`;
  verifying++;
  $("verify-all").disabled = true;
  notify(`Checking ${label} with the issuer…`);
  importer.showProgress({ done: 0, total: 0 });
  try {
    const results = await api.verifyBadges(ids);
    const valid = results.filter((r) => r.outcome === "valid").length;
    notify(
      results.length === 0
        ? "Nothing to check: the backpack is empty."
        : `${valid} of ${results.length} checked ${results.length === 1 ? "badge is" : "badges are"} valid.`,
    );
    return results;
  } catch (e) {
    notify(`Verification failed: ${e.message}`);
    return [];
  } finally {
    if (--verifying === 0) $("verify-all").disabled = false;
    importer.endProgress();
  }
}

/** The card menu: the keyboard path for every drag. */
function openCardMenu(badge, index, anchor) {
  const items = [{ label: "Open details", action: () => openDetail(badge.id) }];
  const active = collections.current;
  if (active && collectionOrder) {
    const at = collectionOrder.indexOf(badge.id);
    if (at > 0) items.push({ label: "Move earlier", action: () => moveInCollection(badge.id, at - 1, true) });
    if (at >= 0 && at < collectionOrder.length - 1) {
      items.push({ label: "Move later", action: () => moveInCollection(badge.id, at + 1, true) });
    }
    items.push({ label: `Remove from “${active.name}”`, action: () => removeFromActive(badge.id) });
  }
  const others = collections.items.filter((c) => c.id !== active?.id);
  if (others.length) items.push({ heading: true, label: "Add to collection" });
  for (const c of others) items.push({ label: c.name, action: () => collections.addBadges(c.id, [badge.id]) });
  if (!collections.items.length) {
    items.push({ label: "New collection…", action: () => $("new-collection-name").focus() });
  }
  menu.open(anchor, items);
}

async function moveInCollection(badgeId, to, keepFocus = false) {
  const active = collections.current;
  if (!active) return;
  try {
    await api.moveBadge(active.id, badgeId, to);
    await loadCollection();
    applyFilters();
    if (keepFocus) grid.focus(Math.min(to, grid.items.length - 1));
    notify(`Moved to place ${to + 1} in “${active.name}”.`);
  } catch (e) {
    notify(e.message);
  }
}

async function removeFromActive(badgeId) {
  const active = collections.current;
  if (!active) return;
  try {
    await api.removeFromCollection(active.id, [badgeId]);
    await collections.refresh();
    await loadCollection();
    applyFilters();
    notify(`Removed from “${active.name}”; it stays in your backpack.`);
  } catch (e) {
    notify(e.message);
  }
}

/** Reads the active collection's order from the wallet. */
async function loadCollection() {
  const active = collections.current;
  if (!active) {
    collectionOrder = null;
    return;
  }
  try {
    collectionOrder = (await api.collectionContents(active.id)).badges.map((b) => b.id);
  } catch (e) {
    notify(e.message);
    collectionOrder = [];
  }
}

function applyFilters() {
  const filter = {
    query: $("search").value.trim(),
    issuer: $("filter-issuer").value,
    state: $("filter-state").value,
  };
  let pool = badges;
  if (collectionOrder) {
    const byId = new Map(badges.map((b) => [b.id, b]));
    pool = collectionOrder.map((id) => byId.get(id)).filter(Boolean);
  }
  const shown = pool.filter((b) => matches(b, filter));
  // Reordering by drag only makes sense on the whole collection, unfiltered.
  grid.reorderable = Boolean(collectionOrder) && shown.length === pool.length;
  grid.setItems(shown);
  $("badge-grid").dataset.collection = collections.current ? String(collections.current.id) : "";
  setText($("all-count"), badges.length);
  const inCollection = Boolean(collectionOrder);
  show($("collection-empty"), inCollection && pool.length === 0 && badges.length > 0);
  const total = pool.length;
  const noun = total === 1 ? "badge" : "badges";
  setText(
    $("badge-count"),
    shown.length === total
      ? `${total.toLocaleString()} ${noun}`
      : `${shown.length.toLocaleString()} of ${total.toLocaleString()} ${noun}`,
  );
  show($("empty-state"), badges.length === 0);
  show($("badge-grid"), total > 0);
}

function fillIssuers() {
  const select = $("filter-issuer");
  const current = select.value;
  const options = issuers(badges).map((name) => {
    const option = document.createElement("option");
    option.value = name;
    setText(option, name);
    return option;
  });
  select.replaceChildren(select.options[0], ...options);
  select.value = options.some((o) => o.value === current) ? current : "";
}

/** Reads everything shown again; `listing` is a list of badges already asked for. */
async function reload(listing = api.listBadges()) {
  try {
    badges = await listing;
    performance.mark("list-received");
  } catch (e) {
    notify(`Cannot read the wallet: ${e.message}`);
    badges = [];
  }
  try {
    await collections.refresh();
  } catch (e) {
    notify(`Cannot read the collections: ${e.message}`);
  }
  await loadCollection();
  fillIssuers();
  applyFilters();
  performance.mark("grid-built");
  if (!$("settings-view").hidden) await refreshSettings();
}

/** Keeps the view shown now for the next start (a failure only costs that). */
function rememberView() {
  const tab = $("settings-view").hidden ? "backpack" : "settings";
  api.rememberView({ tab, collection: collections.active }).catch((e) => notify(e.message));
}

function switchView(view) {
  for (const tab of document.querySelectorAll(".tab")) {
    if (tab.dataset.view === view) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
  show($("backpack-view"), view === "backpack");
  show($("settings-view"), view === "settings");
  if (view === "settings") refreshSettings();
  else grid.render();
  rememberView();
}

for (const tab of document.querySelectorAll(".tab")) {
  tab.addEventListener("click", () => switchView(tab.dataset.view));
}
$("filters").addEventListener("submit", (e) => e.preventDefault());
$("search").addEventListener("input", applyFilters);
$("filter-issuer").addEventListener("change", applyFilters);
$("filter-state").addEventListener("change", applyFilters);
$("verify-all").addEventListener("click", () => verify(null));

// Links never navigate this window: http(s) ones open in the browser.
document.addEventListener("click", (event) => {
  const a = event.target.closest("a[href]");
  if (!a || a.classList.contains("skip-link")) return;
  event.preventDefault();
  if (isWebUrl(a.href)) api.openExternal(a.href).catch((e) => notify(e.message));
});

/** What each shortcut and menu entry does (shortcuts.js lists their keys). */
const actions = {
  "import-files": () => $("import-files").click(),
  "import-folder": () => $("import-folder").click(),
  paste: () => $("open-paste").click(),
  find: () => {
    switchView("backpack");
    $("search").focus();
  },
  "verify-all": () => {
    if (!$("verify-all").disabled) verify(null);
  },
  "new-collection": () => {
    switchView("backpack");
    $("new-collection-name").focus();
  },
  "refresh-details": () => $("tool-refresh").click(),
  export: () => $("tool-export").click(),
  publish: () => $("tool-publish").click(),
  migrate: () => $("tool-migrate").click(),
  backup: () => $("tool-backup").click(),
  restore: () => $("tool-restore").click(),
  backpack: () => switchView("backpack"),
  settings: () => switchView("settings"),
  shortcuts: () => showShortcuts($("shortcuts-dialog")),
  quit: () => api.quit(),
};
actions["find-slash"] = actions.find;

document.addEventListener("keydown", (event) => {
  // In a dialog the keys are the dialog's (Escape closes it); only F1 works there too.
  if (event.target.closest?.("dialog") && event.key !== "F1") return;
  dispatch(event, actions);
});
api.listen("menu-action", (id) => actions[id]?.());
$("shortcuts-close").addEventListener("click", () => $("shortcuts-dialog").close());

api.listen("wallet-changed", () => reload());

// The badges are asked for first, and the last view while they come. The
// performance marks are read by the start-up measurement.
performance.mark("list-asked");
const listing = api.listBadges();
// Its failure is reported by reload(); this only keeps it from counting as unhandled meanwhile.
listing.catch(() => {});
// Open where the learner left off: the same tab and collection.
const last = await api.lastView().catch(() => null);
if (last?.collection != null) collections.active = last.collection;
await reload(listing);
if (last?.tab === "settings") switchView("settings");
requestAnimationFrame(() => {
  // Read by the end-to-end tests and the start-up measurement.
  document.body.dataset.firstPaint = String(Math.round(performance.now()));
});
// Files the app was started with ("Open with", `satchel-desktop <files…>`).
importer.importOpened();
