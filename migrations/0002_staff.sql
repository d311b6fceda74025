-- Staff, sessions, API tokens, sign-in throttling, departments, areas and the staff audit trail.

CREATE TABLE departments (
    code   TEXT PRIMARY KEY,
    name   TEXT NOT NULL,
    level  TEXT NOT NULL CHECK (level IN ('centre', 'city_bureau', 'district_bureau', 'street_office',
               'enterprise_coordinator', 'citizen_coordinator')),
    parent TEXT REFERENCES departments (code),
    area   TEXT,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

CREATE TABLE staff (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('dispatcher', 'handler', 'department_head', 'supervisor',
                      'observer', 'admin')),
    department    TEXT REFERENCES departments (code),
    -- PHC string of argon2id.
    password_hash TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    TEXT NOT NULL,
    password_changed_at TEXT NOT NULL
);

CREATE TABLE sessions (
    -- SHA-256 of the cookie value.
    id_hash      TEXT PRIMARY KEY,
    staff_id     TEXT NOT NULL REFERENCES staff (id),
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    ip           TEXT NOT NULL,
    revoked_at   TEXT
);

CREATE INDEX sessions_by_staff ON sessions (staff_id);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    staff_id     TEXT NOT NULL REFERENCES staff (id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    -- JSON array of permission names.
    scopes       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);

CREATE INDEX api_tokens_by_staff ON api_tokens (staff_id);

-- Failed sign-ins, by username and by address, for throttling and lockout.
CREATE TABLE login_failures (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL,
    ip       TEXT NOT NULL,
    at       TEXT NOT NULL
);

CREATE INDEX login_failures_by_username ON login_failures (username, at);
CREATE INDEX login_failures_by_ip ON login_failures (ip, at);

CREATE TABLE areas (
    code     TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    level    TEXT NOT NULL CHECK (level IN ('district', 'street')),
    parent   TEXT,
    -- shared::area::Shape as JSON.
    shape    TEXT NOT NULL,
    south REAL NOT NULL, west REAL NOT NULL, north REAL NOT NULL, east REAL NOT NULL
);

CREATE TABLE staff_audit (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       TEXT NOT NULL,
    actor    TEXT NOT NULL,
    action   TEXT NOT NULL,
    target   TEXT,
    ip       TEXT NOT NULL,
    detail   TEXT NOT NULL DEFAULT '{}'
);

CREATE INDEX staff_audit_by_at ON staff_audit (at);

CREATE TRIGGER staff_audit_append_only_update BEFORE UPDATE ON staff_audit
BEGIN
    SELECT RAISE(ABORT, 'staff_audit is append-only');
END;

CREATE TRIGGER staff_audit_append_only_delete BEFORE DELETE ON staff_audit
BEGIN
    SELECT RAISE(ABORT, 'staff_audit is append-only');
END;
