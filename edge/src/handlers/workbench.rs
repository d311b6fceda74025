//! The department workbench (承办): the inbox, signing for a ticket, progress notes,
//! co-handlers' parts, extension requests, and the reply with its quality check. Every change
//! to the ticket names the version it was made against (`If-Match`).

use super::casework::{scoped_ticket, Scoped};
use super::respond;
use crate::config::{AppState, DB_BINDING};
use crate::error::ApiError;
use crate::http::{expect_version, json, json_input, json_tagged, query_param};
use crate::intake;
use crate::store::{InboxState, Notice, PartRecord, Store, TicketChange};
use serde_json::json as value;
use shared::api::MAX_BODY_BYTES;
use shared::error::{FieldErrorCode, FieldErrors};
use shared::handling::{ExtensionInput, ExtensionRequest, NoteInput, ProgressNote, ReplyInput, ReplyText};
use shared::reply_quality::{check, ReplyContext};
use shared::staff_view::Part;
use shared::status::{transition, Action, Status};
use shared::ticket::{EventKind, TicketEvent};
use worker::{Request, Response, Result, RouteContext};

type Outcome = std::result::Result<Response, ApiError>;

const BODY_LIMIT: usize = MAX_BODY_BYTES;

/// The ticket in the path, as the caller's department works on it.
pub(crate) struct OnTicket {
    pub scoped: Scoped,
    pub department: String,
    pub part: Part,
}

pub(crate) async fn on_ticket(ctx: &RouteContext<AppState>, store: &Store) -> std::result::Result<OnTicket, ApiError> {
    let principal = ctx.data.principal()?;
    let department = principal.user.department.clone().ok_or(ApiError::Forbidden)?;
    let scoped = scoped_ticket(ctx, store).await?;
    let part =
        scoped.departments.iter().find(|d| d.department == department).map(|d| d.part).ok_or(ApiError::NotFound)?;
    Ok(OnTicket { scoped, department, part })
}

fn lead_only(part: Part) -> std::result::Result<(), ApiError> {
    match part {
        Part::Lead => Ok(()),
        Part::Co => Err(ApiError::Conflict("only the lead department does this; send your part instead".into())),
    }
}

fn illegal(e: shared::status::IllegalTransition) -> ApiError {
    ApiError::Conflict(e.to_string())
}

pub(crate) fn event(at: chrono::DateTime<chrono::Utc>, kind: EventKind, actor: &str, public: bool) -> TicketEvent {
    TicketEvent { at, kind, actor: actor.to_owned(), public }
}

/// A notice to a department (and its webhook), with a fresh delivery id.
pub(crate) fn notice<'a>(
    department: &'a str,
    event: &'a str,
    tracking_no: &'a str,
    data: serde_json::Value,
    at: chrono::DateTime<chrono::Utc>,
) -> std::result::Result<Notice<'a>, ApiError> {
    let id = crate::clock::random_id().map_err(|e| ApiError::Store(e.to_string()))?;
    Ok(Notice { department: Some(department), user: None, event, tracking_no: Some(tracking_no), data, at, id })
}

/// Run a guarded batch; 412 when the ticket moved on in between.
pub(crate) async fn commit(
    store: &Store,
    statements: Vec<worker::D1PreparedStatement>,
    version: i64,
) -> std::result::Result<(), ApiError> {
    if store.run_guarded(statements).await? {
        Ok(())
    } else {
        Err(ApiError::Stale { current: version + 1 })
    }
}

/// Move the ticket to `to` with its events, the audit entry and any `extra` statements, in one
/// batch guarded by the version the caller saw; answers the new status and ETag.
async fn move_ticket(
    store: &Store,
    ticket: &shared::ticket::Ticket,
    to: Status,
    change: &TicketChange<'_>,
    events: &[TicketEvent],
    audit: &crate::store::Audit,
    extra: Vec<worker::D1PreparedStatement>,
) -> Outcome {
    let mut statements = store.guarded_change(&ticket.id, ticket.version, to, &audit.at, change, events)?;
    statements.extend(extra);
    statements.push(store.audit_statement(audit)?);
    commit(store, statements, ticket.version).await?;
    let version = ticket.version + 1;
    let body = value!({ "tracking_no": ticket.tracking_no, "status": to, "version": version });
    Ok(json_tagged(200, &body, version)?)
}

