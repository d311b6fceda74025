//! The data deadlines run on, editable by admins: the SLA table, the working-day calendar, the
//! supervision ladder's thresholds and the citizen's follow-up window. The calendar is public:
//! citizens and Open311 clients see the expected dates it produces.

use super::casework::invalid;
use super::respond;
use crate::config::{AppState, DB_BINDING};
use crate::deadlines::{CALENDAR_KEY, FOLLOW_UP_KEY, LADDER_KEY, SLA_KEY};
use crate::error::ApiError;
use crate::http::{json, json_input, query_param};
use crate::intake;
use crate::store::Store;
use chrono::Datelike;
use serde::{Deserialize, Serialize};
use shared::api::MAX_BODY_BYTES;
use shared::calendar::{parse_days, CalendarDayInput};
use shared::error::FieldErrorCode;
use shared::handling::FollowUpSettings;
use shared::ladder::{LadderSettings, LadderSettingsInput};
use shared::sla::{SlaTable, SlaTableInput};
use worker::{Request, Response, Result, RouteContext};

/// Calendar edits carry a year of days; allow for long names.
const CALENDAR_LIMIT: usize = 64 * 1024;

pub(crate) async fn save<T: Serialize>(
    ctx: &RouteContext<AppState>,
    store: &Store,
    key: &str,
    action: &'static str,
    value: &T,
) -> std::result::Result<(), ApiError> {
    let raw = serde_json::to_string(value).map_err(|e| ApiError::Store(e.to_string()))?;
    let audit = ctx.data.audit(action, Some(key.to_owned()), serde_json::to_value(value).unwrap_or_default());
    store.put_setting(key, &raw, &audit).await?;
    intake::invalidate();
    Ok(())
}

pub async fn get_sla(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            Ok(json(200, &intake::load(&store, &ctx.env).await?.clocks.sla)?)
        }
        .await,
    )
}

pub async fn put_sla(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: SlaTableInput = json_input(&mut req, CALENDAR_LIMIT).await?;
            let table = SlaTable::parse(&input).map_err(ApiError::Invalid)?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            save(&ctx, &store, SLA_KEY, "sla_changed", &table).await?;
            Ok(json(200, &table)?)
        }
        .await,
    )
}

pub async fn get_ladder(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            Ok(json(200, &intake::load(&store, &ctx.env).await?.clocks.ladder)?)
        }
        .await,
    )
}

pub async fn put_ladder(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: LadderSettingsInput = json_input(&mut req, MAX_BODY_BYTES).await?;
            let settings = LadderSettings::parse(&input).map_err(ApiError::Invalid)?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            save(&ctx, &store, LADDER_KEY, "ladder_changed", &settings).await?;
            Ok(json(200, &settings)?)
        }
        .await,
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FollowUpInput {
    window_days: Option<i64>,
}

pub async fn get_follow_up(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            Ok(json(200, &intake::load(&store, &ctx.env).await?.clocks.follow_up)?)
        }
        .await,
    )
}

pub async fn put_follow_up(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: FollowUpInput = json_input(&mut req, MAX_BODY_BYTES).await?;
            let days = match input.window_days {
                Some(d) if (1..=90).contains(&d) => d as u32,
                None => return Err(invalid("window_days", FieldErrorCode::Required, "days after the reply")),
                Some(_) => return Err(invalid("window_days", FieldErrorCode::OutOfRange, "1 to 90 days")),
            };
            let settings = FollowUpSettings { window_days: days };
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            save(&ctx, &store, FOLLOW_UP_KEY, "follow_up_changed", &settings).await?;
            Ok(json(200, &settings)?)
        }
        .await,
    )
}

/// Public: the holidays and make-up working days, optionally of one `?year=`.
pub async fn calendar(req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let year = match query_param(&req, "year") {
                None => None,
                Some(raw) => Some(
                    raw.parse::<i32>()
                        .ok()
                        .filter(|y| (2000..=2100).contains(y))
                        .ok_or_else(|| invalid("year", FieldErrorCode::InvalidFormat, "a year like 2026"))?,
                ),
            };
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let intake = intake::load(&store, &ctx.env).await?;
            let calendar = &intake.clocks.calendar;
            let days: Vec<_> =
                calendar.days().into_iter().filter(|d| year.is_none_or(|y| d.date.year() == y)).collect();
            Ok(json(200, &serde_json::json!({ "years": calendar.years(), "days": days }))?)
        }
        .await,
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YearInput {
    days: Option<Vec<CalendarDayInput>>,
}

/// Replace one year's holidays and make-up days (the State Council publishes them each autumn).
pub async fn put_year(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let year = ctx
                .param("year")
                .and_then(|raw| raw.parse::<i32>().ok())
                .filter(|y| (2000..=2100).contains(y))
                .ok_or(ApiError::NotFound)?;
            let input: YearInput = json_input(&mut req, CALENDAR_LIMIT).await?;
            let Some(raw_days) = input.days else {
                return Err(invalid("days", FieldErrorCode::Required, "the year's holidays and make-up working days"));
            };
            let days = parse_days(&raw_days).map_err(ApiError::Invalid)?;
            let prefix = format!("{year}-");
            let outside = raw_days.iter().position(|d| !d.date.as_deref().unwrap_or("").trim().starts_with(&prefix));
            if let Some(i) = outside {
                return Err(invalid(
                    &format!("days[{i}].date"),
                    FieldErrorCode::OutOfRange,
                    format!("a date in {year}"),
                ));
            }
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let mut calendar = intake::load(&store, &ctx.env).await?.clocks.calendar.clone();
            calendar.replace_year(year, days);
            save(&ctx, &store, CALENDAR_KEY, "calendar_changed", &calendar.days()).await?;
            let days: Vec<_> = calendar.days().into_iter().filter(|d| d.date.year() == year).collect();
            Ok(json(200, &serde_json::json!({ "year": year, "days": days }))?)
        }
        .await,
    )
}
