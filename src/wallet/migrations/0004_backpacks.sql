-- Other backpacks the learner connected (Badgr, Badge Connect, OB 3.0 hosts)
-- and what was sent to each. Tokens and client secrets never live here: the
-- OS keyring holds them under `secret_key`, a random name that is not a secret.
CREATE TABLE backpack (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL CHECK (kind IN ('badgr', 'badge_connect', 'ob3')),
    base_url   TEXT NOT NULL,
    -- Discovered endpoints (API base, token, authorization, registration URLs), JSON.
    endpoints  TEXT NOT NULL,
    client_id  TEXT,
    username   TEXT,
    secret_key TEXT NOT NULL UNIQUE,
    added_at   TEXT NOT NULL
) STRICT;
-- One row per badge per backpack: the last push and how it went.
CREATE TABLE backpack_push (
    backpack_id INTEGER NOT NULL REFERENCES backpack(id) ON DELETE CASCADE,
    badge_id    INTEGER NOT NULL REFERENCES badge(id) ON DELETE CASCADE,
    status      TEXT NOT NULL CHECK (status IN ('pushed', 'already_there', 'pulled', 'failed')),
    remote_id   TEXT,
    message     TEXT,
    evidence    TEXT,
    pushed_at   TEXT NOT NULL,
    PRIMARY KEY (backpack_id, badge_id)
) STRICT;
-- Collections mirrored to a backpack, with the remote's id and share page.
CREATE TABLE backpack_collection (
    backpack_id   INTEGER NOT NULL REFERENCES backpack(id) ON DELETE CASCADE,
    collection_id INTEGER NOT NULL REFERENCES collection(id) ON DELETE CASCADE,
    remote_id     TEXT NOT NULL,
    share_url     TEXT,
    pushed_at     TEXT NOT NULL,
    PRIMARY KEY (backpack_id, collection_id)
) STRICT;
