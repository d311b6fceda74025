//! The reporter after the reply, through the private link: reopen the request (a reason is
//! required; it returns to the same lead, counted) or add information. Within the follow-up
//! window only; information may also be added while the work is still open.

use super::respond;
use super::workbench::{commit, event, notice};
use crate::config::{AppState, DB_BINDING};
use crate::error::ApiError;
use crate::http::{json, json_input};
use crate::intake;
use crate::store::{Store, TicketChange};
use serde_json::json as value;
use shared::api::MAX_BODY_BYTES;
use shared::handling::{parse_more_info, parse_reopen, CitizenFollowUpInput};
use shared::sla::{Deadlines, Sla};
use shared::status::{transition, Action, Status};
use shared::ticket::{EventKind, Ticket};
use worker::{Request, Response, Result, RouteContext};

pub(crate) const CITIZEN: &str = "citizen";

/// The ticket of the path, if the presented token is its reporter's.
pub(crate) async fn own_ticket(
    req: &Request,
    ctx: &RouteContext<AppState>,
    store: &Store,
) -> std::result::Result<(Ticket, Option<String>), ApiError> {
    let no = super::tracking_no(ctx)?;
    let token = super::requests::presented_token(req)?.ok_or(ApiError::InvalidToken)?;
    let (ticket, token_hash, _) = store.find_by_tracking_no(&no).await?.ok_or(ApiError::NotFound)?;
    if token_hash.as_deref() != Some(token.hash().as_str()) {
        return Err(ApiError::InvalidToken);
    }
    let lead = store.staff_ticket(&no).await?.and_then(|(summary, _)| summary.lead);
    Ok((ticket, lead))
}

/// The statements that send a ticket back to its lead with fresh clocks from the SLA it was
/// given, counted as a reopening; `actor` is the citizen or the supervisor deciding a review.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn reopen_statements(
    store: &Store,
    intake: &intake::Intake,
    offset: chrono::FixedOffset,
    ticket: &Ticket,
    lead: Option<&str>,
    reason: String,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> std::result::Result<(Vec<worker::D1PreparedStatement>, Deadlines, Status), ApiError> {
    let to = transition(ticket.status, Action::Reopen).map_err(|e| ApiError::Conflict(e.to_string()))?;
    let (hours, days, _) = store.sla_of(&ticket.id).await?.unwrap_or((24, 10, 0));
    let due = Deadlines::compute(
        now,
        Sla { response_hours: hours, resolution_days: days },
        0,
        &intake.clocks.calendar,
        offset,
    );
    let events = [
        event(now, EventKind::StatusChanged { from: ticket.status, to }, actor, true),
        event(now, EventKind::Reopened { reason }, actor, false),
    ];
    let change = TicketChange { reopened_with: Some((&due.response_due, &due.resolution_due)), ..Default::default() };
    let mut statements = store.guarded_change(&ticket.id, ticket.version, to, &now, &change, &events)?;
    if let Some(lead) = lead {
        let n = notice(
            lead,
            "reopened",
            ticket.tracking_no.as_str(),
            value!({ "reopen_count": ticket.handling.reopen_count + 1 }),
            now,
        )?;
        statements.extend(store.notice_statements(&n)?);
    }
    Ok((statements, due, to))
}

pub async fn reopen(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: CitizenFollowUpInput = json_input(&mut req, MAX_BODY_BYTES).await?;
            let reason = parse_reopen(&input).map_err(ApiError::Invalid)?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let (ticket, lead) = own_ticket(&req, &ctx, &store).await?;
            let intake = intake::load(&store, &ctx.env).await?;
            let now = crate::clock::now();
            transition(ticket.status, Action::Reopen).map_err(|e| ApiError::Conflict(e.to_string()))?;
            if !intake.clocks.follow_up.allows(ticket.status, ticket.handling.replied_at, now) {
                return Err(ApiError::Conflict("the time to reopen this request has passed; submit a new one".into()));
            }
            let (statements, due, to) = reopen_statements(
                &store,
                &intake,
                ctx.data.city.offset(),
                &ticket,
                lead.as_deref(),
                reason,
                CITIZEN,
                now,
            )
            .await?;
            commit(&store, statements, ticket.version).await?;
            Ok(json(
                200,
                &value!({
                    "tracking_no": ticket.tracking_no,
                    "status": to,
                    "reopen_count": ticket.handling.reopen_count + 1,
                    "response_due": due.response_due,
                    "resolution_due": due.resolution_due,
                }),
            )?)
        }
        .await,
    )
}

pub async fn add_info(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: CitizenFollowUpInput = json_input(&mut req, MAX_BODY_BYTES).await?;
            let text = parse_more_info(&input).map_err(ApiError::Invalid)?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let (ticket, lead) = own_ticket(&req, &ctx, &store).await?;
            let intake = intake::load(&store, &ctx.env).await?;
            let now = crate::clock::now();
            let open = ticket.status.is_open();
            if ticket.status.is_final()
                || (!open && !intake.clocks.follow_up.allows(ticket.status, ticket.handling.replied_at, now))
            {
                return Err(ApiError::Conflict("this request no longer takes additions; submit a new one".into()));
            }
            let e = event(now, EventKind::InfoAdded { text }, CITIZEN, false);
            let mut statements = vec![store.event_statement(&ticket.id, &e)?];
            if let Some(lead) = lead.as_deref().filter(|_| ticket.status != Status::Submitted) {
                let n = notice(lead, "info_added", ticket.tracking_no.as_str(), value!({}), now)?;
                statements.extend(store.notice_statements(&n)?);
            }
            store.run_batch(statements).await?;
            Ok(json(201, &value!({ "tracking_no": ticket.tracking_no, "status": ticket.status }))?)
        }
        .await,
    )
}
