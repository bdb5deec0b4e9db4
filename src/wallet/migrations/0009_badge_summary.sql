-- The grid and `satchel list` read a few short columns of every badge. In
-- the badge row they come after the original bytes, so reading them walked
-- each badge's overflow pages; this index keeps them together on pages of
-- their own, in id order, and the list reads only those.
CREATE INDEX badge_summary ON badge(id, name, issuer_name, issued_on, expires,
    recipient, ob_version, hosted_url, details);
