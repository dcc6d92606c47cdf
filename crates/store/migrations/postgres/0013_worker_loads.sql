-- Open cases per worker, for routing (issue #13). Routing balances on the true load whichever
-- server process routes, so the figure lives in the database, and it is kept by the database
-- itself: every change of a case's assignee or state, whatever code makes it, moves it. No
-- request counts open cases. "Open" is `cases::queue::OPEN`.

CREATE TABLE worker_loads (
    user_id    BIGINT PRIMARY KEY REFERENCES users(id),
    open_cases BIGINT NOT NULL
);

INSERT INTO worker_loads (user_id, open_cases)
SELECT assignee_id, COUNT(*) FROM cases
WHERE assignee_id IS NOT NULL
  AND state IN ('received', 'awaiting_materials', 'accepted', 'in_progress',
                'awaiting_department', 'completed')
GROUP BY assignee_id;

CREATE FUNCTION worker_loads_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    was BIGINT;
    is_now BIGINT;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        IF OLD.assignee_id IS NOT NULL AND OLD.state IN ('received', 'awaiting_materials',
               'accepted', 'in_progress', 'awaiting_department', 'completed') THEN
            was := OLD.assignee_id;
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        IF NEW.assignee_id IS NOT NULL AND NEW.state IN ('received', 'awaiting_materials',
               'accepted', 'in_progress', 'awaiting_department', 'completed') THEN
            is_now := NEW.assignee_id;
        END IF;
    END IF;
    IF was IS NOT DISTINCT FROM is_now THEN
        RETURN NULL;
    END IF;
    IF is_now IS NOT NULL THEN
        INSERT INTO worker_loads (user_id, open_cases) VALUES (is_now, 0) ON CONFLICT DO NOTHING;
    END IF;
    -- One statement for both rows, which locks them in key order: two transactions moving
    -- cases between the same two workers wait for each other instead of deadlocking.
    UPDATE worker_loads
       SET open_cases = open_cases + CASE WHEN user_id = is_now THEN 1 ELSE -1 END
     WHERE user_id = ANY (ARRAY[was, is_now]);
    RETURN NULL;
END
$$;

CREATE TRIGGER worker_loads_follow
AFTER INSERT OR DELETE OR UPDATE OF assignee_id, state ON cases
FOR EACH ROW EXECUTE FUNCTION worker_loads_follow();
