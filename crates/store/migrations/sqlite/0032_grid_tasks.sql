-- Follow-ups (跟进事项, issue #15): what a visit found that must be done by a day (送药上门,
-- 复查整改, 帮办低保续期材料). One per visit at most, written with the visit in its transaction
-- (so a resent visit never makes a second). `org_path` is the place of the visit's first
-- subject, the task's scope; `assignee_id` the worker who does it (today the one who visited).
-- Open tasks have no `done_at`.
CREATE TABLE grid_tasks (
    id             INTEGER PRIMARY KEY,
    visit_id       BIGINT NOT NULL UNIQUE REFERENCES grid_visits(id),
    community_path TEXT NOT NULL,
    org_path       TEXT NOT NULL,
    subject_kind   TEXT NOT NULL,
    subject_id     BIGINT NOT NULL,
    title          TEXT NOT NULL,
    due_day        TEXT NOT NULL,
    assignee_id    BIGINT NOT NULL REFERENCES users(id),
    created_at     BIGINT NOT NULL,
    done_at        BIGINT,
    done_by        BIGINT REFERENCES users(id),
    done_note      TEXT NOT NULL DEFAULT ''
);
-- A worker's open tasks by due day (today's list); a subject's tasks (its page).
CREATE INDEX grid_tasks_open ON grid_tasks(assignee_id, due_day) WHERE done_at IS NULL;
CREATE INDEX grid_tasks_subject ON grid_tasks(subject_kind, subject_id);
