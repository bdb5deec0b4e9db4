// What the UI derives from a badge summary: its state, and whether it
// matches the current search and filters. No DOM here.

/** The state shown on a card: until verification lands, what is known locally. */
export function badgeState(badge, now = Date.now()) {
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
