//! The public dashboard, read from the rollups (at most one row per day of the period, plus one
//! per category family), and the admins' check that the rollups equal a recount.

use super::casework::invalid;
use super::respond;
use crate::config::{AppState, DB_BINDING};
use crate::error::ApiError;
use crate::http::{json, query_param};
use crate::store::{DailyCount, Slice, Store};
use chrono::{Datelike, Duration, NaiveDate};
use serde_json::json as value;
use shared::error::FieldErrorCode;
use shared::request::Channel;
use std::collections::BTreeMap;
use worker::{Request, Response, Result, RouteContext};

/// A year and a day: a leap year's dashboard, and never more rows than days.
const MAX_DAYS: i64 = 366;
const DEFAULT_DAYS: i64 = 30;

fn date(req: &Request, name: &str) -> std::result::Result<Option<NaiveDate>, ApiError> {
    match query_param(req, name) {
        None => Ok(None),
        Some(raw) => NaiveDate::parse_from_str(&raw, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| invalid(name, FieldErrorCode::InvalidFormat, "a date like 2026-11-29")),
    }
}

/// `?from=&to=` (city-local days, inclusive; default the last 30 days) and the filters.
struct Query {
    from: NaiveDate,
    to: NaiveDate,
    family: Option<String>,
    district: Option<String>,
    channel: Option<String>,
}

fn query(req: &Request, ctx: &RouteContext<AppState>) -> std::result::Result<Query, ApiError> {
    let today = crate::clock::now().with_timezone(&ctx.data.city.offset()).date_naive();
    let to = date(req, "to")?.unwrap_or(today);
    let from = date(req, "from")?.unwrap_or(to - Duration::days(DEFAULT_DAYS - 1));
    if from > to {
        return Err(invalid("from", FieldErrorCode::OutOfRange, "on or before `to`"));
    }
    if (to - from).num_days() >= MAX_DAYS {
        return Err(invalid("from", FieldErrorCode::OutOfRange, "at most 366 days before `to`"));
    }
    let family = query_param(req, "category").filter(|c| !c.is_empty());
    if family.as_deref().is_some_and(|f| f.len() != 2 || !f.bytes().all(|b| b.is_ascii_digit())) {
        return Err(invalid("category", FieldErrorCode::InvalidFormat, "a first-level category code like 01"));
    }
    let district = query_param(req, "area").filter(|a| !a.is_empty());
    if district.as_deref().is_some_and(|d| d.contains('.') || d.len() > 32) {
        return Err(invalid("area", FieldErrorCode::InvalidFormat, "a district code like a3"));
    }
    let channel = query_param(req, "channel").filter(|c| !c.is_empty());
    if channel.as_deref().is_some_and(|c| Channel::parse(c).is_none()) {
        return Err(invalid("channel", FieldErrorCode::UnknownValue, "a channel such as web or hotline"));
    }
    Ok(Query { from, to, family, district, channel })
}

fn rate(on_time: i64, late: i64) -> Option<f64> {
    (on_time + late > 0).then(|| on_time as f64 / (on_time + late) as f64)
}

fn add(into: &mut [i64; 4], d: &DailyCount) {
    into[0] += d.created;
    into[1] += d.accepted;
    into[2] += d.replied;
    into[3] += d.closed;
}

fn series(buckets: BTreeMap<String, [i64; 4]>) -> Vec<serde_json::Value> {
    buckets
        .into_iter()
        .map(|(key, [created, accepted, replied, closed])| {
            value!({ "key": key, "created": created, "accepted": accepted, "replied": replied, "closed": closed })
        })
        .collect()
}

fn duration(histogram: &[i64]) -> serde_json::Value {
    value!({
        "median_hours": shared::durations::median_hours(histogram),
        "n": histogram.iter().sum::<i64>(),
    })
}

