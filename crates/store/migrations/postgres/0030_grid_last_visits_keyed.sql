-- Coverage at street scale (issue #15), third step: a rule for tagged people (独居老人, 低保,
-- 残疾) looks up each tagged person's last visits by key, 22,000 people in a street. The key's
-- index now carries the day, so a lookup can be answered from the index alone (where the table's
-- pages are marked all-visible by vacuum) instead of visiting each row.
ALTER TABLE grid_last_visits DROP CONSTRAINT grid_last_visits_pkey,
    ADD PRIMARY KEY (kind, subject_id, purpose) INCLUDE (day);
