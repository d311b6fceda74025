//! The dashboards' rollups (migration 0007): daily counts by category family, district and
//! channel, kept by triggers; and the recount that checks them.

use super::{text, Store, StoreResult};
use serde::{Deserialize, Serialize};

/// The rollup computed afresh from the tickets, in the rollup's own shape. Scans every ticket:
/// for the admins' check only, never for a public page.
const RECOUNT: &str = include_str!("recount.sql");
const RECOUNT_DURATIONS: &str = include_str!("recount_durations.sql");

/// One bucket of the durations histogram (migration 0011) for one week of one slice.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DurationCount {
    pub family: String,
    pub district: String,
    pub channel: String,
    pub kind: String,
    pub week: String,
    pub bucket: i64,
    pub count: i64,
}

/// Histograms of one slice: requests per bucket of `shared::durations`.
#[derive(Debug, Default)]
pub struct Durations {
    pub respond: Vec<i64>,
    pub close: Vec<i64>,
}

/// One day of one (family, district, channel) slice; `*` is all.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DailyCount {
    pub family: String,
    pub district: String,
    pub channel: String,
    pub day: String,
    pub created: i64,
    pub accepted: i64,
    pub response_on_time: i64,
    pub response_late: i64,
    pub replied: i64,
    pub resolution_on_time: i64,
    pub resolution_late: i64,
    pub closed: i64,
}

impl DailyCount {
    fn is_empty(&self) -> bool {
        [
            self.created,
            self.accepted,
            self.response_on_time,
            self.response_late,
            self.replied,
            self.resolution_on_time,
            self.resolution_late,
            self.closed,
        ]
        .iter()
        .all(|n| *n == 0)
    }
}

/// Which slice of the rollup a dashboard reads; `None` is all (`*`).
pub struct Slice<'a> {
    pub family: Option<&'a str>,
    pub district: Option<&'a str>,
    pub channel: Option<&'a str>,
}

/// Every possible first-level code as an SQL list: `family IN (…)` lets SQLite seek each
/// family's rows by the primary key, where `family <> '*'` would scan the whole rollup.
fn two_digit_families() -> String {
    (0..100).map(|f| format!("'{f:02}'")).collect::<Vec<_>>().join(",")
}

const COLUMNS: &str = "family, district, channel, day, created, accepted, response_on_time, response_late, replied, \
                       resolution_on_time, resolution_late, closed";

impl Store {
    /// What is kept and its recount, read in one batch (one transaction): read apart, a request
    /// stored between the two reads showed up as a difference that was not there.
    async fn kept_and_recounted<T: serde::de::DeserializeOwned>(
        &self,
        kept: &str,
        recount: &str,
    ) -> StoreResult<(Vec<T>, Vec<T>)> {
        let mut results = self.db.batch(vec![self.db.prepare(kept), self.db.prepare(recount)]).await?.into_iter();
        let (Some(kept), Some(recounted)) = (results.next(), results.next()) else {
            return Err(super::StoreError("batch returned fewer results than statements".into()));
        };
        Ok((kept.results::<T>()?, recounted.results::<T>()?))
    }

    /// The rows of the rollup that differ from a recount (both sides, all-zero rows ignored).
    pub async fn rollup_mismatches(&self) -> StoreResult<(usize, Vec<DailyCount>, Vec<DailyCount>)> {
        let (kept, recounted) =
            self.kept_and_recounted::<DailyCount>(&format!("SELECT {COLUMNS} FROM daily_counts"), RECOUNT).await?;
        let kept: std::collections::HashSet<DailyCount> = kept.into_iter().filter(|r| !r.is_empty()).collect();
        let recounted: std::collections::HashSet<DailyCount> = recounted.into_iter().collect();
        let only_kept = kept.difference(&recounted).cloned().collect();
        let only_recounted = recounted.difference(&kept).cloned().collect();
        Ok((kept.len(), only_kept, only_recounted))
    }

