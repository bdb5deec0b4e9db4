// The wallet-wide tasks in Settings: fetch details still pending from
// unreachable issuers, export everything to a ZIP, publish the
// public collections as a site, bring in a Mozilla Backpack export (with its
// report), back up and restore. Each runs in the background (progress comes
// as "task-progress" or "import-progress"); the wallet then announces
// "wallet-changed" and the window reloads. Paths and the core's sentences
// reach the page as text only.

import * as api from "./api.js";
import { confirmIn, fromTemplate, setText, show } from "./dom.js";

const $ = (id) => document.getElementById(id);
const today = () => new Date().toISOString().slice(0, 10);
const plural = (n, one, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

export class WalletTools {
  /**
   * @param {(message: string) => void} notify shows a one-line status
   * @param {import("./importer.js").Importer} importer owns the progress bar
   */
  constructor(notify, importer) {
    this.notify = notify;
    this.importer = importer;
    this.buttons = [...document.querySelectorAll(".tool-list button")];
    this.status = $("tool-status");
    this.error = $("tool-error");
    this.publishDialog = $("publish-dialog");
    this.migrateDialog = $("migrate-dialog");
    this.restoreDialog = $("restore-dialog");
    this.report = $("migration-dialog");

    $("tool-refresh").addEventListener("click", () => this.refreshDetails());
    $("tool-export").addEventListener("click", () => this.exportAll());
    $("tool-publish").addEventListener("click", () => this.openPublish());
    $("tool-migrate").addEventListener("click", () => this.openMigrate());
    // A Mozilla export dropped or picked as badges is offered for migration.
    importer.onMozillaExport = (path) => this.openMigrate(path);
    $("tool-backup").addEventListener("click", () => this.backup());
    $("tool-restore").addEventListener("click", () => this.restore());
    $("publish-cancel").addEventListener("click", () => this.publishDialog.close());
    $("publish-form").addEventListener("submit", (e) => this.publish(e));
    $("migrate-cancel").addEventListener("click", () => this.migrateDialog.close());
    $("migrate-form").addEventListener("submit", (e) => this.migrate(e));
    $("migration-close").addEventListener("click", () => this.report.close());
    api.listen("task-progress", (p) => importer.showProgress(p));
  }

  /** Runs one task with the buttons disabled, and reports its outcome or error. */
  run(message, work) {
    return runTask(this, this.buttons, message, work);
  }

  async refreshDetails() {
    await this.run("Asking issuers again for the details they could not give before…", async () => {
      const done = await api.refreshDetails();
      if (!done.length) return "No badge is waiting for its issuer's details.";
      const still = done.filter((d) => d.error);
      const first = still.length ? ` Still waiting: badge ${still[0].badge_id} (${still[0].error}).` : "";
      return `${plural(done.length - still.length, "badge")} filled in, ${still.length.toLocaleString()} still waiting.${first}`;
    });
  }

  async exportAll() {
    const path = await this.ask(() =>
      api.pickSavePath({
        title: "Export everything",
        defaultPath: `satchel-export-${today()}.zip`,
        name: "ZIP archive",
        extensions: ["zip"],
      }),
    );
    if (!path) return;
    await this.run("Exporting the wallet…", async () => {
      const s = await api.exportWallet(path);
      return `Exported ${plural(s.badges, "badge")}, ${plural(s.collections, "collection")}, ${plural(s.identities, "identity", "identities")} and ${plural(s.checks, "check")} to ${s.path}.`;
    });
  }

  openPublish() {
    this.publishDialog.showModal();
  }

  async publish(event) {
    event.preventDefault();
    const baseUrl = $("publish-base-url").value.trim() || null;
    this.publishDialog.close();
    const dir = await this.ask(() =>
      api.pickOne({ title: "Publish public collections into a folder", directory: true }),
    );
    if (!dir) return;
    await this.run("Publishing your public collections…", async () => {
      const s = await api.publishSite(dir, baseUrl);
      const where = s.base_url
        ? `Upload the folder so that it is served at ${s.base_url}.`
        : "No address given: the pages link to each other, but LinkedIn sharing needs the address the site will be served from.";
      return `Published ${plural(s.collections, "public collection")} with ${plural(s.badges, "badge")} to ${s.dir}. ${where}`;
    });
  }

  /** Opens the migration dialog: to pick an export, or for the `given` one (a drop). */
  openMigrate(given = null) {
    // The learner decides every time: emails are only added when ticked here.
    $("migrate-add-identities").checked = false;
    this.givenExport = given;
    setText($("migrate-given-path"), given);
    show($("migrate-given-hint"), Boolean(given));
    show($("migrate-given"), Boolean(given));
    for (const id of ["migrate-choose-hint", "migrate-folder", "migrate-file"]) show($(id), !given);
    if (!this.migrateDialog.open) this.migrateDialog.showModal();
  }

  async migrate(event) {
    event.preventDefault();
    const choice = event.submitter?.value;
    const directory = choice === "folder";
    const addIdentities = $("migrate-add-identities").checked;
    this.migrateDialog.close();
    const path =
      choice === "given"
        ? this.givenExport
        : await this.ask(() =>
            api.pickOne({
              title: directory ? "The Mozilla Backpack folder" : "The Mozilla Backpack export",
              directory,
              name: "Mozilla Backpack export",
              extensions: ["zip"],
            }),
          );
    if (!path) return;
    await this.run("Importing from Mozilla Backpack…", async () => {
      const report = await api.migrateMozilla(path, addIdentities);
      this.showReport(report);
      return migrationSummary(report);
    });
  }

  async backup() {
    const path = await this.ask(() =>
      api.pickSavePath({
        title: "Back up the wallet",
        defaultPath: `satchel-backup-${today()}.sqlite3`,
        name: "Satchel wallet backup",
        extensions: ["sqlite3", "db"],
      }),
    );
    if (!path) return;
    await this.run("Backing up the wallet…", async () => {
      const badges = await api.backupWallet(path);
      return `Backed up ${plural(badges, "badge")} to ${path}.`;
    });
  }

  async restore() {
    const path = await this.ask(() =>
      api.pickOne({
        title: "Restore from a backup",
        directory: false,
        name: "Satchel wallet backup",
        extensions: ["sqlite3", "db", "bak"],
      }),
    );
    if (!path) return;
    const question = `Replace everything in your wallet with the backup ${path}? The wallet as it is now is kept as a copy beside it, so nothing is lost.`;
    if (!(await confirmIn(this.restoreDialog, question))) return;
    await this.run("Restoring the wallet…", async () => {
      const r = await api.restoreWallet(path);
      return `Restored ${plural(r.badges, "badge")} from ${path}. Your previous wallet is kept at ${r.previous}.`;
    });
  }

  /** Opens a native picker; a failure shows like a task's error. */
  async ask(pick) {
    try {
      return await pick();
    } catch (e) {
      setText(this.error, e.message || String(e));
      show(this.error, true);
      return null;
    }
  }

  showReport(r) {
    setText($("migration-source"), r.source);
    setText($("migration-summary"), migrationSummary(r));
    const sections = $("migration-sections");
    sections.replaceChildren();
    const section = (heading, hint, items, fill) => {
      if (!items.length) return;
      const el = fromTemplate("migration-section-template");
      setText(el.querySelector(".migration-heading"), heading);
      const hintEl = el.querySelector(".migration-hint");
      setText(hintEl, hint);
      show(hintEl, Boolean(hint));
      const list = el.querySelector(".migration-list");
      for (const x of items) {
        const li = fromTemplate("migration-item-template");
        fill(x, {
          chip: (text, state) => {
            const chip = li.querySelector(".report-status");
            setText(chip, text);
            chip.dataset.state = state;
          },
          path: (text) => setText(li.querySelector(".report-path"), text),
          reason: (text) => setText(li.querySelector(".report-reason"), text ? `— ${text}` : ""),
          advice: (text) => setText(li.querySelector(".migration-advice"), text ? `What to do: ${text}` : ""),
        });
        if (!li.querySelector(".report-status").textContent) li.querySelector(".report-status").remove();
        list.append(li);
      }
      sections.append(el);
    };
    section("Files that did not come over", "", r.failures, (f, w) => {
      w.chip(f.code, "error");
      w.path(f.path);
      w.reason(f.message);
      w.advice(f.advice);
    });
    section(
      "Kept, but the issuer could not be reached",
      "These badges are in your backpack, marked as awaiting details. Verify them later to fetch the rest.",
      r.unreachable,
      (u, w) => {
        w.chip(`badge ${u.badge_id}`, "unreachable");
        w.path(u.path);
        w.reason(u.reason);
      },
    );
    section("Recipient notes", "", r.recipient_notes, (n, w) => {
      w.chip(`badge ${n.badge_id}`, "recipient_mismatch");
      w.path(n.path);
      w.reason(n.issued_to ? `issued to ${n.issued_to}` : "");
      w.advice(n.advice);
    });
    const names = (label, values) => section(label, "", values, (v, w) => w.path(v));
    names("Identities added", r.identities_added);
    names("Emails found but not added (add them in Settings if they are yours)", r.identities_not_added);
    names("Collections created", r.collections_created);
    names("Collections already there (left as they were)", r.collections_existing);
    if (!this.report.open) this.report.showModal();
  }
}

/** The counts of a migration in one sentence. */
function migrationSummary(r) {
  const parts = [
    `${plural(r.badges_imported, "badge")} imported`,
    `${r.duplicates.toLocaleString()} already in your backpack`,
  ];
  if (r.unreachable.length) parts.push(`${r.unreachable.length.toLocaleString()} kept without their issuer`);
  parts.push(`${plural(r.failures.length, "file")} did not come over`);
  return `${parts.join(", ")}.`;
}

/**
 * Runs one background task of a settings panel: `controls` are disabled
 * meanwhile, the progress bar shows it runs, and its outcome (the sentence
 * `work` resolves to) or its error is written to the panel and the status bar;
 * an error's details go to the panel's collapsed `details`, when it has one.
 * @param {{ notify: (m: string) => void, status: HTMLElement, error: HTMLElement,
 *           details?: HTMLDetailsElement,
 *           importer: import("./importer.js").Importer }} panel
 */
export async function runTask(panel, controls, message, work) {
  show(panel.error, false);
  if (panel.details) show(panel.details, false);
  for (const c of controls) c.disabled = true;
  panel.notify(message);
  setText(panel.status, message);
  panel.importer.showProgress({ done: 0, total: 0 });
  try {
    const outcome = await work();
    if (outcome) {
      panel.notify(outcome);
      setText(panel.status, outcome);
    }
  } catch (e) {
    const text = e.message || String(e);
    panel.notify(text);
    setText(panel.status, "");
    setText(panel.error, text);
    show(panel.error, true);
    if (panel.details && e.details) {
      panel.details.open = false;
      setText(panel.details.querySelector("p"), e.details);
      show(panel.details, true);
    }
  } finally {
    for (const c of controls) c.disabled = false;
    panel.importer.endProgress();
  }
}
