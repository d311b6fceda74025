-- Citizens' updates: a reporter or follower asks to be told of a request's progress by Web Push
-- (the browser's subscription: endpoint and keys) or by e-mail. The unsubscribe token is not
-- stored, only its hash: it is derived from the subscription id with the server's secret when a
-- message is written, and every message carries it.
CREATE TABLE subscriptions (
    id                      TEXT PRIMARY KEY,
    ticket_id               TEXT NOT NULL REFERENCES tickets (id),
    kind                    TEXT NOT NULL CHECK (kind IN ('push', 'email')),
    endpoint                TEXT,
    p256dh                  TEXT,
    auth                    TEXT,
    email                   TEXT,
    lang                    TEXT NOT NULL CHECK (lang IN ('zh-Hans', 'zh-Hant', 'en')),
    unsubscribe_token_hash  TEXT NOT NULL UNIQUE,
    -- The site the citizen subscribed on, for links when PUBLIC_URL is not set.
    base_url                TEXT NOT NULL,
    created_at              TEXT NOT NULL,
    active                  INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    ended_at                TEXT,
    -- Why it ended: 'unsubscribed', or 'gone' when the push service said the endpoint is no more.
    ended_reason            TEXT,
    CHECK ((kind = 'push' AND endpoint IS NOT NULL AND p256dh IS NOT NULL AND auth IS NOT NULL AND email IS NULL)
        OR (kind = 'email' AND email IS NOT NULL AND endpoint IS NULL))
);

-- One subscription per device or address and request: subscribing again answers the same one.
CREATE UNIQUE INDEX subscriptions_push_once ON subscriptions (ticket_id, endpoint) WHERE kind = 'push';
CREATE UNIQUE INDEX subscriptions_email_once ON subscriptions (ticket_id, email) WHERE kind = 'email';
CREATE INDEX subscriptions_by_ticket ON subscriptions (ticket_id, active);

-- The citizens' outbox. One row per subscription and change: the events a handler writes in one
-- batch share their time (a reply is a `replied` and a `status_changed`, the first note also
-- starts the work, a merge is `status_changed` and `merged`), so (subscription, ticket, time) is
-- one change and the subscriber hears of it once. The text is composed at delivery from the public
-- events of that change, in the subscription's language, and kept in `payload` for retries.
CREATE TABLE citizen_messages (
    id              TEXT PRIMARY KEY,
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
    -- The ticket the change was made on: the subscription's own, or the master it was merged into.
    ticket_id       TEXT NOT NULL REFERENCES tickets (id),
    -- The first event of the change.
    event_id        INTEGER NOT NULL REFERENCES ticket_events (id),
    change_at       TEXT NOT NULL,
    kind            TEXT NOT NULL,
    payload         TEXT,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'dead', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_at         TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    delivered_at    TEXT,
    last_error      TEXT,
    UNIQUE (subscription_id, ticket_id, change_at)
);

CREATE INDEX citizen_messages_due ON citizen_messages (state, next_at);
CREATE INDEX citizen_messages_by_subscription ON citizen_messages (subscription_id, state);

-- The trigger below looks up a ticket's merged duplicates on every public event; without this
-- (partial, so only merged tickets are in it) that would be a scan of all tickets.
CREATE INDEX tickets_by_duplicate_of ON tickets (duplicate_of) WHERE duplicate_of IS NOT NULL;

-- Queued in the same transaction as the change. A merged duplicate's subscribers also hear of
-- the master's changes (merging moves a duplicate's own duplicates to the master, so one level of
-- `duplicate_of` is all there is). `INSERT OR IGNORE` keeps the first event of a change.
CREATE TRIGGER citizen_messages_on_event AFTER INSERT ON ticket_events
WHEN NEW.public = 1 AND NEW.kind IN ('status_changed', 'note', 'replied', 'merged')
BEGIN
    INSERT OR IGNORE INTO citizen_messages
        (id, subscription_id, ticket_id, event_id, change_at, kind, state, attempts, next_at, created_at)
    SELECT lower(hex(randomblob(16))), s.id, NEW.ticket_id, NEW.id, NEW.at, NEW.kind, 'pending', 0, NEW.at, NEW.at
    FROM subscriptions s
    WHERE s.active = 1
      AND (s.ticket_id = NEW.ticket_id
           OR s.ticket_id IN (SELECT d.id FROM tickets d WHERE d.duplicate_of = NEW.ticket_id));
END;
