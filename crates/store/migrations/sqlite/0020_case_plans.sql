-- Nothing to do here. The PostgreSQL migration of this number tells its planner that a case's
-- assignee decides its community (extended statistics, which SQLite has no form of; SQLite
-- reads "mine" from the worker's open cases in due order already) and orders the running cases
-- by community (SQLite keeps the district-wide order: its planner would scan the table for
-- escalation otherwise). Kept so that both folders stay numbered alike.
SELECT 1;
