// Small DOM helpers. Every piece of badge data reaches the page through
// these: textContent and attributes only, never markup built from strings.

/** Clones the first element of the <template> with this id. */
export function fromTemplate(id) {
  const template = document.getElementById(id);
  return template.content.firstElementChild.cloneNode(true);
}

/** Writes `text` as plain text (empty for null / undefined). */
export function setText(el, text) {
  el.textContent = text == null ? "" : String(text);
}

/** True for absolute http: or https: URLs, the only links Satchel makes. */
export function isWebUrl(value) {
  if (typeof value !== "string") return false;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/**
 * Shows `url` in the anchor `a`; it gets an href only when it is http(s),
 * otherwise it stays plain text.
 */
export function setLink(a, url) {
  setText(a, url);
  if (isWebUrl(url)) {
    a.href = url;
    a.rel = "noopener noreferrer";
  } else {
    a.removeAttribute("href");
  }
}

/** Hides or shows an element. */
export function show(el, visible) {
  el.hidden = !visible;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** A stored RFC 3339 date as the learner reads dates, or "" when absent. */
export function formatDate(value, withTime = false) {
  if (!value) return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return (withTime ? dateTimeFormat : dateFormat).format(date);
}

/** One or two letters standing in for a badge without a picture. */
export function monogram(name) {
  const words = String(name || "?").trim().split(/\s+/).filter(Boolean);
  return words.slice(0, 2).map((w) => Array.from(w)[0].toUpperCase()).join("") || "?";
}

/**
 * Asks a yes/no question in the <dialog> `dialog` (a `method="dialog"` form whose
 * "ok" button confirms), writing `question` into its `[data-question]` element;
 * resolves to true when the learner confirmed.
 */
export async function confirmIn(dialog, question) {
  setText(dialog.querySelector("[data-question]"), question);
  dialog.returnValue = "";
  dialog.showModal();
  await new Promise((resolve) => dialog.addEventListener("close", resolve, { once: true }));
  return dialog.returnValue === "ok";
}
