//! Bodies of the v1 HTTP API that are not domain types themselves.
//!
//! Paths (all JSON):
//! - `GET  /api/v1/config`                  → [`PublicConfig`]
//! - `GET  /api/v1/categories`              → [`CategoriesResponse`]
//! - `POST /api/v1/requests`                → 201 (or 200 on an idempotent replay) [`crate::ticket::SubmitResponse`];
//!   body [`crate::request::NewRequestInput`], header `Idempotency-Key` (16–128 of `A-Za-z0-9-_.:`)
//! - `GET  /api/v1/requests/{tracking_no}`  → [`crate::ticket::TicketView`]; with `Authorization: Bearer <token>`
//!   or `?token=` the private view
//!
//! Every error is [`crate::error::ApiErrorBody`] with the status of its code.

use crate::catalogue::CategoryNode;
use crate::city::CityConfig;
use serde::{Deserialize, Serialize};

pub const IDEMPOTENCY_KEY_HEADER: &str = "Idempotency-Key";
/// Bodies above this are refused with 413 before parsing.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CategoriesResponse {
    pub tree: Vec<CategoryNode>,
}

/// What the app needs to know about the deployment before it draws anything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PublicConfig {
    pub city: CityConfig,
    /// A Leaflet tile URL template; `None` draws the map without tiles (offline, tests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tile_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tile_attribution: Option<String>,
    /// The longest side the browser scales a photo down to before uploading it.
    #[serde(default = "default_photo_max_side")]
    pub photo_max_side: u32,
    /// The VAPID public key (uncompressed P-256, base64url) for `PushManager.subscribe`; absent
    /// when the deployment has no `VAPID_PRIVATE_KEY` (no browser notifications then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vapid_public_key: Option<String>,
}

fn default_photo_max_side() -> u32 {
    crate::photo::DEFAULT_MAX_SIDE
}
