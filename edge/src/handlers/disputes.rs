//! First-contact responsibility (首接负责): the first lead may dispute a ticket within the
//! window; a dispatcher or supervisor upholds (re-dispatch) or rejects. And the street
//! whistle (街乡吹哨、部门报到): a street office summons departments, each reports in time.

use super::casework::{invalid, scoped_ticket, Scoped, BODY_LIMIT};
use super::dispatch::{apply, Cause, Origin};
use super::respond;
use crate::config::{AppState, DB_BINDING};
use crate::error::ApiError;
use crate::http::{json, json_input};
use crate::intake;
use crate::store::Store;
use serde_json::{json as value, Value};
use shared::dispatch::DispatchInput;
use shared::dispute::{may_file, Decision, DecisionInput, Dispute, DisputeInput};
use shared::error::FieldErrorCode;
use shared::org::DepartmentLevel;
use shared::staff_view::Part;
use shared::ticket::{EventKind, TicketEvent};
use shared::whistle::{Whistle, WhistleInput};
use worker::{Request, Response, Result, RouteContext};

fn own_department(ctx: &RouteContext<AppState>) -> std::result::Result<String, ApiError> {
    ctx.data.principal()?.user.department.clone().ok_or(ApiError::Forbidden)
}

fn internal(at: chrono::DateTime<chrono::Utc>, kind: EventKind, actor: &str) -> TicketEvent {
    TicketEvent { at, kind, actor: actor.to_owned(), public: false }
}

pub async fn file(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: DisputeInput = json_input(&mut req, BODY_LIMIT).await?;
            let dispute = Dispute::parse(&input).map_err(ApiError::Invalid)?;
            let department = own_department(&ctx)?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let Scoped { no, ticket, events, departments, .. } = scoped_ticket(&ctx, &store).await?;
            let is_lead = departments.iter().any(|d| d.department == department && d.part == Part::Lead);
            let dispatched_at = events
                .iter()
                .rev()
                .find(|e| matches!(e.kind, EventKind::Dispatched { .. }))
                .map(|e| e.at)
                .ok_or_else(|| ApiError::Conflict("the request has not been dispatched".into()))?;
            let open = store.open_dispute(&ticket.id).await?.is_some();
            let now = crate::clock::now();
            let settings = intake::load(&store, &ctx.env).await?.casework.disputes.clone();
            may_file(dispatched_at, now, &settings, is_lead, open)
                .map_err(|refusal| ApiError::Conflict(format!("cannot dispute: {}", refusal.as_str())))?;
            let audit =
                ctx.data.audit("dispute_filed", Some(no.as_str().to_owned()), value!({ "department": department }));
            let e = internal(
                audit.at,
                EventKind::Disputed { department: department.clone(), reason: dispute.reason.clone() },
                &audit.actor,
            );
            if !store.file_dispute(&ticket.id, &department, &dispute.reason, &e, &audit).await? {
                return Err(ApiError::Conflict("cannot dispute: already_open".into()));
            }
            Ok(json(
                201,
                &value!({ "state": "open", "department": department, "deadline": settings.deadline(dispatched_at) }),
            )?)
        }
        .await,
    )
}

pub async fn open(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let rows = Store::new(ctx.env.d1(DB_BINDING)?).open_disputes().await?;
            let out: Vec<Value> = rows
                .into_iter()
                .map(|d| {
                    value!({ "tracking_no": d.tracking_no, "title": d.title, "department": d.department,
                        "reason": d.reason, "filed_by": d.filed_by, "filed_at": d.filed_at })
                })
                .collect();
            Ok(json(200, &out)?)
        }
        .await,
    )
}