    /// The durations histogram's rows that differ from a recount (both sides, zero rows ignored).
    pub async fn duration_mismatches(&self) -> StoreResult<(Vec<DurationCount>, Vec<DurationCount>)> {
        let (kept, recounted) = self
            .kept_and_recounted::<DurationCount>(
                "SELECT family, district, channel, kind, week, bucket, count FROM duration_counts WHERE count <> 0",
                RECOUNT_DURATIONS,
            )
            .await?;
        let kept: std::collections::HashSet<DurationCount> = kept.into_iter().collect();
        let recounted: std::collections::HashSet<DurationCount> = recounted.into_iter().collect();
        Ok((kept.difference(&recounted).cloned().collect(), recounted.difference(&kept).cloned().collect()))
    }

    /// The histograms of the weeks starting `[from_week, to]` (Mondays): at most 53 × 17 rows
    /// per kind for a year.
    pub async fn durations(&self, slice: &Slice<'_>, from_week: &str, to: &str) -> StoreResult<Durations> {
        #[derive(Deserialize)]
        struct Row {
            kind: String,
            bucket: i64,
            n: i64,
        }
        let rows = self
            .db
            .prepare(
                "SELECT kind, bucket, SUM(count) AS n FROM duration_counts WHERE family = ?1 AND district = ?2 \
                 AND channel = ?3 AND kind IN ('respond', 'close') AND week >= ?4 AND week <= ?5 \
                 GROUP BY kind, bucket",
            )
            .bind(&[
                text(slice.family.unwrap_or("*")),
                text(slice.district.unwrap_or("*")),
                text(slice.channel.unwrap_or("*")),
                text(from_week),
                text(to),
            ])?
            .all()
            .await?
            .results::<Row>()?;
        let mut out =
            Durations { respond: vec![0; shared::durations::BUCKETS], close: vec![0; shared::durations::BUCKETS] };
        for row in rows {
            let into = if row.kind == "respond" { &mut out.respond } else { &mut out.close };
            if let Some(slot) = usize::try_from(row.bucket).ok().and_then(|b| into.get_mut(b)) {
                *slot += row.n;
            }
        }
        Ok(out)
    }

    /// Days `[from, to]` of one slice, oldest first: at most one row per day.
    pub async fn daily_counts(&self, slice: &Slice<'_>, from: &str, to: &str) -> StoreResult<Vec<DailyCount>> {
        Ok(self
            .db
            .prepare(format!(
                "SELECT {COLUMNS} FROM daily_counts WHERE family = ?1 AND district = ?2 AND channel = ?3 \
                 AND day >= ?4 AND day <= ?5 ORDER BY day"
            ))
            .bind(&[
                text(slice.family.unwrap_or("*")),
                text(slice.district.unwrap_or("*")),
                text(slice.channel.unwrap_or("*")),
                text(from),
                text(to),
            ])?
            .all()
            .await?
            .results::<DailyCount>()?)
    }

    /// Created per category family over `[from, to]` for the slice's district and channel.
    pub async fn family_totals(&self, slice: &Slice<'_>, from: &str, to: &str) -> StoreResult<Vec<(String, i64)>> {
        #[derive(Deserialize)]
        struct Row {
            family: String,
            created: i64,
        }
        let families = two_digit_families();
        let rows = self
            .db
            .prepare(format!(
                "SELECT family, SUM(created) AS created FROM daily_counts WHERE family IN ({families}) AND district = ?1 \
                 AND channel = ?2 AND day >= ?3 AND day <= ?4 GROUP BY family ORDER BY created DESC"
            ))
            .bind(&[text(slice.district.unwrap_or("*")), text(slice.channel.unwrap_or("*")), text(from), text(to)])?
            .all()
            .await?
            .results::<Row>()?;
        Ok(rows.into_iter().map(|r| (r.family, r.created)).collect())
    }
}

impl Store {
    /// Requests per day of one family (`*`: all) in `[from, before)`: the tickets' own rollup
    /// plus volumes imported from older systems.
    pub async fn daily_history(&self, family: &str, from: &str, before: &str) -> StoreResult<Vec<(String, i64)>> {
        #[derive(Deserialize)]
        struct Row {
            day: String,
            n: i64,
        }
        let rows = self
            .db
            .prepare(
                "SELECT day, SUM(n) AS n FROM ( \
                   SELECT day, created AS n FROM daily_counts \
                   WHERE family = ?1 AND district = '*' AND channel = '*' AND day >= ?2 AND day < ?3 \
                   UNION ALL SELECT day, count AS n FROM legacy_counts WHERE family = ?1 AND day >= ?2 AND day < ?3 \
                 ) GROUP BY day ORDER BY day",
            )
            .bind(&[text(family), text(from), text(before)])?
            .all()
            .await?
            .results::<Row>()?;
        Ok(rows.into_iter().map(|r| (r.day, r.n)).collect())
    }

