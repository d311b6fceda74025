//! Casework configuration: which departments follow every enterprise or citizen request as
//! co-handler, the dispute window and what counts as a possible duplicate.

use super::casework::{invalid, BODY_LIMIT};
use super::respond;
use crate::config::{AppState, DB_BINDING};
use crate::error::ApiError;
use crate::http::{json, json_input};
use crate::intake::{self, CASEWORK_KEY, COORDINATORS_KEY};
use crate::store::Store;
use shared::dispatch::Coordinators;
use shared::error::FieldErrorCode;
use shared::settings::{CaseworkSettings, CaseworkSettingsInput};
use worker::{Request, Response, Result, RouteContext};

pub async fn get(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let current: Coordinators =
                store.setting(COORDINATORS_KEY).await?.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default();
            Ok(json(200, &current)?)
        }
        .await,
    )
}

pub async fn put(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: Coordinators = json_input(&mut req, BODY_LIMIT).await?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let intake = intake::load(&store, &ctx.env).await?;
            for (field, code) in [("enterprise", &input.enterprise), ("citizen", &input.citizen)] {
                if let Some(code) = code.as_deref().filter(|c| !intake.department_exists(c)) {
                    return Err(invalid(field, FieldErrorCode::UnknownValue, format!("no active department {code}")));
                }
            }
            let value = serde_json::to_string(&input).map_err(|e| ApiError::Store(e.to_string()))?;
            let audit = ctx.data.audit("coordinators_changed", None, serde_json::to_value(&input).unwrap_or_default());
            store.put_setting(COORDINATORS_KEY, &value, &audit).await?;
            intake::invalidate();
            Ok(json(200, &input)?)
        }
        .await,
    )
}

pub async fn get_casework(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            Ok(json(200, &intake::load(&store, &ctx.env).await?.casework)?)
        }
        .await,
    )
}

pub async fn put_casework(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: CaseworkSettingsInput = json_input(&mut req, BODY_LIMIT).await?;
            let settings = CaseworkSettings::parse(&input).map_err(ApiError::Invalid)?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let value = serde_json::to_string(&settings).map_err(|e| ApiError::Store(e.to_string()))?;
            let audit =
                ctx.data.audit("casework_settings_changed", None, serde_json::to_value(&settings).unwrap_or_default());
            store.put_setting(CASEWORK_KEY, &value, &audit).await?;
            intake::invalidate();
            Ok(json(200, &settings)?)
        }
        .await,
    )
}
