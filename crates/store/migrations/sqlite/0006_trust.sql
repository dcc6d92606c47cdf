-- issue 11 item 5: residents' portal attempts get their own counter, apart from failed sign-ins
-- The portal counted its online applications and tracking misses in login_failures under
-- made-up usernames, keyed by address, so residents sharing a community's address locked staff
-- out of signing in there. Each kind now has its own counter and rule.
CREATE TABLE portal_attempts (
    id   INTEGER PRIMARY KEY,
    -- application | tracking_miss (quanke_domain::throttle::PortalAttempt)
    kind TEXT NOT NULL,
    ip   TEXT NOT NULL,
    at   INTEGER NOT NULL
);
CREATE INDEX portal_attempts_kind_ip ON portal_attempts(kind, ip, at);
INSERT INTO portal_attempts (kind, ip, at)
    SELECT CASE WHEN username LIKE '网上申请 %' THEN 'application' ELSE 'tracking_miss' END, ip, at
    FROM login_failures
    WHERE username LIKE '网上申请 %' OR username LIKE '办件查询 %';
DELETE FROM login_failures WHERE username LIKE '网上申请 %' OR username LIKE '办件查询 %';
