//! Run a scheduled job now: after an admin changes thresholds or mends a webhook they need not
//! wait for the next hour. Development stacks may also name the moment (`at`), which is how the
//! integration tests walk the ladder through days without waiting for them.

use super::casework::invalid;
use super::respond;
use crate::config::{AppState, DB_BINDING};
use crate::error::ApiError;
use crate::http::{json, json_input};
use crate::store::Store;
use serde::Deserialize;
use shared::api::MAX_BODY_BYTES;
use shared::error::FieldErrorCode;
use worker::{Request, Response, Result, RouteContext};

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RunInput {
    #[serde(default)]
    at: Option<String>,
    /// Only this ticket (ladder and closing).
    #[serde(default)]
    tracking_no: Option<String>,
}

type Moment = (chrono::DateTime<chrono::Utc>, Option<String>);

async fn moment(req: &mut Request, ctx: &RouteContext<AppState>) -> std::result::Result<Moment, ApiError> {
    let input: RunInput = json_input(req, MAX_BODY_BYTES).await?;
    let only = match input.tracking_no.as_deref() {
        None => None,
        Some(raw) => Some(
            shared::ids::TrackingNo::parse(raw)
                .ok_or_else(|| invalid("tracking_no", FieldErrorCode::InvalidFormat, "a tracking number"))?
                .as_str()
                .to_owned(),
        ),
    };
    let at = match input.at {
        None => Ok(crate::clock::now()),
        Some(_) if !ctx.data.clock_override => {
            Err(invalid("at", FieldErrorCode::ReadOnly, "only a development stack runs jobs at another time"))
        }
        Some(raw) => chrono::DateTime::parse_from_rfc3339(&raw)
            .map(|t| t.with_timezone(&chrono::Utc))
            .map_err(|_| invalid("at", FieldErrorCode::InvalidFormat, "an RFC 3339 time")),
    }?;
    Ok((at, only))
}

pub async fn supervise(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let (now, only) = moment(&mut req, &ctx).await?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let supervision = crate::cron::supervise(&store, &ctx.env, &ctx.data, now, only.as_deref())
                .await
                .map_err(ApiError::Store)?;
            Ok(json(200, &serde_json::json!({ "at": now, "supervision": supervision }))?)
        }
        .await,
    )
}

pub async fn deliver(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let (now, _) = moment(&mut req, &ctx).await?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let outbox = crate::cron::deliver(&store, now).await.map_err(ApiError::Store)?;
            let citizens = crate::notify_citizens::run(&store, &ctx.env, &ctx.data.token_secret, now)
                .await
                .map_err(ApiError::Store)?;
            Ok(json(200, &serde_json::json!({ "at": now, "outbox": outbox, "citizens": citizens }))?)
        }
        .await,
    )
}

/// Draw this week's observer samples now (the hourly cron does it on its first run of the week).
pub async fn sample(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let (now, _) = moment(&mut req, &ctx).await?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let sampling =
                crate::sampling::draw_week(&store, ctx.data.city.offset(), now).await.map_err(ApiError::Store)?;
            Ok(json(200, &serde_json::json!({ "at": now, "sampling": sampling }))?)
        }
        .await,
    )
}

/// Hot issues and spike alerts now (the hourly cron runs them too).
pub async fn insights(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let (now, _) = moment(&mut req, &ctx).await?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let insights =
                crate::insights::run(&store, &ctx.env, ctx.data.city.offset(), now).await.map_err(ApiError::Store)?;
            Ok(json(200, &serde_json::json!({ "at": now, "insights": insights }))?)
        }
        .await,
    )
}
