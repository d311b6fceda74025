-- The rollup of migration 0007 computed afresh from the tickets (its backfill, with names).
SELECT CASE WHEN a.k = 1 THEN '*' ELSE x.f END AS family, CASE WHEN b.k = 1 THEN '*' ELSE x.d END AS district,
       CASE WHEN c.k = 1 THEN '*' ELSE x.c END AS channel, x.day AS day, SUM(x.created) AS created, SUM(x.accepted) AS accepted, SUM(x.response_on_time) AS response_on_time, SUM(x.response_late) AS response_late, SUM(x.replied) AS replied, SUM(x.resolution_on_time) AS resolution_on_time, SUM(x.resolution_late) AS resolution_late, SUM(x.closed) AS closed
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
GROUP BY 1, 2, 3, 4
