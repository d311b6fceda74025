//! What one request needs from the deployment: bindings' names, the city, secrets.

use crate::error::ApiError;
use shared::api::PublicConfig;
use shared::catalogue::Catalogue;
use shared::city::CityConfig;
use worker::Env;

pub const DB_BINDING: &str = "DB";

pub struct AppState {
    pub catalogue: &'static Catalogue,
    pub city: CityConfig,
    pub tile_url: Option<String>,
    pub tile_attribution: Option<String>,
    /// Derives reporters' access tokens; a Worker secret in production.
    pub token_secret: Vec<u8>,
    /// `development` enables the demo-data import until staff accounts exist.
    pub development: bool,
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
            token_secret: token_secret.into_bytes(),
            development: text(env, "HUIYIN_ENV").as_deref() == Some("development"),
        })
    }

    pub fn public_config(&self) -> PublicConfig {
        PublicConfig {
            city: self.city.clone(),
            tile_url: self.tile_url.clone(),
            tile_attribution: self.tile_attribution.clone(),
        }
    }
}
