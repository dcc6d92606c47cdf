-- What the desk and the back office keep about a case beyond its state: the intake (business
-- kind, answers, materials checklist), the clock (the day it started, the day it is due), who
-- works it, and the records around it: visits, links, transfers, approvals, mandates, ratings
-- and files. Every record here is appended or answered, never rewritten.

-- 条线 of the item, for routing to a worker who handles that line.
ALTER TABLE cases ADD COLUMN line TEXT NOT NULL DEFAULT '';
-- new / change / renewal / cancel (新办/变更/延续/注销).
ALTER TABLE cases ADD COLUMN business_kind TEXT NOT NULL DEFAULT 'new';
-- Answers to the item's intake questions, JSON {question id: [values]}.
ALTER TABLE cases ADD COLUMN answers TEXT NOT NULL DEFAULT '{}';
-- The materials checklist, JSON [{id, name, how_to_obtain, status}], status one of
-- brought / missing / held (already held by the system).
ALTER TABLE cases ADD COLUMN checklist TEXT NOT NULL DEFAULT '[]';
-- The day the clock started (YYYY-MM-DD), set when the case is first taken in.
ALTER TABLE cases ADD COLUMN accepted_on TEXT;
-- The due day on the working-day calendar, recomputed on every change; NULL while paused
-- (待补正) or when closed.
ALTER TABLE cases ADD COLUMN due_on TEXT;
-- Set when an overdue case was escalated to the community head.
ALTER TABLE cases ADD COLUMN escalated_at BIGINT;
CREATE INDEX cases_due ON cases(due_on);
CREATE INDEX cases_community_item ON cases(community_path, item_code);

-- The lines (条线) a worker handles; routing prefers a worker of the case's line.
CREATE TABLE user_lines (
    user_id BIGINT NOT NULL REFERENCES users(id),
    line    TEXT NOT NULL,
    PRIMARY KEY (user_id, line)
);

-- Every time the resident had to come in for a case (最多跑一次).
CREATE TABLE case_visits (
    id          INTEGER PRIMARY KEY,
    case_id     BIGINT NOT NULL REFERENCES cases(id),
    at          BIGINT NOT NULL,
    on_day      TEXT NOT NULL,
    -- intake / materials / pickup / other
    purpose     TEXT NOT NULL,
    recorded_by BIGINT REFERENCES users(id)
);
CREATE INDEX case_visits_case ON case_visits(case_id);

-- Cases that belong together (one household, several matters); stored both ways.
CREATE TABLE case_links (
    case_id  BIGINT NOT NULL REFERENCES cases(id),
    other_id BIGINT NOT NULL REFERENCES cases(id),
    PRIMARY KEY (case_id, other_id)
);

-- A case sent to another community of the street (通办) or handed to a line department; the
-- receiver accepts or refuses with a reason.
CREATE TABLE case_transfers (
    id           INTEGER PRIMARY KEY,
    case_id      BIGINT NOT NULL REFERENCES cases(id),
    -- community / department
    kind         TEXT NOT NULL CHECK (kind IN ('community', 'department')),
    from_path    TEXT NOT NULL,
    -- the receiving community's path, or the department's name
    to_target    TEXT NOT NULL,
    reason       TEXT NOT NULL,
    requested_by BIGINT REFERENCES users(id),
    requested_at BIGINT NOT NULL,
    -- pending / accepted / refused
    status       TEXT NOT NULL DEFAULT 'pending',
    answer       TEXT NOT NULL DEFAULT '',
    answered_by  BIGINT REFERENCES users(id),
    answered_at  BIGINT
);
CREATE INDEX case_transfers_case ON case_transfers(case_id);
CREATE INDEX case_transfers_pending ON case_transfers(status, to_target);
-- One pending transfer per case at a time.
CREATE UNIQUE INDEX case_transfers_one_pending ON case_transfers(case_id) WHERE status = 'pending';

-- A transition that needs the community head's approval (不予受理, early closure) waits here.
CREATE TABLE case_approvals (
    id           INTEGER PRIMARY KEY,
    case_id      BIGINT NOT NULL REFERENCES cases(id),
    from_state   TEXT NOT NULL,
    to_state     TEXT NOT NULL,
    action       TEXT NOT NULL,
    note         TEXT NOT NULL,
    requested_by BIGINT REFERENCES users(id),
    requested_at BIGINT NOT NULL,
    -- pending / approved / refused
    status       TEXT NOT NULL DEFAULT 'pending',
    answer       TEXT NOT NULL DEFAULT '',
    decided_by   BIGINT REFERENCES users(id),
    decided_at   BIGINT
);
CREATE INDEX case_approvals_case ON case_approvals(case_id);
CREATE INDEX case_approvals_pending ON case_approvals(status);
-- One pending approval per case at a time.
CREATE UNIQUE INDEX case_approvals_one_pending ON case_approvals(case_id) WHERE status = 'pending';

-- 代办: a grid worker applying on a resident's behalf, and the mandate that allows it.
CREATE TABLE case_mandates (
    case_id     BIGINT PRIMARY KEY REFERENCES cases(id),
    grantor     TEXT NOT NULL,
    agent_id    BIGINT REFERENCES users(id),
    scope       TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    recorded_at BIGINT NOT NULL
);

-- 好差评: one rating per case, 1–5, after completion.
CREATE TABLE case_ratings (
    case_id   BIGINT PRIMARY KEY REFERENCES cases(id),
    score     BIGINT NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment   TEXT NOT NULL DEFAULT '',
    channel   TEXT NOT NULL,
    -- the worker who handled the case when it was rated
    worker_id BIGINT REFERENCES users(id),
    at        BIGINT NOT NULL
);

-- Files on a case (scans of materials, the department's reply), attached to an event.
CREATE TABLE case_files (
    id           INTEGER PRIMARY KEY,
    case_id      BIGINT NOT NULL REFERENCES cases(id),
    event_id     BIGINT REFERENCES case_events(id),
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    data         BLOB NOT NULL,
    uploaded_by  BIGINT REFERENCES users(id),
    at           BIGINT NOT NULL
);
CREATE INDEX case_files_case ON case_files(case_id);

-- The working-day calendar as admins edited it (the text format of data/holidays.txt); the
-- newest row is in force, older rows are its history. Empty: the shipped calendar.
CREATE TABLE calendar_versions (
    id       INTEGER PRIMARY KEY,
    body     TEXT NOT NULL,
    saved_by BIGINT REFERENCES users(id),
    saved_at BIGINT NOT NULL
);

-- Open311 partners' api_key (GeoReport v2 requests need one); only a hash is kept, the key is
-- shown once when issued.
CREATE TABLE open311_keys (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    key_hash   TEXT NOT NULL UNIQUE,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
ALTER TABLE cases ADD COLUMN open311_key_id BIGINT REFERENCES open311_keys(id);

-- Tokens for the JSON API (Authorization: Bearer ...), each acting as one user; hashed.
CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id),
    name       TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
