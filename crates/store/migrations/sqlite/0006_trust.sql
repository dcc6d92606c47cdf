-- issue 11 item 5: residents' portal attempts get their own counter, apart from failed sign-ins
-- The portal counted its online applications and tracking misses in login_failures under
-- made-up usernames, keyed by address, so residents sharing a community's address locked staff
-- out of signing in there. Each kind now has its own counter and rule.
CREATE TABLE portal_attempts (
    id   INTEGER PRIMARY KEY,
    -- application | tracking_miss (quanke_domain::throttle::PortalAttempt)
    kind TEXT NOT NULL,
    ip   TEXT NOT NULL,
    at   INTEGER NOT NULL
);
CREATE INDEX portal_attempts_kind_ip ON portal_attempts(kind, ip, at);
INSERT INTO portal_attempts (kind, ip, at)
    SELECT CASE WHEN username LIKE '网上申请 %' THEN 'application' ELSE 'tracking_miss' END, ip, at
    FROM login_failures
    WHERE username LIKE '网上申请 %' OR username LIKE '办件查询 %';
DELETE FROM login_failures WHERE username LIKE '网上申请 %' OR username LIKE '办件查询 %';
-- Issue 11: trust first (scope leaks, lockouts, wrong results). Each item's part starts with a
-- comment naming it, so parallel branches merge section by section.

-- issue 11 item 4: saved ledger column mappings belong to the org they were saved at (a
-- community's own, or the street's shared with its communities), no longer one street-wide list.
-- Existing mappings go to the org of the account that last saved them; '/' (visible to every
-- org, writable by none but a system-level save) when that account is gone.
CREATE TABLE registry_mappings_scoped (
    org_path   TEXT NOT NULL,
    name       TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (org_path, name)
);
INSERT INTO registry_mappings_scoped (org_path, name, body, updated_by, updated_at)
SELECT COALESCE((SELECT o.path FROM users u JOIN orgs o ON o.id = u.org_id
                 WHERE u.username = m.updated_by), '/'),
       m.name, m.body, m.updated_by, m.updated_at
FROM registry_mappings m;
DROP TABLE registry_mappings;
ALTER TABLE registry_mappings_scoped RENAME TO registry_mappings;

-- issue 11 item 15: every ledger import run, so that one cut off midway is seen (rows committed
-- so far) and completed by importing the same file again. `finished_at` is set in the same
-- transaction as the last rows; `completed_by` names the later run that finished the job.
CREATE TABLE registry_import_runs (
    id             INTEGER PRIMARY KEY,
    community_path TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    actor          TEXT NOT NULL,
    atomic         BOOLEAN NOT NULL,
    started_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    rows_written   BIGINT NOT NULL DEFAULT 0,
    created        BIGINT NOT NULL DEFAULT 0,
    updated        BIGINT NOT NULL DEFAULT 0,
    unchanged      BIGINT NOT NULL DEFAULT 0,
    outside        BIGINT NOT NULL DEFAULT 0,
    finished_at    BIGINT,
    completed_by   BIGINT REFERENCES registry_import_runs(id)
);
CREATE INDEX registry_import_runs_community ON registry_import_runs(community_path, started_at);
-- issue 11 item 17: documents handed to residents are kept as issued
-- Every document handed out (受理回执, 一次性告知书, 不予受理告知书) as it was issued: the data
-- it was rendered from (JSON), when and by whom. A reprint renders this row, never the case as it
-- is now. Append-only, like the audit log.
CREATE TABLE case_documents (
    id          INTEGER PRIMARY KEY,
    case_id     BIGINT NOT NULL REFERENCES cases(id),
    kind        TEXT NOT NULL,
    content     TEXT NOT NULL,
    issued_by   BIGINT REFERENCES users(id),
    issuer_name TEXT NOT NULL,
    issued_at   BIGINT NOT NULL,
    issued_on   TEXT NOT NULL
);
CREATE INDEX case_documents_case ON case_documents(case_id, id);
CREATE TRIGGER case_documents_no_update BEFORE UPDATE ON case_documents
BEGIN SELECT RAISE(ABORT, 'case_documents is append-only'); END;
CREATE TRIGGER case_documents_no_delete BEFORE DELETE ON case_documents
BEGIN SELECT RAISE(ABORT, 'case_documents is append-only'); END;
