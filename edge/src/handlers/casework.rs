//! The dispatcher's casework before and around dispatch: duplicate candidates and merging,
//! unreasonable requests (a supervisor confirms), and consultation with departments.

use super::{respond, tracking_no};
use crate::config::{AppState, DB_BINDING};
use crate::error::ApiError;
use crate::http::{expect_version, json, json_input, parse_json};
use crate::intake;
use crate::store::Store;
use serde::de::DeserializeOwned;
use serde_json::{json as value, Map, Value};
use shared::duplicates::{candidates, cells_near, merge_plan, Candidate, MergeRefusal};
use shared::error::{FieldErrorCode, FieldErrors};
use shared::ids::TrackingNo;
use shared::review::{Consultation, ConsultationInput, Unreasonable, UnreasonableInput};
use shared::staff_view::{ticket_scope, StaffTicketSummary, TicketDepartment};
use shared::status::{transition, Action, Status};
use shared::ticket::{EventKind, Ticket, TicketEvent};
use worker::{Request, Response, Result, RouteContext};

pub(crate) type Outcome = std::result::Result<Response, ApiError>;
pub(crate) const BODY_LIMIT: usize = 16 * 1024;

/// The ticket moved on between the caller's read and this write (the guard of the batch).
pub(crate) fn stale(current: i64) -> ApiError {
    ApiError::Stale { current }
}

pub(crate) fn invalid(field: &str, code: FieldErrorCode, message: impl Into<String>) -> ApiError {
    let mut errors = FieldErrors::new();
    errors.add(field, code, message);
    ApiError::Invalid(errors)
}

/// A ticket named in the path that the caller may see.
pub(crate) struct Scoped {
    pub no: TrackingNo,
    pub summary: StaffTicketSummary,
    pub departments: Vec<TicketDepartment>,
    pub ticket: Ticket,
    pub events: Vec<TicketEvent>,
}

/// The ticket named in the path, with its departments and trail; 404 when missing or out of
/// the caller's scope (its existence is not the caller's business).
pub(crate) async fn scoped_ticket(
    ctx: &RouteContext<AppState>,
    store: &Store,
) -> std::result::Result<Scoped, ApiError> {
    let no = tracking_no(ctx)?;
    let principal = ctx.data.principal()?;
    let (summary, departments) = store.staff_ticket(&no).await?.ok_or(ApiError::NotFound)?;
    if !ticket_scope(principal.user.role, principal.user.department.as_deref()).admits(&departments) {
        return Err(ApiError::NotFound);
    }
    let (ticket, _, events) = store.find_by_tracking_no(&no).await?.ok_or(ApiError::NotFound)?;
    Ok(Scoped { no, summary, departments, ticket, events })
}

/// A body with an optional `version` beside the fields of `T`.
pub(crate) async fn versioned<T: DeserializeOwned>(
    req: &mut Request,
) -> std::result::Result<(T, Option<i64>), ApiError> {
    let mut body: Map<String, Value> = json_input(req, BODY_LIMIT).await?;
    let version = match body.remove("version") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) if n.as_i64().is_some() => n.as_i64(),
        Some(_) => return Err(invalid("version", FieldErrorCode::InvalidType, "the version is a whole number")),
    };
    let bytes = serde_json::to_vec(&body).map_err(|e| ApiError::Store(e.to_string()))?;
    Ok((parse_json(&bytes)?, version))
}

fn event(at: chrono::DateTime<chrono::Utc>, kind: EventKind, actor: String, public: bool) -> TicketEvent {
    TicketEvent { at, kind, actor, public }
}

fn candidate_of(t: &Ticket) -> Candidate {
    Candidate {
        ticket_id: t.id.as_str().to_owned(),
        tracking_no: t.tracking_no.as_str().to_owned(),
        category: t.category.as_str().to_owned(),
        point: t.point,
        created_at: t.created_at,
        title: t.title.clone(),
        description: t.description.clone(),
        duplicate_of: None,
    }
}

