-- Open cases per worker, for routing (issue #13). Routing balances on the true load whichever
-- server process routes, so the figure lives in the database, and it is kept by the database
-- itself: every change of a case's assignee or state, whatever code makes it, moves it. No
-- request counts open cases. "Open" is `cases::queue::OPEN`.

CREATE TABLE worker_loads (
    user_id    INTEGER PRIMARY KEY REFERENCES users(id),
    open_cases INTEGER NOT NULL
);

INSERT INTO worker_loads (user_id, open_cases)
SELECT assignee_id, COUNT(*) FROM cases
WHERE assignee_id IS NOT NULL
  AND state IN ('received', 'awaiting_materials', 'accepted', 'in_progress',
                'awaiting_department', 'completed')
GROUP BY assignee_id;

CREATE TRIGGER worker_loads_insert AFTER INSERT ON cases
WHEN NEW.assignee_id IS NOT NULL
 AND NEW.state IN ('received', 'awaiting_materials', 'accepted', 'in_progress',
                   'awaiting_department', 'completed')
BEGIN
    INSERT OR IGNORE INTO worker_loads (user_id, open_cases) VALUES (NEW.assignee_id, 0);
    UPDATE worker_loads SET open_cases = open_cases + 1 WHERE user_id = NEW.assignee_id;
END;

-- A case leaves a worker's load when it was open with them and no longer is.
CREATE TRIGGER worker_loads_leave AFTER UPDATE OF assignee_id, state ON cases
WHEN OLD.assignee_id IS NOT NULL
 AND OLD.state IN ('received', 'awaiting_materials', 'accepted', 'in_progress',
                   'awaiting_department', 'completed')
 AND (NEW.assignee_id IS NOT OLD.assignee_id
      OR NEW.state NOT IN ('received', 'awaiting_materials', 'accepted', 'in_progress',
                           'awaiting_department', 'completed'))
BEGIN
    UPDATE worker_loads SET open_cases = open_cases - 1 WHERE user_id = OLD.assignee_id;
END;

-- And enters one when it is open with them and was not.
CREATE TRIGGER worker_loads_enter AFTER UPDATE OF assignee_id, state ON cases
WHEN NEW.assignee_id IS NOT NULL
 AND NEW.state IN ('received', 'awaiting_materials', 'accepted', 'in_progress',
                   'awaiting_department', 'completed')
 AND (NEW.assignee_id IS NOT OLD.assignee_id
      OR OLD.state NOT IN ('received', 'awaiting_materials', 'accepted', 'in_progress',
                           'awaiting_department', 'completed'))
BEGIN
    INSERT OR IGNORE INTO worker_loads (user_id, open_cases) VALUES (NEW.assignee_id, 0);
    UPDATE worker_loads SET open_cases = open_cases + 1 WHERE user_id = NEW.assignee_id;
END;

CREATE TRIGGER worker_loads_delete AFTER DELETE ON cases
WHEN OLD.assignee_id IS NOT NULL
 AND OLD.state IN ('received', 'awaiting_materials', 'accepted', 'in_progress',
                   'awaiting_department', 'completed')
BEGIN
    UPDATE worker_loads SET open_cases = open_cases - 1 WHERE user_id = OLD.assignee_id;
END;
