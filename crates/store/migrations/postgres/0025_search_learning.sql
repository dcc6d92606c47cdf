-- What the search learns from the people who use it. A worker who searched in their own words
-- and then opened an item's guide or started its intake leaves one row per (words, item,
-- worker): words confirmed by enough different workers are proposed as an alias of the item.
CREATE TABLE search_picks (
    query     TEXT NOT NULL,
    item_code TEXT NOT NULL,
    user_id   BIGINT NOT NULL,
    picked_at BIGINT NOT NULL,
    PRIMARY KEY (query, item_code, user_id)
);

-- A proposal decided by a head or the street administrator: an accepted one became a synonym
-- of the item (in a new version or its draft), a rejected one is not proposed again.
CREATE TABLE alias_decisions (
    query      TEXT NOT NULL,
    item_code  TEXT NOT NULL,
    accepted   BOOLEAN NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at BIGINT NOT NULL,
    PRIMARY KEY (query, item_code)
);

-- What residents asked the portal (runs of digits masked), how often, and how often a result
-- was opened: the questions nobody clicked through are the ones the catalogue does not answer.
CREATE TABLE portal_questions (
    query    TEXT PRIMARY KEY,
    searches BIGINT NOT NULL,
    clicks   BIGINT NOT NULL,
    answered BOOLEAN NOT NULL,
    first_at BIGINT NOT NULL,
    last_at  BIGINT NOT NULL
);
CREATE INDEX portal_questions_recent ON portal_questions (last_at);
