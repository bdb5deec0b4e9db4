-- Collections: named, ordered, public or private groups of badges.
-- `public_id` is a random name for published URLs, so renaming or reordering
-- a collection never breaks a link someone already shared.
CREATE TABLE collection (
    id          INTEGER PRIMARY KEY,
    public_id   TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    public      INTEGER NOT NULL DEFAULT 0 CHECK (public IN (0, 1)),
    position    INTEGER NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;
CREATE TABLE collection_badge (
    collection_id INTEGER NOT NULL REFERENCES collection(id) ON DELETE CASCADE,
    badge_id      INTEGER NOT NULL REFERENCES badge(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    PRIMARY KEY (collection_id, badge_id)
) STRICT;
CREATE INDEX collection_badge_by_badge ON collection_badge(badge_id);
-- The last `satchel publish` with a base URL: where the site lives and which
-- badges it holds, so sharing can point at a page that really exists.
CREATE TABLE published_site (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    base_url     TEXT NOT NULL,
    published_at TEXT NOT NULL
) STRICT;
CREATE TABLE published_badge (
    badge_id INTEGER PRIMARY KEY REFERENCES badge(id) ON DELETE CASCADE,
    page     TEXT NOT NULL
) STRICT;
