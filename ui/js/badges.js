// What the UI derives from a badge summary: its state, and whether it
// matches the current search and filters. No DOM here.

/** The learner's words for each verification outcome code of the core. */
export const OUTCOME_LABELS = {
  valid: "Verified",
  revoked: "Revoked",
  suspended: "Suspended",
  expired: "Expired",
  not_yet_valid: "Not yet valid",
  recipient_mismatch: "Not your identity",
  bad_signature: "Signature broken",
  unreachable: "Issuer unreachable",
  unsupported: "Cannot be checked",
  invalid: "Invalid",
  malformed: "Unreadable",
};

/** The label of one outcome code (an unknown code shows as itself). */
export const outcomeLabel = (code) => OUTCOME_LABELS[code] || String(code);

/**
 * The state shown on a card: the latest verification outcome when the badge
 * was ever checked, else what is known locally.
 */
export function badgeState(badge, now = Date.now()) {
  const outcome = badge.status?.outcome;
  if (outcome) return { key: outcome, label: outcomeLabel(outcome) };
  if (badge.details === "awaiting") return { key: "awaiting", label: "Details pending" };
  if (badge.expires && Date.parse(badge.expires) < now) return { key: "expired", label: "Expired" };
  return { key: "unchecked", label: "Not checked yet" };
}

/** The filter the toolbar describes. */
export function matches(badge, { query, issuer, state }) {
  if (issuer && badge.issuer_name !== issuer) return false;
  if (state && badgeState(badge).key !== state) return false;
  if (!query) return true;
  const q = query.toLocaleLowerCase();
  return [badge.name, badge.issuer_name, badge.recipient].some(
    (v) => v && v.toLocaleLowerCase().includes(q),
  );
}

/** Distinct issuer names, sorted, for the issuer filter. */
export function issuers(badges) {
  const names = new Set();
  for (const b of badges) if (b.issuer_name) names.add(b.issuer_name);
  return [...names].sort((a, b) => a.localeCompare(b));
}
