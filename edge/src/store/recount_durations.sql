-- The durations of migration 0011 computed afresh from the tickets (its backfill).
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
GROUP BY 1, 2, 3, 4, 5, 6
