-- Nothing to do here: the SQLite migration of this number gives the idempotency-key lookup an
-- index of the keyed cases, because SQLite's statistics count the NULLs of the desk's cases as
-- one value. PostgreSQL keeps the share of NULLs apart (null_frac) and plans the UNIQUE index.
-- Kept so that both folders stay numbered alike.
SELECT 1;
