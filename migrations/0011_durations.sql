-- Durations for the public medians (time to respond, time to close), kept by triggers in the
-- same transaction as every change to a ticket, like daily_counts (0007): a histogram of the
-- hours from submission to acceptance ('respond') and to closing ('close'), per city-local ISO
-- week of the acceptance or closing (its Monday), per category family, district and channel and
-- every combination with '*' (all). Buckets are `shared::durations::BOUNDS_HOURS` (a test checks
-- the CASE below against them); a year's dashboard reads at most 53 × 17 rows per kind.
CREATE TABLE duration_counts (
    family   TEXT NOT NULL,
    district TEXT NOT NULL,
    channel  TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('respond', 'close')),
    week     TEXT NOT NULL,
    bucket   INTEGER NOT NULL,
    count    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (family, district, channel, kind, week, bucket)
) WITHOUT ROWID;

-- Tickets stored before this migration.
INSERT INTO duration_counts (family, district, channel, kind, week, bucket, count)
SELECT CASE WHEN a.k = 1 THEN '*' ELSE x.f END AS family, CASE WHEN b.k = 1 THEN '*' ELSE x.d END AS district,
       CASE WHEN c.k = 1 THEN '*' ELSE x.c END AS channel, x.kind AS kind, x.week AS week, x.bucket AS bucket, COUNT(*) AS count
FROM (
    SELECT substr(t.category, 1, 2) AS f, COALESCE(substr(t.area, 1, instr(t.area || '.', '.') - 1), '') AS d, t.channel AS c, 'respond' AS kind,
           date(t.accepted_at, (SELECT modifier FROM rollup_clock WHERE id = 1), 'weekday 0', '-6 days') AS week,
           (SELECT CASE WHEN h < 1 THEN 0 WHEN h < 2 THEN 1 WHEN h < 4 THEN 2 WHEN h < 8 THEN 3 WHEN h < 12 THEN 4 WHEN h < 24 THEN 5 WHEN h < 36 THEN 6 WHEN h < 48 THEN 7 WHEN h < 72 THEN 8 WHEN h < 96 THEN 9 WHEN h < 120 THEN 10 WHEN h < 168 THEN 11 WHEN h < 240 THEN 12 WHEN h < 360 THEN 13 WHEN h < 480 THEN 14 WHEN h < 720 THEN 15 ELSE 16 END FROM (SELECT (julianday(t.accepted_at) - julianday(t.created_at)) * 24 AS h)) AS bucket
    FROM tickets t WHERE t.accepted_at IS NOT NULL AND t.created_at IS NOT NULL
    UNION ALL
    SELECT substr(t.category, 1, 2) AS f, COALESCE(substr(t.area, 1, instr(t.area || '.', '.') - 1), '') AS d, t.channel AS c, 'close' AS kind,
           date(t.closed_at, (SELECT modifier FROM rollup_clock WHERE id = 1), 'weekday 0', '-6 days') AS week,
           (SELECT CASE WHEN h < 1 THEN 0 WHEN h < 2 THEN 1 WHEN h < 4 THEN 2 WHEN h < 8 THEN 3 WHEN h < 12 THEN 4 WHEN h < 24 THEN 5 WHEN h < 36 THEN 6 WHEN h < 48 THEN 7 WHEN h < 72 THEN 8 WHEN h < 96 THEN 9 WHEN h < 120 THEN 10 WHEN h < 168 THEN 11 WHEN h < 240 THEN 12 WHEN h < 360 THEN 13 WHEN h < 480 THEN 14 WHEN h < 720 THEN 15 ELSE 16 END FROM (SELECT (julianday(t.closed_at) - julianday(t.created_at)) * 24 AS h)) AS bucket
    FROM tickets t WHERE t.closed_at IS NOT NULL AND t.created_at IS NOT NULL
) AS x, (SELECT 0 AS k UNION ALL SELECT 1) AS a, (SELECT 0 AS k UNION ALL SELECT 1) AS b, (SELECT 0 AS k UNION ALL SELECT 1) AS c
GROUP BY 1, 2, 3, 4, 5, 6;

