//! Tickets for staff: a list within the caller's scope and one whole ticket. A ticket out
//! of scope answers 404, as if it did not exist: its existence is not the caller's business.

use super::casework::{scoped_ticket, Scoped};
use super::respond;
use crate::config::{AppState, DB_BINDING};
use crate::error::ApiError;
use crate::http::{json, json_tagged, query_param};
use crate::store::{Store, TicketQuery};
use shared::error::{FieldErrorCode, FieldErrors};
use shared::ids::TrackingNo;
use shared::staff_view::{sees_contact, ticket_scope, StaffTicketDetail};
use shared::status::Status;
use worker::{Request, Response, Result, RouteContext};

type Outcome = std::result::Result<Response, ApiError>;

pub async fn list(req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(list_inner(&req, &ctx).await)
}

async fn list_inner(req: &Request, ctx: &RouteContext<AppState>) -> Outcome {
    let principal = ctx.data.principal()?;
    let scope = ticket_scope(principal.user.role, principal.user.department.as_deref());
    let mut errors = FieldErrors::new();
    let status = query_param(req, "status").and_then(|raw| {
        Status::parse(&raw).or_else(|| {
            errors.add("status", FieldErrorCode::UnknownValue, format!("unknown status {raw}"));
            None
        })
    });
    let before = query_param(req, "before").and_then(|raw| {
        TrackingNo::parse(&raw).or_else(|| {
            errors.add("before", FieldErrorCode::InvalidFormat, "a tracking number");
            None
        })
    });
    let limit = match query_param(req, "limit").map(|l| l.parse::<u32>()) {
        None => 50,
        Some(Ok(l)) if (1..=200).contains(&l) => l,
        Some(_) => {
            errors.add_with_limit("limit", FieldErrorCode::OutOfRange, "1 to 200", Some(200));
            50
        }
    };
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let store = Store::new(ctx.env.d1(DB_BINDING)?);
    let query = TicketQuery { scope: &scope, status, before: before.as_ref(), limit };
    Ok(json(200, &store.staff_tickets(&query).await?)?)
}

pub async fn detail(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(detail_inner(&ctx).await)
}

async fn detail_inner(ctx: &RouteContext<AppState>) -> Outcome {
    let principal = ctx.data.principal()?;
    let store = Store::new(ctx.env.d1(DB_BINDING)?);
    let Scoped { summary, departments, ticket, events, .. } = scoped_ticket(ctx, &store).await?;
    let parts = store.parts_of(&ticket.id).await?;
    let extensions = store.extensions(None, Some(&ticket.id)).await?;
    let reminders = store.reminders_of(&ticket.id).await?;
    let steps = store.steps(Some(&ticket.id), None, 100).await?;
    let version = ticket.version;
    let detail = StaffTicketDetail {
        summary,
        description: ticket.description,
        point: ticket.point,
        address: ticket.address,
        channel: ticket.channel,
        anonymous: ticket.anonymous,
        contact: ticket.contact.filter(|_| sees_contact(principal.user.role)),
        departments,
        events,
        version,
        handling: ticket.handling,
        parts,
        extensions,
        reminders,
        steps,
    };
    Ok(json_tagged(200, &detail, version)?)
}
