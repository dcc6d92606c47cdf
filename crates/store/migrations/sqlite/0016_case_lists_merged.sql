-- Case lists over a street or more read each community's ordered index and merge the first
-- rows (`cases::page`), so the indexes led by the order alone that served them are no longer
-- read, and every intake paid for them: the open cases by due day, a state and an item by due
-- day. (`cases_due` stays for the API's older offset paging; `cases_running` for escalation.)
DROP INDEX cases_open_due;
DROP INDEX cases_state_due;
DROP INDEX cases_item;

-- A date range sorted by due day: the month's cases of a community and their due days from the
-- index alone, where `cases_by_received` made each one a row read before the sort.
CREATE INDEX cases_received_due ON cases(community_path, created_at, due_sort, id);
