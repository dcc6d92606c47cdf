-- Queues and case search at a district's scale (issue #13). A case base grows for years while
-- what is open stays a few per cent of it, so:
--
-- * `due_sort` is the due day with "no due day" last ('9999-12-31'): the due order of every
--   list is an index order and a page's keyset a plain (due_sort, id) comparison, with no
--   NULLS LAST sort or OR in front of the index.
-- * The queues read partial indexes that hold only open cases: a queue costs what is open, not
--   everything ever received. Their WHERE clauses are the queries' own literal state lists
--   (`cases::queue::OPEN`, `RUNNING`), which is how both databases match a partial index.
-- * Lists over a street or more are read in their order from an index led by the order and
--   filtered to the subtree; one community's lists from indexes led by the community.

ALTER TABLE cases ADD COLUMN due_sort TEXT COLLATE "C" GENERATED ALWAYS AS (COALESCE(due_on, '9999-12-31')) STORED;

DROP INDEX cases_by_due;
DROP INDEX cases_due;
DROP INDEX cases_queue;
DROP INDEX cases_community_item;
DROP INDEX cases_applicant;
CREATE INDEX cases_by_due ON cases(community_path, due_sort, id);
CREATE INDEX cases_by_state ON cases(community_path, state, due_sort, id);
CREATE INDEX cases_due ON cases(due_sort, id);
CREATE INDEX cases_state_due ON cases(state, due_sort, id);
CREATE INDEX cases_received ON cases(created_at, id);
CREATE INDEX cases_item_due ON cases(community_path, item_code, due_sort, id);
CREATE INDEX cases_item ON cases(item_code, due_sort, id);
-- A surname matches a tenth of a community: the page is sorted from this index alone.
CREATE INDEX cases_applicant ON cases(community_path, applicant_name, due_sort, id);

CREATE INDEX cases_open ON cases(community_path, due_sort, id)
    WHERE state IN ('received', 'awaiting_materials', 'accepted', 'in_progress',
                    'awaiting_department', 'completed');
CREATE INDEX cases_open_due ON cases(due_sort, id)
    WHERE state IN ('received', 'awaiting_materials', 'accepted', 'in_progress',
                    'awaiting_department', 'completed');
CREATE INDEX cases_open_mine ON cases(assignee_id, due_sort, id)
    WHERE state IN ('received', 'awaiting_materials', 'accepted', 'in_progress',
                    'awaiting_department', 'completed');
CREATE INDEX cases_open_unassigned ON cases(community_path, due_sort, id)
    WHERE assignee_id IS NULL AND state IN ('received', 'awaiting_materials', 'accepted',
                    'in_progress', 'awaiting_department', 'completed');
CREATE INDEX cases_running ON cases(due_sort, id)
    WHERE state IN ('received', 'accepted', 'in_progress', 'awaiting_department');
