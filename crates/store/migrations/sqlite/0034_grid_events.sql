-- Events (事件, issue #15): what a grid worker, the desk or a resident reports for the community
-- to act on, moved through the event lifecycle (data/event_lifecycle.txt) by the same engine as
-- cases. `org_path` is where it happened (the grid of its first linked subject, else the
-- reporter's place) and is its scope; `place_key` is what the duplicate warning compares (the
-- first linked subject as `kind:id`, else the place as written without spaces). `due_day` is
-- set at 立案 from the category's working days and moves on when a suspension ends. A handler
-- is a worker (`handler_id`) or a line department (`handler_department`), never both.
-- `escalated_at`: when the event, overdue, was escalated to the community head (once).
-- `lat`/`lon` (WGS84) and `media_url`: what a resident's report through Open311 located it by.
CREATE TABLE grid_events (
    id                 INTEGER PRIMARY KEY,
    idem_key           TEXT NOT NULL UNIQUE,
    community_path     TEXT NOT NULL,
    org_path           TEXT NOT NULL,
    category           TEXT NOT NULL,
    state              TEXT NOT NULL,
    summary            TEXT NOT NULL,
    place              TEXT NOT NULL,
    place_key          TEXT NOT NULL,
    channel            TEXT NOT NULL,
    reporter_id        BIGINT REFERENCES users(id),
    reporter_name      TEXT NOT NULL,
    handler_id         BIGINT REFERENCES users(id),
    handler_department TEXT NOT NULL DEFAULT '',
    due_day            TEXT,
    reported_at        BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    closed_at          BIGINT,
    escalated_at       BIGINT,
    lat                DOUBLE PRECISION,
    lon                DOUBLE PRECISION,
    media_url          TEXT NOT NULL DEFAULT ''
);
-- Open311's public list: events by time reported.
CREATE INDEX grid_events_reported ON grid_events(reported_at);
-- A place's open and recent events (lists, the duplicate warning); a handler's open events.
CREATE INDEX grid_events_place ON grid_events(org_path, state);
CREATE INDEX grid_events_duplicate ON grid_events(community_path, category, place_key, reported_at);
CREATE INDEX grid_events_handler ON grid_events(handler_id) WHERE closed_at IS NULL;
-- Open events not yet escalated, by due day (the escalation sweep).
CREATE INDEX grid_events_overdue ON grid_events(due_day)
    WHERE escalated_at IS NULL AND closed_at IS NULL;

-- Every step an event took: who, from which state to which, with what note (the hand-off to a
-- department and its reply are steps too).
CREATE TABLE grid_event_steps (
    id          INTEGER PRIMARY KEY,
    event_id    BIGINT NOT NULL REFERENCES grid_events(id),
    action      TEXT NOT NULL,
    from_state  TEXT NOT NULL,
    to_state    TEXT NOT NULL,
    actor_id    BIGINT REFERENCES users(id),
    actor_name  TEXT NOT NULL,
    note        TEXT NOT NULL,
    day         TEXT NOT NULL,
    at          BIGINT NOT NULL
);
CREATE INDEX grid_event_steps_event ON grid_event_steps(event_id, id);

-- The people, households, dwellings and businesses an event concerns.
CREATE TABLE grid_event_links (
    event_id      BIGINT NOT NULL REFERENCES grid_events(id),
    subject_kind  TEXT NOT NULL,
    subject_id    BIGINT NOT NULL,
    PRIMARY KEY (event_id, subject_kind, subject_id)
);
CREATE INDEX grid_event_links_subject ON grid_event_links(subject_kind, subject_id);
