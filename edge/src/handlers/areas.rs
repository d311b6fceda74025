//! Areas (districts, streets/townships): public boundaries and the admin's GeoJSON import.

use super::respond;
use crate::config::{AppState, DB_BINDING};
use crate::error::ApiError;
use crate::http::{json, json_input};
use crate::store::Store;
use shared::org::Area;
use worker::{Request, Response, Result, RouteContext};

const GEOJSON_LIMIT: usize = 4 * 1024 * 1024;

pub async fn list(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let areas = Store::new(ctx.env.d1(DB_BINDING)?).areas().await?;
            let features: Vec<_> = areas.iter().map(Area::to_feature).collect();
            Ok(json(200, &serde_json::json!({ "type": "FeatureCollection", "features": features }))?)
        }
        .await,
    )
}

pub async fn import(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let collection: serde_json::Value = json_input(&mut req, GEOJSON_LIMIT).await?;
            let areas = Area::parse_collection(&collection).map_err(ApiError::Invalid)?;
            let codes: Vec<&str> = areas.iter().map(|a| a.code.as_str()).collect();
            let audit = ctx.data.audit("areas_imported", None, serde_json::json!({ "codes": codes }));
            Store::new(ctx.env.d1(DB_BINDING)?).upsert_areas(&areas, &audit).await?;
            crate::intake::invalidate();
            Ok(json(200, &serde_json::json!({ "imported": areas.len() }))?)
        }
        .await,
    )
}