pub async fn inbox(req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let principal = ctx.data.principal()?;
            let Some(department) = principal.user.department.as_deref() else {
                return Err(ApiError::Forbidden);
            };
            let state = match query_param(&req, "state").as_deref() {
                None | Some("open") => InboxState::Open,
                Some("answered") => InboxState::Answered,
                Some(_) => {
                    let mut errors = FieldErrors::new();
                    errors.add("state", FieldErrorCode::UnknownValue, "open or answered");
                    return Err(ApiError::Invalid(errors));
                }
            };
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let items = store.inbox(department, state, crate::clock::now(), 200).await?;
            Ok(json(200, &value!({ "department": department, "items": items }))?)
        }
        .await,
    )
}

/// 签收: the lead department takes the ticket on (again, after a reopen).
pub async fn accept(req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let OnTicket { scoped, department, part } = on_ticket(&ctx, &store).await?;
            lead_only(part)?;
            let ticket = &scoped.ticket;
            expect_version(&req, None, ticket.version)?;
            let to = transition(ticket.status, Action::Accept).map_err(illegal)?;
            let late = ticket.handling.response_due.is_some_and(|due| crate::clock::now() > due);
            let audit = ctx.data.audit(
                "ticket_accepted",
                Some(scoped.no.as_str().to_owned()),
                value!({ "department": department, "late": late }),
            );
            let events = [event(audit.at, EventKind::StatusChanged { from: ticket.status, to }, &audit.actor, true)];
            let change = TicketChange { accepted_at: Some(&audit.at), ..Default::default() };
            move_ticket(&store, ticket, to, &change, &events, &audit, Vec::new()).await
        }
        .await,
    )
}

/// A progress note; the first one starts the work (accepted → in progress). Public notes are
/// the lead's to write: they speak to the citizen.
pub async fn note(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: NoteInput = json_input(&mut req, BODY_LIMIT).await?;
            let note = ProgressNote::parse(&input).map_err(ApiError::Invalid)?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let OnTicket { scoped, department, part } = on_ticket(&ctx, &store).await?;
            let ticket = &scoped.ticket;
            expect_version(&req, None, ticket.version)?;
            let photos = super::photos::staff_refs(&store, &ticket.id, input.photos.as_deref()).await?;
            if note.public && part != Part::Lead {
                let mut errors = FieldErrors::new();
                errors.add("public", FieldErrorCode::UnknownValue, "only the lead department writes to the citizen");
                return Err(ApiError::Invalid(errors));
            }
            let to = match ticket.status {
                Status::Accepted => transition(ticket.status, Action::StartWork).map_err(illegal)?,
                Status::InProgress => Status::InProgress,
                Status::Dispatched | Status::Reopened if part == Part::Co => ticket.status,
                other => {
                    return Err(ApiError::Conflict(format!(
                        "a note needs a ticket in work; this one is {}",
                        other.as_str()
                    )))
                }
            };
            let audit = ctx.data.audit(
                "progress_noted",
                Some(scoped.no.as_str().to_owned()),
                value!({ "department": department, "public": note.public }),
            );
            let mut events = Vec::new();
            if to != ticket.status {
                events.push(event(audit.at, EventKind::StatusChanged { from: ticket.status, to }, &audit.actor, true));
            }
            let mut extra = Vec::new();
            if note.public && !photos.is_empty() {
                extra.push(store.publish_photos_statement(&ticket.id, &photos, &audit.at)?);
            }
            let kind = EventKind::Note { text: note.text.clone(), photos };
            events.push(event(audit.at, kind, &audit.actor, note.public));
            let change = TicketChange { progress_at: Some(&audit.at), ..Default::default() };
            move_ticket(&store, ticket, to, &change, &events, &audit, extra).await
        }
        .await,
    )
}

