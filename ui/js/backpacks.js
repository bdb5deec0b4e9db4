// Connected backpacks in Settings: connect one (Badgr with a password that
// is sent once; Badge Connect and OB 3.0 through the system browser), send
// badges or a collection to it (a published collection's share page opens in
// the browser), bring its badges here, disconnect it. On a desktop with no
// keyring a sign-in lasts until the window closes, and a notice says so. The
// work runs in the core; this module shows its answers as text only.

import * as api from "./api.js";
import { fromTemplate, setLink, setText, show } from "./dom.js";
import { runTask } from "./tools.js";

const $ = (id) => document.getElementById(id);
const plural = (n, one, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

const KIND_LABELS = { badgr: "Badgr", "badge-connect": "Badge Connect", ob3: "Open Badges 3.0" };
const PUSH_LABELS = {
  pushed: "Sent",
  already_there: "Already there",
  unchanged: "Sent before",
  error: "Failed",
};
/** The forms a badge travels in (the push report's `sent_as`). */
const SENT_AS = {
  url: "by its hosted address",
  image: "as a baked image",
  json: "as JSON",
  jws: "as a signed JWS",
};

export class Backpacks {
  /**
   * @param {(message: string) => void} notify shows a one-line status
   * @param {import("./importer.js").Importer} importer shows progress and import reports
   */
  constructor(notify, importer) {
    this.notify = notify;
    this.importer = importer;
    this.list = $("backpack-list");
    this.form = $("backpack-form");
    this.kind = $("backpack-kind");
    this.status = $("backpack-status");
    this.error = $("backpack-error");
    this.details = $("backpack-details");
    this.session = $("backpack-session");
    this.signIn = $("backpack-sign-in");
    this.report = $("push-dialog");
    this.busy = false;

    this.kind.addEventListener("change", () => this.showKindFields());
    this.form.addEventListener("submit", (e) => this.connect(e));
    this.list.addEventListener("click", (e) => this.act(e));
    $("push-close").addEventListener("click", () => this.report.close());
    api.listen("sign-in-url", (url) => {
      setLink($("backpack-sign-in-link"), url);
      show(this.signIn, true);
    });
    this.showKindFields();
  }

  /**
   * Badgr asks for a username and password (and takes an optional client
   * id); the others sign in in the browser.
   */
  showKindFields() {
    const badgr = this.kind.value === "badgr";
    for (const el of this.form.querySelectorAll("[data-badgr-only]")) {
      show(el, badgr);
      const input = el.querySelector("input");
      input.required = badgr && "required" in input.dataset;
    }
  }

  async refresh() {
    const [backpacks, collections] = await Promise.all([api.listBackpacks(), api.listCollections()]);
    this.list.replaceChildren();
    for (const b of backpacks) {
      const li = fromTemplate("backpack-template");
      li.dataset.name = b.name;
      setText(li.querySelector(".backpack-name"), b.name);
      setText(li.querySelector(".backpack-kind"), KIND_LABELS[b.kind] || b.kind);
      const who = b.username ? ` as ${b.username}` : "";
      setText(li.querySelector(".backpack-url"), `${b.base_url}${who}`);
      setText(li.querySelector(".backpack-pushed"), `${plural(b.pushed, "badge")} there`);
      const what = li.querySelector(".backpack-what");
      what.append(option("", "Every badge not sent yet"));
      for (const c of collections) what.append(option(String(c.id), `Collection “${c.name}”`));
      what.setAttribute("aria-label", `What to send to ${b.name}`);
      for (const [cls, label] of [
        [".backpack-push", `Send to ${b.name}`],
        [".backpack-pull", `Get the badges on ${b.name}`],
        [".backpack-remove", `Disconnect ${b.name}`],
      ]) {
        li.querySelector(cls).setAttribute("aria-label", label);
      }
      this.list.append(li);
    }
    show($("backpack-empty"), backpacks.length === 0);
  }

  async connect(event) {
    event.preventDefault();
    const kind = this.kind.value;
    const badgr = kind === "badgr";
    const password = $("backpack-password");
    const request = {
      name: $("backpack-name").value.trim(),
      baseUrl: $("backpack-url").value.trim(),
      kind,
      username: badgr ? $("backpack-username").value.trim() : null,
      password: badgr ? password.value : null,
      clientId: (badgr && $("backpack-client-id").value.trim()) || null,
    };
    // The password field never keeps what was typed.
    password.value = "";
    show(this.signIn, false);
    await this.run(`Connecting ${request.name}…`, async () => {
      const added = await api.addBackpack(request);
      this.form.reset();
      this.showKindFields();
      const b = added.backpack;
      if (added.session_only) {
        setText(this.session, `${api.capitalized(added.session_only)}.`);
        show(this.session, true);
        return `Connected ${b.name} at ${b.base_url} until Satchel closes.`;
      }
      return `Connected ${b.name} at ${b.base_url}; the sign-in is in your keyring.`;
    });
    show(this.signIn, false);
  }

  async act(event) {
    const button = event.target.closest("button");
    const li = button?.closest(".backpack");
    if (!li) return;
    const name = li.dataset.name;
    if (button.classList.contains("backpack-push")) {
      const collection = li.querySelector(".backpack-what").value || null;
      await this.run(`Sending badges to ${name}…`, async () => {
        const report = await api.pushToBackpack(name, { collection });
        return this.showPush(name, report);
      });
    } else if (button.classList.contains("backpack-pull")) {
      await this.run(`Getting the badges on ${name}…`, async () => {
        const results = await api.pullFromBackpack(name);
        this.importer.showReport(results);
        return `${plural(results.length, "badge")} listed by ${name}.`;
      });
    } else if (button.classList.contains("backpack-remove")) {
      await this.run(`Disconnecting ${name}…`, async () => {
        await api.removeBackpack(name);
        const where = this.session.hidden ? "your keyring" : "this session";
        return `Disconnected ${name} and deleted its sign-in from ${where}. Your badges stay here.`;
      });
    }
  }

  /** Runs one backpack task with the controls disabled, then reloads the list. */
  async run(message, work) {
    if (this.busy) return;
    this.busy = true;
    const controls = [...this.form.elements, ...this.list.querySelectorAll("button, select")];
    try {
      await runTask(this, controls, message, work);
    } finally {
      this.busy = false;
      await this.refresh().catch((e) => this.notify(e.message));
    }
  }

  /** Shows one line per badge (failures first) and returns the summary. */
  showPush(name, report) {
    const count = (s) => report.results.filter((r) => r.status === s).length;
    let summary = `${count("pushed")} sent, ${count("already_there")} already there, ${count("unchanged")} sent before, ${count("error")} failed.`;
    if (count("error")) summary += " Send again to retry what failed.";
    const c = report.collection;
    if (c) {
      summary += c.error
        ? ` The collection was not published: ${c.error.message}`
        : ` The collection is published${c.share_url ? ` at ${c.share_url}` : ""}.`;
    }
    setText($("push-title"), `Sent to ${name}`);
    setText($("push-summary"), summary);
    const share = c && !c.error ? c.share_url : null;
    setLink($("push-share-link"), share);
    show($("push-share"), Boolean(share));
    const list = $("push-list");
    list.replaceChildren();
    const order = { error: 0, pushed: 1, already_there: 2, unchanged: 3 };
    for (const r of [...report.results].sort((a, b) => order[a.status] - order[b.status])) {
      const li = fromTemplate("migration-item-template");
      const chip = li.querySelector(".report-status");
      setText(chip, PUSH_LABELS[r.status] || r.status);
      chip.dataset.state = r.status;
      setText(li.querySelector(".report-path"), `badge ${r.badge_id}`);
      const fallback = r.instead_of
        ? `— ${name} could not take it ${SENT_AS[r.instead_of]}, so it went ${SENT_AS[r.sent_as]}`
        : "";
      setText(li.querySelector(".report-reason"), r.error ? `— ${r.error.message}` : fallback);
      setText(li.querySelector(".migration-advice"), r.evidence ? `${name} said: ${r.evidence}` : "");
      list.append(li);
    }
    if (!this.report.open) this.report.showModal();
    return summary;
  }
}

function option(value, label) {
  const el = document.createElement("option");
  el.value = value;
  setText(el, label);
  return el;
}
