-- A community's cases by the time received (newest first, by `(created_at, id)`) and a date
-- range sorted by due day read one index instead of two: ordered by `(created_at, id)` with the
-- due day beside them, it serves the first in its order and the second from the index alone.
-- Every intake wrote an entry into both.
DROP INDEX cases_by_received;
DROP INDEX cases_received_due;
CREATE INDEX cases_by_received ON cases(community_path, created_at, id, due_sort);
