-- Clients' idempotency keys are looked up through an index of the keyed cases alone. Most
-- cases carry no key (the desk's), and ANALYZE counts their NULLs as one value: the UNIQUE
-- column's own index then reads as hundreds of rows per key (578 on the demo street), and the
-- planner scanned every case for each intake that brought a key. This index holds only keyed
-- rows, and `idempotency_key IN (...)` implies its condition, so the planner takes it.
CREATE UNIQUE INDEX cases_idempotency ON cases (idempotency_key) WHERE idempotency_key IS NOT NULL;
