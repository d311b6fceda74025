-- Spike alerts (预警): a category family × district whose latest day or week is far above its
-- seasonal baseline (shared::alerts). One row per key, window and day, so the hourly job never
-- alerts twice for the same spike.
CREATE TABLE alerts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    key        TEXT NOT NULL,
    window     TEXT NOT NULL CHECK (window IN ('day', 'week')),
    day        TEXT NOT NULL,
    observed   INTEGER NOT NULL,
    expected   REAL NOT NULL,
    p_value    REAL NOT NULL,
    ratio      REAL NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (key, window, day)
);

CREATE INDEX alerts_by_day ON alerts (day);
