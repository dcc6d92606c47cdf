-- The registry's figures kept as it changes (issue #13): how many people per grid and status,
-- and how many active people per grid and tag of care. A page over a street sums a few hundred
-- rows of these tables (an index range on org_path) instead of counting a million residents.
--
-- Triggers keep them, so every writer (ledger imports, the desk, moves out, retention, the demo,
-- the command line) keeps them right without knowing they exist. "org_path" is the resident's own
-- (a grid, or a community for people whose grid is unknown). A tag counts while its person is
-- active: changing a person's status or place moves their tags' counts with them.
-- Rows at zero stay (a grid that had people once); readers skip them.
--
-- The triggers are per statement with transition tables: an import's batch of 2,000 rows costs
-- one upsert per (grid, status) it touches, not one per row. Concurrency: a counts row is locked
-- from its upsert until the writing transaction commits, so two transactions writing people of
-- the same grid take turns there. That is accepted: imports already write in batches and commit
-- in steps, and the desk writes one person at a time. Each statement upserts its rows in key
-- order, so that two statements touching the same grids lock them in the same order.

CREATE TABLE registry_counts (
    org_path TEXT COLLATE "C" NOT NULL,
    status   TEXT NOT NULL,
    n        BIGINT NOT NULL,
    PRIMARY KEY (org_path, status)
);

CREATE TABLE registry_tag_counts (
    org_path TEXT COLLATE "C" NOT NULL,
    tag      TEXT NOT NULL,
    n        BIGINT NOT NULL,
    PRIMARY KEY (org_path, tag)
);

INSERT INTO registry_counts (org_path, status, n)
SELECT org_path, status, COUNT(*) FROM registry_residents GROUP BY org_path, status;

INSERT INTO registry_tag_counts (org_path, tag, n)
SELECT r.org_path, t.tag, COUNT(*) FROM registry_tags t
JOIN registry_residents r ON r.id = t.resident_id
WHERE r.status = 'active'
GROUP BY r.org_path, t.tag;

-- A new person has no tags yet (registry_tags references the resident), so an insert counts
-- only the status.
CREATE FUNCTION registry_counts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO registry_counts (org_path, status, n)
    SELECT org_path, status, COUNT(*) FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (org_path, status) DO UPDATE SET n = registry_counts.n + excluded.n;
    RETURN NULL;
END $$;

-- A person is deleted only after their tags (the foreign key), so only the status counts.
CREATE FUNCTION registry_counts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO registry_counts (org_path, status, n)
    SELECT org_path, status, -COUNT(*) FROM old_rows GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (org_path, status) DO UPDATE SET n = registry_counts.n + excluded.n;
    RETURN NULL;
END $$;

-- Only the rows whose place or status changed move counts: most updates (a new phone, an
-- import finding a person unchanged) leave both alone.
CREATE FUNCTION registry_counts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH moved AS (
        SELECT o.org_path AS old_path, o.status AS old_status,
               n.org_path AS new_path, n.status AS new_status
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE o.org_path <> n.org_path OR o.status <> n.status
    ), d AS (
        SELECT old_path AS org_path, old_status AS status, -1 AS n FROM moved
        UNION ALL
        SELECT new_path, new_status, 1 FROM moved
    )
    INSERT INTO registry_counts (org_path, status, n)
    SELECT org_path, status, SUM(n) FROM d GROUP BY 1, 2 HAVING SUM(n) <> 0 ORDER BY 1, 2
    ON CONFLICT (org_path, status) DO UPDATE SET n = registry_counts.n + excluded.n;

    WITH moved AS (
        SELECT o.id, o.org_path AS old_path, o.status AS old_status,
               n.org_path AS new_path, n.status AS new_status
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE (o.org_path <> n.org_path OR o.status <> n.status)
          AND (o.status = 'active' OR n.status = 'active')
    ), d AS (
        SELECT m.old_path AS org_path, t.tag, -1 AS n
        FROM moved m JOIN registry_tags t ON t.resident_id = m.id
        WHERE m.old_status = 'active'
        UNION ALL
        SELECT m.new_path, t.tag, 1
        FROM moved m JOIN registry_tags t ON t.resident_id = m.id
        WHERE m.new_status = 'active'
    )
    INSERT INTO registry_tag_counts (org_path, tag, n)
    SELECT org_path, tag, SUM(n) FROM d GROUP BY 1, 2 HAVING SUM(n) <> 0 ORDER BY 1, 2
    ON CONFLICT (org_path, tag) DO UPDATE SET n = registry_tag_counts.n + excluded.n;
    RETURN NULL;
END $$;

CREATE TRIGGER registry_counts_ai AFTER INSERT ON registry_residents
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION registry_counts_inserted();
CREATE TRIGGER registry_counts_ad AFTER DELETE ON registry_residents
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION registry_counts_deleted();
CREATE TRIGGER registry_counts_au AFTER UPDATE ON registry_residents
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION registry_counts_updated();

-- Tags count while their person is active, at the person's place.
CREATE FUNCTION registry_tag_counts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO registry_tag_counts (org_path, tag, n)
    SELECT r.org_path, t.tag, COUNT(*) FROM new_rows t
    JOIN registry_residents r ON r.id = t.resident_id
    WHERE r.status = 'active' GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (org_path, tag) DO UPDATE SET n = registry_tag_counts.n + excluded.n;
    RETURN NULL;
END $$;

CREATE FUNCTION registry_tag_counts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO registry_tag_counts (org_path, tag, n)
    SELECT r.org_path, t.tag, -COUNT(*) FROM old_rows t
    JOIN registry_residents r ON r.id = t.resident_id
    WHERE r.status = 'active' GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (org_path, tag) DO UPDATE SET n = registry_tag_counts.n + excluded.n;
    RETURN NULL;
END $$;

CREATE FUNCTION registry_tag_counts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH d AS (
        SELECT r.org_path, t.tag, -1 AS n FROM old_rows t
        JOIN registry_residents r ON r.id = t.resident_id WHERE r.status = 'active'
        UNION ALL
        SELECT r.org_path, t.tag, 1 FROM new_rows t
        JOIN registry_residents r ON r.id = t.resident_id WHERE r.status = 'active'
    )
    INSERT INTO registry_tag_counts (org_path, tag, n)
    SELECT org_path, tag, SUM(n) FROM d GROUP BY 1, 2 HAVING SUM(n) <> 0 ORDER BY 1, 2
    ON CONFLICT (org_path, tag) DO UPDATE SET n = registry_tag_counts.n + excluded.n;
    RETURN NULL;
END $$;

CREATE TRIGGER registry_tag_counts_ai AFTER INSERT ON registry_tags
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION registry_tag_counts_inserted();
CREATE TRIGGER registry_tag_counts_ad AFTER DELETE ON registry_tags
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION registry_tag_counts_deleted();
CREATE TRIGGER registry_tag_counts_au AFTER UPDATE ON registry_tags
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION registry_tag_counts_updated();

-- Searches list people in (key, id) order. A PostgreSQL B-tree keeps equal keys in heap order,
-- so with the key alone a common value (the initials "ws" of 844 people in a street) is read
-- in full and sorted before the first 21 are shown; with the id in the index the page is read in
-- order and the scan stops. (SQLite's indexes end with the rowid, which is the id.)
DROP INDEX registry_residents_name;
CREATE INDEX registry_residents_name ON registry_residents(name, id);
DROP INDEX registry_residents_initials;
CREATE INDEX registry_residents_initials ON registry_residents(name_initials, id);
DROP INDEX registry_residents_phone;
CREATE INDEX registry_residents_phone ON registry_residents(phone, id);
