//! Open data for the transparency pages, without login: the monthly assessment (三率 and the
//! league table with red and black lists), the per-ticket CSV it is computed from, the settings
//! it uses, and observers' published grades. Anyone can recompute every figure from the CSV
//! (`cargo xtask assess`, docs/assessment.md).

use super::casework::invalid;
use super::evaluation::assessment_settings;
use super::respond;
use crate::config::{AppState, DB_BINDING};
use crate::error::ApiError;
use crate::http::{json, query_param};
use crate::store::{AssessmentRow, Store};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Utc};
use serde_json::json as value;
use shared::assessment::{league, month_of, to_csv, AssessedTicket, Exclusion, GroupBy, Punctuality};
use shared::error::FieldErrorCode;
use shared::evaluation::Satisfaction;
use shared::grading::{agreement, PublicGrade, RatedPair};
use worker::{Request, Response, Result, RouteContext};

type Month = (String, DateTime<Utc>, DateTime<Utc>);

/// `?month=YYYY-MM` (default: the current month in city time) and its bounds in UTC.
fn month(req: &Request, offset: FixedOffset) -> std::result::Result<Month, ApiError> {
    let now = crate::clock::now();
    let raw = query_param(req, "month").unwrap_or_else(|| month_of(now, offset));
    let first = NaiveDate::parse_from_str(&format!("{raw}-01"), "%Y-%m-%d")
        .ok()
        .filter(|d| raw.len() == 7 && (2000..=2100).contains(&d.year()))
        .ok_or_else(|| invalid("month", FieldErrorCode::InvalidFormat, "a month like 2026-11"))?;
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    };
    let utc = |d: Option<NaiveDate>| {
        d.and_then(|d| d.and_hms_opt(0, 0, 0))
            .and_then(|t| offset.from_local_datetime(&t).single())
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(|| ApiError::Store(format!("month bounds of {raw}")))
    };
    Ok((raw.clone(), utc(Some(first))?, utc(next)?))
}

fn assessed(
    row: AssessmentRow,
    offset: FixedOffset,
    now: DateTime<Utc>,
) -> std::result::Result<AssessedTicket, ApiError> {
    let [dispatched, response_due, accepted, resolution_due, replied] = row.times()?;
    Ok(AssessedTicket {
        month: dispatched.map(|t| month_of(t, offset)).unwrap_or_default(),
        excluded: match row.status.as_str() {
            "merged" => Some(Exclusion::Duplicate),
            "rejected_unreasonable" => Some(Exclusion::Unreasonable),
            _ => None,
        },
        response: Punctuality::of(accepted, response_due, now),
        resolution: Punctuality::of(replied, resolution_due, now),
        redispatched_from: row
            .redispatched_from
            .map(|r| r.split(';').filter(|s| !s.is_empty()).map(str::to_owned).collect())
            .unwrap_or_default(),
        reopen_count: u32::try_from(row.reopen_count).unwrap_or(0),
        repeat_count: u32::try_from(row.repeat_count).unwrap_or(0),
        satisfaction: row.satisfaction.as_deref().and_then(Satisfaction::parse),
        resolved: row.resolved.map(|r| r == 1),
        tracking_no: row.tracking_no,
        department: row.lead,
        street: row.area,
        category: row.category,
        channel: row.channel,
    })
}

async fn rows(
    store: &Store,
    ctx: &RouteContext<AppState>,
    m: &Month,
) -> std::result::Result<Vec<AssessedTicket>, ApiError> {
    let offset = ctx.data.city.offset();
    let now = crate::clock::now();
    store.assessment_rows(&m.1, &m.2).await?.into_iter().map(|r| assessed(r, offset, now)).collect()
}

/// A cached table is keyed by the hour; the expiry only clears out old hours.
const ASSESSMENT_TTL_SECONDS: u64 = 2 * 3600;

/// A short, stable fingerprint of the settings for the cache key (not for security).
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