CREATE TRIGGER durations_on_insert AFTER INSERT ON tickets
BEGIN
    INSERT INTO duration_counts (family, district, channel, kind, week, bucket, count)
    SELECT f.v, d.v, c.v, 'respond', date(NEW.accepted_at, (SELECT modifier FROM rollup_clock WHERE id = 1), 'weekday 0', '-6 days'), b.v, 1
    FROM (SELECT substr(NEW.category, 1, 2) AS v UNION ALL SELECT '*') AS f,
         (SELECT COALESCE(substr(NEW.area, 1, instr(NEW.area || '.', '.') - 1), '') AS v UNION ALL SELECT '*') AS d,
         (SELECT NEW.channel AS v UNION ALL SELECT '*') AS c,
         (SELECT CASE WHEN h < 1 THEN 0 WHEN h < 2 THEN 1 WHEN h < 4 THEN 2 WHEN h < 8 THEN 3 WHEN h < 12 THEN 4 WHEN h < 24 THEN 5 WHEN h < 36 THEN 6 WHEN h < 48 THEN 7 WHEN h < 72 THEN 8 WHEN h < 96 THEN 9 WHEN h < 120 THEN 10 WHEN h < 168 THEN 11 WHEN h < 240 THEN 12 WHEN h < 360 THEN 13 WHEN h < 480 THEN 14 WHEN h < 720 THEN 15 ELSE 16 END AS v FROM (SELECT (julianday(NEW.accepted_at) - julianday(NEW.created_at)) * 24 AS h)) AS b
    WHERE NEW.accepted_at IS NOT NULL AND NEW.created_at IS NOT NULL
    ON CONFLICT (family, district, channel, kind, week, bucket) DO UPDATE SET count = count + excluded.count;
    INSERT INTO duration_counts (family, district, channel, kind, week, bucket, count)
    SELECT f.v, d.v, c.v, 'close', date(NEW.closed_at, (SELECT modifier FROM rollup_clock WHERE id = 1), 'weekday 0', '-6 days'), b.v, 1
    FROM (SELECT substr(NEW.category, 1, 2) AS v UNION ALL SELECT '*') AS f,
         (SELECT COALESCE(substr(NEW.area, 1, instr(NEW.area || '.', '.') - 1), '') AS v UNION ALL SELECT '*') AS d,
         (SELECT NEW.channel AS v UNION ALL SELECT '*') AS c,
         (SELECT CASE WHEN h < 1 THEN 0 WHEN h < 2 THEN 1 WHEN h < 4 THEN 2 WHEN h < 8 THEN 3 WHEN h < 12 THEN 4 WHEN h < 24 THEN 5 WHEN h < 36 THEN 6 WHEN h < 48 THEN 7 WHEN h < 72 THEN 8 WHEN h < 96 THEN 9 WHEN h < 120 THEN 10 WHEN h < 168 THEN 11 WHEN h < 240 THEN 12 WHEN h < 360 THEN 13 WHEN h < 480 THEN 14 WHEN h < 720 THEN 15 ELSE 16 END AS v FROM (SELECT (julianday(NEW.closed_at) - julianday(NEW.created_at)) * 24 AS h)) AS b
    WHERE NEW.closed_at IS NOT NULL AND NEW.created_at IS NOT NULL
    ON CONFLICT (family, district, channel, kind, week, bucket) DO UPDATE SET count = count + excluded.count;
END;

