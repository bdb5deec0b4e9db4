-- Collections: named, ordered, public or private groups of badges.
CREATE TABLE collection (
    id          INTEGER PRIMARY KEY,
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
