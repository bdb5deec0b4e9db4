// Keyboard shortcuts: one table for the keys the page answers, the app
// menu's accelerators (src-tauri/src/menu.rs names the same ids and keys; a
// test keeps them in step) and the Keyboard shortcuts dialog, which lists
// every entry. Menu entries arrive as "menu-action" events with the id.

import { setText } from "./dom.js";

/**
 * Every shortcut. `id` entries are actions main.js runs (also from the
 * menu); the others describe keys a part of the window answers itself.
 */
export const SHORTCUTS = [
  { id: "import-files", label: "Import badge files or ZIPs", keys: "Ctrl+O" },
  { id: "import-folder", label: "Import a folder", keys: "Ctrl+Shift+O" },
  { id: "paste", label: "Paste a badge URL, JSON or JWS", keys: "Ctrl+Shift+V" },
  { id: "find", label: "Search the badges", keys: "Ctrl+F" },
  { id: "find-slash", label: "Search the badges (outside a text field)", keys: "/" },
  { id: "verify-all", label: "Verify every badge", keys: "Ctrl+R" },
  { id: "new-collection", label: "New collection", keys: "Ctrl+N" },
  { id: "refresh-details", label: "Fetch details still pending from issuers", keys: "Ctrl+Shift+R" },
  { id: "export", label: "Export everything", keys: "Ctrl+E" },
  { id: "publish", label: "Publish the public collections", keys: "Ctrl+P" },
  { id: "migrate", label: "Import from Mozilla Backpack", keys: "Ctrl+Shift+M" },
  { id: "backup", label: "Back up the wallet", keys: "Ctrl+B" },
  { id: "restore", label: "Restore the wallet from a backup", keys: "Ctrl+Shift+B" },
  { id: "backpack", label: "Show the backpack", keys: "Ctrl+1" },
  { id: "settings", label: "Show the settings", keys: "Ctrl+," },
  { id: "shortcuts", label: "Show these shortcuts", keys: "F1" },
  { id: "quit", label: "Quit Satchel", keys: "Ctrl+Q" },
  { label: "Move between badges", keys: "Arrow keys, Home, End, Page Up, Page Down" },
  { label: "Open a badge's details", keys: "Enter or Space" },
  { label: "A badge's menu (add to a collection, move earlier or later)", keys: "Shift+F10 or Menu" },
  { label: "Move through a menu", keys: "Arrow Up, Arrow Down" },
  { label: "Close a dialog or menu", keys: "Escape" },
  { label: "Rename a collection: save, cancel", keys: "Enter, Escape" },
];

/** Whether keydown `event` is the key combination `keys` (such as "Ctrl+Shift+O"). */
export function pressed(event, keys) {
  const parts = keys.split("+");
  const key = parts.pop();
  const ctrl = parts.includes("Ctrl");
  const shift = parts.includes("Shift");
  if ((event.ctrlKey || event.metaKey) !== ctrl || event.shiftKey !== shift || event.altKey) return false;
  return event.key.toLowerCase() === key.toLowerCase();
}

/**
 * Runs `actions[id]` for the shortcut `event` is, if any; true when it did.
 */
export function dispatch(event, actions) {
  const typing = event.target.matches?.("input, textarea, select, [contenteditable]");
  for (const s of SHORTCUTS) {
    if (!s.id || !actions[s.id] || !pressed(event, s.keys)) continue;
    // A printable key is the text field's; Ctrl combinations and F keys work everywhere.
    if (typing && s.keys.length === 1) return false;
    event.preventDefault();
    actions[s.id]();
    return true;
  }
  return false;
}

/** Fills the Keyboard shortcuts dialog's list (once) and opens it. */
export function showShortcuts(dialog) {
  const list = dialog.querySelector("dl");
  if (!list.childElementCount) {
    for (const s of SHORTCUTS) {
      const row = document.createElement("div");
      const dt = document.createElement("dt");
      const dd = document.createElement("dd");
      // "Enter or Space", "Arrow keys, Home, End": one key cap each.
      for (const keys of s.keys.split(/, | or /)) {
        const kbd = document.createElement("kbd");
        setText(kbd, keys);
        dt.append(kbd);
      }
      setText(dd, s.label);
      row.append(dt, dd);
      list.append(row);
    }
  }
  if (!dialog.open) dialog.showModal();
  dialog.querySelector("button").focus();
}
