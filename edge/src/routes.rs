//! The route table: every endpoint of the Worker, by name.

use crate::config::AppState;
use crate::handlers::{catalogue, import, requests, system};
use worker::Router;

pub fn router(state: AppState) -> Router<'static, AppState> {
    Router::with_data(state)
        .get_async("/api/v1/health", system::health)
        .get_async("/api/v1/config", system::config)
        .get_async("/api/v1/categories", catalogue::categories)
        .post_async("/api/v1/requests", requests::submit)
        .get_async("/api/v1/requests/:tracking_no", requests::show)
        .post_async("/api/v1/admin/import/tickets", import::tickets)
        .or_else_any_method_async("/api/*rest", system::not_found)
}
