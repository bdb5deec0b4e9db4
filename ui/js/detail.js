// The detail view: everything the wallet knows about one badge, in a modal
// dialog built from a fixed template. Every value is written as text; links
// get an href only when they are http(s). It also shows the check history
// with a Verify button, the share links the core builds, and saving a copy
// of the badge or deleting it.

import * as api from "./api.js";
import { badgeDetail, badgeImageUrl, capitalized } from "./api.js";
import { badgeState, outcomeLabel } from "./badges.js";
import {
  confirmIn,
  formatDate,
  fromTemplate,
  isWebUrl,
  monogram,
  setLink,
  setText,
  show,
} from "./dom.js";

/**
 * Opens the detail dialog for badge `id`; rejects with an AppError.
 * @param {{ verify: (ids: number[]) => Promise<unknown>, notify: (m: string) => void,
 *           changed: () => Promise<void> }} hooks
 */
export async function showDetail(dialog, id, hooks, focusVerify = false) {
  const [badge, checks, share] = await Promise.all([
    badgeDetail(id),
    api.badgeChecks(id),
    api.shareLinkedin(id).then((links) => ({ links }), (error) => ({ error })),
  ]);
  // The newest check is the badge's state, as on its card.
  const latest = checks[checks.length - 1];
  if (latest) badge.status = { outcome: latest.outcome, checked_at: latest.checked_at };
  const body = fromTemplate("detail-template");
  fill(body, badge);
  fillChecks(body, checks);
  fillShare(body, share, hooks.notify);
  dialog.replaceChildren(body);
  dialog.dataset.badgeId = String(id);
  body.querySelector(".detail-close").addEventListener("click", () => dialog.close());
  const verify = body.querySelector(".detail-verify");
  verify.addEventListener("click", async () => {
    verify.disabled = true;
    setText(verify, "Verifying…");
    try {
      await hooks.verify([id]);
    } finally {
      if (dialog.open && dialog.dataset.badgeId === String(id)) {
        await showDetail(dialog, id, hooks, true).catch((e) => hooks.notify(e.message));
      }
    }
  });
  body.querySelector(".detail-save").addEventListener("click", () => saveCopy(badge, hooks.notify));
  body.querySelector(".detail-delete").addEventListener("click", async () => {
    const name = badge.name || "this badge";
    const question = `Delete “${name}” from your backpack? It leaves its collections too. Save a copy first if you may want it again.`;
    if (!(await confirmIn(document.getElementById("confirm-dialog"), question))) return;
    try {
      await api.deleteBadge(id);
      dialog.close();
      hooks.notify(`Deleted “${name}”.`);
      await hooks.changed();
    } catch (e) {
      hooks.notify(e.message);
    }
  });
  if (!dialog.open) dialog.showModal();
  (focusVerify ? verify : body.querySelector(".detail-close")).focus();
}

/** The check history, newest first. */
function fillChecks(root, checks) {
  const list = root.querySelector(".check-list");
  for (const check of [...checks].reverse()) {
    const item = fromTemplate("check-template");
    const chip = item.querySelector(".check-outcome");
    setText(chip, outcomeLabel(check.outcome));
    chip.dataset.state = check.outcome;
    const time = item.querySelector(".check-time");
    time.dateTime = check.checked_at;
    setText(time, formatDate(check.checked_at, true));
    setText(item.querySelector(".check-message"), capitalized(check.message));
    list.append(item);
  }
  show(root.querySelector(".check-none"), checks.length === 0);
}

/** LinkedIn links (only the http(s) ones the core built), or the core's reason why not. */
function fillShare(root, { links, error }, notify) {
  const profile = root.querySelector(".share-profile");
  const post = root.querySelector(".share-post");
  const copy = root.querySelector(".share-copy");
  const usable = links && isWebUrl(links.add_to_profile_url) && isWebUrl(links.share_url);
  show(root.querySelector(".share-actions"), Boolean(usable));
  show(root.querySelector(".share-proof"), Boolean(usable));
  show(root.querySelector(".share-unavailable"), !usable);
  if (!usable) {
    setText(root.querySelector(".share-unavailable"), error?.message || "This badge cannot be shared yet.");
    return;
  }
  profile.href = links.add_to_profile_url;
  post.href = links.share_url;
  for (const a of [profile, post]) a.rel = "noopener noreferrer";
  const where = links.cert_source === "published_page" ? "your published page" : "the issuer's hosted copy";
  setText(root.querySelector(".share-proof"), `Verification link (${where}): ${links.fields.cert_url}`);
  copy.addEventListener("click", async () => {
    const ok = await copyText(links.fields.cert_url);
    notify(ok ? "Copied the verification link." : `Could not copy; the link is ${links.fields.cert_url}`);
  });
}

/**
 * Saves the badge where the learner chooses: the extension picks the form
 * (.png / .svg baked image, .json credential, .jws signed text).
 */
async function saveCopy(badge, notify) {
  const kind = badge.media_type === "image/svg+xml" ? "svg" : badge.payload_kind === "jws" ? "jws" : "png";
  const base = (badge.name || "badge").replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-|-$/g, "") || "badge";
  try {
    const path = await api.pickSavePath({
      title: "Save a copy of the badge",
      defaultPath: `${base}.${kind}`,
      name: "Badge (.png, .svg, .json or .jws)",
      extensions: [kind, ...["png", "svg", "json", "jws"].filter((e) => e !== kind)],
    });
    if (!path) return;
    await api.exportBadge(badge.id, path);
    notify(`Saved a copy to ${path}.`);
  } catch (e) {
    notify(e.message);
  }
}

/** Puts `text` on the clipboard; true when it worked. */
async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Older WebKit: copy from a temporary, off-screen text field.
    const field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.className = "visually-hidden";
    document.body.append(field);
    field.select();
    let ok = false;
    try {
      ok = document.execCommand("copy");
    } catch {
      ok = false;
    }
    field.remove();
    return ok;
  }
}

function fill(root, badge) {
  const c = badge.credential || {};
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
    // Whom it was issued to, in words the core chose: never a bare hash.
    recipient: badge.issued_to_sentence,
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
  root.querySelector("[data-field=recipient]").dataset.issuedTo = badge.issued_to?.kind || "";
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
