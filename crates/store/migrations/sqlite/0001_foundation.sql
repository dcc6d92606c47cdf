-- Foundation: the org tree, staff accounts, sessions, sign-in failures and the security audit log.
-- Times are Unix seconds (INTEGER) so that one SQL text serves SQLite and PostgreSQL alike.

-- street (街道) → community (社区) → grid (网格). `path` is the materialised path "/1/4/9/";
-- `community_id` is the node's own id for a community, its parent's for a grid, NULL for a street,
-- so every row can later be distributed by community.
CREATE TABLE orgs (
    id           INTEGER PRIMARY KEY,
    parent_id    INTEGER REFERENCES orgs(id),
    kind         TEXT NOT NULL CHECK (kind IN ('street', 'community', 'grid')),
    code         TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    path         TEXT NOT NULL DEFAULT '',
    community_id INTEGER REFERENCES orgs(id),
    created_at   INTEGER NOT NULL
);
CREATE INDEX orgs_path ON orgs(path);
CREATE INDEX orgs_parent ON orgs(parent_id);

-- Staff accounts. Residents never sign in here.
CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    role                 TEXT NOT NULL,
    org_id               INTEGER NOT NULL REFERENCES orgs(id),
    community_id         INTEGER REFERENCES orgs(id),
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    disabled             BOOLEAN NOT NULL DEFAULT FALSE,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);
CREATE INDEX users_org ON users(org_id);

-- Server-side sessions. The cookie holds a random token; only its SHA-256 is stored, so a leaked
-- database does not leak live sessions.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Failed sign-ins, counted per username and per address for throttling.
CREATE TABLE login_failures (
    id       INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    ip       TEXT NOT NULL,
    at       INTEGER NOT NULL
);
CREATE INDEX login_failures_user ON login_failures(username, at);
CREATE INDEX login_failures_ip ON login_failures(ip, at);

-- Security events. Append-only: the triggers below refuse any change or deletion.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    actor_id   INTEGER REFERENCES users(id),
    actor_name TEXT NOT NULL,
    action     TEXT NOT NULL,
    target     TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT '',
    ip         TEXT NOT NULL DEFAULT '',
    org_path   TEXT NOT NULL DEFAULT '/'
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_org ON audit_log(org_path, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
