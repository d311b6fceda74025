-- Daily volumes from older systems (POST /api/v1/admin/import/daily-counts?source=NAME): history
-- for the forecasts beside the tickets' own rollup. family '*' is the whole city.
CREATE TABLE legacy_counts (
    source TEXT NOT NULL,
    family TEXT NOT NULL,
    day    TEXT NOT NULL,
    count  INTEGER NOT NULL CHECK (count >= 0),
    PRIMARY KEY (source, family, day)
) WITHOUT ROWID;

CREATE INDEX legacy_counts_by_family ON legacy_counts (family, day);
