-- Rollups for the public dashboards, kept by triggers in the same transaction as every change
-- to a ticket (submission, import, dispatch, each move), so that no public page scans tickets.
--
-- A ticket counts once on the city-local day of each thing that happened to it: created,
-- accepted (on time or late against its response deadline), replied (against its resolution
-- deadline), closed. On any change the old row's counts are taken away and the new row's added,
-- so the rollup always equals a recount of the tickets as they are now (checked by
-- `GET /api/v1/admin/rollups/verify`). Each count is kept for the ticket's category family,
-- district and channel and for every combination with '*' (all), so a dashboard reads one row
-- per day whatever its filters.

-- The city's clock as an SQLite date modifier: '+480 minutes' is UTC+8 (the default
-- city's `utc_offset_minutes`); a city elsewhere sets its own in a migration of its deployment.
CREATE TABLE rollup_clock (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    modifier TEXT NOT NULL
);
INSERT INTO rollup_clock (id, modifier) VALUES (1, '+480 minutes');

CREATE TABLE daily_counts (
    -- First-level category code, district code ('' when unknown), channel; '*' is all.
    family             TEXT NOT NULL,
    district           TEXT NOT NULL,
    channel            TEXT NOT NULL,
    day                TEXT NOT NULL,
    created            INTEGER NOT NULL DEFAULT 0,
    accepted           INTEGER NOT NULL DEFAULT 0,
    response_on_time   INTEGER NOT NULL DEFAULT 0,
    response_late      INTEGER NOT NULL DEFAULT 0,
    replied            INTEGER NOT NULL DEFAULT 0,
    resolution_on_time INTEGER NOT NULL DEFAULT 0,
    resolution_late    INTEGER NOT NULL DEFAULT 0,
    closed             INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (family, district, channel, day)
) WITHOUT ROWID;

-- Tickets stored before this migration.
INSERT INTO daily_counts (family, district, channel, day, created, accepted, response_on_time, response_late, replied, resolution_on_time, resolution_late, closed)
SELECT CASE WHEN a.k = 1 THEN '*' ELSE x.f END, CASE WHEN b.k = 1 THEN '*' ELSE x.d END,
       CASE WHEN c.k = 1 THEN '*' ELSE x.c END, x.day, SUM(created), SUM(accepted), SUM(response_on_time), SUM(response_late), SUM(replied), SUM(resolution_on_time), SUM(resolution_late), SUM(closed)
FROM (
    SELECT date(t.created_at, (SELECT modifier FROM rollup_clock WHERE id = 1)) AS day, substr(t.category, 1, 2) AS f, COALESCE(substr(t.area, 1, instr(t.area || '.', '.') - 1), '') AS d, t.channel AS c, 1 AS created, 0 AS accepted, 0 AS response_on_time, 0 AS response_late, 0 AS replied, 0 AS resolution_on_time, 0 AS resolution_late, 0 AS closed
    FROM tickets t WHERE t.created_at IS NOT NULL
    UNION ALL
    SELECT date(t.accepted_at, (SELECT modifier FROM rollup_clock WHERE id = 1)) AS day, substr(t.category, 1, 2) AS f, COALESCE(substr(t.area, 1, instr(t.area || '.', '.') - 1), '') AS d, t.channel AS c, 0 AS created, 1 AS accepted, (t.response_due_at IS NOT NULL AND t.accepted_at <= t.response_due_at) AS response_on_time, (t.response_due_at IS NOT NULL AND t.accepted_at > t.response_due_at) AS response_late, 0 AS replied, 0 AS resolution_on_time, 0 AS resolution_late, 0 AS closed
    FROM tickets t WHERE t.accepted_at IS NOT NULL
    UNION ALL
    SELECT date(t.replied_at, (SELECT modifier FROM rollup_clock WHERE id = 1)) AS day, substr(t.category, 1, 2) AS f, COALESCE(substr(t.area, 1, instr(t.area || '.', '.') - 1), '') AS d, t.channel AS c, 0 AS created, 0 AS accepted, 0 AS response_on_time, 0 AS response_late, 1 AS replied, (t.resolution_due_at IS NOT NULL AND t.replied_at <= t.resolution_due_at) AS resolution_on_time, (t.resolution_due_at IS NOT NULL AND t.replied_at > t.resolution_due_at) AS resolution_late, 0 AS closed
    FROM tickets t WHERE t.replied_at IS NOT NULL
    UNION ALL
    SELECT date(t.closed_at, (SELECT modifier FROM rollup_clock WHERE id = 1)) AS day, substr(t.category, 1, 2) AS f, COALESCE(substr(t.area, 1, instr(t.area || '.', '.') - 1), '') AS d, t.channel AS c, 0 AS created, 0 AS accepted, 0 AS response_on_time, 0 AS response_late, 0 AS replied, 0 AS resolution_on_time, 0 AS resolution_late, 1 AS closed
    FROM tickets t WHERE t.closed_at IS NOT NULL
) AS x, (SELECT 0 AS k UNION ALL SELECT 1) AS a, (SELECT 0 AS k UNION ALL SELECT 1) AS b, (SELECT 0 AS k UNION ALL SELECT 1) AS c
GROUP BY 1, 2, 3, 4;

