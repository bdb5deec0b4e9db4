-- A check Satchel cannot perform (a proof type or JSON-LD context it does not
-- know) gets its own outcome, `unsupported`, instead of `invalid`. SQLite
-- cannot change a CHECK constraint in place, so the table is rebuilt with
-- every row kept as it was.
CREATE TABLE badge_check_new (
    id         INTEGER PRIMARY KEY,
    badge_id   INTEGER NOT NULL REFERENCES badge(id) ON DELETE CASCADE,
    checked_at TEXT NOT NULL,
    outcome    TEXT NOT NULL CHECK (outcome IN ('valid', 'revoked', 'expired', 'not_yet_valid',
                   'recipient_mismatch', 'bad_signature', 'unreachable', 'unsupported',
                   'invalid', 'malformed')),
    message    TEXT NOT NULL,
    evidence   TEXT NOT NULL
) STRICT;
INSERT INTO badge_check_new (id, badge_id, checked_at, outcome, message, evidence)
    SELECT id, badge_id, checked_at, outcome, message, evidence FROM badge_check;
DROP TABLE badge_check;
ALTER TABLE badge_check_new RENAME TO badge_check;
CREATE INDEX badge_check_by_badge ON badge_check(badge_id, id);
