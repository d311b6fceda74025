-- Tickets, their append-only audit trail, idempotency keys and daily tracking sequences.

CREATE TABLE tickets (
    id            TEXT PRIMARY KEY,
    tracking_no   TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    description   TEXT NOT NULL,
    category      TEXT NOT NULL,
    lat           REAL,
    lng           REAL,
    address       TEXT,
    channel       TEXT NOT NULL,
    contact_name  TEXT,
    contact_phone TEXT,
    contact_email TEXT,
    anonymous     INTEGER NOT NULL DEFAULT 0 CHECK (anonymous IN (0, 1)),
    kind          TEXT NOT NULL CHECK (kind IN ('citizen', 'enterprise')),
    status        TEXT NOT NULL CHECK (status IN ('submitted', 'dispatched', 'accepted', 'in_progress',
                      'replied', 'closed', 'reopened', 'merged', 'rejected_unreasonable')),
    -- SHA-256 of the reporter's access token; NULL for imported history.
    token_hash    TEXT,
    -- Imported tickets: which system and which id there (idempotent re-imports).
    source        TEXT,
    external_id   TEXT,
    department    TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    closed_at     TEXT,
    version       INTEGER NOT NULL DEFAULT 1,
    CHECK ((lat IS NULL) = (lng IS NULL)),
    CHECK ((source IS NULL) = (external_id IS NULL))
);

CREATE UNIQUE INDEX tickets_by_source ON tickets (source, external_id) WHERE source IS NOT NULL;
CREATE INDEX tickets_by_created ON tickets (created_at);

CREATE TABLE ticket_events (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id TEXT NOT NULL REFERENCES tickets (id),
    at        TEXT NOT NULL,
    kind      TEXT NOT NULL,
    -- The whole event as JSON (shared::ticket::EventKind).
    data      TEXT NOT NULL,
    actor     TEXT NOT NULL,
    public    INTEGER NOT NULL CHECK (public IN (0, 1))
);

CREATE INDEX ticket_events_by_ticket ON ticket_events (ticket_id, id);

-- The audit trail is evidence: nobody edits or deletes it.
CREATE TRIGGER ticket_events_append_only_update BEFORE UPDATE ON ticket_events
BEGIN
    SELECT RAISE(ABORT, 'ticket_events is append-only');
END;

CREATE TRIGGER ticket_events_append_only_delete BEFORE DELETE ON ticket_events
BEGIN
    SELECT RAISE(ABORT, 'ticket_events is append-only');
END;

CREATE TABLE idempotency_keys (
    key        TEXT PRIMARY KEY,
    body_hash  TEXT NOT NULL,
    ticket_id  TEXT NOT NULL REFERENCES tickets (id),
    created_at TEXT NOT NULL
);

-- Tracking numbers are the city's local date plus a daily sequence.
CREATE TABLE tracking_sequences (
    day  TEXT PRIMARY KEY,
    last INTEGER NOT NULL
);
