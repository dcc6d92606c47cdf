-- Tag lists by place (issue #13): a community head's 低保 list read every holder in the district
-- through the tag index, or every person through the name index, to keep the ones in the
-- community (100–230 ms at 1,000,000 people). Each tag row now carries its person's place and
-- name, so a list reads only the holders it shows, in page order, from one of two indexes:
--
-- * registry_tags_place (tag, org_path, name, resident_id): the holders of one grid (or of
--   people placed at a community) in name order. A scope of a few grids reads the first page of
--   each and merges them.
-- * registry_tags_name (tag, name, resident_id, org_path): every holder in name order, with the
--   place to test, for a scope holding a large share of them (a street) where merging hundreds
--   of grids would cost more. Both cover their queries: no resident row is read until a page is
--   chosen.
--
-- Triggers keep the copies, so every writer (imports, the desk, moves, retention, raw SQL) keeps
-- them right without knowing they exist, as migration 0014 keeps the counts: a new tag row takes
-- its person's place and name; a person who moves or is renamed takes their tags along. The
-- tag index on (tag) alone is gone: both new indexes begin with the tag.

ALTER TABLE registry_tags ADD COLUMN org_path TEXT NOT NULL DEFAULT '';
ALTER TABLE registry_tags ADD COLUMN name TEXT NOT NULL DEFAULT '';

UPDATE registry_tags SET org_path = r.org_path, name = r.name
FROM registry_residents r WHERE r.id = registry_tags.resident_id;

DROP INDEX registry_tags_tag;
CREATE INDEX registry_tags_place ON registry_tags(tag, org_path, name, resident_id);
CREATE INDEX registry_tags_name ON registry_tags(tag, name, resident_id, org_path);

-- SQLite cannot change the row being inserted, so the copy is written just after; the update
-- touches only the two copied columns, which no other trigger watches.
CREATE TRIGGER registry_tags_place_ai AFTER INSERT ON registry_tags BEGIN
    UPDATE registry_tags SET (org_path, name) =
        (SELECT org_path, name FROM registry_residents WHERE id = new.resident_id)
    WHERE rowid = new.rowid;
END;

CREATE TRIGGER registry_tags_place_au AFTER UPDATE OF resident_id ON registry_tags
WHEN old.resident_id IS NOT new.resident_id BEGIN
    UPDATE registry_tags SET (org_path, name) =
        (SELECT org_path, name FROM registry_residents WHERE id = new.resident_id)
    WHERE rowid = new.rowid;
END;

CREATE TRIGGER registry_tags_follow_au AFTER UPDATE OF org_path, name ON registry_residents
WHEN old.org_path IS NOT new.org_path OR old.name IS NOT new.name BEGIN
    UPDATE registry_tags SET org_path = new.org_path, name = new.name
    WHERE resident_id = new.id;
END;
