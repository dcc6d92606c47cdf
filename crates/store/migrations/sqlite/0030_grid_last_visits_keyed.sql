-- Coverage at street scale (issue #15), third step: a rule for tagged people (独居老人, 低保,
-- 残疾) looks up each tagged person's last visits by key, 22,000 people in a street. The table
-- had a rowid, so each lookup went through the key's index and then to the row for its day:
-- twice the pages. Keyed without a rowid, the row is found in the key's own tree.
--
-- SQLite cannot change a table's keying in place: the table is copied. Its triggers, and the
-- registry's triggers that name it, are dropped first and made again as they were (0027, 0029).
DROP TRIGGER grid_last_visits_residents_au;
DROP TRIGGER grid_last_visits_households_au;
DROP TRIGGER grid_last_visits_dwellings_au;
DROP TRIGGER grid_last_visits_businesses_au;
DROP TRIGGER grid_visit_days_ai;
DROP TRIGGER grid_visit_days_ad;
DROP TRIGGER grid_visit_days_au;

CREATE TABLE grid_last_visits_keyed (
    kind       TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    purpose    TEXT NOT NULL,
    day        TEXT NOT NULL,
    org_path   TEXT NOT NULL,
    PRIMARY KEY (kind, subject_id, purpose)
) WITHOUT ROWID;
INSERT INTO grid_last_visits_keyed (kind, subject_id, purpose, day, org_path)
SELECT kind, subject_id, purpose, day, org_path FROM grid_last_visits
ORDER BY kind, subject_id, purpose;
DROP TABLE grid_last_visits;
ALTER TABLE grid_last_visits_keyed RENAME TO grid_last_visits;
CREATE INDEX grid_last_visits_place ON grid_last_visits(kind, purpose, org_path, day, subject_id);

CREATE TRIGGER grid_last_visits_residents_au AFTER UPDATE OF org_path ON registry_residents
WHEN old.org_path IS NOT new.org_path BEGIN
    UPDATE grid_last_visits SET org_path = new.org_path
    WHERE kind = 'resident' AND subject_id = new.id;
END;
CREATE TRIGGER grid_last_visits_households_au AFTER UPDATE OF org_path ON registry_households
WHEN old.org_path IS NOT new.org_path BEGIN
    UPDATE grid_last_visits SET org_path = new.org_path
    WHERE kind = 'household' AND subject_id = new.id;
END;
CREATE TRIGGER grid_last_visits_dwellings_au AFTER UPDATE OF org_path ON registry_dwellings
WHEN old.org_path IS NOT new.org_path BEGIN
    UPDATE grid_last_visits SET org_path = new.org_path
    WHERE kind = 'dwelling' AND subject_id = new.id;
END;
CREATE TRIGGER grid_last_visits_businesses_au AFTER UPDATE OF org_path ON registry_businesses
WHEN old.org_path IS NOT new.org_path BEGIN
    UPDATE grid_last_visits SET org_path = new.org_path
    WHERE kind = 'business' AND subject_id = new.id;
END;

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
