-- The public heat map's counts: tickets per month and per year of creation (city-local), by
-- category family ('*' for all) and geohash cell of precision 6 (about 1.2 × 0.6 km), kept by
-- triggers like daily_counts. Finer cells are never stored: the map never needs them, and a
-- cell that small could point at a reporter's door.
ALTER TABLE tickets ADD COLUMN geohash TEXT;

CREATE TABLE heat_counts (
    family TEXT NOT NULL,
    period TEXT NOT NULL,
    cell   TEXT NOT NULL,
    count  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (family, period, cell)
) WITHOUT ROWID;

-- Bumped with every change to a (family, period): cached maps are keyed by it, so a change
-- refreshes the map at its next read and an unchanged map is never recomputed.
CREATE TABLE heat_versions (
    family  TEXT NOT NULL,
    period  TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (family, period)
) WITHOUT ROWID;

CREATE TRIGGER heat_on_insert AFTER INSERT ON tickets WHEN NEW.geohash IS NOT NULL
BEGIN
    INSERT INTO heat_counts (family, period, cell, count)
    SELECT f.v, p.v, NEW.geohash, 1
    FROM (SELECT substr(NEW.category, 1, 2) AS v UNION ALL SELECT '*') AS f,
         (SELECT strftime('%Y-%m', NEW.created_at, (SELECT modifier FROM rollup_clock WHERE id = 1)) AS v
          UNION ALL SELECT strftime('%Y', NEW.created_at, (SELECT modifier FROM rollup_clock WHERE id = 1))) AS p
    WHERE true
    ON CONFLICT (family, period, cell) DO UPDATE SET count = count + 1;
    INSERT INTO heat_versions (family, period, version)
    SELECT family, period, 1 FROM heat_counts WHERE cell = NEW.geohash
      AND family IN (substr(NEW.category, 1, 2), '*')
      AND period IN (strftime('%Y-%m', NEW.created_at, (SELECT modifier FROM rollup_clock WHERE id = 1)),
                     strftime('%Y', NEW.created_at, (SELECT modifier FROM rollup_clock WHERE id = 1)))
    ON CONFLICT (family, period) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER heat_on_update AFTER UPDATE OF geohash, category, created_at ON tickets
BEGIN
    UPDATE heat_counts SET count = count - 1
    WHERE OLD.geohash IS NOT NULL AND cell = OLD.geohash
      AND family IN (substr(OLD.category, 1, 2), '*')
      AND period IN (strftime('%Y-%m', OLD.created_at, (SELECT modifier FROM rollup_clock WHERE id = 1)),
                     strftime('%Y', OLD.created_at, (SELECT modifier FROM rollup_clock WHERE id = 1)));
    INSERT INTO heat_counts (family, period, cell, count)
    SELECT f.v, p.v, NEW.geohash, 1
    FROM (SELECT substr(NEW.category, 1, 2) AS v UNION ALL SELECT '*') AS f,
         (SELECT strftime('%Y-%m', NEW.created_at, (SELECT modifier FROM rollup_clock WHERE id = 1)) AS v
          UNION ALL SELECT strftime('%Y', NEW.created_at, (SELECT modifier FROM rollup_clock WHERE id = 1))) AS p
    WHERE NEW.geohash IS NOT NULL
    ON CONFLICT (family, period, cell) DO UPDATE SET count = count + 1;
    INSERT INTO heat_versions (family, period, version)
    SELECT family, period, 1 FROM heat_counts WHERE cell = OLD.geohash
      AND family IN (substr(OLD.category, 1, 2), '*')
      AND period IN (strftime('%Y-%m', OLD.created_at, (SELECT modifier FROM rollup_clock WHERE id = 1)),
                     strftime('%Y', OLD.created_at, (SELECT modifier FROM rollup_clock WHERE id = 1)))
    ON CONFLICT (family, period) DO UPDATE SET version = version + 1;
    INSERT INTO heat_versions (family, period, version)
    SELECT family, period, 1 FROM heat_counts WHERE cell = NEW.geohash
      AND family IN (substr(NEW.category, 1, 2), '*')
      AND period IN (strftime('%Y-%m', NEW.created_at, (SELECT modifier FROM rollup_clock WHERE id = 1)),
                     strftime('%Y', NEW.created_at, (SELECT modifier FROM rollup_clock WHERE id = 1)))
    ON CONFLICT (family, period) DO UPDATE SET version = version + 1;
END;
