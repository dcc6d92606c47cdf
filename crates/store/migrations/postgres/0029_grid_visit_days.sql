-- Coverage at street scale (issue #15), second step: a street's coverage of its 100,000
-- households still read 100,000 last-visit rows. It now reads how many subjects had their last
-- visit on each day at each place, per kind and purpose: a quarter at forty grids is a few
-- thousand rows, however many households there are.
--
-- Triggers on grid_last_visits keep it, so the visit writer and the registry's moves (which move
-- last visits with their subject) keep it right without knowing it exists. A row that falls to
-- zero is removed: only days someone was last seen on stay. The triggers are per statement with
-- transition tables, and each upserts its rows in key order (as registry_counts' do), so that two
-- statements touching the same days lock them in the same order.
CREATE TABLE grid_visit_days (
    kind     TEXT NOT NULL,
    purpose  TEXT NOT NULL,
    org_path TEXT COLLATE "C" NOT NULL,
    day      TEXT NOT NULL,
    n        BIGINT NOT NULL,
    PRIMARY KEY (kind, purpose, org_path, day)
);

INSERT INTO grid_visit_days (kind, purpose, org_path, day, n)
SELECT kind, purpose, org_path, day, COUNT(*) FROM grid_last_visits
GROUP BY kind, purpose, org_path, day;

-- The signed counts a statement brings, applied in key order; the rows they bring to zero go.
CREATE FUNCTION grid_visit_days_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO grid_visit_days (kind, purpose, org_path, day, n)
    SELECT kind, purpose, org_path, day, COUNT(*) FROM new_rows
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (kind, purpose, org_path, day) DO UPDATE SET n = grid_visit_days.n + excluded.n;
    RETURN NULL;
END $$;

CREATE FUNCTION grid_visit_days_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO grid_visit_days (kind, purpose, org_path, day, n)
    SELECT kind, purpose, org_path, day, -COUNT(*) FROM old_rows
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (kind, purpose, org_path, day) DO UPDATE SET n = grid_visit_days.n + excluded.n;
    DELETE FROM grid_visit_days g USING old_rows o
    WHERE g.n = 0 AND g.kind = o.kind AND g.purpose = o.purpose AND g.org_path = o.org_path
      AND g.day = o.day;
    RETURN NULL;
END $$;

-- Most updates (a visit older than the last one, sent late) change neither day nor place.
CREATE FUNCTION grid_visit_days_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH moved AS (
        SELECT o.kind, o.purpose, o.org_path AS old_path, o.day AS old_day,
               n.org_path AS new_path, n.day AS new_day
        FROM old_rows o JOIN new_rows n USING (kind, subject_id, purpose)
        WHERE o.org_path <> n.org_path OR o.day <> n.day
    ), d AS (
        SELECT kind, purpose, old_path AS org_path, old_day AS day, -1 AS n FROM moved
        UNION ALL
        SELECT kind, purpose, new_path, new_day, 1 FROM moved
    )
    INSERT INTO grid_visit_days (kind, purpose, org_path, day, n)
    SELECT kind, purpose, org_path, day, SUM(n) FROM d
    GROUP BY 1, 2, 3, 4 HAVING SUM(n) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (kind, purpose, org_path, day) DO UPDATE SET n = grid_visit_days.n + excluded.n;
    DELETE FROM grid_visit_days g USING old_rows o
    WHERE g.n = 0 AND g.kind = o.kind AND g.purpose = o.purpose AND g.org_path = o.org_path
      AND g.day = o.day;
    RETURN NULL;
END $$;

CREATE TRIGGER grid_visit_days_ai AFTER INSERT ON grid_last_visits
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION grid_visit_days_inserted();
CREATE TRIGGER grid_visit_days_ad AFTER DELETE ON grid_last_visits
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION grid_visit_days_deleted();
CREATE TRIGGER grid_visit_days_au AFTER UPDATE ON grid_last_visits
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION grid_visit_days_updated();
