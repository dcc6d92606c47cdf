-- Nothing to do here: the PostgreSQL migration of this number tells its planner that a case's
-- assignee decides its community (extended statistics), which SQLite has no form of; SQLite
-- reads "mine" from the open cases of the worker in due order already. Kept so that both
-- folders stay numbered alike.
SELECT 1;
