//! 一网归集: the channel registry (admins) and the intake every channel sends requests through.

use super::requests::{create, created_response, Origin};
use super::respond;
use crate::config::{AppState, DB_BINDING};
use crate::error::ApiError;
use crate::http::{header, json, json_input};
use crate::store::Store;
use chrono::{Duration, Timelike};
use serde_json::json as value;
use shared::api::MAX_BODY_BYTES;
use shared::channels::{
    idempotency_key, key_hash, parse_chosen_key, parse_external_id, ChannelCode, ChannelInput, ChannelKey,
    ChannelSettings, IntakeInput,
};
use shared::ids::IdempotencyKey;
use shared::request::{Channel, NewRequest};
use worker::{Request, Response, Result, RouteContext};

pub async fn list(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            Ok(json(200, &value!({ "channels": store.channels().await? }))?)
        }
        .await,
    )
}

fn new_key(code: &ChannelCode) -> std::result::Result<ChannelKey, ApiError> {
    Ok(ChannelKey::from_random(code, crate::clock::random_16().map_err(|e| ApiError::Store(e.to_string()))?))
}

/// A new channel; its key is in the answer, once.
pub async fn create_channel(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: ChannelInput = json_input(&mut req, MAX_BODY_BYTES).await?;
            let settings = ChannelSettings::parse(&input).map_err(ApiError::Invalid)?;
            let key = match input.key.as_deref() {
                None => new_key(&settings.code)?,
                Some(_) if !ctx.data.clock_override => {
                    let mut errors = shared::error::FieldErrors::new();
                    errors.add("key", shared::error::FieldErrorCode::UnknownField, "keys are generated, not chosen");
                    return Err(ApiError::Invalid(errors));
                }
                Some(chosen) => ChannelKey {
                    channel: settings.code.as_str().to_owned(),
                    key: parse_chosen_key(chosen).map_err(ApiError::Invalid)?,
                },
            };
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let audit = ctx.data.audit(
                "channel_created",
                Some(settings.code.as_str().to_owned()),
                value!({ "name": settings.name, "kind": settings.kind.as_str(), "rate_per_minute": settings.rate_per_minute,
                         "webhook_url": settings.webhook.as_ref().map(|w| w.url.as_str()) }),
            );
            let hint = ChannelKey::hint(&key.key);
            if !store.insert_channel(&settings, &key_hash(&key.key), &hint, &crate::clock::now(), &audit).await? {
                let mut errors = shared::error::FieldErrors::new();
                errors.add("code", shared::error::FieldErrorCode::Taken, "another channel has this code");
                return Err(ApiError::Invalid(errors));
            }
            Ok(json(201, &key)?)
        }
        .await,
    )
}

/// Change a channel's name, kind, limit, webhook or whether it may send.
pub async fn update_channel(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let code = ctx.param("code").cloned().ok_or(ApiError::NotFound)?;
            let mut input: ChannelInput = json_input(&mut req, MAX_BODY_BYTES).await?;
            input.code = Some(code.clone());
            let settings = ChannelSettings::parse(&input).map_err(ApiError::Invalid)?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let audit = ctx.data.audit(
                "channel_updated",
                Some(code.clone()),
                value!({ "name": settings.name, "kind": settings.kind.as_str(), "rate_per_minute": settings.rate_per_minute,
                         "webhook_url": settings.webhook.as_ref().map(|w| w.url.as_str()), "active": settings.active }),
            );
            if !store.update_channel(&settings, &audit).await? {
                return Err(ApiError::NotFound);
            }
            Ok(json(200, &value!({ "code": code }))?)
        }
        .await,
    )
}

/// A new key for a channel (a leak, a handover); the old key stops working at once.
pub async fn rotate_key(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let code = ctx.param("code").and_then(|c| ChannelCode::parse(c)).ok_or(ApiError::NotFound)?;
            let key = new_key(&code)?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let audit = ctx.data.audit("channel_key_rotated", Some(code.as_str().to_owned()), value!({}));
            if !store.set_channel_key(code.as_str(), &key_hash(&key.key), &ChannelKey::hint(&key.key), &audit).await? {
                return Err(ApiError::NotFound);
            }
            Ok(json(201, &key)?)
        }
        .await,
    )
}

/// The channel a key belongs to, refusing unknown keys, paused channels and channels over
/// their rate. Shared with Open311, whose `api_key` is a channel key.
pub(crate) async fn authenticate(
    store: &Store,
    key: Option<&str>,
    expected: Option<&str>,
) -> std::result::Result<(ChannelCode, Channel), ApiError> {
    let key = key.map(str::trim).filter(|k| !k.is_empty()).ok_or(ApiError::Unauthenticated)?;
    let channel = store.channel_by_key(&key_hash(key)).await?.ok_or(ApiError::Unauthenticated)?;
    if channel.active != 1 || expected.is_some_and(|e| e != channel.code) {
        return Err(ApiError::Forbidden);
    }
    let code = ChannelCode::parse(&channel.code).ok_or_else(|| ApiError::Store("stored channel code".into()))?;
    let kind = Channel::parse(&channel.kind).ok_or_else(|| ApiError::Store("stored channel kind".into()))?;
    let now = crate::clock::now();
    let minute = now.format("%Y-%m-%dT%H:%M").to_string();
    let hour_ago = (now - Duration::hours(1)).format("%Y-%m-%dT%H:%M").to_string();
    let count = store.count_channel_request(code.as_str(), &minute, &hour_ago).await?;
    if count > channel.rate_per_minute {
        return Err(ApiError::RateLimited {
            limit: channel.rate_per_minute,
            retry_after: 60 - i64::from(now.second()),
        });
    }
    Ok((code, kind))
}

/// `POST /api/v1/intake/{channel}` with `Authorization: Bearer <channel key>` and
/// `{external_id, request}`: idempotent per (channel, external_id) — a replay of the same body
/// answers the same ticket, another body under the same id is refused.
pub async fn intake(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let path_code = ctx.param("channel").cloned().unwrap_or_default();
            let presented = header(&req, "Authorization");
            let key = presented.as_deref().and_then(|h| h.strip_prefix("Bearer "));
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let (code, kind) = authenticate(&store, key, Some(&path_code)).await?;
            let input: IntakeInput = json_input(&mut req, MAX_BODY_BYTES).await?;
            let request = input.request.unwrap_or_default();
            let external_id = match parse_external_id(input.external_id.as_deref()) {
                Ok(id) => id,
                Err(mut errors) => {
                    // Name every wrong field at once, the request's too.
                    let state = &ctx.data;
                    if let Err(more) = NewRequest::parse(&request, state.catalogue, &state.city.service_area) {
                        errors.0.extend(more.0.into_iter().map(|(field, e)| (format!("request.{field}"), e)));
                    }
                    return Err(ApiError::Invalid(errors));
                }
            };
            let key = IdempotencyKey::parse(&idempotency_key(&code, &external_id))
                .ok_or_else(|| ApiError::Store("channel idempotency key".into()))?;
            let source = code.source();
            let origin = Origin { channel: kind, source: Some((&source, &external_id)), field_prefix: "request." };
            let (status, created) = create(&ctx, &request, &key, origin).await?;
            created_response(status, &created)
        }
        .await,
    )
}
