-- The case writer counts the cases it writes into their assignees' loads itself, one statement
-- a batch (`cases::create`), the only place cases are inserted. SQLite wrote a multi-row INSERT
-- into a table with an INSERT trigger through a temporary table first and ran the trigger's two
-- statements per case: together 9 % of the writer's instructions at a million cases
-- (docs/performance.md). Changes to a case's assignee or state are still followed by the
-- triggers of migration 0013, whatever code makes them.
DROP TRIGGER worker_loads_insert;
