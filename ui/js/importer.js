// Everything that brings badges in: native drag-and-drop anywhere on the
// window, the file and folder pickers, the paste box. Each ends in one
// command (import_paths or import_text); progress comes back as events and
// the outcome is shown as a report of imported / duplicate / failed items.

import * as api from "./api.js";
import { fromTemplate, setText, show } from "./dom.js";

const STATUS_LABELS = { imported: "Imported", duplicate: "Already there", error: "Failed" };

export class Importer {
  /**
   * @param {(message: string) => void} notify shows a one-line status
   */
  constructor(notify) {
    /** Set by the wallet tools: offers a Mozilla export for migration. */
    this.onMozillaExport = null;
    this.notify = notify;
    this.running = 0;
    this.progress = document.getElementById("progress");
    this.progressBar = document.getElementById("progress-bar");
    this.progressText = document.getElementById("progress-text");
    this.overlay = document.getElementById("drop-overlay");
    this.report = document.getElementById("report-dialog");
    this.paste = document.getElementById("paste-dialog");

    document.getElementById("import-files").addEventListener("click", () => this.pick(false));
    document.getElementById("import-folder").addEventListener("click", () => this.pick(true));
    document.getElementById("open-paste").addEventListener("click", () => this.openPaste());
    document.getElementById("paste-cancel").addEventListener("click", () => this.paste.close());
    document.getElementById("paste-form").addEventListener("submit", (e) => this.submitPaste(e));
    document.getElementById("report-close").addEventListener("click", () => this.report.close());
    api.listen("import-progress", (p) => this.showProgress(p));
    api.listen("verify-progress", (p) => this.showProgress(p));
    api.onDragDrop((e) => this.dragDrop(e));
    api.listen("files-opened", () => this.importOpened());
  }

  /** The native drop: files, folders and ZIPs dropped anywhere on the window. */
  dragDrop(event) {
    // Only files from outside count: dragging a card inside the window is no import.
    if (event.type === "enter") show(this.overlay, Boolean(event.paths?.length));
    else if (event.type !== "over") show(this.overlay, false);
    if (event.type === "drop" && event.paths?.length) this.importPaths(event.paths);
  }

  async pick(directory) {
    try {
      const paths = await api.pickPaths({ directory });
      if (paths.length) await this.importPaths(paths);
    } catch (e) {
      this.notify(e.message || String(e));
    }
  }

  /**
   * Imports dropped or picked paths: the code path of every file import. A
   * Mozilla Backpack export among them goes to `onMozillaExport` instead,
   * which asks about its emails before migrating it.
   */
  async importPaths(paths) {
    let mozilla = [];
    try {
      mozilla = await api.findMozillaExports(paths);
    } catch (e) {
      this.notify(e.message || String(e));
    }
    const rest = paths.filter((p) => !mozilla.includes(p));
    if (mozilla.length && this.onMozillaExport) {
      this.onMozillaExport(mozilla[0]);
      if (mozilla.length > 1) {
        this.notify(`${mozilla.length} Mozilla Backpack exports were dropped; migrate them one at a time.`);
      }
    } else {
      rest.push(...mozilla);
    }
    if (!rest.length) return;
    const label = rest.length === 1 ? "1 item" : `${rest.length} items`;
    await this.run(`Importing ${label}…`, async () => (await api.importPaths(rest)));
  }

  /** Imports the files handed over from outside (the command line, a second start) as a drop. */
  async importOpened() {
    try {
      const paths = await api.takeOpenedFiles();
      if (paths.length) await this.importPaths(paths);
    } catch (e) {
      this.notify(e.message || String(e));
    }
  }

  openPaste() {
    document.getElementById("paste-text").value = "";
    this.paste.showModal();
  }

  submitPaste(event) {
    event.preventDefault();
    const text = document.getElementById("paste-text").value.trim();
    if (!text) return;
    this.paste.close();
    this.run("Importing the pasted badge…", async () => [await api.importText(text)]);
  }

  async run(message, work) {
    this.running++;
    this.notify(message);
    this.showProgress({ done: 0, total: 0 });
    try {
      const results = await work();
      this.showReport(results);
      return results;
    } catch (e) {
      this.notify(`Import failed: ${e.message}`);
      return [];
    } finally {
      if (--this.running === 0) show(this.progress, false);
    }
  }

  /** Hides the progress bar once no import is running (verification ends). */
  endProgress() {
    if (this.running === 0) show(this.progress, false);
  }

  showProgress({ done, total }) {
    clearTimeout(this.hideProgress);
    show(this.progress, true);
    if (total > 0 && done === total) {
      this.hideProgress = setTimeout(() => show(this.progress, false), 1500);
    }
    if (total > 0) {
      this.progressBar.max = total;
      this.progressBar.value = done;
      setText(this.progressText, `${done} of ${total}`);
    } else {
      this.progressBar.removeAttribute("value");
      setText(this.progressText, "");
    }
  }

  showReport(results) {
    const count = (s) => results.filter((r) => r.status === s).length;
    const summary = `${count("imported")} imported, ${count("duplicate")} already in your backpack, ${count("error")} failed`;
    this.notify(summary);
    setText(document.getElementById("report-summary"), summary);
    const list = document.getElementById("report-list");
    list.replaceChildren();
    // Failures first: they are what the learner needs to read.
    const order = { error: 0, duplicate: 1, imported: 2 };
    const sorted = [...results].sort((a, b) => order[a.status] - order[b.status]);
    for (const r of sorted) {
      const item = fromTemplate("report-item-template");
      const chip = item.querySelector(".report-status");
      setText(chip, STATUS_LABELS[r.status] || r.status);
      chip.dataset.state = r.status;
      setText(item.querySelector(".report-path"), r.path);
      const reason = r.status === "error" ? r.error?.message : r.awaiting_details;
      setText(item.querySelector(".report-reason"), reason ? `— ${reason}` : "");
      list.append(item);
    }
    if (!this.report.open) this.report.show();
  }
}