pub async fn decide(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: DecisionInput = json_input(&mut req, BODY_LIMIT).await?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let Scoped { no, ticket, .. } = scoped_ticket(&ctx, &store).await?;
            let dispute = store
                .open_dispute(&ticket.id)
                .await?
                .ok_or_else(|| ApiError::Conflict("no open dispute on this request".into()))?;
            let intake = intake::load(&store, &ctx.env).await?;
            let decision = Decision::parse(&input, &dispute.department, &|d| intake.department_exists(d))
                .map_err(ApiError::Invalid)?;
            let upheld = matches!(decision, Decision::Uphold { .. });
            let action = if upheld { "dispute_upheld" } else { "dispute_rejected" };
            let audit =
                ctx.data.audit(action, Some(no.as_str().to_owned()), value!({ "department": dispute.department }));
            let reason = match &decision {
                Decision::Reject { reason } => Some(reason.as_str()),
                Decision::Uphold { .. } => None,
            };
            let mut statements = store.decide_dispute_statements(dispute.id, upheld, reason, &audit)?;
            statements.push(
                store.insert_event(
                    &ticket.id,
                    &internal(audit.at, EventKind::DisputeDecided { upheld }, &audit.actor),
                )?,
            );
            match decision {
                Decision::Uphold { new_lead, co_handlers } => {
                    let input = DispatchInput {
                        lead: Some(new_lead),
                        co_handlers: Some(co_handlers),
                        urgency: None,
                        version: None,
                    };
                    statements.push(store.audit_statement(&audit)?);
                    apply(
                        &ctx,
                        &store,
                        &no,
                        ticket,
                        &input,
                        Origin { cause: Cause::Dispute, precondition: Ok(()), extra: statements },
                    )
                    .await
                }
                Decision::Reject { .. } => {
                    statements.push(store.audit_statement(&audit)?);
                    if !store.run_guarded(statements).await? {
                        return Err(ApiError::Conflict("someone decided first".into()));
                    }
                    Ok(json(200, &value!({ "state": "rejected", "lead": dispute.department }))?)
                }
            }
        }
        .await,
    )
}

pub async fn redispatch_counts(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let counts = Store::new(ctx.env.d1(DB_BINDING)?).redispatch_counts().await?;
            let out: Vec<Value> =
                counts.into_iter().map(|(d, n)| value!({ "department": d, "redispatched_away": n })).collect();
            Ok(json(200, &out)?)
        }
        .await,
    )
}

pub async fn whistle(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: WhistleInput = json_input(&mut req, BODY_LIMIT).await?;
            let department = own_department(&ctx)?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let intake = intake::load(&store, &ctx.env).await?;
            // Only a street or township office blows the whistle.
            let is_street =
                intake.departments.iter().any(|d| d.code == department && d.level == DepartmentLevel::StreetOffice);
            if !is_street {
                return Err(ApiError::Conflict("only a street or township office blows the whistle".into()));
            }
            let whistle =
                Whistle::parse(&input, &department, &|d| intake.department_exists(d)).map_err(ApiError::Invalid)?;
            let Scoped { no, ticket, .. } = scoped_ticket(&ctx, &store).await?;
            let audit = ctx.data.audit(
                "whistle_blown",
                Some(no.as_str().to_owned()),
                value!({ "departments": whistle.departments }),
            );
            let summonses = whistle.summonses(audit.at);
            let due_at = summonses.first().map_or(audit.at, |s| s.due_at);
            let e = internal(
                audit.at,
                EventKind::Whistled { departments: whistle.departments.clone(), due_at },
                &audit.actor,
            );
            store.insert_summonses(&ticket.id, &summonses, whistle.note.as_deref(), &e, &audit).await?;
            Ok(json(201, &value!({ "summonses": summonses }))?)
        }
        .await,
    )
}

pub async fn report(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let department = own_department(&ctx)?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let no = super::tracking_no(&ctx)?;
            let (ticket, _, _) = store.find_by_tracking_no(&no).await?.ok_or(ApiError::NotFound)?;
            let audit =
                ctx.data.audit("whistle_reported", Some(no.as_str().to_owned()), value!({ "department": department }));
            let e = internal(audit.at, EventKind::ReportedIn { department: department.clone() }, &audit.actor);
            if !store.report_summons(&ticket.id, &department, &e, &audit).await? {
                return Err(invalid(
                    "department",
                    FieldErrorCode::OutOfRange,
                    "your department has no pending summons here",
                ));
            }
            Ok(json(200, &value!({ "department": department, "reported_at": audit.at }))?)
        }
        .await,
    )
}

pub async fn late_whistles(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let now = crate::clock::now();
            let rows = Store::new(ctx.env.d1(DB_BINDING)?).late_summonses(&now).await?;
            let out: Vec<Value> = rows
                .into_iter()
                .map(|s| {
                    let status = if s.reported_at.is_some() { "reported_late" } else { "overdue" };
                    value!({ "tracking_no": s.tracking_no, "department": s.department, "summoned_by": s.summoned_by,
                        "summoned_at": s.summoned_at, "due_at": s.due_at, "reported_at": s.reported_at, "status": status })
                })
                .collect();
            Ok(json(200, &out)?)
        }
        .await,
    )
}
