-- Verification history: one row per badge per check, newest last.
CREATE TABLE badge_check (
    id         INTEGER PRIMARY KEY,
    badge_id   INTEGER NOT NULL REFERENCES badge(id) ON DELETE CASCADE,
    checked_at TEXT NOT NULL,
    outcome    TEXT NOT NULL CHECK (outcome IN ('valid', 'revoked', 'expired', 'not_yet_valid',
                   'recipient_mismatch', 'bad_signature', 'unreachable', 'invalid', 'malformed')),
    message    TEXT NOT NULL,
    evidence   TEXT NOT NULL
) STRICT;
CREATE INDEX badge_check_by_badge ON badge_check(badge_id, id);
