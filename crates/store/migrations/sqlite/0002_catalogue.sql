-- The service catalogue. The catalogue belongs to the whole deployment (the street owns it); the
-- communities read it. Item content is stored as its canonical JSON (docs/catalogue-format.md),
-- with the columns lists and searches need copied out beside it.

-- Published versions: history is never rewritten. A case keeps the id of the version it was
-- accepted under.
CREATE TABLE catalogue_versions (
    id             INTEGER PRIMARY KEY,
    item_code      TEXT NOT NULL,
    version        INTEGER NOT NULL,
    name           TEXT NOT NULL,
    line           TEXT NOT NULL,
    effective_from TEXT NOT NULL,          -- YYYY-MM-DD
    change_note    TEXT NOT NULL,
    body           TEXT NOT NULL,          -- canonical item JSON
    published_by   TEXT NOT NULL,
    published_at   INTEGER NOT NULL,
    UNIQUE (item_code, version)
);
CREATE INDEX catalogue_versions_line ON catalogue_versions(line);

-- At most one draft per item, edited in place until a street admin publishes it.
CREATE TABLE catalogue_drafts (
    item_code      TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    line           TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    change_note    TEXT NOT NULL,
    body           TEXT NOT NULL,
    updated_by     TEXT NOT NULL,
    updated_at     INTEGER NOT NULL
);

-- A worker's acknowledgement of a changed version ("I have read the policy change").
CREATE TABLE catalogue_acks (
    version_id INTEGER NOT NULL REFERENCES catalogue_versions(id),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    acked_at   INTEGER NOT NULL,
    PRIMARY KEY (version_id, user_id)
);

-- Policy documents (政策文件).
CREATE TABLE policies (
    id             INTEGER PRIMARY KEY,
    number         TEXT NOT NULL UNIQUE,
    title          TEXT NOT NULL,
    issuer         TEXT NOT NULL,
    issued_on      TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    text           TEXT NOT NULL,
    updated_at     INTEGER NOT NULL
);

-- Items to review because a policy that governs them changed; open until resolved.
CREATE TABLE catalogue_reviews (
    id            INTEGER PRIMARY KEY,
    item_code     TEXT NOT NULL,
    policy_number TEXT NOT NULL,
    flagged_at    INTEGER NOT NULL,
    resolved_at   INTEGER
);
CREATE INDEX catalogue_reviews_open ON catalogue_reviews(item_code, resolved_at);
