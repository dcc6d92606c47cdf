-- Two plans PostgreSQL got wrong on a district of 1,000,000 cases (bench/cases/queues.sh).
--
-- A worker's cases lie in the worker's community: the assignee decides the community. Without
-- knowing that, PostgreSQL multiplied the two conditions of "mine" (`community_path = $1 AND
-- assignee_id = $2`) as if independent and, in the plan it keeps for the prepared statement,
-- expected one row: it read all of a back-office worker's 27,000 cases (an AND of two bitmap
-- scans) and sorted the 788 open ones for a page of twenty, 3.6 ms, where the worker's open
-- cases in due order (`cases_open_mine`) give the page at once, 0.08 ms. Statistics on the
-- dependency let both plans see the rows there are; autovacuum's ANALYZE keeps them.
CREATE STATISTICS cases_worker_community (dependencies) ON assignee_id, community_path FROM cases;
ANALYZE cases;

-- The running cases (the clock runs: overdue and due soon) by community in due order, in place
-- of the district's running cases in due order. An overdue page of a street read every
-- overdue case of each community through `cases_by_state` (a range per state) and sorted them,
-- 420 per community for twenty (1.9 ms); from this index each community's first twenty are the
-- page (0.3 ms). Escalation, once a minute, reads the district's overdue running cases from it
-- as a bitmap (7 ms against 5 ms). SQLite keeps its index: its planner would scan the table
-- for escalation's order by id.
DROP INDEX cases_running;
CREATE INDEX cases_running ON cases(community_path, due_sort, id)
    WHERE state IN ('received', 'accepted', 'in_progress', 'awaiting_department');
