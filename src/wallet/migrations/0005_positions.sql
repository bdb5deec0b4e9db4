-- A badge's place in a collection is unique, and the lookups by badge that
-- deleting a badge and listing its backpacks make use an index.
-- Places are renumbered 0, 1, 2… first (ties kept in badge order), so a
-- wallet whose places ever collided upgrades without losing a badge.
UPDATE collection_badge SET position = (
    SELECT count(*) FROM collection_badge AS other
    WHERE other.collection_id = collection_badge.collection_id
      AND (other.position < collection_badge.position
           OR (other.position = collection_badge.position
               AND other.badge_id < collection_badge.badge_id))
);
CREATE UNIQUE INDEX collection_badge_place ON collection_badge(collection_id, position);
CREATE INDEX backpack_push_by_badge ON backpack_push(badge_id);
CREATE INDEX backpack_collection_by_collection ON backpack_collection(collection_id);
