-- The case writer counts the cases it writes into their assignees' loads itself, one statement
-- a batch (`cases::create`), the only place cases are inserted, as on SQLite (whose trigger made
-- every batch's insert go through a temporary table). Changes to a case's assignee or state,
-- and deletions, are still followed by `worker_loads_follow`, whatever code makes them.
DROP TRIGGER worker_loads_follow ON cases;
CREATE TRIGGER worker_loads_follow
AFTER DELETE OR UPDATE OF assignee_id, state ON cases
FOR EACH ROW EXECUTE FUNCTION worker_loads_follow();