pub async fn assessment(req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let m = month(&req, ctx.data.city.offset())?;
            let by = match query_param(&req, "by").as_deref() {
                None | Some("department") => GroupBy::Department,
                Some("street") => GroupBy::Street,
                Some(_) => return Err(invalid("by", FieldErrorCode::UnknownValue, "department or street")),
            };
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let settings = assessment_settings(&store).await?;
            // Computing a month reads all its tickets: cached per version of the month's data
            // and of the settings, and per hour, since pending requests fall late as time passes.
            let version = store.assessment_version(&m.0).await?;
            let settings_json = serde_json::to_string(&settings).map_err(|e| ApiError::Store(e.to_string()))?;
            let hour = crate::clock::now().format("%Y%m%d%H");
            let key = format!("assess:{}:{by:?}:{version}:{:016x}:{hour}", m.0, fnv1a(&settings_json));
            let kv = ctx.env.kv(crate::intake::KV_BINDING)?;
            if let Ok(Some(cached)) = kv.get(&key).text().await {
                let mut response = Response::ok(cached)?;
                response.headers_mut().set("Content-Type", "application/json")?;
                return Ok(response);
            }
            let rows = rows(&store, &ctx, &m).await?;
            let body = serde_json::to_string(&league(&rows, &m.0, by, &settings))
                .map_err(|e| ApiError::Store(e.to_string()))?;
            if let Ok(put) = kv.put(&key, body.clone()) {
                // A cache that cannot be written only costs the next reader the computation.
                let _ = put.expiration_ttl(ASSESSMENT_TTL_SECONDS).execute().await;
            }
            let mut response = Response::ok(body)?;
            response.headers_mut().set("Content-Type", "application/json")?;
            Ok(response)
        }
        .await,
    )
}

/// The open CSV: one row per ticket dispatched in the month, no personal data.
pub async fn csv(req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let m = month(&req, ctx.data.city.offset())?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let rows = rows(&store, &ctx, &m).await?;
            let mut response = Response::ok(to_csv(&rows))?;
            let headers = response.headers_mut();
            headers.set("Content-Type", "text/csv; charset=utf-8")?;
            headers.set("Content-Disposition", &format!("attachment; filename=\"assessment-{}.csv\"", m.0))?;
            Ok(response)
        }
        .await,
    )
}

pub async fn settings(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            Ok(json(200, &assessment_settings(&store).await?)?)
        }
        .await,
    )
}

/// Observers' grades of the month as published, and how often they agree with the citizens.
pub async fn grades(req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let m = month(&req, ctx.data.city.offset())?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let rows = store.grades_between(&m.1, &m.2).await?;
            let mut pairs = Vec::new();
            let mut published = Vec::new();
            for r in rows {
                let mean = f64::from(u8::try_from(r.resolution + r.quality + r.timeliness).unwrap_or(0)) / 3.0;
                if let (Some(department), Some(citizen)) =
                    (&r.lead, r.satisfaction.as_deref().and_then(Satisfaction::parse))
                {
                    pairs.push(RatedPair { department: department.clone(), citizen, observer_approves: mean >= 3.0 });
                }
                published.push(PublicGrade {
                    at: crate::store::parse_time(&r.at)?,
                    tracking_no: r.tracking_no,
                    title: shared::redact::public_text(&r.title),
                    category: r.category,
                    department: r.lead,
                    resolution: u8::try_from(r.resolution).unwrap_or(0),
                    quality: u8::try_from(r.quality).unwrap_or(0),
                    timeliness: u8::try_from(r.timeliness).unwrap_or(0),
                    comment: r.public_comment,
                    observer_kind: r.kind.unwrap_or_else(|| "people_observer".into()),
                });
            }
            Ok(json(200, &value!({ "month": m.0, "grades": published, "agreement": agreement(&pairs) }))?)
        }
        .await,
    )
}

/// The departments' public names, so open figures read as names rather than codes.
pub async fn departments(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let names: Vec<_> = store
                .departments()
                .await?
                .into_iter()
                .map(|d| value!({ "code": d.code, "name": d.name, "level": d.level, "area": d.area }))
                .collect();
            Ok(json(200, &value!({ "departments": names }))?)
        }
        .await,
    )
}
