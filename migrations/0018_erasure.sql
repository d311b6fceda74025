-- Reporters' erasure requests (删除个人信息): who erased whose data, when and why. The request
-- itself stays, so every statistic still counts it; only the person is gone.
CREATE TABLE erasures (
    ticket_id TEXT PRIMARY KEY REFERENCES tickets (id),
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    reason    TEXT NOT NULL
);

-- The trail stays append-only, with one exception: once a request's erasure is recorded, the
-- free text of its events may be rewritten (names, phones and addresses masked). Nothing else
-- about an event may change, on any request.
DROP TRIGGER ticket_events_append_only_update;
CREATE TRIGGER ticket_events_append_only_update BEFORE UPDATE ON ticket_events
WHEN NOT (
    NEW.id IS OLD.id AND NEW.ticket_id IS OLD.ticket_id AND NEW.at IS OLD.at AND NEW.kind IS OLD.kind
    AND NEW.actor IS OLD.actor AND NEW.public IS OLD.public
    AND EXISTS (SELECT 1 FROM erasures e WHERE e.ticket_id = OLD.ticket_id)
)
BEGIN
    SELECT RAISE(ABORT, 'ticket_events is append-only');
END;