    /// Requests per first-level family and day in `[from, before)` (rollup and imported history
    /// together): the seasonal outlook's input, read once a day (it is cached).
    pub async fn family_history(&self, from: &str, before: &str) -> StoreResult<Vec<(String, String, i64)>> {
        #[derive(Deserialize)]
        struct Row {
            family: String,
            day: String,
            n: i64,
        }
        let families = two_digit_families();
        let rows = self
            .db
            .prepare(format!(
                "SELECT family, day, SUM(n) AS n FROM ( \
                   SELECT family, day, created AS n FROM daily_counts \
                   WHERE family IN ({families}) AND district = '*' AND channel = '*' AND day >= ?1 AND day < ?2 \
                   UNION ALL SELECT family, day, count AS n FROM legacy_counts \
                   WHERE family IN ({families}) AND day >= ?1 AND day < ?2 \
                 ) GROUP BY family, day"
            ))
            .bind(&[text(from), text(before)])?
            .all()
            .await?
            .results::<Row>()?;
        Ok(rows.into_iter().map(|r| (r.family, r.day, r.n)).collect())
    }

    /// Imported volumes of `source`; importing the same source and day again replaces the count.
    pub async fn put_legacy_counts(
        &self,
        source: &str,
        rows: &[shared::daily_counts::DailyCount],
        audit: &super::Audit,
    ) -> StoreResult<()> {
        let mut statements = Vec::with_capacity(rows.len() + 1);
        for r in rows {
            statements.push(
                self.db
                    .prepare(
                        "INSERT INTO legacy_counts (source, family, day, count) VALUES (?1, ?2, ?3, ?4) \
                         ON CONFLICT (source, family, day) DO UPDATE SET count = excluded.count",
                    )
                    .bind(&[
                        text(source),
                        text(r.family.as_deref().unwrap_or("*")),
                        text(&r.day.to_string()),
                        worker::wasm_bindgen::JsValue::from_f64(f64::from(r.count)),
                    ])?,
            );
        }
        statements.push(self.audit_statement(audit)?);
        // D1 runs a batch as one transaction; large files go in slices so none times out.
        for chunk in statements.chunks(1000) {
            self.db.batch(chunk.to_vec()).await?;
        }
        Ok(())
    }
}

impl Store {
    /// Tickets per cell at `precision` (≤ the stored 6) of one family and period: one row per
    /// stored cell read, so a year of a large city stays within a few thousand rows.
    pub async fn heat_cells(&self, family: &str, period: &str, precision: usize) -> StoreResult<Vec<(String, u32)>> {
        #[derive(Deserialize)]
        struct Row {
            cell: String,
            n: i64,
        }
        let rows = self
            .db
            .prepare(
                "SELECT substr(cell, 1, ?3) AS cell, SUM(count) AS n FROM heat_counts \
                 WHERE family = ?1 AND period = ?2 AND count > 0 GROUP BY 1",
            )
            .bind(&[text(family), text(period), worker::wasm_bindgen::JsValue::from_f64(precision as f64)])?
            .all()
            .await?
            .results::<Row>()?;
        Ok(rows.into_iter().map(|r| (r.cell, u32::try_from(r.n).unwrap_or(0))).collect())
    }
}

impl Store {
    /// How many times the (family, period) heat counts have changed; cached maps carry it.
    pub async fn heat_version(&self, family: &str, period: &str) -> StoreResult<i64> {
        #[derive(Deserialize)]
        struct Row {
            version: i64,
        }
        let row: Option<Row> = self
            .db
            .prepare("SELECT version FROM heat_versions WHERE family = ?1 AND period = ?2")
            .bind(&[text(family), text(period)])?
            .first(None)
            .await?;
        Ok(row.map_or(0, |r| r.version))
    }
}

