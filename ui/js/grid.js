// The badge grid, virtualized: however many badges the wallet holds, only
// the rows in view (plus a few above and below) exist as DOM nodes. Cards
// are absolutely placed inside a spacer as tall as the whole grid; a card
// scrolled out of view is filled with the badge scrolling in, so a fling
// rewrites a few texts instead of building and dropping whole cards. Arrow
// keys, Home/End and Page Up/Down move focus from card to card. Cards can be
// dragged (onto a collection, or onto another card to reorder a collection);
// the ⋯ button, the context-menu key and Shift+F10 open the same verbs as a
// menu.

import { badgeImageUrl } from "./api.js";
import { badgeState } from "./badges.js";
import { BADGE_DRAG_TYPE } from "./collections.js";
import { formatDate, fromTemplate, monogram, setText } from "./dom.js";

const CARD_MIN_WIDTH = 184;
const CARD_HEIGHT = 252; // keep in step with .card-slot in styles.css
const GAP = 16;
const OVERSCAN_ROWS = 2;

export class BadgeGrid {
  /**
   * @param {HTMLElement} scroller the scrolling element
   * @param {(badge: object) => void} onOpen called when a card is activated
   * @param {(badge: object, index: number, anchor: HTMLElement) => void} onMenu opens a card's menu
   * @param {(badgeId: number, to: number) => void} onReorder a card dropped on another (when reorderable)
   */
  constructor(scroller, onOpen, onMenu, onReorder) {
    this.scroller = scroller;
    this.space = scroller.querySelector(".grid-space");
    this.onOpen = onOpen;
    this.onMenu = onMenu;
    this.onReorder = onReorder;
    /** True while the grid shows one collection in its own order. */
    this.reorderable = false;
    this.items = [];
    this.nodes = new Map(); // index -> card slot element
    this.columns = 1;
    this.cardWidth = CARD_MIN_WIDTH;
    this.focusIndex = 0;
    this.pending = false;
    /** The card picture as the template has it, cloned for every badge shown. */
    this.picture = fromTemplate("card-template").querySelector(".card-image");
    scroller.addEventListener("scroll", () => this.schedule(), { passive: true });
    new ResizeObserver(() => this.schedule()).observe(scroller);
    this.space.addEventListener("click", (e) => this.activate(e));
    this.space.addEventListener("keydown", (e) => this.navigate(e));
    this.space.addEventListener("dragstart", (e) => this.dragStart(e));
    this.space.addEventListener("dragend", () => this.clearDropMarks());
    this.space.addEventListener("dragover", (e) => this.dragOver(e));
    this.space.addEventListener("drop", (e) => this.drop(e));
  }

  dragStart(event) {
    const slot = event.target.closest?.(".card-slot");
    if (!slot) return;
    const badge = this.items[Number(slot.dataset.index)];
    event.dataTransfer.setData(BADGE_DRAG_TYPE, String(badge.id));
    event.dataTransfer.setData("text/plain", badge.name || "badge");
    event.dataTransfer.effectAllowed = "copyMove";
    slot.classList.add("dragging");
  }

  clearDropMarks() {
    for (const n of this.space.querySelectorAll(".drop-target, .dragging")) {
      n.classList.remove("drop-target", "dragging");
    }
  }

  dragOver(event) {
    if (!this.reorderable || !event.dataTransfer?.types.includes(BADGE_DRAG_TYPE)) return;
    const slot = event.target.closest(".card-slot");
    if (!slot) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    for (const n of this.space.querySelectorAll(".drop-target")) if (n !== slot) n.classList.remove("drop-target");
    slot.classList.add("drop-target");
  }

  drop(event) {
    if (!this.reorderable || !event.dataTransfer?.types.includes(BADGE_DRAG_TYPE)) return;
    const slot = event.target.closest(".card-slot");
    if (!slot) return;
    event.preventDefault();
    this.clearDropMarks();
    const badge = Number(event.dataTransfer.getData(BADGE_DRAG_TYPE));
    const to = Number(slot.dataset.index);
    if (Number.isInteger(badge) && this.items[to]?.id !== badge) this.onReorder(badge, to);
  }

  /** Replaces the badges shown (already filtered) and draws them. */
  setItems(items) {
    // Redrawn cards are new nodes: the keyboard focus must not fall to the page.
    const hadFocus = this.space.contains(document.activeElement);
    this.items = items;
    for (const node of this.nodes.values()) node.remove();
    this.nodes.clear();
    this.focusIndex = Math.min(this.focusIndex, Math.max(0, items.length - 1));
    this.render();
    if (hadFocus) this.focus(this.focusIndex);
  }

