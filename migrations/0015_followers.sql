-- "Me too": a citizen who finds their problem already reported nearby follows that request
-- instead of filing another (FixMyStreet's "already reported"). Each counts as a repeat of the
-- request (escalation reads `tickets.repeat_count`) and is shown on public pages
-- (`tickets.me_too_count`). The follower's own token (stored hashed, like the reporter's) lets
-- them read the request's private-free progress and ask for its updates.
CREATE TABLE followers (
    id              TEXT PRIMARY KEY,
    ticket_id       TEXT NOT NULL REFERENCES tickets (id),
    token_hash      TEXT NOT NULL UNIQUE,
    -- The Idempotency-Key of the "me too" call and a hash of its body: a retry is one follower.
    idempotency_key TEXT NOT NULL UNIQUE,
    body_hash       TEXT NOT NULL,
    created_at      TEXT NOT NULL
);

CREATE INDEX followers_by_ticket ON followers (ticket_id);

ALTER TABLE tickets ADD COLUMN me_too_count INTEGER NOT NULL DEFAULT 0;
