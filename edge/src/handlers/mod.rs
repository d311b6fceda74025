pub mod account;
pub mod admin;
pub mod analytics;
pub mod areas;
pub mod auth;
pub mod casework;
pub mod catalogue;
pub mod channels;
pub mod clocks;
pub mod coordinators;
pub mod dispatch;
pub mod disputes;
pub mod erasure;
pub mod evaluation;
pub mod follow_up;
pub mod forecasts;
pub mod import;
pub mod jobs;
pub mod nearby;
pub mod notifications;
pub mod observers;
pub mod open311;
pub mod open311_post;
pub mod open_data;
pub mod openapi;
pub mod pages;
pub mod photos;
pub mod requests;
pub mod rules;
pub mod subscriptions;
pub mod supervision;
pub mod system;
pub mod tickets;
pub mod triage;
pub mod workbench;

use crate::error::ApiError;
use worker::{Response, Result};

/// The tracking number in the route (`:tracking_no`, percent-encoded); 404 when it is not one.
pub(crate) fn tracking_no(
    ctx: &worker::RouteContext<crate::config::AppState>,
) -> std::result::Result<shared::ids::TrackingNo, ApiError> {
    ctx.param("tracking_no")
        .and_then(|raw| shared::ids::TrackingNo::parse(&crate::http::percent_decode(raw)))
        .ok_or(ApiError::NotFound)
}

/// Turn a handler's typed outcome into the response the router expects.
pub fn respond(outcome: std::result::Result<Response, ApiError>) -> Result<Response> {
    Ok(outcome.unwrap_or_else(ApiError::into_response))
}
