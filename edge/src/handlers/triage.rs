//! The classifier: suggestions for a dispatcher, retraining, and the auto-dispatch threshold.

use super::respond;
use crate::config::{AppState, DB_BINDING};
use crate::error::ApiError;
use crate::http::{json, json_input};
use crate::intake::{self, KV_BINDING, MODEL_KEY, SETTINGS_KEY};
use crate::store::Store;
use shared::catalogue::CategoryCode;
use shared::classify::{self, Params, SuggestRequest, SuggestResponse};
use shared::dispatch::DispatchSettings;
use shared::error::{FieldErrorCode, FieldErrors};
use worker::{Request, Response, Result, RouteContext};

const BODY_LIMIT: usize = 64 * 1024;
/// Newest tickets used for training; bounded so a retrain stays within the Worker's CPU time.
const MAX_TRAINING_ROWS: u32 = 20_000;

pub async fn suggest(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: SuggestRequest = json_input(&mut req, BODY_LIMIT).await?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let intake = intake::load(&store, &ctx.env).await?;
            let body = match &intake.model {
                Some(model) => classify::suggest(model, ctx.data.catalogue, &input.title, &input.description, 5),
                None => SuggestResponse { suggestions: Vec::new() },
            };
            Ok(json(200, &body)?)
        }
        .await,
    )
}

pub async fn train(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let started = worker::Date::now().as_millis();
            let rows: Vec<(String, String, CategoryCode)> = store
                .training_rows(MAX_TRAINING_ROWS)
                .await?
                .into_iter()
                .filter_map(|(t, d, c)| CategoryCode::parse(&c).map(|c| (t, d, c)))
                .collect();
            let prior = classify::catalogue_prior(ctx.data.catalogue, &rows);
            let model = classify::train_with_prior(&rows, &prior, &Params::default());
            let bytes = model.to_bytes();
            let kv = ctx.env.kv(KV_BINDING)?;
            kv.put_bytes(MODEL_KEY, &bytes)
                .map_err(|e| ApiError::Store(e.to_string()))?
                .execute()
                .await
                .map_err(|e| ApiError::Store(e.to_string()))?;
            intake::invalidate();
            let millis = worker::Date::now().as_millis().saturating_sub(started);
            let info = model.info();
            let summary = serde_json::json!({
                "rows": rows.len(),
                "classes": model.classes().len(),
                "millis": millis,
                "features": model.features(),
                "bytes": bytes.len(),
                // Out-of-fold estimates on the training rows (see shared::classify::ModelInfo).
                "oof_accuracy": info.oof_accuracy,
                "oof_ece": info.oof_ece,
            });
            store.audit(&ctx.data.audit("classifier_trained", None, summary.clone())).await?;
            Ok(json(200, &summary)?)
        }
        .await,
    )
}

pub async fn get_settings(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            Ok(json(200, &intake::load(&store, &ctx.env).await?.settings)?)
        }
        .await,
    )
}

pub async fn put_settings(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let settings: DispatchSettings = json_input(&mut req, BODY_LIMIT).await?;
            if !(0.0..=1.0).contains(&settings.auto_dispatch_threshold) {
                let mut errors = FieldErrors::new();
                errors.add("auto_dispatch_threshold", FieldErrorCode::OutOfRange, "a confidence between 0 and 1");
                return Err(ApiError::Invalid(errors));
            }
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let value = serde_json::to_string(&settings).map_err(|e| ApiError::Store(e.to_string()))?;
            let audit =
                ctx.data.audit("dispatch_settings_changed", None, serde_json::to_value(&settings).unwrap_or_default());
            store.put_setting(SETTINGS_KEY, &value, &audit).await?;
            intake::invalidate();
            Ok(json(200, &settings)?)
        }
        .await,
    )
}
