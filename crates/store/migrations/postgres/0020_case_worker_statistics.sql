-- A worker's cases lie in the worker's community: the assignee decides the community. Without
-- knowing that, PostgreSQL multiplied the two conditions of "mine" (`community_path = $1 AND
-- assignee_id = $2`) as if independent and, in the plan it keeps for the prepared statement,
-- expected one row: it read all of a back-office worker's 27,000 cases (an AND of two bitmap
-- scans) and sorted the 788 open ones for a page of twenty, 3.6 ms, where the worker's open
-- cases in due order (`cases_open_mine`) give the page at once, 0.08 ms. Statistics on the
-- dependency let both plans see the rows there are. Autovacuum's ANALYZE keeps them.
CREATE STATISTICS cases_worker_community (dependencies) ON assignee_id, community_path FROM cases;
ANALYZE cases;