pub async fn duplicates(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let Scoped { ticket, .. } = scoped_ticket(&ctx, &store).await?;
            let settings = intake::load(&store, &ctx.env).await?.casework.duplicates.clone();
            let window = chrono::Duration::days(i64::from(settings.days));
            let cells = ticket.point.map(|p| cells_near(p, settings.radius_m));
            let pool = store
                .duplicate_pool(
                    cells.as_deref(),
                    &(ticket.created_at - window),
                    &(ticket.created_at + window),
                    &ticket.id,
                )
                .await?;
            let statuses: std::collections::HashMap<String, String> =
                pool.iter().map(|p| (p.candidate.ticket_id.clone(), p.status.clone())).collect();
            let pool: Vec<Candidate> = pool.into_iter().map(|p| p.candidate).collect();
            let found: Vec<Value> = candidates(&candidate_of(&ticket), &pool, &settings)
                .into_iter()
                .take(20)
                .filter_map(|s| {
                    let c = pool.iter().find(|c| c.ticket_id == s.ticket_id)?;
                    Some(value!({
                        "tracking_no": s.tracking_no, "title": c.title, "status": statuses.get(&s.ticket_id),
                        "created_at": c.created_at, "score": s.score, "similarity": s.similarity,
                        "distance_m": s.distance_m, "days_apart": s.days_apart,
                    }))
                })
                .collect();
            Ok(json(200, &found)?)
        }
        .await,
    )
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct MergeInput {
    #[serde(default)]
    master: Option<String>,
}

pub async fn merge(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(merge_inner(&mut req, &ctx).await)
}

async fn merge_inner(req: &mut Request, ctx: &RouteContext<AppState>) -> Outcome {
    let (input, version): (MergeInput, _) = versioned(req).await?;
    let store = Store::new(ctx.env.d1(DB_BINDING)?);
    let Scoped { no, ticket: duplicate, .. } = scoped_ticket(ctx, &store).await?;
    let master_no = input
        .master
        .as_deref()
        .map(|m| {
            TrackingNo::parse(m).ok_or_else(|| invalid("master", FieldErrorCode::InvalidFormat, "a tracking number"))
        })
        .transpose()?
        .ok_or_else(|| invalid("master", FieldErrorCode::Required, "the request to merge into"))?;
    let (master, _, _) = store
        .find_by_tracking_no(&master_no)
        .await?
        .ok_or_else(|| invalid("master", FieldErrorCode::UnknownValue, "no request has this number"))?;
    let master_side = store.merge_side(&master.id).await?;
    let duplicate_side = store.merge_side(&duplicate.id).await?;
    let plan = merge_plan(&master_side, &duplicate_side).map_err(|refusal| {
        let message = match refusal {
            MergeRefusal::SameTicket => "a request cannot be merged into itself".to_owned(),
            MergeRefusal::AlreadyDuplicate { .. } => "this request is already merged into another".to_owned(),
            MergeRefusal::MasterIsDuplicate { .. } => "that request is itself merged; merge into its master".to_owned(),
        };
        invalid("master", FieldErrorCode::OutOfRange, message)
    });
    // A refusal because the request changed since the caller read it (a rival merged it first) is
    // news of a stale version (412); a refusal of what was asked stays 422, version or not.
    if plan.is_err() {
        if let Err(stale @ ApiError::Stale { .. }) = expect_version(req, version, duplicate.version) {
            return Err(stale);
        }
    }
    let plan = plan?;
    expect_version(req, version, duplicate.version)?;
    let to = transition(duplicate.status, Action::MergeInto).map_err(|e| ApiError::Conflict(e.to_string()))?;
    let principal = ctx.data.principal()?;
    let audit =
        ctx.data.audit("ticket_merged", Some(no.as_str().to_owned()), value!({ "master": master_no, "plan": plan }));
    // The duplicate's own duplicates move to the master with it, and so do the "me too"s of both.
    let me_toos = store.me_too_count(&master.id).await? + store.me_too_count(&duplicate.id).await?;
    let repeat_count = master_side.duplicates + 1 + duplicate_side.duplicates + me_toos;
    let actor = principal.actor();
    let on_duplicate = [
        event(audit.at, EventKind::StatusChanged { from: duplicate.status, to }, actor.clone(), true),
        event(audit.at, EventKind::Merged { master: master_no.as_str().to_owned() }, actor.clone(), true),
    ];
    let on_master =
        [event(audit.at, EventKind::DuplicateMerged { duplicate: no.as_str().to_owned(), repeat_count }, actor, true)];
    let statements = store.merge_statements(
        &duplicate.id,
        duplicate.version,
        &master.id,
        &audit.at,
        &on_duplicate,
        &on_master,
        &audit,
    )?;
    if !store.run_guarded(statements).await? {
        return Err(stale(duplicate.version + 1));
    }
    Ok(json(200, &value!({ "master": master_no, "duplicate": no, "repeat_count": repeat_count }))?)
}

