//! The classifier: suggestions for a dispatcher, retraining, and the auto-dispatch threshold.

use super::respond;
use crate::config::{AppState, DB_BINDING};
use crate::error::ApiError;
use crate::http::{json, json_input};
use crate::intake::{self, KV_BINDING, MODEL_KEY, SETTINGS_KEY};
use crate::store::{Audit, Store};
use chrono::SecondsFormat;
use shared::catalogue::{Catalogue, CategoryCode};
use shared::classify::{self, Params, SuggestRequest, SuggestResponse};
use shared::dispatch::DispatchSettings;
use shared::error::{FieldErrorCode, FieldErrors};
use worker::{Env, Request, Response, Result, RouteContext};

const BODY_LIMIT: usize = 64 * 1024;
/// Newest tickets used for training; bounded so a retrain stays within the Worker's CPU time.
const MAX_TRAINING_ROWS: u32 = 20_000;
/// KV key of what the last training reported, beside the model (`intake::MODEL_KEY`).
pub const MODEL_INFO_KEY: &str = "triage/model_info";

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
            let state = &ctx.data;
            let info =
                retrain(&ctx.env, state.catalogue, |detail| state.audit("classifier_trained", None, detail)).await?;
            Ok(json(200, &info)?)
        }
        .await,
    )
}

/// Train on the newest tickets, store the model in KV (and what the training reported beside
/// it, under `MODEL_INFO_KEY`) and record it in the audit trail as `audit` words it. The admin's
/// `POST /api/v1/admin/triage/train` and the nightly cron (`crate::cron`) both come here.
/// Answers the training's summary with `trained_at` and `by` (the audit's actor).
pub async fn retrain(
    env: &Env,
    catalogue: &Catalogue,
    audit: impl FnOnce(serde_json::Value) -> Audit,
) -> std::result::Result<serde_json::Value, ApiError> {
    let store = Store::new(env.d1(DB_BINDING)?);
    let started = worker::Date::now().as_millis();
    let rows: Vec<(String, String, CategoryCode)> = store
        .training_rows(MAX_TRAINING_ROWS)
        .await?
        .into_iter()
        .filter_map(|(t, d, c)| CategoryCode::parse(&c).map(|c| (t, d, c)))
        .collect();
    let prior = classify::catalogue_prior(catalogue, &rows);
    let model = classify::train_with_prior(&rows, &prior, &Params::default());
    let bytes = model.to_bytes();
    let kv = env.kv(KV_BINDING)?;
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
    let audit = audit(summary.clone());
    let mut trained = summary;
    if let Some(object) = trained.as_object_mut() {
        object.insert("trained_at".into(), audit.at.to_rfc3339_opts(SecondsFormat::Millis, true).into());
        object.insert("by".into(), audit.actor.clone().into());
    }
    kv.put(MODEL_INFO_KEY, trained.to_string())
        .map_err(|e| ApiError::Store(e.to_string()))?
        .execute()
        .await
        .map_err(|e| ApiError::Store(e.to_string()))?;
    store.audit(&audit).await?;
    Ok(trained)
}

/// What the last training reported (see `retrain`), if a model was trained since this key exists.
async fn model_info(env: &Env) -> Option<serde_json::Value> {
    env.kv(KV_BINDING).ok()?.get(MODEL_INFO_KEY).json::<serde_json::Value>().await.ok().flatten()
}

/// The settings, and under `model` what the last training reported (`null` before the first):
/// `trained_at`, `by` (who, or `cron`), `rows`, `classes` and the out-of-fold estimates.
pub async fn get_settings(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let settings = intake::load(&store, &ctx.env).await?.settings.clone();
            let mut body = serde_json::to_value(&settings).map_err(|e| ApiError::Store(e.to_string()))?;
            if let Some(object) = body.as_object_mut() {
                object.insert("model".into(), model_info(&ctx.env).await.unwrap_or_default());
            }
            Ok(json(200, &body)?)
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
