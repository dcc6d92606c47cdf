-- Case search (办件查询): every filter a worker combines is an index lookup or an ordered index
-- read inside one community, so a page stays fast at a million cases. Pages are read by keyset
-- (the last row's sort key and id), never by OFFSET.

-- The applicant's phone as digits only ("13812345678", "057188888888"), written with the case
-- from `phone::lookup_key`, so a number typed with spaces or hyphens is found by index. Cases
-- from before this migration get the digits of what was typed (no full-width conversion).
ALTER TABLE cases ADD COLUMN applicant_phone_key TEXT NOT NULL DEFAULT '';
UPDATE cases SET applicant_phone_key =
    REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(applicant_phone, ' ', ''), '-', ''),
        '(', ''), ')', ''), '+86', ''), '#', '');
CREATE INDEX cases_phone_key ON cases(applicant_phone_key, community_path);

-- Name prefixes are byte ranges computed in Rust (SQLite compares text bytewise).
CREATE INDEX cases_applicant ON cases(community_path, applicant_name);

-- One ordered index per sort a page offers, led by the community every search is inside.
CREATE INDEX cases_by_received ON cases(community_path, created_at, id);
CREATE INDEX cases_by_due ON cases(community_path, due_on, id);
CREATE INDEX cases_by_number ON cases(community_path, number);
