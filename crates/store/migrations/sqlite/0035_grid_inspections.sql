-- Inspections (检查, issue #15): a checklist (data/checklists.txt) answered point by point for a
-- business or a dwelling. `failed` counts the points answered 不合格. An inspection with failed
-- points opens a 整改 event (`opened_event`, its key `inspection:ID`); a later inspection of the
-- same subject and checklist while that event is open re-checks it (`rechecked_event`), and one
-- with nothing failed closes it.
CREATE TABLE grid_inspections (
    id               INTEGER PRIMARY KEY,
    idem_key         TEXT NOT NULL UNIQUE,
    community_path   TEXT NOT NULL,
    org_path         TEXT NOT NULL,
    checklist        TEXT NOT NULL,
    subject_kind     TEXT NOT NULL,
    subject_id       BIGINT NOT NULL,
    inspector_id     BIGINT NOT NULL REFERENCES users(id),
    day              TEXT NOT NULL,
    failed           BIGINT NOT NULL,
    note             TEXT NOT NULL,
    opened_event     BIGINT REFERENCES grid_events(id),
    rechecked_event  BIGINT REFERENCES grid_events(id),
    recorded_at      BIGINT NOT NULL
);
-- A subject's inspection history (its page; the open 整改 event of a checklist).
CREATE INDEX grid_inspections_subject ON grid_inspections(subject_kind, subject_id, id);
CREATE INDEX grid_inspections_opened ON grid_inspections(opened_event);
CREATE INDEX grid_inspections_rechecked ON grid_inspections(rechecked_event);

-- Each point's answer: pass, fail or na (不适用), with the inspector's note.
CREATE TABLE grid_inspection_answers (
    inspection_id  BIGINT NOT NULL REFERENCES grid_inspections(id),
    point          TEXT NOT NULL,
    answer         TEXT NOT NULL,
    note           TEXT NOT NULL,
    PRIMARY KEY (inspection_id, point)
);
