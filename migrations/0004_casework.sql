-- Casework around dispatch: duplicates, unreasonable requests, consultation, disputes,
-- re-dispatch history and street whistles.

-- A merged ticket points at its master; the master counts the repeats.
ALTER TABLE tickets ADD COLUMN duplicate_of TEXT REFERENCES tickets (id);
ALTER TABLE tickets ADD COLUMN repeat_count INTEGER NOT NULL DEFAULT 0;
-- shared::duplicates::cell_of of the point, so candidates come from an index, not a scan.
ALTER TABLE tickets ADD COLUMN cell INTEGER;
CREATE INDEX tickets_by_cell ON tickets (cell, created_at);

CREATE TABLE unreasonable (
    ticket_id   TEXT PRIMARY KEY REFERENCES tickets (id),
    reason_code TEXT NOT NULL,
    note        TEXT,
    state       TEXT NOT NULL CHECK (state IN ('proposed', 'confirmed', 'rejected')),
    proposed_by TEXT NOT NULL,
    proposed_at TEXT NOT NULL,
    decided_by  TEXT,
    decided_at  TEXT
);

CREATE INDEX unreasonable_by_state ON unreasonable (state, proposed_at);

CREATE TABLE consultations (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id   TEXT NOT NULL REFERENCES tickets (id),
    question    TEXT NOT NULL,
    -- JSON array of department codes invited.
    departments TEXT NOT NULL,
    asked_by    TEXT NOT NULL,
    asked_at    TEXT NOT NULL
);

CREATE INDEX consultations_by_ticket ON consultations (ticket_id, id);

CREATE TABLE consultation_replies (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id INTEGER NOT NULL REFERENCES consultations (id),
    department      TEXT NOT NULL,
    text            TEXT NOT NULL,
    replied_by      TEXT NOT NULL,
    replied_at      TEXT NOT NULL
);

CREATE TABLE disputes (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id       TEXT NOT NULL REFERENCES tickets (id),
    department      TEXT NOT NULL,
    reason          TEXT NOT NULL,
    filed_by        TEXT NOT NULL,
    filed_at        TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('open', 'upheld', 'rejected')),
    decided_by      TEXT,
    decided_at      TEXT,
    decision_reason TEXT
);

-- At most one open dispute per ticket.
CREATE UNIQUE INDEX disputes_one_open ON disputes (ticket_id) WHERE state = 'open';

-- Every change of lead after the first dispatch, for per-ticket and per-department counts.
CREATE TABLE redispatches (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id       TEXT NOT NULL REFERENCES tickets (id),
    from_department TEXT,
    to_department   TEXT NOT NULL,
    cause           TEXT NOT NULL CHECK (cause IN ('dispatcher', 'dispute')),
    at              TEXT NOT NULL
);

CREATE INDEX redispatches_by_from ON redispatches (from_department);

-- 街乡吹哨、部门报到: each summoned department must report by its deadline.
CREATE TABLE summonses (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id   TEXT NOT NULL REFERENCES tickets (id),
    department  TEXT NOT NULL,
    summoned_by TEXT NOT NULL,
    note        TEXT,
    summoned_at TEXT NOT NULL,
    due_at      TEXT NOT NULL,
    reported_at TEXT,
    reported_by TEXT,
    UNIQUE (ticket_id, department, summoned_at)
);

CREATE INDEX summonses_pending ON summonses (reported_at, due_at);
