-- Coverage at street scale (issue #15): a rule that counts any visit read every purpose's row of
-- every subject and counted the distinct subjects (0.2 s of CPU for a street's 100,000
-- households); a household's due list scanned every household of the street for its grid.
--
-- * Each subject's last visit of any purpose gets a row of its own, purpose '*' (no purpose code
--   can be '*'): a rule that counts any visit reads one row per subject, in place order, from
--   grid_last_visits_place. Written by the visit writer beside the purposes' rows; filled here
--   for the visits recorded before.
-- * Households by place, as residents, dwellings and businesses already are.
INSERT INTO grid_last_visits (kind, subject_id, purpose, day, org_path)
SELECT kind, subject_id, '*', MAX(day), MAX(org_path) FROM grid_last_visits
GROUP BY kind, subject_id;

CREATE INDEX registry_households_org ON registry_households(org_path);
