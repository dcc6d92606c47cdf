-- A count per topic of the changes made to what a server holds in memory (the catalogue, the
-- calendar, the organisations' names). A SQLite database is served by one process, but the
-- command line may change it beside the server (`quanke catalogue import`): the command counts
-- its change here and the server, reading the counts every second, drops its copy
-- (`quanke_store::changes`). PostgreSQL processes tell each other with NOTIFY instead.
CREATE TABLE change_counters (
    topic TEXT PRIMARY KEY,
    n     INTEGER NOT NULL
) WITHOUT ROWID;
