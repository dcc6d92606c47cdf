-- issue 11 item 17: documents handed to residents are kept as issued
-- Every document handed out (受理回执, 一次性告知书, 不予受理告知书) as it was issued: the data
-- it was rendered from (JSON), when and by whom. A reprint renders this row, never the case as it
-- is now. Append-only, like the audit log.
CREATE TABLE case_documents (
    id          INTEGER PRIMARY KEY,
    case_id     BIGINT NOT NULL REFERENCES cases(id),
    kind        TEXT NOT NULL,
    content     TEXT NOT NULL,
    issued_by   BIGINT REFERENCES users(id),
    issuer_name TEXT NOT NULL,
    issued_at   BIGINT NOT NULL,
    issued_on   TEXT NOT NULL
);
CREATE INDEX case_documents_case ON case_documents(case_id, id);
CREATE TRIGGER case_documents_no_update BEFORE UPDATE ON case_documents
BEGIN SELECT RAISE(ABORT, 'case_documents is append-only'); END;
CREATE TRIGGER case_documents_no_delete BEFORE DELETE ON case_documents
BEGIN SELECT RAISE(ABORT, 'case_documents is append-only'); END;
