-- issue 12 item 1: the result of a case (办结结果)
-- What the office decided when it completed the case: 准予 or 不予 (with the reason), for a
-- benefit the amount (integer fen) and the month it starts, for a certificate the number issued,
-- and a note. One row per case, written in the transaction of the completion together with the
-- 办结通知书; never changed afterwards (triggers refuse it), like the documents.
CREATE TABLE case_results (
    case_id        BIGINT PRIMARY KEY REFERENCES cases(id),
    -- granted | refused (quanke_domain::case::Verdict)
    verdict        TEXT NOT NULL,
    reason         TEXT NOT NULL,
    amount_fen     BIGINT,
    -- YYYY-MM
    start_month    TEXT,
    certificate_no TEXT,
    note           TEXT NOT NULL,
    decided_by     BIGINT REFERENCES users(id),
    decider_name   TEXT NOT NULL,
    decided_at     BIGINT NOT NULL,
    decided_on     TEXT NOT NULL
);
CREATE TRIGGER case_results_no_update BEFORE UPDATE ON case_results
BEGIN SELECT RAISE(ABORT, 'case_results is append-only'); END;
CREATE TRIGGER case_results_no_delete BEFORE DELETE ON case_results
BEGIN SELECT RAISE(ABORT, 'case_results is append-only'); END;
