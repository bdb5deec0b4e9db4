// The collections sidebar: lists the learner's collections (name, count,
// public / private switch), creates, renames and deletes them, filters the
// grid by one, and takes badges dropped onto a collection's name. Every drag
// has a keyboard path too: the card menu (grid.js / main.js) offers the same
// verbs. Names are written with textContent only.

import * as api from "./api.js";
import { confirmIn, fromTemplate, setText, show } from "./dom.js";

/** The drag type a badge card carries (its id as text). */
export const BADGE_DRAG_TYPE = "application/x-satchel-badge";

export class Collections {
  /**
   * @param {{ onSelect: (id: number|null) => void, onChange: () => void, notify: (m: string) => void }} hooks
   */
  constructor({ onSelect, onChange, notify }) {
    this.onSelect = onSelect;
    this.onChange = onChange;
    this.notify = notify;
    this.items = [];
    this.active = null;
    this.list = document.getElementById("collection-list");
    this.allItem = this.list.querySelector(".all-badges");
    this.error = document.getElementById("collection-error");
    this.nameInput = document.getElementById("new-collection-name");
    this.confirm = document.getElementById("confirm-dialog");
    document.getElementById("new-collection-form").addEventListener("submit", (e) => this.create(e));
    this.list.addEventListener("click", (e) => this.click(e));
    this.list.addEventListener("change", (e) => this.toggle(e));
    this.list.addEventListener("dragover", (e) => this.dragOver(e));
    this.list.addEventListener("dragleave", (e) => this.dragLeave(e));
    this.list.addEventListener("drop", (e) => this.drop(e));
  }

  /** The active collection's record, or null for "All badges". */
  get current() {
    return this.items.find((c) => c.id === this.active) || null;
  }

  /** Reloads the list from the wallet and redraws it. */
  async refresh() {
    this.items = await api.listCollections();
    if (this.active !== null && !this.current) this.active = null;
    this.render();
  }

  render() {
    for (const li of this.list.querySelectorAll(".collection:not(.all-badges)")) li.remove();
    for (const c of this.items) {
      const li = fromTemplate("collection-template");
      li.dataset.collectionId = String(c.id);
      const select = li.querySelector(".collection-select");
      select.dataset.collectionId = String(c.id);
      // A long name is cut short in the sidebar; the whole of it shows on hover.
      select.title = c.name;
      setText(li.querySelector(".collection-name"), c.name);
      const count = li.querySelector(".collection-count");
      setText(count, c.badge_count);
      count.setAttribute("aria-label", `${c.badge_count} ${c.badge_count === 1 ? "badge" : "badges"}`);
      const toggle = li.querySelector(".collection-public");
      toggle.checked = c.public;
      toggle.setAttribute("aria-label", `${c.name}: public`);
      setText(li.querySelector(".switch-text"), c.public ? "Public" : "Private");
      li.querySelector(".collection-rename").setAttribute("aria-label", `Rename ${c.name}`);
      li.querySelector(".collection-delete").setAttribute("aria-label", `Delete ${c.name}`);
      this.list.append(li);
    }
    for (const b of this.list.querySelectorAll(".collection-select")) {
      const id = b.dataset.collectionId === "" ? null : Number(b.dataset.collectionId);
      if (id === this.active) b.setAttribute("aria-current", "true");
      else b.removeAttribute("aria-current");
    }
  }

  /** Shows the badges of collection `id` (null: every badge). */
  select(id) {
    this.active = id;
    this.render();
    this.onSelect(id);
  }

  async attempt(change) {
    show(this.error, false);
    try {
      const result = await change();
      await this.refresh();
      this.onChange();
      return result;
    } catch (e) {
      setText(this.error, e.message);
      show(this.error, true);
      this.render();
      return undefined;
    }
  }

  async create(event) {
    event.preventDefault();
    const name = this.nameInput.value;
    const made = await this.attempt(() => api.createCollection(name));
    if (made) {
      this.nameInput.value = "";
      this.notify(`Created the collection “${made.name}”.`);
    }
  }

  /** Adds badges to a collection, saying what happened. */
  async addBadges(id, badgeIds) {
    const target = this.items.find((c) => c.id === id);
    const added = await this.attempt(() => api.addToCollection(id, badgeIds));
    if (added === undefined || !target) return;
    this.notify(added > 0 ? `Added to “${target.name}”.` : `Already in “${target.name}”.`);
  }

  click(event) {
    const li = event.target.closest(".collection");
    if (!li) return;
    if (event.target.closest(".collection-select")) {
      const raw = event.target.closest(".collection-select").dataset.collectionId;
      this.select(raw === "" ? null : Number(raw));
    } else if (event.target.closest(".collection-rename")) {
      this.startRename(li);
    } else if (event.target.closest(".collection-delete")) {
      this.remove(Number(li.dataset.collectionId));
    }
  }

  async toggle(event) {
    const box = event.target.closest(".collection-public");
    if (!box) return;
    const id = Number(box.closest(".collection").dataset.collectionId);
    await this.attempt(() => api.setCollectionPublic(id, box.checked));
  }

  /** Swaps the name for a text field: Enter saves, Escape cancels. */
  startRename(li) {
    const id = Number(li.dataset.collectionId);
    const c = this.items.find((x) => x.id === id);
    if (!c) return;
    const input = document.createElement("input");
    input.type = "text";
    input.className = "collection-rename-input";
    input.maxLength = 200;
    input.value = c.name;
    input.setAttribute("aria-label", `New name for ${c.name}`);
    const select = li.querySelector(".collection-select");
    select.hidden = true;
    li.prepend(input);
    input.focus();
    input.select();
    let done = false;
    const finish = async (save) => {
      if (done) return;
      done = true;
      if (save && input.value.trim() !== c.name) {
        await this.attempt(() => api.renameCollection(id, input.value));
      } else {
        input.remove();
        select.hidden = false;
      }
      this.list.querySelector(`.collection[data-collection-id="${id}"] .collection-select`)?.focus();
    };
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        finish(true);
      } else if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        finish(false);
      }
    });
    input.addEventListener("blur", () => finish(true));
  }

  async remove(id) {
    const c = this.items.find((x) => x.id === id);
    if (!c) return;
    const question = `Delete the collection “${c.name}”? Its badges stay in your backpack.`;
    if (!(await confirmIn(this.confirm, question))) return;
    if (this.active === id) this.select(null);
    await this.attempt(() => api.deleteCollection(id));
    this.notify(`Deleted the collection “${c.name}”.`);
  }

  // Drag a badge card onto a collection's name to add it there.
  targetOf(event) {
    if (!event.dataTransfer?.types.includes(BADGE_DRAG_TYPE)) return null;
    const li = event.target.closest(".collection:not(.all-badges)");
    return li || null;
  }

  dragOver(event) {
    const li = this.targetOf(event);
    if (!li) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    li.classList.add("drop-target");
  }

  dragLeave(event) {
    const li = event.target.closest(".collection");
    if (li && !li.contains(event.relatedTarget)) li.classList.remove("drop-target");
  }

  drop(event) {
    const li = this.targetOf(event);
    if (!li) return;
    event.preventDefault();
    li.classList.remove("drop-target");
    const badge = Number(event.dataTransfer.getData(BADGE_DRAG_TYPE));
    if (Number.isInteger(badge) && badge > 0) this.addBadges(Number(li.dataset.collectionId), [badge]);
  }
}