/// 延期申请: asks supervisors for more working days; one pending request per ticket.
pub async fn request_extension(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: ExtensionInput = json_input(&mut req, BODY_LIMIT).await?;
            let request = ExtensionRequest::parse(&input).map_err(ApiError::Invalid)?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let OnTicket { scoped, department, part } = on_ticket(&ctx, &store).await?;
            lead_only(part)?;
            let ticket = &scoped.ticket;
            if !matches!(ticket.status, Status::Accepted | Status::InProgress) {
                return Err(ApiError::Conflict("extensions are for accepted work not yet answered".into()));
            }
            let audit = ctx.data.audit(
                "extension_requested",
                Some(scoped.no.as_str().to_owned()),
                value!({ "department": department, "days": request.days }),
            );
            let e = event(
                audit.at,
                EventKind::ExtensionRequested { days: request.days, reason: request.reason.clone() },
                &audit.actor,
                false,
            );
            let mut statements = vec![
                store.extension_request_statement(
                    &ticket.id,
                    &department,
                    request.days,
                    &request.reason,
                    &audit.actor,
                    &audit.at,
                )?,
                store.event_statement(&ticket.id, &e)?,
                store.audit_statement(&audit)?,
            ];
            statements.extend(store.role_notice_statements(
                "supervisor",
                "extension_requested",
                scoped.no.as_str(),
                &value!({ "department": department, "days": request.days }),
                &audit.at,
            )?);
            match store.run_batch(statements).await {
                Ok(()) => Ok(json(201, &value!({ "state": "pending", "days": request.days }))?),
                Err(e) if e.0.contains("UNIQUE") => {
                    Err(ApiError::Conflict("an extension request is already waiting for a decision".into()))
                }
                Err(e) => Err(e.into()),
            }
        }
        .await,
    )
}

/// 协办意见: a co-handler's part, for the lead to consolidate.
pub async fn part(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: ReplyInput = json_input(&mut req, BODY_LIMIT).await?;
            let text = ReplyText::parse(&input).map_err(ApiError::Invalid)?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let OnTicket { scoped, department, part } = on_ticket(&ctx, &store).await?;
            if part != Part::Co {
                return Err(ApiError::Conflict("the lead department replies; parts come from co-handlers".into()));
            }
            let ticket = &scoped.ticket;
            if !ticket.status.is_open() || ticket.status == Status::Submitted {
                return Err(ApiError::Conflict(format!("the ticket is {}", ticket.status.as_str())));
            }
            let audit = ctx.data.audit(
                "part_submitted",
                Some(scoped.no.as_str().to_owned()),
                value!({ "department": department }),
            );
            let lead = scoped.summary.lead.clone().unwrap_or_default();
            let e = event(audit.at, EventKind::PartSubmitted { department: department.clone() }, &audit.actor, false);
            let mut statements = vec![
                store.part_statement(
                    &ticket.id,
                    &PartRecord {
                        department: &department,
                        part: Part::Co,
                        text: &text.text,
                        author: &audit.actor,
                        at: &audit.at,
                        warnings: &[],
                        override_reason: None,
                    },
                )?,
                store.event_statement(&ticket.id, &e)?,
                store.audit_statement(&audit)?,
            ];
            if !lead.is_empty() {
                let n = notice(&lead, "part_submitted", scoped.no.as_str(), value!({ "from": department }), audit.at)?;
                statements.extend(store.notice_statements(&n)?);
            }
            store.run_batch(statements).await?;
            Ok(json(201, &value!({ "department": department }))?)
        }
        .await,
    )
}

/// What the reply check says about a draft, and which co-handlers have not sent their part.
struct Review {
    warnings: Vec<String>,
    details: Vec<String>,
    relevance: f32,
    missing_parts: Vec<String>,
}

async fn review(store: &Store, on: &OnTicket, draft: &str) -> std::result::Result<Review, ApiError> {
    let ticket = &on.scoped.ticket;
    let report = check(
        &ReplyContext {
            title: &ticket.title,
            description: &ticket.description,
            reporter_name: ticket.contact.as_ref().and_then(|c| c.name.as_deref()),
            address: ticket.address.as_deref(),
        },
        draft,
    );
    let parts = store.parts_of(&ticket.id).await?;
    let missing_parts: Vec<String> = on
        .scoped
        .departments
        .iter()
        .filter(|d| d.part == Part::Co && !parts.iter().any(|p| p.part == "co" && p.department == d.department))
        .map(|d| d.department.clone())
        .collect();
    let mut warnings: Vec<String> = report.warnings.iter().map(|w| w.as_str().to_owned()).collect();
    let mut details = report.details.clone();
    if !missing_parts.is_empty() {
        warnings.push("missing_parts".into());
        details.push(format!("no part yet from {}", missing_parts.join(", ")));
    }
    Ok(Review { warnings, details, relevance: report.relevance, missing_parts })
}

