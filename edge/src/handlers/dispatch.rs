//! The dispatcher's queue and dispatching a request to a lead and co-handlers.

use super::respond;
use crate::config::{AppState, DB_BINDING};
use crate::error::ApiError;
use crate::http::{json, json_input};
use crate::intake::{self, Intake};
use crate::store::{DispatchWrite, Store};
use shared::catalogue::CategoryCode;
use shared::dispatch::{DispatchInput, DispatchMode, QueueItem, StoredSuggestion, Urgency};
use shared::error::{FieldErrorCode, FieldErrors};
use shared::ids::TrackingNo;
use shared::request::RequestKind;
use shared::rules::{resolve, Resolution};
use shared::sla::Deadlines;
use shared::status::{transition, Action, Status};
use shared::ticket::{EventKind, TicketEvent};
use worker::{Request, Response, Result, RouteContext};

const BODY_LIMIT: usize = 16 * 1024;

/// A stored area code and its district, for the responsibility list.
fn chain_of(intake: &Intake, area: Option<&str>) -> Vec<String> {
    let Some(code) = area else { return Vec::new() };
    let mut chain = vec![code.to_owned()];
    if let Some(parent) = intake.areas.iter().find(|a| a.code == code).and_then(|a| a.parent.clone()) {
        chain.push(parent);
    }
    chain
}

pub async fn queue(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let intake = intake::load(&store, &ctx.env).await?;
            let catalogue = ctx.data.catalogue;
            let mut items = Vec::new();
            for row in store.queue(200).await? {
                let Some(code) = CategoryCode::parse(&row.category) else { continue };
                let kind = RequestKind::parse(&row.kind).unwrap_or_default();
                let chain = chain_of(&intake, row.area.as_deref());
                items.push(QueueItem {
                    category: catalogue
                        .path(&code)
                        .unwrap_or(shared::catalogue::CategoryRef { code: code.clone(), path: Vec::new() }),
                    proposal: resolve(&intake.rules, &code, &chain, kind),
                    suggestions: row
                        .suggestions
                        .as_deref()
                        .and_then(|s| serde_json::from_str::<Vec<StoredSuggestion>>(s).ok())
                        .unwrap_or_default(),
                    tracking_no: row.tracking_no,
                    title: row.title,
                    description: shared::redact::public_text(&row.description),
                    area: row.area,
                    kind,
                    urgency: Urgency::parse(&row.urgency).unwrap_or_default(),
                    created_at: chrono::DateTime::parse_from_rfc3339(&row.created_at)
                        .map(|t| t.with_timezone(&chrono::Utc))
                        .unwrap_or_default(),
                    version: row.version,
                });
            }
            items.sort_by(shared::dispatch::queue_order);
            Ok(json(200, &items)?)
        }
        .await,
    )
}

pub async fn dispatch(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(dispatch_inner(&mut req, &ctx).await)
}

async fn dispatch_inner(req: &mut Request, ctx: &RouteContext<AppState>) -> std::result::Result<Response, ApiError> {
    let no = super::tracking_no(ctx)?;
    let input: DispatchInput = json_input(req, BODY_LIMIT).await?;
    let store = Store::new(ctx.env.d1(DB_BINDING)?);
    let (ticket, _, _) = store.find_by_tracking_no(&no).await?.ok_or(ApiError::NotFound)?;
    // Checked after the fields, so a form with mistakes hears about them first.
    let precondition = crate::http::expect_version(req, input.version, ticket.version);
    let origin = Origin { cause: Cause::Dispatcher, precondition, extra: Vec::new() };
    apply(ctx, &store, &no, ticket, &input, origin).await
}

/// Who dispatches and with what: the dispatcher against the version they saw, or an upheld
/// dispute with the dispute's own statements in the same batch.
pub(crate) struct Origin {
    pub cause: Cause,
    pub precondition: std::result::Result<(), ApiError>,
    pub extra: Vec<worker::D1PreparedStatement>,
}

/// Why the lead changes, for the re-dispatch counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    Dispatcher,
    Dispute,
}

