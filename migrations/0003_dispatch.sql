-- Dispatch: the responsibility list, who handles each ticket, and settings that cities tune.

CREATE TABLE responsibility_rules (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    category    TEXT,
    area        TEXT,
    kind        TEXT CHECK (kind IS NULL OR kind IN ('citizen', 'enterprise')),
    lead        TEXT NOT NULL REFERENCES departments (code),
    -- JSON array of department codes.
    co_handlers TEXT NOT NULL DEFAULT '[]',
    updated_at  TEXT NOT NULL
);

-- Lead and co-handling departments of a ticket; a re-dispatch replaces the rows.
CREATE TABLE ticket_departments (
    ticket_id   TEXT NOT NULL REFERENCES tickets (id),
    department  TEXT NOT NULL REFERENCES departments (code),
    part        TEXT NOT NULL CHECK (part IN ('lead', 'co')),
    assigned_at TEXT NOT NULL,
    PRIMARY KEY (ticket_id, department)
);

CREATE INDEX ticket_departments_by_department ON ticket_departments (department, part);

ALTER TABLE tickets ADD COLUMN area TEXT;
ALTER TABLE tickets ADD COLUMN urgency TEXT NOT NULL DEFAULT 'normal' CHECK (urgency IN ('normal', 'urgent', 'very_urgent'));
ALTER TABLE tickets ADD COLUMN dispatched_at TEXT;
ALTER TABLE tickets ADD COLUMN dispatch_mode TEXT CHECK (dispatch_mode IS NULL OR dispatch_mode IN ('auto', 'manual'));
ALTER TABLE tickets ADD COLUMN redispatch_count INTEGER NOT NULL DEFAULT 0;
-- The classifier's suggestions at intake (JSON), shown to the dispatcher.
ALTER TABLE tickets ADD COLUMN suggestions TEXT;

CREATE INDEX tickets_by_status ON tickets (status, created_at);

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A state change guarded by a version writes `changes()` here right after its UPDATE:
-- zero rows changed (someone else changed the ticket first) fails the CHECK and rolls the
-- whole batch back. The row is removed again in the same batch.
CREATE TABLE write_guard (
    ok INTEGER NOT NULL CHECK (ok = 1)
);