CREATE TRIGGER rollup_on_insert AFTER INSERT ON tickets
BEGIN
    INSERT INTO daily_counts (day, family, district, channel, created)
    SELECT date(NEW.created_at, (SELECT modifier FROM rollup_clock WHERE id = 1)), f.v, d.v, c.v, 1
    FROM (SELECT substr(NEW.category, 1, 2) AS v UNION ALL SELECT '*') AS f,
         (SELECT COALESCE(substr(NEW.area, 1, instr(NEW.area || '.', '.') - 1), '') AS v UNION ALL SELECT '*') AS d,
         (SELECT NEW.channel AS v UNION ALL SELECT '*') AS c
    WHERE NEW.created_at IS NOT NULL
    ON CONFLICT (family, district, channel, day) DO UPDATE SET created = created + excluded.created;
    INSERT INTO daily_counts (day, family, district, channel, accepted, response_on_time, response_late)
    SELECT date(NEW.accepted_at, (SELECT modifier FROM rollup_clock WHERE id = 1)), f.v, d.v, c.v, 1, (NEW.response_due_at IS NOT NULL AND NEW.accepted_at <= NEW.response_due_at), (NEW.response_due_at IS NOT NULL AND NEW.accepted_at > NEW.response_due_at)
    FROM (SELECT substr(NEW.category, 1, 2) AS v UNION ALL SELECT '*') AS f,
         (SELECT COALESCE(substr(NEW.area, 1, instr(NEW.area || '.', '.') - 1), '') AS v UNION ALL SELECT '*') AS d,
         (SELECT NEW.channel AS v UNION ALL SELECT '*') AS c
    WHERE NEW.accepted_at IS NOT NULL
    ON CONFLICT (family, district, channel, day) DO UPDATE SET accepted = accepted + excluded.accepted, response_on_time = response_on_time + excluded.response_on_time, response_late = response_late + excluded.response_late;
    INSERT INTO daily_counts (day, family, district, channel, replied, resolution_on_time, resolution_late)
    SELECT date(NEW.replied_at, (SELECT modifier FROM rollup_clock WHERE id = 1)), f.v, d.v, c.v, 1, (NEW.resolution_due_at IS NOT NULL AND NEW.replied_at <= NEW.resolution_due_at), (NEW.resolution_due_at IS NOT NULL AND NEW.replied_at > NEW.resolution_due_at)
    FROM (SELECT substr(NEW.category, 1, 2) AS v UNION ALL SELECT '*') AS f,
         (SELECT COALESCE(substr(NEW.area, 1, instr(NEW.area || '.', '.') - 1), '') AS v UNION ALL SELECT '*') AS d,
         (SELECT NEW.channel AS v UNION ALL SELECT '*') AS c
    WHERE NEW.replied_at IS NOT NULL
    ON CONFLICT (family, district, channel, day) DO UPDATE SET replied = replied + excluded.replied, resolution_on_time = resolution_on_time + excluded.resolution_on_time, resolution_late = resolution_late + excluded.resolution_late;
    INSERT INTO daily_counts (day, family, district, channel, closed)
    SELECT date(NEW.closed_at, (SELECT modifier FROM rollup_clock WHERE id = 1)), f.v, d.v, c.v, 1
    FROM (SELECT substr(NEW.category, 1, 2) AS v UNION ALL SELECT '*') AS f,
         (SELECT COALESCE(substr(NEW.area, 1, instr(NEW.area || '.', '.') - 1), '') AS v UNION ALL SELECT '*') AS d,
         (SELECT NEW.channel AS v UNION ALL SELECT '*') AS c
    WHERE NEW.closed_at IS NOT NULL
    ON CONFLICT (family, district, channel, day) DO UPDATE SET closed = closed + excluded.closed;