pub async fn propose_unreasonable(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let (input, version): (UnreasonableInput, _) = versioned(&mut req).await?;
            let proposal = Unreasonable::parse(&input).map_err(ApiError::Invalid)?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let Scoped { no, ticket, .. } = scoped_ticket(&ctx, &store).await?;
            expect_version(&req, version, ticket.version)?;
            transition(ticket.status, Action::RejectUnreasonable).map_err(|e| ApiError::Conflict(e.to_string()))?;
            if store.unreasonable_of(&ticket.id).await?.as_deref() == Some("proposed") {
                return Err(ApiError::Conflict("already proposed; a supervisor decides".into()));
            }
            let code = proposal.reason_code.as_str();
            let audit =
                ctx.data.audit("unreasonable_proposed", Some(no.as_str().to_owned()), value!({ "reason_code": code }));
            let e = event(
                audit.at,
                EventKind::MarkedUnreasonable { reason_code: code.to_owned() },
                audit.actor.clone(),
                false,
            );
            if !store
                .propose_unreasonable(&ticket.id, ticket.version, code, proposal.note.as_deref(), &e, &audit)
                .await?
            {
                return Err(stale(ticket.version + 1));
            }
            Ok(json(200, &value!({ "state": "proposed" }))?)
        }
        .await,
    )
}

pub async fn proposed_unreasonable(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let rows = Store::new(ctx.env.d1(DB_BINDING)?).proposed_unreasonable().await?;
            let out: Vec<Value> = rows
                .into_iter()
                .map(|r| {
                    value!({ "tracking_no": r.tracking_no, "title": r.title, "reason_code": r.reason_code,
                        "note": r.note, "state": r.state, "proposed_by": r.proposed_by, "proposed_at": r.proposed_at })
                })
                .collect();
            Ok(json(200, &out)?)
        }
        .await,
    )
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct UnreasonableDecisionInput {
    #[serde(default)]
    decision: Option<String>,
}

pub async fn decide_unreasonable(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: UnreasonableDecisionInput = json_input(&mut req, BODY_LIMIT).await?;
            let confirmed = match input.decision.as_deref() {
                Some("confirm") => true,
                Some("reject") => false,
                Some(_) => return Err(invalid("decision", FieldErrorCode::UnknownValue, "confirm or reject")),
                None => return Err(invalid("decision", FieldErrorCode::Required, "confirm or reject")),
            };
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let Scoped { no, ticket, .. } = scoped_ticket(&ctx, &store).await?;
            if store.unreasonable_of(&ticket.id).await?.as_deref() != Some("proposed") {
                return Err(ApiError::Conflict("nothing is proposed for this request".into()));
            }
            let action = if confirmed { "unreasonable_confirmed" } else { "unreasonable_rejected" };
            let audit = ctx.data.audit(action, Some(no.as_str().to_owned()), Value::Null);
            let mut events =
                vec![event(audit.at, EventKind::UnreasonableDecided { confirmed }, audit.actor.clone(), false)];
            let status = if confirmed {
                let to = transition(ticket.status, Action::RejectUnreasonable)
                    .map_err(|e| ApiError::Conflict(e.to_string()))?;
                events.push(event(
                    audit.at,
                    EventKind::StatusChanged { from: ticket.status, to },
                    audit.actor.clone(),
                    true,
                ));
                Some(to)
            } else {
                None
            };
            if !store.decide_unreasonable(&ticket.id, confirmed, status.map(Status::as_str), &events, &audit).await? {
                return Err(ApiError::Conflict("someone decided first".into()));
            }
            let state = if confirmed { "confirmed" } else { "rejected" };
            Ok(json(200, &value!({ "state": state, "excluded_from_assessment": confirmed }))?)
        }
        .await,
    )
}