pub async fn dashboard(req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let q = query(&req, &ctx)?;
            let slice =
                Slice { family: q.family.as_deref(), district: q.district.as_deref(), channel: q.channel.as_deref() };
            let (from, to) = (q.from.to_string(), q.to.to_string());
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let days = store.daily_counts(&slice, &from, &to).await?;
            let families = store.family_totals(&slice, &from, &to).await?;
            // Durations are kept per week: the weeks that start in the period, and the one it
            // starts in.
            let from_week = (q.from - Duration::days(i64::from(q.from.weekday().num_days_from_monday()))).to_string();
            let durations = store.durations(&slice, &from_week, &to).await?;
            let (mut by_day, mut by_week, mut by_month) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
            let mut totals = [0i64; 4];
            let (mut r_on, mut r_late, mut s_on, mut s_late) = (0, 0, 0, 0);
            for d in &days {
                add(&mut totals, d);
                (r_on, r_late, s_on, s_late) = (
                    r_on + d.response_on_time,
                    r_late + d.response_late,
                    s_on + d.resolution_on_time,
                    s_late + d.resolution_late,
                );
                let Ok(day) = NaiveDate::parse_from_str(&d.day, "%Y-%m-%d") else {
                    continue;
                };
                let week = day.iso_week();
                add(by_day.entry(d.day.clone()).or_insert([0; 4]), d);
                add(by_week.entry(format!("{}-W{:02}", week.year(), week.week())).or_insert([0; 4]), d);
                add(by_month.entry(format!("{}-{:02}", day.year(), day.month())).or_insert([0; 4]), d);
            }
            let [created, accepted, replied, closed] = totals;
            Ok(json(
                200,
                &value!({
                    "from": from,
                    "to": to,
                    "category": q.family,
                    "area": q.district,
                    "channel": q.channel,
                    "totals": { "created": created, "accepted": accepted, "replied": replied, "closed": closed },
                    "on_time": {
                        "response": rate(r_on, r_late), "response_counts": [r_on, r_on + r_late],
                        "resolution": rate(s_on, s_late), "resolution_counts": [s_on, s_on + s_late],
                    },
                    "durations": {
                        "from_week": from_week,
                        "respond": duration(&durations.respond),
                        "close": duration(&durations.close),
                    },
                    "days": series(by_day),
                    "weeks": series(by_week),
                    "months": series(by_month),
                    "categories": families.into_iter().map(|(f, n)| value!({ "category": f, "created": n })).collect::<Vec<_>>(),
                }),
            )?)
        }
        .await,
    )
}

/// `GET /api/v1/open/dashboard.csv`: the dashboard's days as open data, the same filters, one
/// line per day of the rollup (no ticket, so nothing personal).
pub async fn dashboard_csv(req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let q = query(&req, &ctx)?;
            let slice =
                Slice { family: q.family.as_deref(), district: q.district.as_deref(), channel: q.channel.as_deref() };
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let days = store.daily_counts(&slice, &q.from.to_string(), &q.to.to_string()).await?;
            let mut out = String::from(
                "day,category,area,channel,created,accepted,response_on_time,response_late,replied,\
                 resolution_on_time,resolution_late,closed\r\n",
            );
            for d in days {
                let all = |v: &str| if v == "*" { String::new() } else { v.to_owned() };
                out.push_str(&format!(
                    "{},{},{},{},{},{},{},{},{},{},{},{}\r\n",
                    d.day,
                    all(&d.family),
                    all(&d.district),
                    all(&d.channel),
                    d.created,
                    d.accepted,
                    d.response_on_time,
                    d.response_late,
                    d.replied,
                    d.resolution_on_time,
                    d.resolution_late,
                    d.closed
                ));
            }
            let mut response = Response::ok(out)?;
            let headers = response.headers_mut();
            headers.set("Content-Type", "text/csv; charset=utf-8")?;
            headers
                .set("Content-Disposition", &format!("attachment; filename=\"requests-{}-{}.csv\"", q.from, q.to))?;
            Ok(response)
        }
        .await,
    )
}

/// Admins: the rollup against a recount of every ticket (a scan; not for public pages).
pub async fn verify(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let (rows, only_kept, only_recounted) = store.rollup_mismatches().await?;
            let (durations_kept, durations_recounted) = store.duration_mismatches().await?;
            let sample = |v: Vec<DailyCount>| v.into_iter().take(20).collect::<Vec<_>>();
            let consistent = only_kept.is_empty()
                && only_recounted.is_empty()
                && durations_kept.is_empty()
                && durations_recounted.is_empty();
            Ok(json(
                200,
                &value!({
                    "rows": rows,
                    "consistent": consistent,
                    "only_in_rollup": sample(only_kept),
                    "only_in_recount": sample(only_recounted),
                    "durations_only_in_rollup": durations_kept.into_iter().take(20).collect::<Vec<_>>(),
                    "durations_only_in_recount": durations_recounted.into_iter().take(20).collect::<Vec<_>>(),
                }),
            )?)
        }
        .await,
    )
}

