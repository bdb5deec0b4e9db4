// A small popup menu (the keyboard and pointer path for what cards do by
// drag): opened next to a button, arrow keys move, Enter activates, Escape
// closes and gives the focus back. Labels are written as text.

import { setText } from "./dom.js";

export class Menu {
  constructor(el) {
    this.el = el;
    this.anchor = null;
    el.addEventListener("keydown", (e) => this.keydown(e));
    el.addEventListener("click", (e) => this.click(e));
    document.addEventListener("pointerdown", (e) => {
      if (!this.el.hidden && !this.el.contains(e.target) && e.target !== this.anchor) this.close(false);
    });
  }

  /**
   * Opens the menu under `anchor`.
   * @param {HTMLElement} anchor
   * @param {Array<{label: string, action?: () => void, heading?: boolean}>} items
   */
  open(anchor, items) {
    this.anchor = anchor;
    this.actions = [];
    this.el.replaceChildren();
    for (const item of items) {
      if (item.heading) {
        const h = document.createElement("p");
        h.className = "menu-heading";
        h.setAttribute("role", "presentation");
        setText(h, item.label);
        this.el.append(h);
        continue;
      }
      const b = document.createElement("button");
      b.type = "button";
      b.className = "menu-item";
      b.setAttribute("role", "menuitem");
      b.tabIndex = -1;
      b.dataset.index = String(this.actions.length);
      setText(b, item.label);
      this.actions.push(item.action);
      this.el.append(b);
    }
    this.el.hidden = false;
    const r = anchor.getBoundingClientRect();
    const width = this.el.offsetWidth;
    const height = this.el.offsetHeight;
    const left = Math.max(8, Math.min(r.right - width, window.innerWidth - width - 8));
    const below = r.bottom + 4;
    const top = below + height > window.innerHeight - 8 ? Math.max(8, r.top - height - 4) : below;
    this.el.style.left = `${left}px`;
    this.el.style.top = `${top}px`;
    anchor.setAttribute("aria-expanded", "true");
    this.items()[0]?.focus();
  }

  items() {
    return [...this.el.querySelectorAll(".menu-item")];
  }

  close(restoreFocus = true) {
    if (this.el.hidden) return;
    this.el.hidden = true;
    this.anchor?.setAttribute("aria-expanded", "false");
    if (restoreFocus && this.anchor?.isConnected) this.anchor.focus();
  }

  click(event) {
    const b = event.target.closest(".menu-item");
    if (!b) return;
    const action = this.actions[Number(b.dataset.index)];
    this.close();
    action?.();
  }

  keydown(event) {
    const items = this.items();
    const at = items.indexOf(document.activeElement);
    const go = (i) => items[(i + items.length) % items.length]?.focus();
    if (event.key === "ArrowDown") go(at + 1);
    else if (event.key === "ArrowUp") go(at - 1);
    else if (event.key === "Home") go(0);
    else if (event.key === "End") go(items.length - 1);
    else if (event.key === "Escape" || event.key === "Tab") this.close();
    else return;
    event.preventDefault();
    event.stopPropagation();
  }
}