  schedule() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.render();
    });
  }

  /** Draws the rows in view and drops the rest. */
  render() {
    const width = this.scroller.clientWidth - GAP;
    this.columns = Math.max(1, Math.floor(width / (CARD_MIN_WIDTH + GAP)));
    this.cardWidth = Math.floor(width / this.columns) - GAP;
    const rowHeight = CARD_HEIGHT + GAP;
    const rows = Math.ceil(this.items.length / this.columns);
    this.space.style.height = `${rows * rowHeight + GAP}px`;
    const top = this.scroller.scrollTop;
    const first = Math.max(0, Math.floor(top / rowHeight) - OVERSCAN_ROWS);
    const last = Math.min(rows, Math.ceil((top + this.scroller.clientHeight) / rowHeight) + OVERSCAN_ROWS);
    const start = first * this.columns;
    const end = Math.min(this.items.length, last * this.columns);
    // Cards out of range are kept to show the badges coming into range; the
    // one holding the keyboard focus is dropped instead, so the focus never
    // lands on another badge's card.
    const spare = [];
    for (const [index, node] of this.nodes) {
      if (index < start || index >= end) {
        this.nodes.delete(index);
        if (node.contains(document.activeElement)) node.remove();
        else spare.push(node);
      }
    }
    for (let index = start; index < end; index++) {
      let node = this.nodes.get(index);
      if (!node) {
        node = spare.pop() ?? this.space.appendChild(fromTemplate("card-template"));
        this.fill(node, index);
        this.nodes.set(index, node);
      }
      const column = index % this.columns;
      const row = Math.floor(index / this.columns);
      const place = `${this.cardWidth} ${column} ${row} ${index === this.focusIndex}`;
      // A card already in place is left alone: scrolling only adds and drops cards.
      if (node.dataset.place === place) continue;
      node.dataset.place = place;
      node.style.width = `${this.cardWidth}px`;
      node.style.transform = `translate(${GAP + column * (this.cardWidth + GAP)}px, ${GAP + row * rowHeight}px)`;
      const tab = index === this.focusIndex ? 0 : -1;
      node.querySelector(".card").tabIndex = tab;
      node.querySelector(".card-menu-button").tabIndex = tab;
    }
    for (const node of spare) node.remove();
  }

  /** Makes the card `slot` (new or scrolled out of view) show the badge at `index`. */
  fill(slot, index) {
    const badge = this.items[index];
    delete slot.dataset.place;
    slot.classList.remove("dragging", "drop-target");
    slot.dataset.index = String(index);
    slot.setAttribute("aria-posinset", String(index + 1));
    slot.setAttribute("aria-setsize", String(this.items.length));
    const button = slot.querySelector(".card");
    button.dataset.badgeId = String(badge.id);
    button.draggable = true;
    const name = badge.name || "Untitled badge";
    const menu = slot.querySelector(".card-menu-button");
    menu.setAttribute("aria-label", `Actions for ${name}`);
    menu.title = "Add to a collection, reorder, open";
    setText(slot.querySelector(".card-name"), name);
    setText(slot.querySelector(".card-issuer"), badge.issuer_name || "Unknown issuer");
    setText(slot.querySelector(".card-date"), formatDate(badge.issued_on));
    const state = badgeState(badge);
    const chip = slot.querySelector(".card-state");
    setText(chip, state.label);
    chip.dataset.state = state.key;
    const mono = slot.querySelector(".card-monogram");
    setText(mono, monogram(name));
    // A fresh <img> each time: a reused one would show the previous badge's
    // picture until the new one arrives (or after the new one failed).
    slot.querySelector(".card-image")?.remove();
    const img = this.picture.cloneNode(false);
    img.addEventListener("error", () => img.remove(), { once: true });
    img.src = badgeImageUrl(badge.id);
    mono.before(img);
  }

  activate(event) {
    const slot = event.target.closest(".card-slot");
    if (!slot) return;
    const index = Number(slot.dataset.index);
    this.focusIndex = index;
    const menu = event.target.closest(".card-menu-button");
    if (menu) this.onMenu(this.items[index], index, menu);
    else this.onOpen(this.items[index]);
  }

  navigate(event) {
    const slot = event.target.closest(".card-slot");
    if (!slot || this.items.length === 0) return;
    const index = Number(slot.dataset.index);
    if (event.key === "ContextMenu" || (event.key === "F10" && event.shiftKey)) {
      event.preventDefault();
      this.focusIndex = index;
      this.onMenu(this.items[index], index, slot.querySelector(".card-menu-button"));
      return;
    }
    const perPage = this.columns * Math.max(1, Math.floor(this.scroller.clientHeight / (CARD_HEIGHT + GAP)));
    const moves = {
      ArrowLeft: -1,
      ArrowRight: 1,
      ArrowUp: -this.columns,
      ArrowDown: this.columns,
      PageUp: -perPage,
      PageDown: perPage,
      Home: -Infinity,
      End: Infinity,
    };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const target = Math.min(this.items.length - 1, Math.max(0, index + moves[event.key]));
    this.focus(target);
  }

  /** Scrolls the card at `index` into view and gives it the keyboard focus. */
  focus(index) {
    if (this.items.length === 0) return;
    this.focusIndex = index;
    const rowHeight = CARD_HEIGHT + GAP;
    const top = Math.floor(index / this.columns) * rowHeight;
    const viewTop = this.scroller.scrollTop;
    if (top < viewTop) this.scroller.scrollTop = top;
    else if (top + rowHeight > viewTop + this.scroller.clientHeight) {
      this.scroller.scrollTop = top + rowHeight - this.scroller.clientHeight + GAP;
    }
    this.render();
    this.nodes.get(index)?.querySelector(".card").focus();
  }

  /** How many card nodes exist right now (for tests and measurements). */
  get renderedCount() {
    return this.nodes.size;
  }
}
