-- A credential its issuer suspended (the suspension bit of its status list)
-- gets its own outcome, `suspended`, instead of `revoked`: a suspension may be
-- lifted. The table is rebuilt with every row kept, as in 0006.
CREATE TABLE badge_check_new (
    id         INTEGER PRIMARY KEY,
    badge_id   INTEGER NOT NULL REFERENCES badge(id) ON DELETE CASCADE,
    checked_at TEXT NOT NULL,
    outcome    TEXT NOT NULL CHECK (outcome IN ('valid', 'revoked', 'suspended', 'expired',
                   'not_yet_valid', 'recipient_mismatch', 'bad_signature', 'unreachable',
                   'unsupported', 'invalid', 'malformed')),
    message    TEXT NOT NULL,
    evidence   TEXT NOT NULL
) STRICT;
INSERT INTO badge_check_new (id, badge_id, checked_at, outcome, message, evidence)
    SELECT id, badge_id, checked_at, outcome, message, evidence FROM badge_check;
DROP TABLE badge_check;
ALTER TABLE badge_check_new RENAME TO badge_check;
CREATE INDEX badge_check_by_badge ON badge_check(badge_id, id);

-- Key documents (DID documents, key files, issuer profiles listing keys) as
-- fetched during a check whose key they tied to the issuer, with the time:
-- a later check that cannot reach them can still check the signature with
-- the key they held, and say when its owner was last confirmed. One row per
-- URL, the newest copy.
CREATE TABLE key_document (
    url        TEXT PRIMARY KEY,
    body       BLOB NOT NULL,
    fetched_at TEXT NOT NULL
) STRICT;
