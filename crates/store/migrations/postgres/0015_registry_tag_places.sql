-- Tag lists by place (issue #13): a community head's 低保 list read every holder in the district
-- through the tag index, or every person through the name index, to keep the ones in the
-- community (100–230 ms at 1,000,000 people). Each tag row now carries its person's place and
-- name, so a list reads only the holders it shows, in page order, from one of two indexes:
--
-- * registry_tags_place (tag, org_path, name, resident_id): the holders of one grid (or of
--   people placed at a community) in name order. A scope of a few grids reads the first page of
--   each and merges them.
-- * registry_tags_name (tag, name, resident_id) INCLUDE (org_path): every holder in name order,
--   with the place to test, for a scope holding a large share of them (a street) where merging
--   hundreds of grids would cost more. Both cover their queries (index-only scans once the
--   table is vacuumed): no resident row is read until a page is chosen.
--
-- Triggers keep the copies, so every writer (imports, the desk, moves, retention, raw SQL) keeps
-- them right without knowing they exist, as migration 0014 keeps the counts: a new tag row takes
-- its person's place and name (a row trigger before the insert, so the row is written once); a
-- person who moves or is renamed takes their tags along (a statement trigger, as in 0014). The
-- tag index on (tag) alone is gone: both new indexes begin with the tag.

ALTER TABLE registry_tags
    ADD COLUMN org_path TEXT COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN name TEXT COLLATE "C" NOT NULL DEFAULT '';

UPDATE registry_tags t SET org_path = r.org_path, name = r.name
FROM registry_residents r WHERE r.id = t.resident_id;

DROP INDEX registry_tags_tag;
CREATE INDEX registry_tags_place ON registry_tags(tag, org_path, name, resident_id);
CREATE INDEX registry_tags_name ON registry_tags(tag, name, resident_id) INCLUDE (org_path);

CREATE FUNCTION registry_tags_placed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT r.org_path, r.name INTO NEW.org_path, NEW.name
    FROM registry_residents r WHERE r.id = NEW.resident_id;
    RETURN NEW;
END $$;

CREATE TRIGGER registry_tags_place_bi BEFORE INSERT OR UPDATE OF resident_id ON registry_tags
    FOR EACH ROW EXECUTE FUNCTION registry_tags_placed();

-- Only people whose place or name changed touch their tags: most updates (a new phone, an
-- import finding a person unchanged) leave them alone. The tag rows' update fires 0014's tag
-- count trigger, which finds nothing to move (the same person at the same place).
CREATE FUNCTION registry_tags_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE registry_tags t SET org_path = n.org_path, name = n.name
    FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE t.resident_id = n.id AND (o.org_path <> n.org_path OR o.name <> n.name);
    RETURN NULL;
END $$;

CREATE TRIGGER registry_tags_follow_au AFTER UPDATE ON registry_residents
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION registry_tags_follow();
