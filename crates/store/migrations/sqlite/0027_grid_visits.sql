-- Grid work (issue #15): the visits (走访) grid workers make to people, households, dwellings and
-- businesses, and the coverage rules (片组户考核) that say how often each must be visited.

-- One visit. `visit_key` is the sender's idempotency key: a phone that sends the same visit again
-- after losing its signal finds the first one, never makes a second. `community_path` is the
-- community whose worker made it (the scope of the record itself; each subject keeps its place).
-- `purposes` holds purpose codes (data/visit_purposes.txt) separated by spaces; `sensitive` marks
-- findings about health or disability, masked in lists.
CREATE TABLE grid_visits (
    id             INTEGER PRIMARY KEY,
    visit_key      TEXT NOT NULL UNIQUE,
    community_path TEXT NOT NULL,
    day            TEXT NOT NULL,
    minutes        BIGINT NOT NULL,
    worker_id      BIGINT NOT NULL REFERENCES users(id),
    purposes       TEXT NOT NULL,
    findings       TEXT NOT NULL DEFAULT '',
    sensitive      BOOLEAN NOT NULL,
    recorded_at    BIGINT NOT NULL
);
CREATE INDEX grid_visits_worker ON grid_visits(worker_id, day);

-- Whom a visit reached, with their place that day: each subject the worker named, and for a
-- household each member living there then (`named` false): a visit to a household covers its
-- members. The timeline of a person or a business reads (kind, subject_id); a period's coverage
-- of a place reads (org_path, day).
CREATE TABLE grid_visit_subjects (
    visit_id   BIGINT NOT NULL REFERENCES grid_visits(id),
    kind       TEXT NOT NULL CHECK (kind IN ('resident', 'household', 'dwelling', 'business')),
    subject_id BIGINT NOT NULL,
    org_path   TEXT NOT NULL,
    day        TEXT NOT NULL,
    named      BOOLEAN NOT NULL,
    PRIMARY KEY (visit_id, kind, subject_id)
);
CREATE INDEX grid_visit_subjects_timeline ON grid_visit_subjects(kind, subject_id, day);
CREATE INDEX grid_visit_subjects_place ON grid_visit_subjects(org_path, day);

-- Each subject's last visit for each purpose, at the subject's current place: the due list and
-- today's coverage read these few rows instead of the million visits. Kept by the visit writer;
-- the triggers below move a subject's rows with the subject.
CREATE TABLE grid_last_visits (
    kind       TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    purpose    TEXT NOT NULL,
    day        TEXT NOT NULL,
    org_path   TEXT NOT NULL,
    PRIMARY KEY (kind, subject_id, purpose)
);
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

-- The coverage rules of a street, each save a new version (data/coverage_rules.txt until the
-- first save). The newest version is in force.
CREATE TABLE grid_coverage_rules (
    street_path TEXT NOT NULL,
    version     BIGINT NOT NULL,
    body        TEXT NOT NULL,
    note        TEXT NOT NULL,
    saved_by    TEXT NOT NULL,
    saved_at    BIGINT NOT NULL,
    PRIMARY KEY (street_path, version)
);
