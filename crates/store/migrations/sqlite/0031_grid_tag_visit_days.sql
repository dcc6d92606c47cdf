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
--    triggers like the tag's place (0015), so each count below changes with one table at a time
--    and stays right whichever trigger fires first. Rows at zero stay,
--    as in registry_tag_counts: removing them on PostgreSQL found each row by its tag alone
--    while the table had no statistics (9 ms a visit). Readers skip them.
ALTER TABLE registry_tags ADD COLUMN active BOOLEAN NOT NULL DEFAULT 0;

UPDATE registry_tags SET active = 1
WHERE resident_id IN (SELECT id FROM registry_residents WHERE status = 'active');

CREATE TRIGGER registry_tags_active_ai AFTER INSERT ON registry_tags BEGIN
    UPDATE registry_tags SET active =
        COALESCE((SELECT status = 'active' FROM registry_residents WHERE id = new.resident_id), 0)
    WHERE rowid = new.rowid;
END;

CREATE TRIGGER registry_tags_active_au AFTER UPDATE OF resident_id ON registry_tags
WHEN old.resident_id IS NOT new.resident_id BEGIN
    UPDATE registry_tags SET active =
        COALESCE((SELECT status = 'active' FROM registry_residents WHERE id = new.resident_id), 0)
    WHERE rowid = new.rowid;
END;

CREATE TRIGGER registry_tags_active_follow AFTER UPDATE OF status ON registry_residents
WHEN (old.status = 'active') IS NOT (new.status = 'active') BEGIN
    UPDATE registry_tags SET active = (new.status = 'active') WHERE resident_id = new.id;
END;

CREATE TABLE grid_tag_visit_days (
    tag      TEXT NOT NULL,
    purpose  TEXT NOT NULL,
    org_path TEXT NOT NULL,
    day      TEXT NOT NULL,
    n        BIGINT NOT NULL,
    PRIMARY KEY (tag, purpose, org_path, day)
);

INSERT INTO grid_tag_visit_days (tag, purpose, org_path, day, n)
SELECT t.tag, l.purpose, l.org_path, l.day, COUNT(*)
FROM registry_tags t JOIN grid_last_visits l ON l.kind = 'resident' AND l.subject_id = t.resident_id
WHERE t.active
GROUP BY t.tag, l.purpose, l.org_path, l.day;

-- A person's last visit: one count for each of their tags.
CREATE TRIGGER grid_tag_visit_days_lv_ai AFTER INSERT ON grid_last_visits
WHEN new.kind = 'resident' BEGIN
    INSERT INTO grid_tag_visit_days (tag, purpose, org_path, day, n)
    SELECT tag, new.purpose, new.org_path, new.day, 1 FROM registry_tags
    WHERE resident_id = new.subject_id AND active
    ON CONFLICT (tag, purpose, org_path, day) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER grid_tag_visit_days_lv_ad AFTER DELETE ON grid_last_visits
WHEN old.kind = 'resident' BEGIN
    UPDATE grid_tag_visit_days SET n = n - 1
    WHERE purpose = old.purpose AND org_path = old.org_path AND day = old.day
      AND tag IN (SELECT tag FROM registry_tags WHERE resident_id = old.subject_id AND active);
END;

CREATE TRIGGER grid_tag_visit_days_lv_au AFTER UPDATE OF day, org_path ON grid_last_visits
WHEN new.kind = 'resident' AND (old.day IS NOT new.day OR old.org_path IS NOT new.org_path) BEGIN
    UPDATE grid_tag_visit_days SET n = n - 1
    WHERE purpose = old.purpose AND org_path = old.org_path AND day = old.day
      AND tag IN (SELECT tag FROM registry_tags WHERE resident_id = old.subject_id AND active);
    INSERT INTO grid_tag_visit_days (tag, purpose, org_path, day, n)
    SELECT tag, new.purpose, new.org_path, new.day, 1 FROM registry_tags
    WHERE resident_id = new.subject_id AND active
    ON CONFLICT (tag, purpose, org_path, day) DO UPDATE SET n = n + 1;
END;

-- A tag that starts or stops counting: one count for each of its person's last visits.
CREATE TRIGGER grid_tag_visit_days_tag_ai AFTER INSERT ON registry_tags
WHEN new.active BEGIN
    INSERT INTO grid_tag_visit_days (tag, purpose, org_path, day, n)
    SELECT new.tag, purpose, org_path, day, 1 FROM grid_last_visits
    WHERE kind = 'resident' AND subject_id = new.resident_id
    ON CONFLICT (tag, purpose, org_path, day) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER grid_tag_visit_days_tag_ad AFTER DELETE ON registry_tags
WHEN old.active BEGIN
    UPDATE grid_tag_visit_days SET n = n - 1
    WHERE tag = old.tag AND (purpose, org_path, day) IN
        (SELECT purpose, org_path, day FROM grid_last_visits
         WHERE kind = 'resident' AND subject_id = old.resident_id);
END;

CREATE TRIGGER grid_tag_visit_days_tag_au AFTER UPDATE OF resident_id, tag, active ON registry_tags
WHEN old.resident_id IS NOT new.resident_id OR old.tag IS NOT new.tag
  OR old.active IS NOT new.active BEGIN
    UPDATE grid_tag_visit_days SET n = n - 1
    WHERE old.active AND tag = old.tag AND (purpose, org_path, day) IN
        (SELECT purpose, org_path, day FROM grid_last_visits
         WHERE kind = 'resident' AND subject_id = old.resident_id);
    INSERT INTO grid_tag_visit_days (tag, purpose, org_path, day, n)
    SELECT new.tag, purpose, org_path, day, 1 FROM grid_last_visits
    WHERE new.active AND kind = 'resident' AND subject_id = new.resident_id
    ON CONFLICT (tag, purpose, org_path, day) DO UPDATE SET n = n + 1;
END;