fn thread_json(t: crate::store::ConsultationThread) -> Value {
    let replies: Vec<Value> = t
        .replies
        .into_iter()
        .map(|(department, text, by, at)| value!({ "department": department, "text": text, "by": by, "at": at }))
        .collect();
    value!({ "id": t.id, "question": t.question, "departments": t.departments, "asked_by": t.asked_by,
        "asked_at": t.asked_at, "replies": replies })
}

pub async fn consultations(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let no = tracking_no(&ctx)?;
            let (ticket, _, _) = store.find_by_tracking_no(&no).await?.ok_or(ApiError::NotFound)?;
            let principal = ctx.data.principal()?;
            let threads = store.consultations(&ticket.id).await?;
            // Invited departments read the threads they were asked in, even before dispatch.
            let scope = ticket_scope(principal.user.role, principal.user.department.as_deref());
            let visible: Vec<Value> = match scope {
                shared::staff_view::TicketScope::All => threads.into_iter().map(thread_json).collect(),
                shared::staff_view::TicketScope::Department(d) => {
                    threads.into_iter().filter(|t| t.departments.contains(&d)).map(thread_json).collect()
                }
                shared::staff_view::TicketScope::Nothing => Vec::new(),
            };
            Ok(json(200, &visible)?)
        }
        .await,
    )
}

pub async fn consult(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: ConsultationInput = json_input(&mut req, BODY_LIMIT).await?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let intake = intake::load(&store, &ctx.env).await?;
            let consultation =
                Consultation::parse(&input, &|d| intake.department_exists(d)).map_err(ApiError::Invalid)?;
            let Scoped { no, ticket, .. } = scoped_ticket(&ctx, &store).await?;
            let audit = ctx.data.audit(
                "consultation_opened",
                Some(no.as_str().to_owned()),
                value!({ "departments": consultation.departments }),
            );
            let e = event(
                audit.at,
                EventKind::Consulted { departments: consultation.departments.clone() },
                audit.actor.clone(),
                false,
            );
            let id = store
                .insert_consultation(&ticket.id, &consultation.question, &consultation.departments, &e, &audit)
                .await?;
            Ok(json(
                201,
                &value!({ "id": id, "question": consultation.question, "departments": consultation.departments,
                    "asked_by": audit.actor, "asked_at": audit.at, "replies": [] }),
            )?)
        }
        .await,
    )
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplyInput {
    #[serde(default)]
    text: Option<String>,
}

pub async fn reply(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: ReplyInput = json_input(&mut req, BODY_LIMIT).await?;
            let id = ctx.param("id").and_then(|i| i.parse::<i64>().ok()).ok_or(ApiError::NotFound)?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let (_, departments) = store.consultation_target(id).await?.ok_or(ApiError::NotFound)?;
            let principal = ctx.data.principal()?;
            // A department answers for itself: the member's own department must have been asked.
            let department =
                principal.user.department.clone().filter(|d| departments.contains(d)).ok_or(ApiError::NotFound)?;
            let asked = Consultation { departments, question: String::new() };
            let answer = shared::review::ConsultationReply::parse(
                &shared::review::ConsultationReplyInput { department: Some(department), text: input.text },
                &asked,
            )
            .map_err(ApiError::Invalid)?;
            let audit = ctx.data.audit("consultation_replied", Some(id.to_string()), Value::Null);
            store.insert_reply(id, &answer.department, &answer.text, &audit).await?;
            Ok(json(
                201,
                &value!({ "department": answer.department, "text": answer.text, "by": audit.actor, "at": audit.at }),
            )?)
        }
        .await,
    )
}