END;

CREATE TRIGGER rollup_on_update AFTER UPDATE OF created_at, category, area, channel, accepted_at, replied_at, closed_at, response_due_at, resolution_due_at ON tickets
BEGIN
    INSERT INTO daily_counts (day, family, district, channel, created)
    SELECT date(OLD.created_at, (SELECT modifier FROM rollup_clock WHERE id = 1)), f.v, d.v, c.v, -1
    FROM (SELECT substr(OLD.category, 1, 2) AS v UNION ALL SELECT '*') AS f,
         (SELECT COALESCE(substr(OLD.area, 1, instr(OLD.area || '.', '.') - 1), '') AS v UNION ALL SELECT '*') AS d,
         (SELECT OLD.channel AS v UNION ALL SELECT '*') AS c
    WHERE OLD.created_at IS NOT NULL
    ON CONFLICT (family, district, channel, day) DO UPDATE SET created = created + excluded.created;
    INSERT INTO daily_counts (day, family, district, channel, accepted, response_on_time, response_late)
    SELECT date(OLD.accepted_at, (SELECT modifier FROM rollup_clock WHERE id = 1)), f.v, d.v, c.v, -1, -(OLD.response_due_at IS NOT NULL AND OLD.accepted_at <= OLD.response_due_at), -(OLD.response_due_at IS NOT NULL AND OLD.accepted_at > OLD.response_due_at)
    FROM (SELECT substr(OLD.category, 1, 2) AS v UNION ALL SELECT '*') AS f,
         (SELECT COALESCE(substr(OLD.area, 1, instr(OLD.area || '.', '.') - 1), '') AS v UNION ALL SELECT '*') AS d,
         (SELECT OLD.channel AS v UNION ALL SELECT '*') AS c
    WHERE OLD.accepted_at IS NOT NULL
    ON CONFLICT (family, district, channel, day) DO UPDATE SET accepted = accepted + excluded.accepted, response_on_time = response_on_time + excluded.response_on_time, response_late = response_late + excluded.response_late;
    INSERT INTO daily_counts (day, family, district, channel, replied, resolution_on_time, resolution_late)
    SELECT date(OLD.replied_at, (SELECT modifier FROM rollup_clock WHERE id = 1)), f.v, d.v, c.v, -1, -(OLD.resolution_due_at IS NOT NULL AND OLD.replied_at <= OLD.resolution_due_at), -(OLD.resolution_due_at IS NOT NULL AND OLD.replied_at > OLD.resolution_due_at)
    FROM (SELECT substr(OLD.category, 1, 2) AS v UNION ALL SELECT '*') AS f,
         (SELECT COALESCE(substr(OLD.area, 1, instr(OLD.area || '.', '.') - 1), '') AS v UNION ALL SELECT '*') AS d,
         (SELECT OLD.channel AS v UNION ALL SELECT '*') AS c
    WHERE OLD.replied_at IS NOT NULL
    ON CONFLICT (family, district, channel, day) DO UPDATE SET replied = replied + excluded.replied, resolution_on_time = resolution_on_time + excluded.resolution_on_time, resolution_late = resolution_late + excluded.resolution_late;
    INSERT INTO daily_counts (day, family, district, channel, closed)
    SELECT date(OLD.closed_at, (SELECT modifier FROM rollup_clock WHERE id = 1)), f.v, d.v, c.v, -1
    FROM (SELECT substr(OLD.category, 1, 2) AS v UNION ALL SELECT '*') AS f,
         (SELECT COALESCE(substr(OLD.area, 1, instr(OLD.area || '.', '.') - 1), '') AS v UNION ALL SELECT '*') AS d,
         (SELECT OLD.channel AS v UNION ALL SELECT '*') AS c
    WHERE OLD.closed_at IS NOT NULL
    ON CONFLICT (family, district, channel, day) DO UPDATE SET closed = closed + excluded.closed;
    INSERT INTO daily_counts (day, family, district, channel, created)
    SELECT date(NEW.created_at, (SELECT modifier FROM rollup_clock WHERE id = 1)), f.v, d.v, c.v, 1
    FROM (SELECT substr(NEW.category, 1, 2) AS v UNION ALL SELECT '*') AS f,
         (SELECT COALESCE(substr(NEW.area, 1, instr(NEW.area || '.', '.') - 1), '') AS v UNION ALL SELECT '*') AS d,
         (SELECT NEW.channel AS v UNION ALL SELECT '*') AS c
    WHERE NEW.created_at IS NOT NULL
    ON CONFLICT (family, district, channel, day) DO UPDATE SET created = created + excluded.created;
    INSERT INTO daily_counts (day, family, district, channel, accepted, response_on_time, response_late)
    SELECT date(NEW.accepted_at, (SELECT modifier FROM rollup_clock WHERE id = 1)), f.v, d.v, c.v, 1, (NEW.response_due_at IS NOT NULL AND NEW.accepted_at <= NEW.response_due_at), (NEW.response_due_at IS NOT NULL AND NEW.accepted_at > NEW.response_due_at)
    FROM (SELECT substr(NEW.category, 1, 2) AS v UNION ALL SELECT '*') AS f,
         (SELECT COALESCE(substr(NEW.area, 1, instr(NEW.area || '.', '.') - 1), '') AS v UNION ALL SELECT '*') AS d,
         (SELECT NEW.channel AS v UNION ALL SELECT '*') AS c
    WHERE NEW.accepted_at IS NOT NULL
    ON CONFLICT (family, district, channel, day) DO UPDATE SET accepted = accepted + excluded.accepted, response_on_time = response_on_time + excluded.response_on_time, response_late = response_late + excluded.response_late;
    INSERT INTO daily_counts (day, family, district, channel, replied, resolution_on_time, resolution_late)
    SELECT date(NEW.replied_at, (SELECT modifier FROM rollup_clock WHERE id = 1)), f.v, d.v, c.v, 1, (NEW.resolution_due_at IS NOT NULL AND NEW.replied_at <= NEW.resolution_due_at), (NEW.resolution_due_at IS NOT NULL AND NEW.replied_at > NEW.resolution_due_at)
    FROM (SELECT substr(NEW.category, 1, 2) AS v UNION ALL SELECT '*') AS f,
         (SELECT COALESCE(substr(NEW.area, 1, instr(NEW.area || '.', '.') - 1), '') AS v UNION ALL SELECT '*') AS d,
         (SELECT NEW.channel AS v UNION ALL SELECT '*') AS c
    WHERE NEW.replied_at IS NOT NULL
    ON CONFLICT (family, district, channel, day) DO UPDATE SET replied = replied + excluded.replied, resolution_on_time = resolution_on_time + excluded.resolution_on_time, resolution_late = resolution_late + excluded.resolution_late;
    INSERT INTO daily_counts (day, family, district, channel, closed)
    SELECT date(NEW.closed_at, (SELECT modifier FROM rollup_clock WHERE id = 1)), f.v, d.v, c.v, 1
    FROM (SELECT substr(NEW.category, 1, 2) AS v UNION ALL SELECT '*') AS f,
         (SELECT COALESCE(substr(NEW.area, 1, instr(NEW.area || '.', '.') - 1), '') AS v UNION ALL SELECT '*') AS d,
         (SELECT NEW.channel AS v UNION ALL SELECT '*') AS c
    WHERE NEW.closed_at IS NOT NULL
    ON CONFLICT (family, district, channel, day) DO UPDATE SET closed = closed + excluded.closed;
END;