CREATE TRIGGER durations_on_update AFTER UPDATE OF created_at, category, area, channel, accepted_at, closed_at ON tickets
WHEN OLD.created_at IS NOT NEW.created_at OR OLD.category IS NOT NEW.category OR OLD.area IS NOT NEW.area OR OLD.channel IS NOT NEW.channel OR OLD.accepted_at IS NOT NEW.accepted_at OR OLD.closed_at IS NOT NEW.closed_at
BEGIN
    INSERT INTO duration_counts (family, district, channel, kind, week, bucket, count)
    SELECT f.v, d.v, c.v, 'respond', date(OLD.accepted_at, (SELECT modifier FROM rollup_clock WHERE id = 1), 'weekday 0', '-6 days'), b.v, -1
    FROM (SELECT substr(OLD.category, 1, 2) AS v UNION ALL SELECT '*') AS f,
         (SELECT COALESCE(substr(OLD.area, 1, instr(OLD.area || '.', '.') - 1), '') AS v UNION ALL SELECT '*') AS d,
         (SELECT OLD.channel AS v UNION ALL SELECT '*') AS c,
         (SELECT CASE WHEN h < 1 THEN 0 WHEN h < 2 THEN 1 WHEN h < 4 THEN 2 WHEN h < 8 THEN 3 WHEN h < 12 THEN 4 WHEN h < 24 THEN 5 WHEN h < 36 THEN 6 WHEN h < 48 THEN 7 WHEN h < 72 THEN 8 WHEN h < 96 THEN 9 WHEN h < 120 THEN 10 WHEN h < 168 THEN 11 WHEN h < 240 THEN 12 WHEN h < 360 THEN 13 WHEN h < 480 THEN 14 WHEN h < 720 THEN 15 ELSE 16 END AS v FROM (SELECT (julianday(OLD.accepted_at) - julianday(OLD.created_at)) * 24 AS h)) AS b
    WHERE OLD.accepted_at IS NOT NULL AND OLD.created_at IS NOT NULL
    ON CONFLICT (family, district, channel, kind, week, bucket) DO UPDATE SET count = count + excluded.count;
    INSERT INTO duration_counts (family, district, channel, kind, week, bucket, count)
    SELECT f.v, d.v, c.v, 'close', date(OLD.closed_at, (SELECT modifier FROM rollup_clock WHERE id = 1), 'weekday 0', '-6 days'), b.v, -1
    FROM (SELECT substr(OLD.category, 1, 2) AS v UNION ALL SELECT '*') AS f,
         (SELECT COALESCE(substr(OLD.area, 1, instr(OLD.area || '.', '.') - 1), '') AS v UNION ALL SELECT '*') AS d,
         (SELECT OLD.channel AS v UNION ALL SELECT '*') AS c,
         (SELECT CASE WHEN h < 1 THEN 0 WHEN h < 2 THEN 1 WHEN h < 4 THEN 2 WHEN h < 8 THEN 3 WHEN h < 12 THEN 4 WHEN h < 24 THEN 5 WHEN h < 36 THEN 6 WHEN h < 48 THEN 7 WHEN h < 72 THEN 8 WHEN h < 96 THEN 9 WHEN h < 120 THEN 10 WHEN h < 168 THEN 11 WHEN h < 240 THEN 12 WHEN h < 360 THEN 13 WHEN h < 480 THEN 14 WHEN h < 720 THEN 15 ELSE 16 END AS v FROM (SELECT (julianday(OLD.closed_at) - julianday(OLD.created_at)) * 24 AS h)) AS b
    WHERE OLD.closed_at IS NOT NULL AND OLD.created_at IS NOT NULL
    ON CONFLICT (family, district, channel, kind, week, bucket) DO UPDATE SET count = count + excluded.count;
    INSERT INTO duration_counts (family, district, channel, kind, week, bucket, count)
    SELECT f.v, d.v, c.v, 'respond', date(NEW.accepted_at, (SELECT modifier FROM rollup_clock WHERE id = 1), 'weekday 0', '-6 days'), b.v, 1
    FROM (SELECT substr(NEW.category, 1, 2) AS v UNION ALL SELECT '*') AS f,
         (SELECT COALESCE(substr(NEW.area, 1, instr(NEW.area || '.', '.') - 1), '') AS v UNION ALL SELECT '*') AS d,
         (SELECT NEW.channel AS v UNION ALL SELECT '*') AS c,
         (SELECT CASE WHEN h < 1 THEN 0 WHEN h < 2 THEN 1 WHEN h < 4 THEN 2 WHEN h < 8 THEN 3 WHEN h < 12 THEN 4 WHEN h < 24 THEN 5 WHEN h < 36 THEN 6 WHEN h < 48 THEN 7 WHEN h < 72 THEN 8 WHEN h < 96 THEN 9 WHEN h < 120 THEN 10 WHEN h < 168 THEN 11 WHEN h < 240 THEN 12 WHEN h < 360 THEN 13 WHEN h < 480 THEN 14 WHEN h < 720 THEN 15 ELSE 16 END AS v FROM (SELECT (julianday(NEW.accepted_at) - julianday(NEW.created_at)) * 24 AS h)) AS b
    WHERE NEW.accepted_at IS NOT NULL AND NEW.created_at IS NOT NULL
    ON CONFLICT (family, district, channel, kind, week, bucket) DO UPDATE SET count = count + excluded.count;
    INSERT INTO duration_counts (family, district, channel, kind, week, bucket, count)
    SELECT f.v, d.v, c.v, 'close', date(NEW.closed_at, (SELECT modifier FROM rollup_clock WHERE id = 1), 'weekday 0', '-6 days'), b.v, 1
    FROM (SELECT substr(NEW.category, 1, 2) AS v UNION ALL SELECT '*') AS f,
         (SELECT COALESCE(substr(NEW.area, 1, instr(NEW.area || '.', '.') - 1), '') AS v UNION ALL SELECT '*') AS d,
         (SELECT NEW.channel AS v UNION ALL SELECT '*') AS c,
         (SELECT CASE WHEN h < 1 THEN 0 WHEN h < 2 THEN 1 WHEN h < 4 THEN 2 WHEN h < 8 THEN 3 WHEN h < 12 THEN 4 WHEN h < 24 THEN 5 WHEN h < 36 THEN 6 WHEN h < 48 THEN 7 WHEN h < 72 THEN 8 WHEN h < 96 THEN 9 WHEN h < 120 THEN 10 WHEN h < 168 THEN 11 WHEN h < 240 THEN 12 WHEN h < 360 THEN 13 WHEN h < 480 THEN 14 WHEN h < 720 THEN 15 ELSE 16 END AS v FROM (SELECT (julianday(NEW.closed_at) - julianday(NEW.created_at)) * 24 AS h)) AS b
    WHERE NEW.closed_at IS NOT NULL AND NEW.created_at IS NOT NULL
    ON CONFLICT (family, district, channel, kind, week, bucket) DO UPDATE SET count = count + excluded.count;
END;
