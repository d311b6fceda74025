//! The hourly analysis: hot issues (热点问题) clustered from the last 30 days' requests into KV
//! for the public page, and spike alerts (预警) on the last complete day and week of every
//! category family × district, recorded once and sent to supervisors and the centre's webhook.

use crate::store::{Notice, Store, StoredAlert};
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, SecondsFormat, Utc};
use serde::Serialize;
use shared::alerts::{detect, AlertSettings};
use shared::geo::LatLng;
use shared::hot_issues::{cluster, ClusterSettings, HotIssue, IssueInput};
use std::collections::BTreeMap;

pub const HOT_ISSUES_KEY: &str = "hot-issues";
/// Hot issues are recomputed hourly; the key outlives two runs in case one fails.
const HOT_ISSUES_TTL_SECONDS: u64 = 3 * 3600;
/// The requests clustered: the most recent ones of the window, at most this many.
const MAX_REQUESTS: u32 = 10_000;
const WINDOW_DAYS: i64 = 30;

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub requests: usize,
    pub issues: usize,
    pub day: String,
    pub alerts: usize,
    pub new_alerts: usize,
}

#[derive(Serialize)]
struct Published<'a> {
    computed_at: DateTime<Utc>,
    window_days: i64,
    issues: &'a [HotIssue],
}

fn parse(raw: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw).ok().map(|t| t.with_timezone(&Utc))
}

/// The published hot issues as JSON; titles are masked like every public text.
pub async fn hot_issues(store: &Store, now: DateTime<Utc>) -> Result<(String, usize, usize), String> {
    let since = (now - Duration::days(WINDOW_DAYS)).to_rfc3339_opts(SecondsFormat::Millis, true);
    let rows = store.recent_requests(&since, MAX_REQUESTS).await.map_err(|e| e.0)?;
    let items: Vec<IssueInput> = rows
        .into_iter()
        .filter_map(|r| {
            Some(IssueInput {
                at: parse(&r.created_at)?,
                point: r.lat.zip(r.lng).map(|(lat, lng)| LatLng { lat, lng }),
                area: r.area.map(|a| a.replace('.', "/")),
                repeats: u32::try_from(r.repeat_count).unwrap_or(0),
                id: r.tracking_no,
                title: r.title,
                text: r.description,
                category: r.category,
            })
        })
        .collect();
    let mut issues = cluster(&items, &ClusterSettings::default(), now);
    issues.truncate(50);
    for issue in &mut issues {
        issue.title = shared::redact::public_text(&issue.title);
    }
    let body = serde_json::to_string(&Published { computed_at: now, window_days: WINDOW_DAYS, issues: &issues })
        .map_err(|e| e.to_string())?;
    Ok((body, items.len(), issues.len()))
}

pub async fn store_hot_issues(env: &worker::Env, body: String) -> Result<(), String> {
    let kv = env.kv(crate::intake::KV_BINDING).map_err(|e| e.to_string())?;
    kv.put(HOT_ISSUES_KEY, body)
        .map_err(|e| e.to_string())?
        .expiration_ttl(HOT_ISSUES_TTL_SECONDS)
        .execute()
        .await
        .map_err(|e| e.to_string())
}

/// Alerts on the last complete city-local day before `now` (and the week ending with it).
pub async fn alerts(store: &Store, offset: FixedOffset, now: DateTime<Utc>) -> Result<(String, usize, usize), String> {
    let settings = AlertSettings::default();
    let today: NaiveDate = now.with_timezone(&offset).date_naive() - Duration::days(1);
    let from = today - Duration::days(i64::from(settings.baseline_weeks) * 7 + 6);
    let rows = store.alert_series(&from.to_string(), &today.to_string()).await.map_err(|e| e.0)?;
    let mut series: BTreeMap<String, Vec<(NaiveDate, u32)>> = BTreeMap::new();
    for (key, day, n) in rows {
        if let Ok(day) = NaiveDate::parse_from_str(&day, "%Y-%m-%d") {
            series.entry(key).or_default().push((day, u32::try_from(n).unwrap_or(0)));
        }
    }
    let series: Vec<(String, Vec<(NaiveDate, u32)>)> = series.into_iter().collect();
    let found = detect(&series, today, &settings);
    let centre = store.centre_code().await.map_err(|e| e.0)?;
    let created_at = now.to_rfc3339_opts(SecondsFormat::Millis, true);
    let mut new = 0;
    for a in &found {
        let stored = StoredAlert {
            key: a.key.clone(),
            window: a.window.as_str().to_owned(),
            day: today.to_string(),
            observed: i64::from(a.observed),
            expected: a.expected,
            p_value: a.p_value,
            ratio: a.ratio,
            created_at: created_at.clone(),
        };
        let data = serde_json::to_value(&stored).map_err(|e| e.to_string())?;
        let mut notices =
            store.role_notice_statements("supervisor", "spike_alert", &stored.key, &data, &now).map_err(|e| e.0)?;
        if let Some(centre) = centre.as_deref() {
            let id = crate::clock::random_id().map_err(|e| e.to_string())?;
            let notice = Notice {
                department: Some(centre),
                user: None,
                event: "spike_alert",
                tracking_no: None,
                data,
                at: now,
                id,
            };
            notices.extend(store.notice_statements(&notice).map_err(|e| e.0)?);
        }
        if store.record_alert(&stored, notices).await.map_err(|e| e.0)? {
            new += 1;
        }
    }
    Ok((today.to_string(), found.len(), new))
}

/// Both jobs, as the hourly cron and an admin's "run now" call them.
pub async fn run(store: &Store, env: &worker::Env, offset: FixedOffset, now: DateTime<Utc>) -> Result<Summary, String> {
    let (body, requests, issues) = hot_issues(store, now).await?;
    store_hot_issues(env, body).await?;
    let (day, alerts, new_alerts) = alerts(store, offset, now).await?;
    Ok(Summary { requests, issues, day, alerts, new_alerts })
}
