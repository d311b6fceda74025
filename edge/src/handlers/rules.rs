//! The responsibility list: list, edit and coverage (which category × area × kind has no
//! lead, or more than one).

use super::respond;
use crate::config::{AppState, DB_BINDING};
use crate::error::ApiError;
use crate::http::{json, json_input};
use crate::store::Store;
use shared::org::{Area, AreaLevel};
use shared::rules::{coverage, AreaChain, Rule, RuleInput};
use worker::{Request, Response, Result, RouteContext};

const BODY_LIMIT: usize = 16 * 1024;

pub async fn list(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(async { Ok(json(200, &Store::new(ctx.env.d1(DB_BINDING)?).rules().await?)?) }.await)
}

/// Each area's chain from itself up to its district.
fn chains(areas: &[Area]) -> Vec<AreaChain> {
    areas
        .iter()
        .map(|a| {
            let mut chain = vec![a.code.clone()];
            if a.level == AreaLevel::Street {
                chain.extend(a.parent.clone());
            }
            chain
        })
        .collect()
}

pub async fn coverage_report(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let rules: Vec<Rule> = store.rules().await?.into_iter().map(|r| r.rule).collect();
            let areas = store.areas().await?;
            let gaps = coverage(&rules, ctx.data.catalogue, &chains(&areas));
            let checked = ctx.data.catalogue.count_at_level(3) * (areas.len() + 1) * 2;
            Ok(json(200, &serde_json::json!({ "checked": checked, "gaps": gaps.len(), "items": gaps }))?)
        }
        .await,
    )
}

pub async fn create(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(save(&mut req, &ctx, None).await)
}

pub async fn update(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    let id = ctx.param("id").and_then(|i| i.parse::<i64>().ok());
    respond(match id {
        Some(id) => save(&mut req, &ctx, Some(id)).await,
        None => Err(ApiError::NotFound),
    })
}

async fn save(
    req: &mut Request,
    ctx: &RouteContext<AppState>,
    id: Option<i64>,
) -> std::result::Result<Response, ApiError> {
    let input: RuleInput = json_input(req, BODY_LIMIT).await?;
    let store = Store::new(ctx.env.d1(DB_BINDING)?);
    let departments: Vec<String> = store.departments().await?.into_iter().map(|d| d.code).collect();
    let areas: Vec<String> = store.areas().await?.into_iter().map(|a| a.code).collect();
    let rule = Rule::parse(&input, ctx.data.catalogue, &|d| departments.iter().any(|x| x == d), &|a| {
        areas.iter().any(|x| x == a)
    })
    .map_err(ApiError::Invalid)?;
    let action = if id.is_some() { "rule_updated" } else { "rule_created" };
    let audit = ctx.data.audit(action, id.map(|i| i.to_string()), serde_json::to_value(&rule).unwrap_or_default());
    let saved = store.save_rule(id, &rule, &audit).await?.ok_or(ApiError::NotFound)?;
    crate::intake::invalidate();
    Ok(json(if id.is_some() { 200 } else { 201 }, &serde_json::json!({ "id": saved, "rule": rule }))?)
}

pub async fn delete(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let id = ctx.param("id").and_then(|i| i.parse::<i64>().ok()).ok_or(ApiError::NotFound)?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let audit = ctx.data.audit("rule_deleted", Some(id.to_string()), serde_json::Value::Null);
            if store.delete_rule(id, &audit).await? {
                crate::intake::invalidate();
                Ok(Response::empty()?.with_status(204))
            } else {
                Err(ApiError::NotFound)
            }
        }
        .await,
    )
}