/// Check a draft reply without sending it.
pub async fn check_reply(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: ReplyInput = json_input(&mut req, BODY_LIMIT).await?;
            let text = ReplyText::parse(&input).map_err(ApiError::Invalid)?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let on = on_ticket(&ctx, &store).await?;
            lead_only(on.part)?;
            let r = review(&store, &on, &text.text).await?;
            Ok(json(
                200,
                &value!({
                    "passes": r.warnings.is_empty(),
                    "warnings": r.warnings,
                    "details": r.details,
                    "relevance": r.relevance,
                    "missing_parts": r.missing_parts,
                }),
            )?)
        }
        .await,
    )
}

/// 答复: the lead's answer to the citizen. Warnings stop it unless the handler gives a reason,
/// which is kept with the reply and counted per department.
pub async fn reply(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: ReplyInput = json_input(&mut req, BODY_LIMIT).await?;
            let text = ReplyText::parse(&input).map_err(ApiError::Invalid)?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let on = on_ticket(&ctx, &store).await?;
            lead_only(on.part)?;
            let ticket = &on.scoped.ticket;
            expect_version(&req, None, ticket.version)?;
            let to = transition(ticket.status, Action::Reply).map_err(illegal)?;
            let photos = super::photos::staff_refs(&store, &ticket.id, input.photos.as_deref()).await?;
            let r = review(&store, &on, &text.text).await?;
            if !r.warnings.is_empty() && text.override_reason.is_none() {
                return Err(ApiError::ReplyQuality { warnings: r.warnings, details: r.details });
            }
            let intake = intake::load(&store, &ctx.env).await?;
            let audit = ctx.data.audit(
                "ticket_replied",
                Some(on.scoped.no.as_str().to_owned()),
                value!({
                    "department": on.department,
                    "warnings": r.warnings,
                    "overridden": text.override_reason.is_some(),
                }),
            );
            let events = [
                event(audit.at, EventKind::StatusChanged { from: ticket.status, to }, &audit.actor, true),
                event(
                    audit.at,
                    EventKind::Replied {
                        text: text.text.clone(),
                        department_name: intake.department_name(&on.department),
                        photos: photos.clone(),
                    },
                    &audit.actor,
                    true,
                ),
            ];
            let change =
                TicketChange { replied_at: Some(&audit.at), progress_at: Some(&audit.at), ..Default::default() };
            let reply = store.part_statement(
                &ticket.id,
                &PartRecord {
                    department: &on.department,
                    part: Part::Lead,
                    text: &text.text,
                    author: &audit.actor,
                    at: &audit.at,
                    warnings: &r.warnings,
                    override_reason: text.override_reason.as_deref(),
                },
            )?;
            let mut extra = vec![reply];
            if !photos.is_empty() {
                extra.push(store.publish_photos_statement(&ticket.id, &photos, &audit.at)?);
            }
            move_ticket(&store, ticket, to, &change, &events, &audit, extra).await
        }
        .await,
    )
}

/// 办结: the centre closes an answered ticket (the cron closes it when the follow-up window ends).
pub async fn close(req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let scoped = scoped_ticket(&ctx, &store).await?;
            let ticket = &scoped.ticket;
            expect_version(&req, None, ticket.version)?;
            let to = transition(ticket.status, Action::Close).map_err(illegal)?;
            let audit = ctx.data.audit("ticket_closed", Some(scoped.no.as_str().to_owned()), value!({}));
            let events = [event(audit.at, EventKind::StatusChanged { from: ticket.status, to }, &audit.actor, true)];
            let change = TicketChange { closed_at: Some(&audit.at), ..Default::default() };
            move_ticket(&store, ticket, to, &change, &events, &audit, Vec::new()).await
        }
        .await,
    )
}
