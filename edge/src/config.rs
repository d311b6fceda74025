//! What one request needs from the deployment: bindings' names, the city, secrets.

use crate::error::ApiError;
use crate::store::Audit;
use shared::api::PublicConfig;
use shared::catalogue::Catalogue;
use shared::city::CityConfig;
use worker::Env;

pub const DB_BINDING: &str = "DB";
/// Photos' bytes (`handlers::photos`).
pub const PHOTOS_BINDING: &str = "PHOTOS";

pub struct AppState {
    pub catalogue: &'static Catalogue,
    pub city: CityConfig,
    pub tile_url: Option<String>,
    pub tile_attribution: Option<String>,
    /// `PHOTO_MAX_SIDE`: the longest side the browser scales photos down to.
    pub photo_max_side: u32,
    /// Derives reporters' access tokens; a Worker secret in production.
    pub token_secret: Vec<u8>,
    /// Creates the first admin once (`POST /api/v1/auth/bootstrap`); unset after use.
    pub bootstrap_secret: Option<String>,
    /// The signed-in staff member, for staff routes (set by the route guard).
    pub principal: Option<crate::auth::Principal>,
    /// The caller's address, for the audit trail and throttling.
    pub ip: String,
    /// Development stacks may run scheduled jobs at a chosen time (tests of the ladder).
    pub clock_override: bool,
    /// `HUIYIN_ENV=development`: tests and benches on this machine are not rate-limited by address.
    pub development: bool,
    /// From `VAPID_PRIVATE_KEY` (`notify_citizens`): browsers subscribe to push with it.
    pub vapid_public_key: Option<String>,
}

/// A secret or var, when set and not blank (for settings read outside `AppState`).
pub(crate) fn setting(env: &Env, name: &str) -> Option<String> {
    text(env, name)
}

fn text(env: &Env, name: &str) -> Option<String> {
    env.secret(name)
        .map(|s| s.to_string())
        .or_else(|_| env.var(name).map(|v| v.to_string()))
        .ok()
        .filter(|v| !v.trim().is_empty())
}

impl AppState {
    pub fn from_env(env: &Env) -> Result<Self, ApiError> {
        let city = match text(env, "CITY_CONFIG") {
            Some(json) => {
                serde_json::from_str(&json).map_err(|e| ApiError::Misconfigured(format!("CITY_CONFIG: {e}")))?
            }
            None => CityConfig::demo(),
        };
        let token_secret = text(env, "TOKEN_SECRET")
            .filter(|s| s.len() >= 32)
            .ok_or_else(|| ApiError::Misconfigured("TOKEN_SECRET must be set (32+ characters)".into()))?;
        Ok(Self {
            catalogue: Catalogue::builtin(),
            city,
            tile_url: text(env, "TILE_URL"),
            tile_attribution: text(env, "TILE_ATTRIBUTION"),
            photo_max_side: shared::photo::max_side(text(env, "PHOTO_MAX_SIDE").as_deref()),
            token_secret: token_secret.into_bytes(),
            bootstrap_secret: text(env, "BOOTSTRAP_SECRET").filter(|s| s.len() >= 16),
            principal: None,
            ip: String::new(),
            clock_override: text(env, "HUIYIN_ENV").as_deref() == Some("development"),
            development: text(env, "HUIYIN_ENV").as_deref() == Some("development"),
            vapid_public_key: crate::notify_citizens::vapid_public_key(env),
        })
    }

    /// The signed-in member; staff routes always have one (the guard ran).
    pub fn principal(&self) -> Result<&crate::auth::Principal, ApiError> {
        self.principal.as_ref().ok_or(ApiError::Unauthenticated)
    }

    /// An audit entry for an action by the current caller.
    pub fn audit(&self, action: &'static str, target: Option<String>, detail: serde_json::Value) -> Audit {
        Audit {
            at: crate::clock::now(),
            actor: self.principal.as_ref().map_or_else(|| "anonymous".to_owned(), |p| p.actor()),
            action,
            target,
            ip: self.ip.clone(),
            detail,
        }
    }

    pub fn public_config(&self) -> PublicConfig {
        PublicConfig {
            city: self.city.clone(),
            tile_url: self.tile_url.clone(),
            tile_attribution: self.tile_attribution.clone(),
            photo_max_side: self.photo_max_side,
            vapid_public_key: self.vapid_public_key.clone(),
        }
    }
}
