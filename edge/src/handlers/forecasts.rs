//! 未诉先办: daily forecasts from the rollup (and imported history), their rolling-origin
//! backtest against seasonal-naive, and the import of volumes from older systems.

use super::casework::invalid;
use super::respond;
use crate::config::{AppState, DB_BINDING};
use crate::error::ApiError;
use crate::http::{json, query_param};
use crate::intake;
use crate::store::Store;
use chrono::{Duration, NaiveDate};
use serde_json::json as value;
use shared::error::FieldErrorCode;
use shared::forecast::{backtest, forecast, Holidays, MAX_HISTORY_DAYS, MAX_HORIZON};
use worker::{Request, Response, Result, RouteContext};

/// Origins a public backtest may ask for: each refits the model twice.
const MAX_ORIGINS: usize = 12;
const MAX_IMPORT_BYTES: usize = 8 * 1024 * 1024;

fn number(req: &Request, name: &str, default: usize, max: usize) -> std::result::Result<usize, ApiError> {
    match query_param(req, name) {
        None => Ok(default),
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| invalid(name, FieldErrorCode::OutOfRange, format!("1 to {max}"))),
    }
}

/// `?category=` (a first-level code; absent: the whole city) and `?as_of=` (default today).
fn series_query(req: &Request, ctx: &RouteContext<AppState>) -> std::result::Result<(String, NaiveDate), ApiError> {
    let family = match query_param(req, "category").filter(|c| !c.is_empty()) {
        None => "*".to_owned(),
        Some(c) if c.len() == 2 && c.bytes().all(|b| b.is_ascii_digit()) => c,
        Some(_) => {
            return Err(invalid("category", FieldErrorCode::InvalidFormat, "a first-level category code like 01"))
        }
    };
    let as_of = match query_param(req, "as_of") {
        None => crate::clock::now().with_timezone(&ctx.data.city.offset()).date_naive(),
        Some(raw) => NaiveDate::parse_from_str(&raw, "%Y-%m-%d")
            .map_err(|_| invalid("as_of", FieldErrorCode::InvalidFormat, "a date like 2026-11-29"))?,
    };
    Ok((family, as_of))
}

/// Daily counts strictly before `as_of`, as the models read them.
async fn history(
    store: &Store,
    family: &str,
    as_of: NaiveDate,
) -> std::result::Result<Vec<(NaiveDate, f64)>, ApiError> {
    let from = as_of - Duration::days(MAX_HISTORY_DAYS as i64);
    let rows = store.daily_history(family, &from.to_string(), &as_of.to_string()).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(day, n)| NaiveDate::parse_from_str(&day, "%Y-%m-%d").ok().map(|d| (d, n as f64)))
        .collect())
}

async fn holidays(store: &Store, ctx: &RouteContext<AppState>) -> std::result::Result<Holidays, ApiError> {
    Ok(Holidays::from_calendar(&intake::load(store, &ctx.env).await?.clocks.calendar))
}

pub async fn daily(req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let (family, as_of) = series_query(&req, &ctx)?;
            let horizon = number(&req, "horizon", 28, MAX_HORIZON)?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let history = history(&store, &family, as_of).await?;
            let result = forecast(&history, as_of, horizon, &holidays(&store, &ctx).await?);
            Ok(json(200, &result)?)
        }
        .await,
    )
}

pub async fn backtest_report(req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let (family, as_of) = series_query(&req, &ctx)?;
            let origins = number(&req, "origins", 8, MAX_ORIGINS)?;
            let step = number(&req, "step", 28, 365)?;
            let horizon = number(&req, "horizon", 28, MAX_HORIZON)?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let history = history(&store, &family, as_of).await?;
            Ok(json(200, &backtest(&history, origins, step, horizon, &holidays(&store, &ctx).await?))?)
        }
        .await,
    )
}

/// The outlook reads five and a half years of every family: computed once a day per window.
const OUTLOOK_TTL_SECONDS: u64 = 26 * 3600;

/// `GET /api/v1/open/seasonal-outlook?days=30`: the categories the coming days have brought
/// markedly more of in past years (summer noise, winter heating), from the rollup and
/// imported history, cached in KV for the day.
pub async fn seasonal_outlook(req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let days = number(&req, "days", 30, shared::forecast::MAX_OUTLOOK_DAYS)?;
            let as_of = crate::clock::now().with_timezone(&ctx.data.city.offset()).date_naive();
            let key = format!("outlook:{as_of}:{days}");
            let kv = ctx.env.kv(intake::KV_BINDING)?;
            if let Ok(Some(cached)) = kv.get(&key).text().await {
                let mut response = Response::ok(cached)?;
                response.headers_mut().set("Content-Type", "application/json")?;
                return Ok(response);
            }
            // Each past year's window and the year around it: five and a half years back.
            let back = chrono::Months::new(12 * shared::forecast::OUTLOOK_YEARS + 7);
            let from = as_of.checked_sub_months(back).unwrap_or(as_of);
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let mut by_family: std::collections::BTreeMap<String, Vec<(NaiveDate, f64)>> = Default::default();
            for (family, day, n) in store.family_history(&from.to_string(), &as_of.to_string()).await? {
                if let Ok(date) = NaiveDate::parse_from_str(&day, "%Y-%m-%d") {
                    by_family.entry(family).or_default().push((date, n as f64));
                }
            }
            let series: Vec<(String, Vec<(NaiveDate, f64)>)> = by_family.into_iter().collect();
            let issues = shared::forecast::seasonal_outlook(&series, as_of, days);
            let until = as_of + Duration::days(days as i64 - 1);
            let body = value!({ "as_of": as_of, "until": until, "days": days, "issues": issues }).to_string();
            if let Ok(put) = kv.put(&key, body.clone()) {
                // A cache that cannot be written only costs the next reader the computation.
                let _ = put.expiration_ttl(OUTLOOK_TTL_SECONDS).execute().await;
            }
            let mut response = Response::ok(body)?;
            response.headers_mut().set("Content-Type", "application/json")?;
            Ok(response)
        }
        .await,
    )
}

/// `POST /api/v1/admin/import/daily-counts?source=NAME`, `text/csv` with `date,category,count`.
pub async fn import(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let source = query_param(&req, "source")
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty() && s.len() <= 50)
                .ok_or_else(|| invalid("source", FieldErrorCode::Required, "?source=NAME names the older system"))?;
            let bytes = req
                .bytes()
                .await
                .map_err(|_| ApiError::Malformed { field: None, message: "unreadable body".into() })?;
            if bytes.len() > MAX_IMPORT_BYTES {
                return Err(ApiError::PayloadTooLarge { limit: MAX_IMPORT_BYTES });
            }
            let text = String::from_utf8(bytes)
                .map_err(|_| ApiError::Malformed { field: None, message: "the body is not UTF-8 text".into() })?;
            let rows = match shared::daily_counts::parse(&text, shared::catalogue::Catalogue::builtin()) {
                Ok(rows) => rows,
                Err(errors) => {
                    let body = value!({
                        "code": shared::error::ErrorCode::ValidationFailed.as_str(),
                        "message": "some rows were refused; nothing was imported",
                        "fields": {},
                        "errors": errors,
                    });
                    return Ok(json(422, &body)?);
                }
            };
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let audit = ctx.data.audit("daily_counts_imported", Some(source.clone()), value!({ "rows": rows.len() }));
            store.put_legacy_counts(&source, &rows, &audit).await?;
            Ok(json(200, &value!({ "source": source, "rows": rows.len() }))?)
        }
        .await,
    )
}
