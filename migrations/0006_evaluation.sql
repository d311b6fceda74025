-- Evaluation and assessment: the citizen's rating of a reply (web or phone call-back), the
-- supervisor's review of unresolved complaints, observers' weekly samples and grades.

-- One row per answer or call attempt. `round` is the ticket's reopen count when the reply was
-- rated, so each reply is rated once and a reopened ticket's next reply can be rated again.
CREATE TABLE ratings (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id    TEXT NOT NULL REFERENCES tickets (id),
    round        INTEGER NOT NULL,
    source       TEXT NOT NULL CHECK (source IN ('web', 'phone')),
    outcome      TEXT CHECK (outcome IS NULL OR outcome IN ('reached', 'not_reachable', 'refused')),
    satisfaction TEXT CHECK (satisfaction IS NULL OR satisfaction IN ('satisfied', 'basically_satisfied', 'unsatisfied')),
    resolved     INTEGER CHECK (resolved IS NULL OR resolved IN (0, 1)),
    comment      TEXT,
    -- JSON object: template item key → 1..5.
    items        TEXT NOT NULL DEFAULT '{}',
    template     TEXT NOT NULL,
    score        REAL,
    band         TEXT,
    effect       TEXT CHECK (effect IS NULL OR effect IN ('close', 'reopen', 'review')),
    recorded_by  TEXT NOT NULL,
    at           TEXT NOT NULL,
    CHECK ((satisfaction IS NULL) = (resolved IS NULL))
);

CREATE UNIQUE INDEX ratings_one_answer_per_reply ON ratings (ticket_id, round) WHERE satisfaction IS NOT NULL;
CREATE INDEX ratings_by_ticket ON ratings (ticket_id, id);

-- Unsatisfied and unresolved under the `review` policy: a supervisor reopens or closes.
CREATE TABLE rating_reviews (
    rating_id  INTEGER PRIMARY KEY REFERENCES ratings (id),
    ticket_id  TEXT NOT NULL REFERENCES tickets (id),
    state      TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'reopened', 'closed')),
    decided_by TEXT,
    decided_at TEXT,
    note       TEXT
);

CREATE INDEX rating_reviews_open ON rating_reviews (state) WHERE state = 'open';

-- Deputies and observers: the title published with their grades, and the contacts (normalised
-- phone numbers and e-mails, JSON array) whose tickets never enter their samples.
CREATE TABLE observer_profiles (
    staff_id     TEXT PRIMARY KEY REFERENCES staff (id),
    kind         TEXT NOT NULL CHECK (kind IN ('npc_deputy', 'cppcc_member', 'people_observer')),
    contact_keys TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE samples (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    observer_id TEXT NOT NULL REFERENCES staff (id),
    week        TEXT NOT NULL,
    -- The u64 seed in decimal: with the week's candidates it reproduces the draw.
    seed        TEXT NOT NULL,
    size        INTEGER NOT NULL,
    candidates  INTEGER NOT NULL,
    drawn_at    TEXT NOT NULL,
    UNIQUE (observer_id, week)
);

CREATE TABLE sample_items (
    sample_id INTEGER NOT NULL REFERENCES samples (id),
    ticket_id TEXT NOT NULL REFERENCES tickets (id),
    PRIMARY KEY (sample_id, ticket_id)
);

CREATE INDEX sample_items_by_ticket ON sample_items (ticket_id);

CREATE TABLE grades (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    sample_id      INTEGER NOT NULL REFERENCES samples (id),
    ticket_id      TEXT NOT NULL REFERENCES tickets (id),
    observer_id    TEXT NOT NULL REFERENCES staff (id),
    resolution     INTEGER NOT NULL CHECK (resolution BETWEEN 1 AND 5),
    quality        INTEGER NOT NULL CHECK (quality BETWEEN 1 AND 5),
    timeliness     INTEGER NOT NULL CHECK (timeliness BETWEEN 1 AND 5),
    comment        TEXT,
    -- The comment as published: personal data masked.
    public_comment TEXT,
    at             TEXT NOT NULL,
    UNIQUE (sample_id, ticket_id),
    FOREIGN KEY (sample_id, ticket_id) REFERENCES sample_items (sample_id, ticket_id)
);

CREATE INDEX grades_by_time ON grades (at);
CREATE INDEX tickets_by_dispatched ON tickets (dispatched_at) WHERE dispatched_at IS NOT NULL;
CREATE INDEX tickets_by_closed ON tickets (closed_at) WHERE closed_at IS NOT NULL;