/// A cached map is keyed by the counts' version, so it is never stale; the expiry only clears
/// out versions nobody will ask for again.
const HEAT_TTL_SECONDS: u64 = 24 * 3600;

/// `GET /api/v1/open/heatmap?zoom=&category=&period=YYYY-MM|YYYY`: tickets per cell, cells
/// under the minimum count pooled into their parents or suppressed (`shared::heat`), served
/// from KV until the counts change.
pub async fn heatmap(req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let zoom = match query_param(&req, "zoom") {
                None => 12,
                Some(raw) => raw
                    .parse::<u8>()
                    .ok()
                    .filter(|z| *z <= 22)
                    .ok_or_else(|| invalid("zoom", FieldErrorCode::OutOfRange, "a map zoom from 0 to 22"))?,
            };
            let family = match query_param(&req, "category").filter(|c| !c.is_empty()) {
                None => "*".to_owned(),
                Some(c) if c.len() == 2 && c.bytes().all(|b| b.is_ascii_digit()) => c,
                Some(_) => {
                    return Err(invalid(
                        "category",
                        FieldErrorCode::InvalidFormat,
                        "a first-level category code like 01",
                    ))
                }
            };
            let now = crate::clock::now().with_timezone(&ctx.data.city.offset());
            let period = query_param(&req, "period").unwrap_or_else(|| now.format("%Y-%m").to_string());
            let month = NaiveDate::parse_from_str(&format!("{period}-01"), "%Y-%m-%d").is_ok() && period.len() == 7;
            let year = period.len() == 4 && period.bytes().all(|b| b.is_ascii_digit());
            if !month && !year {
                return Err(invalid(
                    "period",
                    FieldErrorCode::InvalidFormat,
                    "a month like 2026-11 or a year like 2026",
                ));
            }
            let precision = shared::heat::precision_for_zoom(zoom).min(crate::store::HEAT_PRECISION);
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let version = store.heat_version(&family, &period).await?;
            let key = format!("heat:{family}:{period}:{precision}:{version}");
            let kv = ctx.env.kv(crate::intake::KV_BINDING)?;
            if let Ok(Some(cached)) = kv.get(&key).text().await {
                let mut response = Response::ok(cached)?;
                response.headers_mut().set("Content-Type", "application/json")?;
                return Ok(response);
            }
            let cells = store.heat_cells(&family, &period, precision).await?;
            let map = shared::heat::cap(
                shared::heat::aggregate(cells, precision, shared::heat::DEFAULT_MIN_COUNT),
                shared::heat::MAX_PUBLIC_CELLS,
            );
            let body = serde_json::to_string(&map).map_err(|e| ApiError::Store(e.to_string()))?;
            if let Ok(put) = kv.put(&key, body.clone()) {
                // A cache that cannot be written only costs the next reader a query.
                let _ = put.expiration_ttl(HEAT_TTL_SECONDS).execute().await;
            }
            let mut response = Response::ok(body)?;
            response.headers_mut().set("Content-Type", "application/json")?;
            Ok(response)
        }
        .await,
    )
}

/// `GET /api/v1/open/hot-issues`: the last hourly clustering, computed now if there is none.
pub async fn hot_issues(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let kv = ctx.env.kv(crate::intake::KV_BINDING)?;
            let body = match kv.get(crate::insights::HOT_ISSUES_KEY).text().await {
                Ok(Some(cached)) => cached,
                _ => {
                    let store = Store::new(ctx.env.d1(DB_BINDING)?);
                    let (body, _, _) =
                        crate::insights::hot_issues(&store, crate::clock::now()).await.map_err(ApiError::Store)?;
                    // A cache that cannot be written only costs the next reader a recount.
                    let _ = crate::insights::store_hot_issues(&ctx.env, body.clone()).await;
                    body
                }
            };
            let mut response = Response::ok(body)?;
            response.headers_mut().set("Content-Type", "application/json")?;
            Ok(response)
        }
        .await,
    )
}

/// Supervisors: spike alerts of the last 30 days, most significant first within a day.
pub async fn alerts(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let since = (crate::clock::now().with_timezone(&ctx.data.city.offset()).date_naive() - Duration::days(30))
                .to_string();
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            Ok(json(200, &value!({ "alerts": store.alerts_since(&since).await? }))?)
        }
        .await,
    )
}
