//! "Already reported nearby": the citizen's form asks what is open close by, and a citizen
//! with the same problem follows a request ("me too") instead of filing it again.

use super::{respond, tracking_no};
use crate::clock;
use crate::config::{AppState, DB_BINDING};
use crate::error::ApiError;
use crate::http::{json, parse_json, query_param, read_json_body};
use crate::intake;
use crate::store::{FollowerHit, MeTooOutcome, NewFollower, Store};
use serde_json::json as value;
use shared::duplicates::cells_near;
use shared::ids::{sha256_hex, AccessToken, IdempotencyKey, TicketId};
use shared::nearby::{followable, suggest, MeTooInput, MeTooResponse, NearbyQuery, NearbyResponse, PoolEntry};
use shared::status::Status;
use worker::{Request, Response, Result, RouteContext};

type Outcome = std::result::Result<Response, ApiError>;

/// A "me too" says almost nothing; anything larger is not one.
const ME_TOO_BODY_LIMIT: usize = 1024;

pub async fn nearby(req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(nearby_inner(&req, &ctx).await)
}

async fn nearby_inner(req: &Request, ctx: &RouteContext<AppState>) -> Outcome {
    let state = &ctx.data;
    let query = NearbyQuery::parse(
        query_param(req, "category").as_deref(),
        query_param(req, "lat").as_deref(),
        query_param(req, "lng").as_deref(),
        state.catalogue,
        &state.city.service_area,
    )
    .map_err(ApiError::Invalid)?;
    let store = Store::new(ctx.env.d1(DB_BINDING)?);
    let casework = intake::load(&store, &ctx.env).await?.casework.clone();
    let settings = casework.nearby;
    let now = clock::now();
    let cells = cells_near(query.point, settings.pool_radius_m());
    let from = now - chrono::Duration::days(i64::from(settings.days));
    // No ticket has an empty id: nothing is left out.
    let nobody = TicketId::from_stored(String::new());
    let pool: Vec<PoolEntry> = store
        .duplicate_pool(Some(&cells), &from, &now, &nobody)
        .await?
        .into_iter()
        .filter_map(|p| {
            Some(PoolEntry { status: Status::parse(&p.status)?, me_too_count: p.me_too_count, candidate: p.candidate })
        })
        .collect();
    let items = suggest(&query, &pool, &settings, casework.duplicates.family_level, now, state.catalogue);
    Ok(json(200, &NearbyResponse { items, radius_m: settings.radius_m, days: settings.days })?)
}

pub async fn me_too(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(me_too_inner(&mut req, &ctx).await)
}

async fn me_too_inner(req: &mut Request, ctx: &RouteContext<AppState>) -> Outcome {
    let key = super::requests::idempotency_key(req)?;
    let no = tracking_no(ctx)?;
    let body = read_json_body(req, ME_TOO_BODY_LIMIT).await?;
    let input: MeTooInput = parse_json(&body)?;
    let input = input.parse().map_err(ApiError::Invalid)?;
    // The request followed is part of the body's identity: one key never follows two requests.
    let identity = value!({ "tracking_no": no.as_str(), "body": input });
    let body_hash = sha256_hex(&serde_json::to_vec(&identity).map_err(|e| ApiError::Store(e.to_string()))?);
    let secret = &ctx.data.token_secret;

    let store = Store::new(ctx.env.d1(DB_BINDING)?);
    if let Some(hit) = store.find_follower(&key).await? {
        return replay(hit, &body_hash, &key, secret);
    }
    let (ticket, _, _) = store.find_by_tracking_no(&no).await?.ok_or(ApiError::NotFound)?;
    if !followable(ticket.status) {
        return Err(ApiError::RequestNotOpen);
    }
    // Each "me too" is a repeat the ladder lists on, so one address may not pile them up: the
    // same allowance as filing (a replay above is never refused).
    crate::limits::check(&ctx.env, &ctx.data, crate::limits::Limit::Submit).await?;
    let token = AccessToken::derive_follower(secret, &key);
    let id = TicketId::from_random(clock::random_16().map_err(|e| ApiError::Store(e.to_string()))?);
    let follower = NewFollower {
        id: id.as_str(),
        ticket: &ticket.id,
        token_hash: &token.hash(),
        key: &key,
        body_hash: &body_hash,
        at: &clock::now(),
    };
    match store.insert_me_too(&follower).await? {
        MeTooOutcome::Inserted { me_too_count } => {
            answer(201, &MeTooResponse { tracking_no: ticket.tracking_no, token, me_too_count })
        }
        MeTooOutcome::NotOpen => Err(ApiError::RequestNotOpen),
        // A concurrent retry with the same key won; answer as it did.
        MeTooOutcome::KeyTaken => match store.find_follower(&key).await? {
            Some(hit) => replay(hit, &body_hash, &key, secret),
            None => Err(ApiError::Conflict("a call with this Idempotency-Key is in progress".into())),
        },
    }
}

fn replay(hit: FollowerHit, body_hash: &str, key: &IdempotencyKey, secret: &[u8]) -> Outcome {
    if hit.body_hash != body_hash {
        return Err(ApiError::IdempotencyKeyReused);
    }
    let token = AccessToken::derive_follower(secret, key);
    answer(200, &MeTooResponse { tracking_no: hit.tracking_no, token, me_too_count: hit.me_too_count })
}

fn answer(status: u16, body: &MeTooResponse) -> Outcome {
    let mut response = json(status, body)?;
    response.headers_mut().set("Location", &format!("/api/v1/requests/{}", body.tracking_no))?;
    Ok(response)
}
