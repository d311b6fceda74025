//! Citizens ask for a request's updates (`POST /api/v1/requests/{no}/subscriptions`, with the
//! reporter's or a follower's token) and end them from any message (`POST /api/v1/unsubscribe/{token}`,
//! one click, also the target of e-mail's `List-Unsubscribe-Post`). Sending is `notify_citizens`.

use super::respond;
use crate::config::{AppState, DB_BINDING};
use crate::error::ApiError;
use crate::http::{json, json_input};
use crate::store::{Store, SubscribeOutcome};
use shared::api::MAX_BODY_BYTES;
use shared::ids::sha256_hex;
use shared::subscription::{
    is_token, unsubscribe_token, NewSubscription, SubscribeResponse, SubscriptionInput, UnsubscribeResponse,
    MAX_PER_TICKET,
};
use worker::{Request, Response, Result, RouteContext};

pub async fn subscribe(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(subscribe_inner(&mut req, &ctx).await)
}

async fn subscribe_inner(req: &mut Request, ctx: &RouteContext<AppState>) -> std::result::Result<Response, ApiError> {
    let no = super::tracking_no(ctx)?;
    let token = super::requests::presented_token(req)?.ok_or(ApiError::InvalidToken)?;
    let store = Store::new(ctx.env.d1(DB_BINDING)?);
    let ticket = store.subscriber_ticket(no.as_str(), &token.hash()).await?.ok_or(ApiError::NotFound)?;
    if !ticket.allowed {
        return Err(ApiError::InvalidToken);
    }
    let input: SubscriptionInput = json_input(req, MAX_BODY_BYTES).await?;
    // Only a development stack sends to a push receiver on this machine (the tests').
    let subscription = NewSubscription::parse(&input, ctx.data.development).map_err(ApiError::Invalid)?;
    let id = crate::clock::random_id().map_err(|e| ApiError::Store(e.to_string()))?;
    let token_hash = sha256_hex(unsubscribe_token(&ctx.data.token_secret, &id).as_bytes());
    let base_url = req.url()?.origin().ascii_serialization();
    let now = crate::clock::now();
    let (status, id) =
        match store.subscribe(&ticket.ticket_id, &subscription, &id, &token_hash, &base_url, &now).await? {
            SubscribeOutcome::Created(id) => (201, id),
            SubscribeOutcome::Existing { id, reactivated } => (if reactivated { 201 } else { 200 }, id),
            SubscribeOutcome::Full => {
                return Err(ApiError::Conflict(format!("this request already has {MAX_PER_TICKET} subscriptions")))
            }
        };
    let unsubscribe_token = (status == 201).then(|| unsubscribe_token(&ctx.data.token_secret, &id));
    Ok(json(status, &SubscribeResponse { id, unsubscribe_token })?)
}

/// The body is not read: RFC 8058 clients post `List-Unsubscribe=One-Click` form-encoded, the app
/// posts nothing; the token in the path is the whole request.
pub async fn unsubscribe(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let token = ctx.param("token").filter(|t| is_token(t)).ok_or(ApiError::NotFound)?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let (_, tracking_no) = store
                .unsubscribe(&sha256_hex(token.as_bytes()), &crate::clock::now())
                .await?
                .ok_or(ApiError::NotFound)?;
            Ok(json(200, &UnsubscribeResponse { unsubscribed: true, tracking_no })?)
        }
        .await,
    )
}