impl Store {
    /// The assessment month's version (migration 0012): 0 for a month nothing fed yet.
    pub async fn assessment_version(&self, month: &str) -> StoreResult<i64> {
        #[derive(Deserialize)]
        struct Row {
            version: i64,
        }
        let row: Option<Row> = self
            .db
            .prepare("SELECT version FROM assessment_versions WHERE month = ?1")
            .bind(&[text(month)])?
            .first(None)
            .await?;
        Ok(row.map_or(0, |r| r.version))
    }
}

/// A recent request as hot-issue mining reads it.
#[derive(Deserialize)]
pub struct RecentRequest {
    pub tracking_no: String,
    pub title: String,
    pub description: String,
    pub category: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub area: Option<String>,
    pub created_at: String,
    pub repeat_count: i64,
}

/// A stored alert, as supervisors see it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredAlert {
    pub key: String,
    pub window: String,
    pub day: String,
    pub observed: i64,
    pub expected: f64,
    pub p_value: f64,
    pub ratio: f64,
    pub created_at: String,
}

impl Store {
    /// Requests created since `since`, newest first, at most `limit`; merged duplicates and
    /// confirmed unreasonable requests are not issues.
    pub async fn recent_requests(&self, since: &str, limit: u32) -> StoreResult<Vec<RecentRequest>> {
        Ok(self
            .db
            .prepare(
                "SELECT tracking_no, title, description, category, lat, lng, area, created_at, repeat_count \
                 FROM tickets WHERE created_at >= ?1 AND status NOT IN ('merged', 'rejected_unreasonable') \
                 ORDER BY created_at DESC LIMIT ?2",
            )
            .bind(&[text(since), worker::wasm_bindgen::JsValue::from_f64(f64::from(limit))])?
            .all()
            .await?
            .results::<RecentRequest>()?)
    }

    /// Created per day of every family × district in `[from, to]` (no '*' rows).
    pub async fn alert_series(&self, from: &str, to: &str) -> StoreResult<Vec<(String, String, i64)>> {
        #[derive(Deserialize)]
        struct Row {
            key: String,
            day: String,
            created: i64,
        }
        let rows = self
            .db
            .prepare(
                "SELECT family || '|' || district AS key, day, created FROM daily_counts \
                 WHERE family <> '*' AND district <> '*' AND channel = '*' AND day >= ?1 AND day <= ?2",
            )
            .bind(&[text(from), text(to)])?
            .all()
            .await?
            .results::<Row>()?;
        Ok(rows.into_iter().map(|r| (r.key, r.day, r.created)).collect())
    }

    /// Record an alert; false when this key, window and day alerted already.
    pub async fn record_alert(&self, a: &StoredAlert, notices: Vec<worker::D1PreparedStatement>) -> StoreResult<bool> {
        let insert = self
            .db
            .prepare(
                "INSERT INTO alerts (key, window, day, observed, expected, p_value, ratio, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .bind(&[
                text(&a.key),
                text(&a.window),
                text(&a.day),
                worker::wasm_bindgen::JsValue::from_f64(a.observed as f64),
                worker::wasm_bindgen::JsValue::from_f64(a.expected),
                worker::wasm_bindgen::JsValue::from_f64(a.p_value),
                worker::wasm_bindgen::JsValue::from_f64(a.ratio),
                text(&a.created_at),
            ])?;
        let mut statements = vec![insert];
        statements.extend(notices);
        match self.db.batch(statements).await {
            Ok(_) => Ok(true),
            Err(e) if e.to_string().contains("UNIQUE") => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn alerts_since(&self, day: &str) -> StoreResult<Vec<StoredAlert>> {
        Ok(self
            .db
            .prepare(
                "SELECT key, window, day, observed, expected, p_value, ratio, created_at FROM alerts \
                 WHERE day >= ?1 ORDER BY day DESC, p_value LIMIT 500",
            )
            .bind(&[text(day)])?
            .all()
            .await?
            .results::<StoredAlert>()?)
    }

    /// The 12345 centre: alerts go to its notification centre and webhook.
    pub async fn centre_code(&self) -> StoreResult<Option<String>> {
        #[derive(Deserialize)]
        struct Row {
            code: String,
        }
        let row: Option<Row> = self
            .db
            .prepare("SELECT code FROM departments WHERE level = 'centre' AND active = 1 ORDER BY code LIMIT 1")
            .first(None)
            .await?;
        Ok(row.map(|r| r.code))
    }
}
