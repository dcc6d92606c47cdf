-- Cases (办件): one matter of one resident, from intake to delivery. The state is kept on the row
-- for queues; every change is also an appended event, which is the history the case page shows
-- and from which the deadline clock is computed.

CREATE TABLE cases (
    id              INTEGER PRIMARY KEY,
    -- "MYQ-20261128-0007": the community's code, the day of intake, the day's sequence.
    number          TEXT NOT NULL UNIQUE,
    community_path  TEXT NOT NULL,
    item_code       TEXT NOT NULL,
    item_version    BIGINT NOT NULL,
    resident_id     BIGINT REFERENCES registry_residents(id),
    applicant_name  TEXT NOT NULL,
    applicant_phone TEXT NOT NULL DEFAULT '',
    channel         TEXT NOT NULL CHECK (channel IN ('desk', 'portal', 'grid', 'phone', 'open311')),
    state           TEXT NOT NULL,
    promised_days   BIGINT NOT NULL,
    assignee_id     BIGINT REFERENCES users(id),
    created_by      BIGINT REFERENCES users(id),
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    -- A client's key for "create": the same key returns the same case, never a second one.
    idempotency_key TEXT UNIQUE
);
CREATE INDEX cases_queue ON cases(community_path, state);
CREATE INDEX cases_assignee ON cases(assignee_id, state);
CREATE INDEX cases_resident ON cases(resident_id);

-- Append-only history of a case. `from_state` is empty for the creating event.
CREATE TABLE case_events (
    id          INTEGER PRIMARY KEY,
    case_id     BIGINT NOT NULL REFERENCES cases(id),
    at          BIGINT NOT NULL,
    on_day      TEXT NOT NULL,
    actor_id    BIGINT REFERENCES users(id),
    actor_name  TEXT NOT NULL,
    from_state  TEXT NOT NULL,
    to_state    TEXT NOT NULL,
    action      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_events_case ON case_events(case_id, id);

-- The last sequence number given per community and day.
CREATE TABLE case_counters (
    community_path TEXT NOT NULL,
    day            TEXT NOT NULL,
    last           BIGINT NOT NULL,
    PRIMARY KEY (community_path, day)
);
