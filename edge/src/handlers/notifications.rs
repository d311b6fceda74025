//! The staff notification centre, department webhook configuration and the outbox (dead letters
//! visible to admins, who may send them again).

use super::respond;
use crate::config::{AppState, DB_BINDING};
use crate::error::ApiError;
use crate::http::{json, json_input, query_param};
use crate::store::Store;
use serde::Deserialize;
use serde_json::json as value;
use shared::api::MAX_BODY_BYTES;
use shared::error::{FieldErrorCode, FieldErrors};
use shared::webhook::{WebhookConfig, WebhookInput};
use worker::{Request, Response, Result, RouteContext};

pub async fn list(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let principal = ctx.data.principal()?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let list =
                store.notifications(principal.user.id.as_str(), principal.user.department.as_deref(), 100).await?;
            Ok(json(200, &list)?)
        }
        .await,
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReadInput {
    /// The messages read; absent = all of them.
    #[serde(default)]
    ids: Option<Vec<i64>>,
}

pub async fn mark_read(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: ReadInput = json_input(&mut req, MAX_BODY_BYTES).await?;
            let principal = ctx.data.principal()?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let user = principal.user.id.as_str();
            let department = principal.user.department.as_deref();
            store.mark_read(user, department, input.ids.as_deref(), &crate::clock::now()).await?;
            Ok(json(200, &store.notifications(user, department, 100).await?)?)
        }
        .await,
    )
}

/// Where a department's system receives its notices, and the secret they are signed with.
/// An empty body (`{}`) turns the webhook off.
pub async fn set_webhook(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: WebhookInput = json_input(&mut req, MAX_BODY_BYTES).await?;
            let code = ctx.param("id").map(|c| crate::http::percent_decode(c)).ok_or(ApiError::NotFound)?;
            let off = input.url.as_deref().is_none_or(|u| u.trim().is_empty())
                && input.secret.as_deref().is_none_or(|s| s.trim().is_empty());
            let config = if off { None } else { Some(WebhookConfig::parse(&input).map_err(ApiError::Invalid)?) };
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let url = config.as_ref().map(|c| c.url.as_str());
            // The secret never goes to the audit trail.
            let audit = ctx.data.audit("webhook_configured", Some(code.clone()), value!({ "url": url }));
            let secret = config.as_ref().map(|c| c.secret.as_str());
            if !store.set_webhook(&code, url, secret, &audit).await? {
                return Err(ApiError::NotFound);
            }
            Ok(json(200, &value!({ "department": code, "webhook_url": url }))?)
        }
        .await,
    )
}

pub async fn outbox(req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let state = query_param(&req, "state");
            if let Some(s) = state.as_deref() {
                if !["pending", "delivered", "dead"].contains(&s) {
                    let mut errors = FieldErrors::new();
                    errors.add("state", FieldErrorCode::UnknownValue, "pending, delivered or dead");
                    return Err(ApiError::Invalid(errors));
                }
            }
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            Ok(json(200, &value!({ "items": store.outbox(state.as_deref(), 200).await? }))?)
        }
        .await,
    )
}

pub async fn retry(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let id = ctx.param("id").cloned().ok_or(ApiError::NotFound)?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let now = crate::clock::now();
            if !store.retry_message(&id, &now).await? {
                return Err(ApiError::Conflict("only a dead letter can be sent again".into()));
            }
            let audit = ctx.data.audit("outbox_retried", Some(id.clone()), value!({}));
            store.run_batch(vec![store.audit_statement(&audit)?]).await?;
            Ok(json(200, &value!({ "id": id, "state": "pending" }))?)
        }
        .await,
    )
}
