-- Every intake that names a registry person asks for that person's open cases of the item (the
-- desk's duplicate warning, `cases::open_for_resident`). Through an index of the person alone,
-- each case found was then read from the table for its item, state, community and number: five
-- rows of the table a read, reread from the file whenever the case writer had committed in
-- between (every time, at a busy desk). The index now holds what that read filters and shows,
-- in its order (item, then id), so it is answered from the index alone; it still serves the
-- other reads by person (a person's cases in the case search). Cases without a registry person
-- are left out of it: nothing asks for them by person.
DROP INDEX cases_resident;
CREATE INDEX cases_resident ON cases(resident_id, item_code, id, state, community_path, number)
    WHERE resident_id IS NOT NULL;
