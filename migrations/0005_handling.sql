-- Handling, deadlines and supervision: the department's work on a ticket, the clocks it runs
-- against, the supervision ladder and the notifications it sends.

-- Deadlines are fixed at dispatch from the SLA table and the working-day calendar, so that a
-- later change of either does not move a promise already made to a citizen.
ALTER TABLE tickets ADD COLUMN response_due_at TEXT;
ALTER TABLE tickets ADD COLUMN resolution_due_at TEXT;
ALTER TABLE tickets ADD COLUMN sla_response_hours INTEGER;
ALTER TABLE tickets ADD COLUMN sla_resolution_days INTEGER;
ALTER TABLE tickets ADD COLUMN extension_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN accepted_at TEXT;
ALTER TABLE tickets ADD COLUMN last_progress_at TEXT;
ALTER TABLE tickets ADD COLUMN replied_at TEXT;
ALTER TABLE tickets ADD COLUMN reopen_count INTEGER NOT NULL DEFAULT 0;
-- 挂牌督办: public on the transparency pages while set.
ALTER TABLE tickets ADD COLUMN listed_at TEXT;
ALTER TABLE tickets ADD COLUMN listed_reason TEXT;
-- 提级办理: the coordinator the case was raised to.
ALTER TABLE tickets ADD COLUMN escalated_at TEXT;
ALTER TABLE tickets ADD COLUMN escalated_to TEXT;

CREATE INDEX tickets_open_by_due ON tickets (status, resolution_due_at);
CREATE INDEX tickets_listed ON tickets (listed_at) WHERE listed_at IS NOT NULL;

-- What a department sends back; the lead's reply to the citizen is the one with part = 'reply'.
CREATE TABLE ticket_parts (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id       TEXT NOT NULL REFERENCES tickets (id),
    department      TEXT NOT NULL,
    part            TEXT NOT NULL CHECK (part IN ('co', 'reply')),
    text            TEXT NOT NULL,
    author          TEXT NOT NULL,
    at              TEXT NOT NULL,
    -- JSON array of shared::reply_quality::QualityWarning the author saw.
    warnings        TEXT NOT NULL DEFAULT '[]',
    override_reason TEXT
);

CREATE INDEX ticket_parts_by_ticket ON ticket_parts (ticket_id, id);
CREATE INDEX ticket_parts_overrides ON ticket_parts (department) WHERE override_reason IS NOT NULL;

-- 延期申请: one pending request per ticket.
CREATE TABLE extensions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id     TEXT NOT NULL REFERENCES tickets (id),
    department    TEXT NOT NULL,
    days          INTEGER NOT NULL CHECK (days BETWEEN 1 AND 60),
    reason        TEXT NOT NULL,
    requested_by  TEXT NOT NULL,
    requested_at  TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'refused')),
    decided_by    TEXT,
    decided_at    TEXT,
    decision_note TEXT
);

CREATE UNIQUE INDEX extensions_one_pending ON extensions (ticket_id) WHERE state = 'pending';
CREATE INDEX extensions_by_state ON extensions (state, requested_at);

-- Every step of the ladder (and each daily digest) exactly once: the key is the idempotency key
-- from shared::ladder, so a second run of the same job fails its insert and changes nothing.
CREATE TABLE supervision_steps (
    key         TEXT PRIMARY KEY,
    ticket_id   TEXT REFERENCES tickets (id),
    stage       TEXT NOT NULL CHECK (stage IN ('urge', 'supervise', 'list', 'escalate', 'digest')),
    reason      TEXT NOT NULL,
    at          TEXT NOT NULL,
    supervisor  TEXT,
    due_at      TEXT,
    department  TEXT
);

CREATE INDEX supervision_steps_by_ticket ON supervision_steps (ticket_id, at);
CREATE INDEX supervision_steps_by_stage ON supervision_steps (stage, at);

-- 催办 records: letters the system sends and phone calls staff make (who, when, outcome).
CREATE TABLE reminders (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id  TEXT NOT NULL REFERENCES tickets (id),
    step_key   TEXT,
    department TEXT NOT NULL,
    method     TEXT NOT NULL CHECK (method IN ('letter', 'phone')),
    by_whom    TEXT NOT NULL,
    at         TEXT NOT NULL,
    outcome    TEXT NOT NULL
);

CREATE INDEX reminders_by_ticket ON reminders (ticket_id, id);

-- Department webhooks.
ALTER TABLE departments ADD COLUMN webhook_url TEXT;
ALTER TABLE departments ADD COLUMN webhook_secret TEXT;

-- Messages to departments' systems, delivered by the outbox job with backoff; 'dead' after the
-- retry policy gives up, visible to admins, who may send them again.
CREATE TABLE outbox (
    id           TEXT PRIMARY KEY,
    event        TEXT NOT NULL,
    department   TEXT NOT NULL,
    url          TEXT NOT NULL,
    payload      TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      TEXT NOT NULL,
    last_error   TEXT,
    delivered_at TEXT
);

CREATE INDEX outbox_due ON outbox (state, next_at);

-- The staff notification centre: to a department (everyone in it) or to one person.
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    department  TEXT,
    user_id     TEXT,
    event       TEXT NOT NULL,
    tracking_no TEXT,
    data        TEXT NOT NULL,
    at          TEXT NOT NULL,
    CHECK ((department IS NULL) <> (user_id IS NULL))
);

CREATE INDEX notifications_by_department ON notifications (department, id) WHERE department IS NOT NULL;
CREATE INDEX notifications_by_user ON notifications (user_id, id) WHERE user_id IS NOT NULL;

CREATE TABLE notification_reads (
    notification_id INTEGER NOT NULL REFERENCES notifications (id),
    user_id         TEXT NOT NULL,
    read_at         TEXT NOT NULL,
    PRIMARY KEY (user_id, notification_id)
);
