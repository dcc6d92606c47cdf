-- Coverage at street scale (issue #15), second step: a street's coverage of its 100,000
-- households still read 100,000 last-visit rows. It now reads how many subjects had their last
-- visit on each day at each place, per kind and purpose: a quarter at forty grids is a few
-- thousand rows, however many households there are.
--
-- Triggers on grid_last_visits keep it, so the visit writer and the registry's moves (which move
-- last visits with their subject) keep it right without knowing it exists. A row that falls to
-- zero is removed: only days someone was last seen on stay.
CREATE TABLE grid_visit_days (
    kind     TEXT NOT NULL,
    purpose  TEXT NOT NULL,
    org_path TEXT NOT NULL,
    day      TEXT NOT NULL,
    n        BIGINT NOT NULL,
    PRIMARY KEY (kind, purpose, org_path, day)
);

INSERT INTO grid_visit_days (kind, purpose, org_path, day, n)
SELECT kind, purpose, org_path, day, COUNT(*) FROM grid_last_visits
GROUP BY kind, purpose, org_path, day;

CREATE TRIGGER grid_visit_days_ai AFTER INSERT ON grid_last_visits BEGIN
    INSERT INTO grid_visit_days (kind, purpose, org_path, day, n)
    VALUES (new.kind, new.purpose, new.org_path, new.day, 1)
    ON CONFLICT (kind, purpose, org_path, day) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER grid_visit_days_ad AFTER DELETE ON grid_last_visits BEGIN
    UPDATE grid_visit_days SET n = n - 1
    WHERE kind = old.kind AND purpose = old.purpose AND org_path = old.org_path AND day = old.day;
    DELETE FROM grid_visit_days
    WHERE kind = old.kind AND purpose = old.purpose AND org_path = old.org_path AND day = old.day
      AND n = 0;
END;

CREATE TRIGGER grid_visit_days_au AFTER UPDATE OF day, org_path ON grid_last_visits
WHEN old.day IS NOT new.day OR old.org_path IS NOT new.org_path BEGIN
    UPDATE grid_visit_days SET n = n - 1
    WHERE kind = old.kind AND purpose = old.purpose AND org_path = old.org_path AND day = old.day;
    DELETE FROM grid_visit_days
    WHERE kind = old.kind AND purpose = old.purpose AND org_path = old.org_path AND day = old.day
      AND n = 0;
    INSERT INTO grid_visit_days (kind, purpose, org_path, day, n)
    VALUES (new.kind, new.purpose, new.org_path, new.day, 1)
    ON CONFLICT (kind, purpose, org_path, day) DO UPDATE SET n = n + 1;
END;
