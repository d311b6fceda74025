//! A reporter's personal data erased on request: by the reporter through their private link, or
//! by a supervisor or admin after a call (with the reason on the audit trail). The request stays
//! in every statistic; a second erasure answers the same without writing anything.

use super::follow_up::{own_ticket, CITIZEN};
use super::respond;
use crate::config::{AppState, DB_BINDING};
use crate::error::ApiError;
use crate::http::{json, json_input};
use crate::store::{Erasure, Store};
use serde_json::json as value;
use shared::api::MAX_BODY_BYTES;
use shared::erasure::{ErasureInput, ErasureReason, Known};
use shared::ticket::Ticket;
use worker::{Request, Response, Result, RouteContext};

/// A change made meanwhile (a note, a dispatch) is read again and erased too.
const ATTEMPTS: usize = 3;

pub async fn by_staff(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: ErasureInput = json_input(&mut req, MAX_BODY_BYTES).await?;
            let reason = ErasureReason::parse(&input).map_err(ApiError::Invalid)?;
            let actor = ctx.data.principal()?.actor();
            erase(&req, &ctx, Who::Staff, reason.as_str(), actor).await
        }
        .await,
    )
}

pub async fn by_reporter(req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(erase(&req, &ctx, Who::Reporter, "the reporter's own request", CITIZEN.to_owned()).await)
}

enum Who {
    Staff,
    /// Only with the request's private token.
    Reporter,
}

async fn read(
    req: &Request,
    ctx: &RouteContext<AppState>,
    store: &Store,
    who: &Who,
) -> std::result::Result<Ticket, ApiError> {
    match who {
        Who::Staff => {
            let no = super::tracking_no(ctx)?;
            Ok(store.find_by_tracking_no(&no).await?.ok_or(ApiError::NotFound)?.0)
        }
        Who::Reporter => Ok(own_ticket(req, ctx, store).await?.0),
    }
}

async fn erase(
    req: &Request,
    ctx: &RouteContext<AppState>,
    who: Who,
    reason: &str,
    actor: String,
) -> std::result::Result<Response, ApiError> {
    let store = Store::new(ctx.env.d1(DB_BINDING)?);
    for _ in 0..ATTEMPTS {
        let ticket = read(req, ctx, &store, &who).await?;
        if store.is_erased(&ticket.id).await? {
            return answer(&ticket, true);
        }
        let known = Known::of(ticket.contact.as_ref(), ticket.address.as_deref());
        let mut audit =
            ctx.data.audit("reporter_erased", Some(ticket.tracking_no.to_string()), value!({ "reason": reason }));
        audit.actor = actor.clone();
        let erasure = Erasure { ticket: &ticket, known: &known, reason, at: audit.at, audit: &audit };
        if store.erase_reporter(&erasure).await? {
            return answer(&ticket, false);
        }
    }
    Err(ApiError::Conflict("the request keeps changing; try again in a moment".into()))
}

fn answer(ticket: &Ticket, already: bool) -> std::result::Result<Response, ApiError> {
    Ok(json(200, &value!({ "tracking_no": ticket.tracking_no, "erased": true, "already_erased": already }))?)
}