/// Dispatch or re-dispatch `ticket`; `extra` statements join the same batch (e.g. closing
/// the dispute that caused it), so either everything happens or nothing does.
pub(crate) async fn apply(
    ctx: &RouteContext<AppState>,
    store: &Store,
    no: &TrackingNo,
    ticket: shared::ticket::Ticket,
    input: &DispatchInput,
    origin: Origin,
) -> std::result::Result<Response, ApiError> {
    let action = if ticket.status == Status::Submitted { Action::Dispatch } else { Action::Redispatch };
    let to = transition(ticket.status, action).map_err(|e| ApiError::Conflict(e.to_string()))?;
    let intake = intake::load(store, &ctx.env).await?;
    let chain = intake.area_chain(ticket.point);
    let mut errors = FieldErrors::new();
    let proposal = resolve(&intake.rules, &ticket.category, &chain, ticket.kind);
    let chosen = input.lead.clone().map(|l| l.trim().to_owned());
    if chosen.as_deref() == Some("") {
        errors.add("lead", FieldErrorCode::Required, "choose the lead department");
    }
    let (lead, co_handlers) = match (chosen.filter(|l| !l.is_empty()), &proposal) {
        (Some(lead), _) => (lead, input.co_handlers.clone().unwrap_or_default()),
        (None, Resolution::Resolved { lead, co_handlers, .. }) => {
            (lead.clone(), input.co_handlers.clone().unwrap_or(co_handlers.clone()))
        }
        (None, _) => {
            errors.add("lead", FieldErrorCode::Required, "the responsibility list names no single lead; choose one");
            (String::new(), Vec::new())
        }
    };
    if !lead.is_empty() && !intake.department_exists(&lead) {
        errors.add("lead", FieldErrorCode::UnknownValue, format!("no active department {lead}"));
    }
    let co_handlers = intake.coordinators.add_to(ticket.kind, &lead, &co_handlers);
    for (i, c) in co_handlers.iter().enumerate() {
        if !intake.department_exists(c) {
            errors.add(&format!("co_handlers[{i}]"), FieldErrorCode::UnknownValue, format!("no active department {c}"));
        }
    }
    let urgency = match input.urgency.as_deref() {
        None => Urgency::Normal,
        Some(raw) => Urgency::parse(raw).unwrap_or_else(|| {
            errors.add("urgency", FieldErrorCode::UnknownValue, "normal, urgent or very_urgent");
            Urgency::Normal
        }),
    };
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let Origin { cause, precondition, extra } = origin;
    precondition?;
    let principal = ctx.data.principal()?;
    let sla = intake.clocks.sla.resolve(ticket.category.as_str(), urgency);
    let now = crate::clock::now();
    let deadlines = Deadlines::compute(now, sla, 0, &intake.clocks.calendar, ctx.data.city.offset());
    let audit = ctx.data.audit(
        "ticket_dispatched",
        Some(no.as_str().to_owned()),
        serde_json::json!({ "lead": lead, "co_handlers": co_handlers, "urgency": urgency.as_str(), "redispatch": action == Action::Redispatch }),
    );
    let mut events = Vec::new();
    if to != ticket.status {
        events.push(TicketEvent {
            at: audit.at,
            kind: EventKind::StatusChanged { from: ticket.status, to },
            actor: principal.actor(),
            public: true,
        });
    }
    events.push(TicketEvent {
        at: audit.at,
        kind: EventKind::Dispatched {
            lead: lead.clone(),
            lead_name: intake.department_name(&lead),
            co_handlers: co_handlers.clone(),
            mode: DispatchMode::Manual,
        },
        actor: principal.actor(),
        public: true,
    });
    let mut statements = store.dispatch_statements(&DispatchWrite {
        ticket: &ticket.id,
        expected_version: ticket.version,
        lead: &lead,
        co_handlers: &co_handlers,
        urgency,
        area: chain.first().map(String::as_str),
        mode: DispatchMode::Manual,
        at: audit.at,
        events: &events,
        sla,
        deadlines,
    })?;
    let previous = store.staff_ticket(no).await?.and_then(|(summary, _)| summary.lead);
    if action == Action::Redispatch && previous.as_deref() != Some(lead.as_str()) {
        let cause = if cause == Cause::Dispute { "dispute" } else { "dispatcher" };
        statements.push(store.redispatch_statement(&ticket.id, previous.as_deref(), &lead, cause, &audit.at)?);
    }
    statements.extend(work_order_notices(store, no.as_str(), &lead, &co_handlers, urgency, &deadlines, audit.at)?);
    statements.extend(extra);
    statements.push(store.audit_statement(&audit)?);
    if !store.run_guarded(statements).await? {
        return Err(ApiError::Stale { current: ticket.version + 1 });
    }
    Ok(json(
        200,
        &serde_json::json!({ "tracking_no": no, "status": to, "lead": lead, "co_handlers": co_handlers, "urgency": urgency, "version": ticket.version + 1 }),
    )?)
}

/// The new work order reaches the lead and every co-handler (their notification centre and
/// their system's webhook), with the dates it is due.
pub(crate) fn work_order_notices(
    store: &Store,
    no: &str,
    lead: &str,
    co_handlers: &[String],
    urgency: Urgency,
    deadlines: &Deadlines,
    at: chrono::DateTime<chrono::Utc>,
) -> std::result::Result<Vec<worker::D1PreparedStatement>, ApiError> {
    let mut statements = Vec::new();
    for (department, part) in std::iter::once((lead, "lead"))
        .chain(co_handlers.iter().filter(|c| c.as_str() != lead).map(|c| (c.as_str(), "co")))
    {
        let data = serde_json::json!({
            "part": part,
            "urgency": urgency,
            "response_due": deadlines.response_due,
            "resolution_due": deadlines.resolution_due,
        });
        let n = super::workbench::notice(department, "dispatched", no, data, at)?;
        statements.extend(store.notice_statements(&n)?);
    }
    Ok(statements)
}
