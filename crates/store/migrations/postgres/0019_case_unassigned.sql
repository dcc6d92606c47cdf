-- The unassigned queue is the accepted cases nobody was given (`quanke_app::cases::bounds`), a
-- few in a thousand. Its index held every open case without an assignee, most of them still at
-- the desk (received, awaiting materials); the index now holds the queue's own cases. The query
-- writes the state out as a literal, which is how a partial index is matched, and on SQLite
-- names the index (`cases::search::read_shape`): its planner read the queue from
-- `cases_by_state`, checking the assignee of each accepted case of the community.
DROP INDEX cases_open_unassigned;
CREATE INDEX cases_unassigned ON cases(community_path, due_sort, id)
    WHERE state = 'accepted' AND assignee_id IS NULL;
