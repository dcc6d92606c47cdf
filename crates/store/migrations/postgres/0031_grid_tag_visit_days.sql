-- Coverage at street scale (issue #15), fourth step: every rule reads counts, none probes
-- subjects one by one.
--
-- 1. Purpose sets. A rule counting several purposes (独居老人探访 or 日常走访) needs each
--    subject's last visit for any of them. Each such set now has its own last-visit row per
--    subject, under the key of its sorted codes joined by '+', written by the visit writer beside
--    the per-purpose rows. grid_purpose_sets lists the sets the rules in force use, with their
--    members; a set added later is back-filled from the per-purpose rows when it is added.
CREATE TABLE grid_purpose_sets (
    set_key TEXT NOT NULL,
    purpose TEXT NOT NULL,
    PRIMARY KEY (set_key, purpose)
);

-- 2. Per-tag day counts. A rule for tagged people (独居老人, 低保, 残疾: 22,000 in a street)
--    looked up each one's last visit. grid_tag_visit_days holds, per tag of care, last-visit key,
--    place and day, how many active tagged people had their last visit that day there. A tag
--    counts while its person is active: registry_tags.active copies the person's status, kept by
--    the functions that keep the tag's place (0015), so each count below changes with one table
--    at a time and stays right whichever trigger fires first. Rows at zero stay,
--    as in registry_tag_counts: removing them on PostgreSQL found each row by its tag alone
--    while the table had no statistics (9 ms a visit). Readers skip them.
ALTER TABLE registry_tags ADD COLUMN active BOOLEAN NOT NULL DEFAULT FALSE;

UPDATE registry_tags t SET active = TRUE
FROM registry_residents r WHERE r.id = t.resident_id AND r.status = 'active';

CREATE OR REPLACE FUNCTION registry_tags_placed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT r.org_path, r.name, r.status = 'active' INTO NEW.org_path, NEW.name, NEW.active
    FROM registry_residents r WHERE r.id = NEW.resident_id;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION registry_tags_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE registry_tags t
    SET org_path = n.org_path, name = n.name, active = (n.status = 'active')
    FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE t.resident_id = n.id
      AND (o.org_path <> n.org_path OR o.name <> n.name OR o.status <> n.status);
    RETURN NULL;
END $$;

CREATE TABLE grid_tag_visit_days (
    tag      TEXT NOT NULL,
    purpose  TEXT NOT NULL,
    org_path TEXT COLLATE "C" NOT NULL,
    day      TEXT NOT NULL,
    n        BIGINT NOT NULL,
    PRIMARY KEY (tag, purpose, org_path, day)
);

INSERT INTO grid_tag_visit_days (tag, purpose, org_path, day, n)
SELECT t.tag, l.purpose, l.org_path, l.day, COUNT(*)
FROM registry_tags t JOIN grid_last_visits l ON l.kind = 'resident' AND l.subject_id = t.resident_id
WHERE t.active
GROUP BY t.tag, l.purpose, l.org_path, l.day;

-- Each function applies its statement's changes as sums per key, in key order, so concurrent
-- writers take row locks in one order.

-- A person's last visits: one count for each of their tags.
CREATE FUNCTION grid_tag_visit_days_lv_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO grid_tag_visit_days (tag, purpose, org_path, day, n)
    SELECT t.tag, l.purpose, l.org_path, l.day, COUNT(*)
    FROM new_rows l JOIN registry_tags t ON t.resident_id = l.subject_id AND t.active
    WHERE l.kind = 'resident'
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (tag, purpose, org_path, day) DO UPDATE
    SET n = grid_tag_visit_days.n + excluded.n;
    RETURN NULL;
END $$;

CREATE FUNCTION grid_tag_visit_days_lv_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO grid_tag_visit_days (tag, purpose, org_path, day, n)
    SELECT t.tag, l.purpose, l.org_path, l.day, -COUNT(*)
    FROM old_rows l JOIN registry_tags t ON t.resident_id = l.subject_id AND t.active
    WHERE l.kind = 'resident'
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (tag, purpose, org_path, day) DO UPDATE
    SET n = grid_tag_visit_days.n + excluded.n;
    RETURN NULL;
END $$;

CREATE FUNCTION grid_tag_visit_days_lv_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH moved AS (
        SELECT o.subject_id, o.purpose, o.org_path AS old_path, o.day AS old_day,
               n.org_path AS new_path, n.day AS new_day
        FROM old_rows o JOIN new_rows n USING (kind, subject_id, purpose)
        WHERE o.kind = 'resident' AND (o.org_path <> n.org_path OR o.day <> n.day)
    ), d AS (
        SELECT t.tag, m.purpose, m.old_path AS org_path, m.old_day AS day, -1 AS n
        FROM moved m JOIN registry_tags t ON t.resident_id = m.subject_id AND t.active
        UNION ALL
        SELECT t.tag, m.purpose, m.new_path, m.new_day, 1
        FROM moved m JOIN registry_tags t ON t.resident_id = m.subject_id AND t.active
    )
    INSERT INTO grid_tag_visit_days (tag, purpose, org_path, day, n)
    SELECT tag, purpose, org_path, day, SUM(n) FROM d
    GROUP BY 1, 2, 3, 4 HAVING SUM(n) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (tag, purpose, org_path, day) DO UPDATE
    SET n = grid_tag_visit_days.n + excluded.n;
    RETURN NULL;
END $$;

CREATE TRIGGER grid_tag_visit_days_lv_ai AFTER INSERT ON grid_last_visits
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION grid_tag_visit_days_lv_inserted();
CREATE TRIGGER grid_tag_visit_days_lv_ad AFTER DELETE ON grid_last_visits
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION grid_tag_visit_days_lv_deleted();
CREATE TRIGGER grid_tag_visit_days_lv_au AFTER UPDATE ON grid_last_visits
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION grid_tag_visit_days_lv_updated();

-- Tags that start or stop counting: one count for each of their person's last visits. An
-- update counts only the rows whose person, tag or activity changed (a move or a new name
-- rewrites every tag row of the person and changes none of these).
CREATE FUNCTION grid_tag_visit_days_tag_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO grid_tag_visit_days (tag, purpose, org_path, day, n)
    SELECT t.tag, l.purpose, l.org_path, l.day, COUNT(*)
    FROM new_rows t JOIN grid_last_visits l ON l.kind = 'resident' AND l.subject_id = t.resident_id
    WHERE t.active
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (tag, purpose, org_path, day) DO UPDATE
    SET n = grid_tag_visit_days.n + excluded.n;
    RETURN NULL;
END $$;

CREATE FUNCTION grid_tag_visit_days_tag_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO grid_tag_visit_days (tag, purpose, org_path, day, n)
    SELECT t.tag, l.purpose, l.org_path, l.day, -COUNT(*)
    FROM old_rows t JOIN grid_last_visits l ON l.kind = 'resident' AND l.subject_id = t.resident_id
    WHERE t.active
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (tag, purpose, org_path, day) DO UPDATE
    SET n = grid_tag_visit_days.n + excluded.n;
    RETURN NULL;
END $$;

CREATE FUNCTION grid_tag_visit_days_tag_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH gone AS (
        SELECT o.resident_id, o.tag FROM old_rows o
        WHERE o.active AND NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.resident_id = o.resident_id
                                       AND n.tag = o.tag AND n.active)
    ), came AS (
        SELECT n.resident_id, n.tag FROM new_rows n
        WHERE n.active AND NOT EXISTS (SELECT 1 FROM old_rows o WHERE o.resident_id = n.resident_id
                                       AND o.tag = n.tag AND o.active)
    ), d AS (
        SELECT g.tag, l.purpose, l.org_path, l.day, -1 AS n
        FROM gone g JOIN grid_last_visits l ON l.kind = 'resident' AND l.subject_id = g.resident_id
        UNION ALL
        SELECT c.tag, l.purpose, l.org_path, l.day, 1
        FROM came c JOIN grid_last_visits l ON l.kind = 'resident' AND l.subject_id = c.resident_id
    )
    INSERT INTO grid_tag_visit_days (tag, purpose, org_path, day, n)
    SELECT tag, purpose, org_path, day, SUM(n) FROM d
    GROUP BY 1, 2, 3, 4 HAVING SUM(n) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (tag, purpose, org_path, day) DO UPDATE
    SET n = grid_tag_visit_days.n + excluded.n;
    RETURN NULL;
END $$;

CREATE TRIGGER grid_tag_visit_days_tag_ai AFTER INSERT ON registry_tags
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION grid_tag_visit_days_tag_inserted();
CREATE TRIGGER grid_tag_visit_days_tag_ad AFTER DELETE ON registry_tags
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION grid_tag_visit_days_tag_deleted();
CREATE TRIGGER grid_tag_visit_days_tag_au AFTER UPDATE ON registry_tags
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION grid_tag_visit_days_tag_updated();
