use super::respond;
use crate::config::AppState;
use crate::error::ApiError;
use crate::http::json;
use worker::{Request, Response, Result, RouteContext};

pub async fn health(_req: Request, _ctx: RouteContext<AppState>) -> Result<Response> {
    json(200, &serde_json::json!({ "status": "ok" }))
}

pub async fn config(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    json(200, &ctx.data.public_config())
}

pub async fn not_found(_req: Request, _ctx: RouteContext<AppState>) -> Result<Response> {
    respond(Err(ApiError::NotFound))
}
