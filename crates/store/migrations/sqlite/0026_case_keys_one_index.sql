-- The idempotency key kept one index too many: the UNIQUE column's own index and the index of
-- the keyed cases of 0017 held the same keys, and every case a client sent with a key (a
-- random one, as Open311 partners and the API's clients send them) wrote a leaf page of each.
-- The lookup names the column's own index instead (`cases::create::stored_keys`), which the
-- planner no longer has to choose by statistics that count the desk's unkeyed cases as one key.
DROP INDEX cases_idempotency;
