-- Ledger uploads on their way through the dry run and the import, kept here rather than in the
-- memory of the process that took the upload: any server process answers their pages, and one
-- checked before a restart is still waiting for its person's choice after it. The process that
-- runs one notes a sign of life in `beat_at`; a run whose process stopped is seen by its silence.
CREATE TABLE ledger_uploads (
    id             TEXT PRIMARY KEY,
    owner_id       BIGINT NOT NULL,
    area_path      TEXT NOT NULL,
    community_code TEXT NOT NULL,
    community_path TEXT NOT NULL,
    community_name TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    extension      TEXT NOT NULL,
    mapping        TEXT,
    stage          TEXT NOT NULL,
    done           BIGINT NOT NULL DEFAULT 0,
    total          BIGINT,
    checked        TEXT,
    imported       TEXT,
    failure        TEXT,
    created_at     BIGINT NOT NULL,
    beat_at        BIGINT NOT NULL
);

-- The uploaded file and the dry run's problem report, in parts of at most 1 MiB so that neither
-- is ever read whole into memory.
CREATE TABLE ledger_upload_parts (
    upload_id TEXT NOT NULL REFERENCES ledger_uploads(id) ON DELETE CASCADE,
    file      TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    bytes     BYTEA NOT NULL,
    PRIMARY KEY (upload_id, file, seq)
);
