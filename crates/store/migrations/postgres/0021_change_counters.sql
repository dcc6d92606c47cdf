-- Nothing to do here: the SQLite migration of this number counts changes for a server to read,
-- where PostgreSQL processes tell each other with NOTIFY (`quanke_store::changes`). Kept so that
-- both folders stay numbered alike.
SELECT 1;
