-- Registry of residents, households, dwellings and businesses (一数一源: one record per person).
-- A person is keyed by ID number; moving between households is a membership that ends, never an
-- overwrite, and every changed field is recorded in registry_changes.

-- A dwelling (房屋) stands in a grid, or in a community when the ledger gave no grid.
CREATE TABLE registry_dwellings (
    id        INTEGER PRIMARY KEY,
    org_path  TEXT NOT NULL,
    address   TEXT NOT NULL UNIQUE,
    building  TEXT NOT NULL DEFAULT '',
    unit      TEXT NOT NULL DEFAULT '',
    room      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX registry_dwellings_org ON registry_dwellings(org_path);

-- A household (户), keyed within its community by its 户号 (or the dwelling's address when the
-- ledger keeps none).
CREATE TABLE registry_households (
    id             INTEGER PRIMARY KEY,
    community_path TEXT NOT NULL,
    number         TEXT NOT NULL,
    org_path       TEXT NOT NULL,
    dwelling_id    BIGINT REFERENCES registry_dwellings(id),
    created_at     BIGINT NOT NULL,
    UNIQUE (community_path, number)
);

-- `id_rev` is the ID number reversed: its unique index finds a whole number and, by range, the
-- last digits, so the number itself needs no second index. `name_initials` serves pinyin
-- initials. The current household is on the row (since `household_since`); ended memberships
-- are in registry_memberships.
CREATE TABLE registry_residents (
    id                 INTEGER PRIMARY KEY,
    id_number          TEXT NOT NULL,
    id_rev             TEXT NOT NULL UNIQUE,
    name               TEXT NOT NULL,
    name_initials      TEXT NOT NULL,
    sex                TEXT NOT NULL CHECK (sex IN ('M', 'F')),
    birth_date         TEXT NOT NULL,
    phone              TEXT NOT NULL DEFAULT '',
    registered_address TEXT NOT NULL DEFAULT '',
    actual_address     TEXT NOT NULL DEFAULT '',
    ethnicity          TEXT NOT NULL DEFAULT '',
    political_status   TEXT NOT NULL DEFAULT '',
    marital_status     TEXT NOT NULL DEFAULT '',
    employment         TEXT NOT NULL DEFAULT '',
    org_path           TEXT NOT NULL,
    household_id       BIGINT REFERENCES registry_households(id),
    relation           TEXT NOT NULL DEFAULT '',
    household_since    TEXT,
    dwelling_id        BIGINT REFERENCES registry_dwellings(id),
    status             TEXT NOT NULL DEFAULT 'active'
                       CHECK (status IN ('active', 'moved_out', 'deceased', 'anonymised')),
    left_on            TEXT,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
CREATE INDEX registry_residents_name ON registry_residents(name);
CREATE INDEX registry_residents_initials ON registry_residents(name_initials);
CREATE INDEX registry_residents_phone ON registry_residents(phone);
CREATE INDEX registry_residents_org ON registry_residents(org_path);
CREATE INDEX registry_residents_household ON registry_residents(household_id);

-- Households a person has left: who belonged to which household, from when until when.
CREATE TABLE registry_memberships (
    id           INTEGER PRIMARY KEY,
    resident_id  BIGINT NOT NULL REFERENCES registry_residents(id),
    household_id BIGINT NOT NULL REFERENCES registry_households(id),
    relation     TEXT NOT NULL DEFAULT '',
    joined_on    TEXT NOT NULL,
    left_on      TEXT NOT NULL
);
CREATE INDEX registry_memberships_resident ON registry_memberships(resident_id);
CREATE INDEX registry_memberships_household ON registry_memberships(household_id);

-- Tags of care with the date they apply from ('' when the ledger did not say).
CREATE TABLE registry_tags (
    resident_id BIGINT NOT NULL REFERENCES registry_residents(id),
    tag         TEXT NOT NULL,
    since       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (resident_id, tag)
);
CREATE INDEX registry_tags_tag ON registry_tags(tag);

-- Every change of a person's record: by whom, from which source (an import file, the desk).
CREATE TABLE registry_changes (
    id          INTEGER PRIMARY KEY,
    resident_id BIGINT NOT NULL REFERENCES registry_residents(id),
    at          BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    source      TEXT NOT NULL,
    field       TEXT NOT NULL,
    old_value   TEXT NOT NULL,
    new_value   TEXT NOT NULL
);
CREATE INDEX registry_changes_resident ON registry_changes(resident_id, at);

CREATE TABLE registry_businesses (
    id            INTEGER PRIMARY KEY,
    credit_code   TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL DEFAULT '',
    address       TEXT NOT NULL DEFAULT '',
    contact_name  TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    fire_category TEXT NOT NULL DEFAULT '',
    org_path      TEXT NOT NULL,
    dwelling_id   BIGINT REFERENCES registry_dwellings(id),
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX registry_businesses_org ON registry_businesses(org_path);

-- Saved column mappings for ledgers whose headers Quanke does not recognise.
CREATE TABLE registry_mappings (
    name       TEXT PRIMARY KEY,
    body       TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- "Who read this person" is answered from the audit log by target.
CREATE INDEX audit_log_target ON audit_log(target, at);

-- Address fragments ("12幢2单元") are found through trigrams, kept in step by triggers.
CREATE VIRTUAL TABLE registry_address_fts USING fts5(
    actual_address, content='registry_residents', content_rowid='id', tokenize='trigram'
);
CREATE TRIGGER registry_address_ai AFTER INSERT ON registry_residents BEGIN
    INSERT INTO registry_address_fts(rowid, actual_address) VALUES (new.id, new.actual_address);
END;
CREATE TRIGGER registry_address_ad AFTER DELETE ON registry_residents BEGIN
    INSERT INTO registry_address_fts(registry_address_fts, rowid, actual_address)
    VALUES ('delete', old.id, old.actual_address);
END;
CREATE TRIGGER registry_address_au AFTER UPDATE OF actual_address ON registry_residents BEGIN
    INSERT INTO registry_address_fts(registry_address_fts, rowid, actual_address)
    VALUES ('delete', old.id, old.actual_address);
    INSERT INTO registry_address_fts(rowid, actual_address) VALUES (new.id, new.actual_address);
END;
