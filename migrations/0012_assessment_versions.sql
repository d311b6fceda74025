-- The monthly assessment is computed from a month's tickets (a scan of that month), so the
-- public page serves it from KV. The cache key holds the month's version, bumped here in the
-- same transaction as any change that feeds the figures (the ticket, its lead, a re-dispatch, a
-- rating), so a change shows at the next read and an unchanged month is never recomputed
-- (beyond once an hour, as deadlines pass).
CREATE TABLE assessment_versions (
    month   TEXT PRIMARY KEY,
    version INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TRIGGER assessment_on_ticket_insert AFTER INSERT ON tickets WHEN NEW.dispatched_at IS NOT NULL
BEGIN
    INSERT INTO assessment_versions (month, version)
    SELECT strftime('%Y-%m', NEW.dispatched_at, (SELECT modifier FROM rollup_clock WHERE id = 1)), 1 WHERE NEW.dispatched_at IS NOT NULL
    ON CONFLICT (month) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER assessment_on_ticket_update AFTER UPDATE ON tickets
BEGIN
    INSERT INTO assessment_versions (month, version)
    SELECT strftime('%Y-%m', OLD.dispatched_at, (SELECT modifier FROM rollup_clock WHERE id = 1)), 1 WHERE OLD.dispatched_at IS NOT NULL
    ON CONFLICT (month) DO UPDATE SET version = version + 1;
    INSERT INTO assessment_versions (month, version)
    SELECT strftime('%Y-%m', NEW.dispatched_at, (SELECT modifier FROM rollup_clock WHERE id = 1)), 1 WHERE NEW.dispatched_at IS NOT NULL
    ON CONFLICT (month) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER assessment_on_lead_insert AFTER INSERT ON ticket_departments
BEGIN
    INSERT INTO assessment_versions (month, version)
    SELECT strftime('%Y-%m', (SELECT t.dispatched_at FROM tickets t WHERE t.id = NEW.ticket_id), (SELECT modifier FROM rollup_clock WHERE id = 1)), 1 WHERE (SELECT t.dispatched_at FROM tickets t WHERE t.id = NEW.ticket_id) IS NOT NULL
    ON CONFLICT (month) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER assessment_on_lead_update AFTER UPDATE ON ticket_departments
BEGIN
    INSERT INTO assessment_versions (month, version)
    SELECT strftime('%Y-%m', (SELECT t.dispatched_at FROM tickets t WHERE t.id = NEW.ticket_id), (SELECT modifier FROM rollup_clock WHERE id = 1)), 1 WHERE (SELECT t.dispatched_at FROM tickets t WHERE t.id = NEW.ticket_id) IS NOT NULL
    ON CONFLICT (month) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER assessment_on_lead_delete AFTER DELETE ON ticket_departments
BEGIN
    INSERT INTO assessment_versions (month, version)
    SELECT strftime('%Y-%m', (SELECT t.dispatched_at FROM tickets t WHERE t.id = OLD.ticket_id), (SELECT modifier FROM rollup_clock WHERE id = 1)), 1 WHERE (SELECT t.dispatched_at FROM tickets t WHERE t.id = OLD.ticket_id) IS NOT NULL
    ON CONFLICT (month) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER assessment_on_redispatch AFTER INSERT ON redispatches
BEGIN
    INSERT INTO assessment_versions (month, version)
    SELECT strftime('%Y-%m', (SELECT t.dispatched_at FROM tickets t WHERE t.id = NEW.ticket_id), (SELECT modifier FROM rollup_clock WHERE id = 1)), 1 WHERE (SELECT t.dispatched_at FROM tickets t WHERE t.id = NEW.ticket_id) IS NOT NULL
    ON CONFLICT (month) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER assessment_on_rating AFTER INSERT ON ratings
BEGIN
    INSERT INTO assessment_versions (month, version)
    SELECT strftime('%Y-%m', (SELECT t.dispatched_at FROM tickets t WHERE t.id = NEW.ticket_id), (SELECT modifier FROM rollup_clock WHERE id = 1)), 1 WHERE (SELECT t.dispatched_at FROM tickets t WHERE t.id = NEW.ticket_id) IS NOT NULL
    ON CONFLICT (month) DO UPDATE SET version = version + 1;
END;
