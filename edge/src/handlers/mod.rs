pub mod account;
pub mod admin;
pub mod areas;
pub mod auth;
pub mod casework;
pub mod catalogue;
pub mod coordinators;
pub mod dispatch;
pub mod disputes;
pub mod import;
pub mod requests;
pub mod rules;
pub mod system;
pub mod tickets;
pub mod triage;

use crate::error::ApiError;
use worker::{Response, Result};

/// Turn a handler's typed outcome into the response the router expects.
pub fn respond(outcome: std::result::Result<Response, ApiError>) -> Result<Response> {
    Ok(outcome.unwrap_or_else(ApiError::into_response))
}
