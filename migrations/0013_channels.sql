-- The channel registry (一网归集): systems that hand requests to the city through
-- POST /api/v1/intake/{code}. Keys are stored as SHA-256 hashes; the webhook secret is kept
-- because status callbacks are signed with it, as departments' webhooks are.
CREATE TABLE channels (
    code            TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    rate_per_minute INTEGER NOT NULL CHECK (rate_per_minute > 0),
    key_hash        TEXT UNIQUE,
    key_hint        TEXT,
    webhook_url     TEXT,
    webhook_secret  TEXT,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at      TEXT NOT NULL
);

-- Requests per channel per minute, for the rate limit; old minutes are cleared by the job.
CREATE TABLE channel_minutes (
    channel TEXT NOT NULL,
    minute  TEXT NOT NULL,
    count   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (channel, minute)
) WITHOUT ROWID;

-- A status callback to the channel a ticket came from, queued in the outbox in the same
-- transaction as the change, so the citizen sees progress wherever they asked. The outbox
-- signs it with the channel's secret at delivery (see edge/src/store/notify.rs).
CREATE TRIGGER channel_callback_on_status AFTER UPDATE OF status ON tickets
WHEN OLD.status IS NOT NEW.status AND NEW.source LIKE 'channel:%'
BEGIN
    INSERT INTO outbox (id, event, department, url, payload, created_at, state, attempts, next_at)
    SELECT lower(hex(randomblob(16))), 'ticket.status', NEW.source, c.webhook_url,
           json_object('event', 'ticket.status', 'channel', c.code, 'external_id', NEW.external_id,
                       'tracking_no', NEW.tracking_no, 'from', OLD.status, 'status', NEW.status,
                       'at', NEW.updated_at),
           NEW.updated_at, 'pending', 0, NEW.updated_at
    FROM channels c
    WHERE 'channel:' || c.code = NEW.source AND c.webhook_url IS NOT NULL AND c.active = 1;
END;
