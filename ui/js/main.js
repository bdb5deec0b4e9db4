// Starts the window: loads the badges, wires the toolbar, the views, the
// detail dialog and the importer, and reloads whenever the wallet changes.

import * as api from "./api.js";
import { issuers, matches } from "./badges.js";
import { showDetail } from "./detail.js";
import { isWebUrl, setText, show } from "./dom.js";
import { BadgeGrid } from "./grid.js";
import { Importer } from "./importer.js";
import { Settings } from "./settings.js";

const $ = (id) => document.getElementById(id);
const notice = $("notice");
const notify = (message) => setText(notice, message);

let badges = [];
const grid = new BadgeGrid($("badge-grid"), (badge) => openDetail(badge.id));
const settings = new Settings();
new Importer(notify);

async function openDetail(id) {
  try {
    await showDetail($("detail-dialog"), id);
  } catch (e) {
    notify(e.message);
  }
}

function applyFilters() {
  const filter = {
    query: $("search").value.trim(),
    issuer: $("filter-issuer").value,
    state: $("filter-state").value,
  };
  const shown = badges.filter((b) => matches(b, filter));
  grid.setItems(shown);
  const total = badges.length;
  const noun = total === 1 ? "badge" : "badges";
  setText(
    $("badge-count"),
    shown.length === total
      ? `${total.toLocaleString()} ${noun}`
      : `${shown.length.toLocaleString()} of ${total.toLocaleString()} ${noun}`,
  );
  show($("empty-state"), total === 0);
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

async function reload() {
  try {
    badges = await api.listBadges();
  } catch (e) {
    notify(`Cannot read the wallet: ${e.message}`);
    badges = [];
  }
  fillIssuers();
  applyFilters();
  if (!$("settings-view").hidden) await settings.refresh().catch((e) => notify(e.message));
}

function switchView(view) {
  for (const tab of document.querySelectorAll(".tab")) {
    if (tab.dataset.view === view) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
  show($("backpack-view"), view === "backpack");
  show($("settings-view"), view === "settings");
  if (view === "settings") settings.refresh().catch((e) => notify(e.message));
  else grid.render();
}

for (const tab of document.querySelectorAll(".tab")) {
  tab.addEventListener("click", () => switchView(tab.dataset.view));
}
$("filters").addEventListener("submit", (e) => e.preventDefault());
$("search").addEventListener("input", applyFilters);
$("filter-issuer").addEventListener("change", applyFilters);
$("filter-state").addEventListener("change", applyFilters);

// Links never navigate this window: http(s) ones open in the browser.
document.addEventListener("click", (event) => {
  const a = event.target.closest("a[href]");
  if (!a || a.classList.contains("skip-link")) return;
  event.preventDefault();
  if (isWebUrl(a.href)) api.openExternal(a.href).catch((e) => notify(e.message));
});

document.addEventListener("keydown", (event) => {
  const typing = event.target.matches("input, textarea, select");
  if (event.key === "/" && !typing) {
    event.preventDefault();
    switchView("backpack");
    $("search").focus();
  } else if (event.key === "o" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    $("import-files").click();
  }
});

api.listen("wallet-changed", reload);

await reload();
requestAnimationFrame(() => {
  // Read by the end-to-end tests and the start-up measurement.
  document.body.dataset.firstPaint = String(Math.round(performance.now()));
});
