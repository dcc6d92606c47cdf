-- The registry's figures kept as it changes (issue #13): how many people per grid and status,
-- and how many active people per grid and tag of care. A page over a street sums a few hundred
-- rows of these tables (an index range on org_path) instead of counting a million residents.
--
-- Triggers keep them, so every writer (ledger imports, the desk, moves out, retention, the demo,
-- the command line) keeps them right without knowing they exist. "org_path" is the resident's own
-- (a grid, or a community for people whose grid is unknown). A tag counts while its person is
-- active: changing a person's status or place moves their tags' counts with them.
-- Rows at zero stay (a grid that had people once); readers skip them.

CREATE TABLE registry_counts (
    org_path TEXT NOT NULL,
    status   TEXT NOT NULL,
    n        BIGINT NOT NULL,
    PRIMARY KEY (org_path, status)
);

CREATE TABLE registry_tag_counts (
    org_path TEXT NOT NULL,
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
CREATE TRIGGER registry_counts_ai AFTER INSERT ON registry_residents BEGIN
    INSERT INTO registry_counts (org_path, status, n) VALUES (new.org_path, new.status, 1)
    ON CONFLICT (org_path, status) DO UPDATE SET n = n + 1;
END;

-- A person is deleted only after their tags (the foreign key), so only the status counts.
CREATE TRIGGER registry_counts_ad AFTER DELETE ON registry_residents BEGIN
    UPDATE registry_counts SET n = n - 1 WHERE org_path = old.org_path AND status = old.status;
END;

CREATE TRIGGER registry_counts_au AFTER UPDATE OF org_path, status ON registry_residents
WHEN old.org_path IS NOT new.org_path OR old.status IS NOT new.status BEGIN
    UPDATE registry_counts SET n = n - 1 WHERE org_path = old.org_path AND status = old.status;
    INSERT INTO registry_counts (org_path, status, n) VALUES (new.org_path, new.status, 1)
    ON CONFLICT (org_path, status) DO UPDATE SET n = n + 1;
    UPDATE registry_tag_counts SET n = n - 1
    WHERE old.status = 'active' AND org_path = old.org_path
      AND tag IN (SELECT tag FROM registry_tags WHERE resident_id = old.id);
    INSERT INTO registry_tag_counts (org_path, tag, n)
    SELECT new.org_path, tag, 1 FROM registry_tags
    WHERE resident_id = new.id AND new.status = 'active'
    ON CONFLICT (org_path, tag) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER registry_tag_counts_ai AFTER INSERT ON registry_tags BEGIN
    INSERT INTO registry_tag_counts (org_path, tag, n)
    SELECT org_path, new.tag, 1 FROM registry_residents
    WHERE id = new.resident_id AND status = 'active'
    ON CONFLICT (org_path, tag) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER registry_tag_counts_ad AFTER DELETE ON registry_tags BEGIN
    UPDATE registry_tag_counts SET n = n - 1
    WHERE tag = old.tag AND org_path =
        (SELECT org_path FROM registry_residents WHERE id = old.resident_id AND status = 'active');
END;

CREATE TRIGGER registry_tag_counts_au AFTER UPDATE OF resident_id, tag ON registry_tags
WHEN old.resident_id IS NOT new.resident_id OR old.tag IS NOT new.tag BEGIN
    UPDATE registry_tag_counts SET n = n - 1
    WHERE tag = old.tag AND org_path =
        (SELECT org_path FROM registry_residents WHERE id = old.resident_id AND status = 'active');
    INSERT INTO registry_tag_counts (org_path, tag, n)
    SELECT org_path, new.tag, 1 FROM registry_residents
    WHERE id = new.resident_id AND status = 'active'
    ON CONFLICT (org_path, tag) DO UPDATE SET n = n + 1;
END;
