// The detail view: everything the wallet knows about one badge, in a modal
// dialog built from a fixed template. Every value is written as text; links
// get an href only when they are http(s).

import { badgeDetail, badgeImageUrl } from "./api.js";
import { badgeState } from "./badges.js";
import { formatDate, fromTemplate, monogram, setLink, setText } from "./dom.js";

/** Opens the detail dialog for badge `id`; rejects with an AppError. */
export async function showDetail(dialog, id) {
  const badge = await badgeDetail(id);
  const body = fromTemplate("detail-template");
  fill(body, badge);
  dialog.replaceChildren(body);
  body.querySelector(".detail-close").addEventListener("click", () => dialog.close());
  if (!dialog.open) dialog.showModal();
  body.querySelector(".detail-close").focus();
}

function fill(root, badge) {
  const c = badge.credential || {};
  const recipient = c.recipient
    ? `${c.recipient.identity} (${c.recipient.type}${c.recipient.hashed ? ", hashed" : ""})`
    : badge.recipient;
  const values = {
    name: badge.name || c.name || "Untitled badge",
    issuer_name: badge.issuer_name || "Unknown issuer",
    state: badgeState(badge).label,
    ob_version: badge.ob_version ? `Open Badges ${badge.ob_version}` : "",
    description: c.description,
    criteria_text: c.criteria_text,
    issuer_email: c.issuer_email,
    issued_on: formatDate(badge.issued_on),
    expires: formatDate(badge.expires),
    recipient,
    details_error: badge.details_error,
    source: badge.source,
    imported_at: formatDate(badge.imported_at, true),
    payload_kind: badge.payload_kind,
    media_type: badge.media_type,
  };
  for (const el of root.querySelectorAll("[data-field]")) setText(el, values[el.dataset.field]);
  const links = {
    criteria_url: c.criteria_url,
    issuer_url: c.issuer_url,
    hosted_url: badge.hosted_url || c.hosted_url,
  };
  for (const a of root.querySelectorAll("[data-link]")) setLink(a, links[a.dataset.link]);

  root.querySelector("[data-field=state]").dataset.state = badgeState(badge).key;
  fillList(root.querySelector(".evidence-list"), c.evidence || [], true);
  fillList(root.querySelector(".warning-list"), c.warnings || [], false);
  setText(root.querySelector(".raw-text"), pretty(badge.raw_text));
  const fetched = Object.entries(badge.fetched || {});
  const fetchedList = root.querySelector(".fetched-list");
  for (const [url, text] of fetched) {
    const item = fromTemplate("fetched-template");
    setText(item.querySelector(".fetched-url"), url);
    setText(item.querySelector(".raw-text"), pretty(text));
    fetchedList.append(item);
  }
  const present = {
    ...values,
    ...links,
    evidence: (c.evidence || []).length,
    warnings: (c.warnings || []).length,
    fetched: fetched.length,
  };
  for (const row of root.querySelectorAll("[data-row]")) row.hidden = !present[row.dataset.row];

  const img = root.querySelector(".detail-image");
  img.alt = `Badge image of ${values.name}`;
  img.addEventListener("error", () => img.remove(), { once: true });
  img.src = badgeImageUrl(badge.id);
  setText(root.querySelector(".detail-monogram"), monogram(values.name));
}

function fillList(list, entries, links) {
  for (const entry of entries) {
    const li = document.createElement("li");
    if (links && /^https?:\/\//i.test(entry)) {
      const a = document.createElement("a");
      setLink(a, entry);
      li.append(a);
    } else {
      setText(li, entry);
    }
    list.append(li);
  }
}

/** JSON shown indented; anything else (JWS, URL) as it is. */
function pretty(text) {
  if (typeof text !== "string") return text == null ? "" : JSON.stringify(text, null, 2);
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
