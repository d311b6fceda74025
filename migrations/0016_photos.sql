-- Photos of a request: the citizen's (up to three, stage 'report') and handlers' before / after /
-- progress photos. The bytes, stripped of metadata, are in the PHOTOS KV namespace under the id;
-- a row is written only after its blob, so every row has one (an orphan blob is harmless).
CREATE TABLE photos (
    id            TEXT PRIMARY KEY,
    ticket_id     TEXT NOT NULL REFERENCES tickets (id),
    -- 'reporter', or the staff member's reference (staff:<id>).
    uploader      TEXT NOT NULL,
    stage         TEXT NOT NULL CHECK (stage IN ('report', 'before', 'after', 'progress')),
    content_type  TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
    bytes         INTEGER NOT NULL CHECK (bytes > 0),
    width         INTEGER NOT NULL CHECK (width > 0),
    height        INTEGER NOT NULL CHECK (height > 0),
    -- Of the stored (stripped) bytes: the same photo uploaded again is the same row.
    sha256        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    -- On public pages since: a citizen's photo at once, a handler's with a public note or the reply.
    published_at  TEXT,
    -- Moderation: hidden photos are served to staff only.
    hidden_at     TEXT,
    hidden_reason TEXT,
    hidden_by     TEXT,
    UNIQUE (ticket_id, sha256),
    CHECK ((hidden_at IS NULL) = (hidden_reason IS NULL) AND (hidden_at IS NULL) = (hidden_by IS NULL)),
    CHECK (stage <> 'report' OR uploader = 'reporter')
);

CREATE INDEX photos_by_ticket ON photos (ticket_id, created_at);
