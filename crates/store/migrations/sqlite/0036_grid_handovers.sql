-- Grid hand-overs (网格交接, issue #15): when a grid worker rotates or leaves, a head gives the
-- grid to another worker; the outgoing worker's open follow-ups and events in the grid move to
-- the incoming one in the same transaction, and this row records who, when, what moved and
-- whether the incoming worker's account was moved to the grid.
CREATE TABLE grid_handovers (
    id              INTEGER PRIMARY KEY,
    grid_path       TEXT NOT NULL,
    from_user       BIGINT NOT NULL REFERENCES users(id),
    to_user         BIGINT NOT NULL REFERENCES users(id),
    by_user         BIGINT NOT NULL REFERENCES users(id),
    tasks_moved     BIGINT NOT NULL,
    events_moved    BIGINT NOT NULL,
    account_moved   BOOLEAN NOT NULL,
    note            TEXT NOT NULL,
    at              BIGINT NOT NULL
);
CREATE INDEX grid_handovers_grid ON grid_handovers(grid_path, id);
