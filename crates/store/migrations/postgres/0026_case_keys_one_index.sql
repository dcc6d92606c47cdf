-- Nothing to do here: the SQLite migration of this number drops the second index of the
-- idempotency key that its 0017 made. PostgreSQL has only the UNIQUE column's own.
-- Kept so that both folders stay numbered alike.
SELECT 1;
