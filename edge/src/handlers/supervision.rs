//! Supervision (督办): extension decisions, the ladder's steps on record, phone reminders, and the
//! public list of cases under listed supervision (挂牌督办).

use super::casework::scoped_ticket;
use super::respond;
use super::workbench::{event, notice};
use crate::config::{AppState, DB_BINDING};
use crate::error::ApiError;
use crate::http::{json, json_input, query_param};
use crate::intake;
use crate::store::{ExtensionDecisionRecord, ReminderRecord, Store};
use serde_json::json as value;
use shared::api::MAX_BODY_BYTES;
use shared::error::{FieldErrorCode, FieldErrors};
use shared::handling::{parse_reminder, ExtensionDecision, ExtensionDecisionInput, ReminderInput};
use shared::sla::Deadlines;
use shared::ticket::EventKind;
use worker::{Request, Response, Result, RouteContext};

pub async fn extensions(req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let state = match query_param(&req, "state").as_deref() {
                None | Some("pending") => "pending",
                Some("approved") => "approved",
                Some("refused") => "refused",
                Some(_) => {
                    let mut errors = FieldErrors::new();
                    errors.add("state", FieldErrorCode::UnknownValue, "pending, approved or refused");
                    return Err(ApiError::Invalid(errors));
                }
            };
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            Ok(json(200, &value!({ "items": store.extensions(Some(state), None).await? }))?)
        }
        .await,
    )
}

/// Approve (the resolution deadline moves by the working days asked) or refuse (with a reason).
pub async fn decide_extension(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: ExtensionDecisionInput = json_input(&mut req, MAX_BODY_BYTES).await?;
            let decision = ExtensionDecision::parse(&input).map_err(ApiError::Invalid)?;
            let id = ctx.param("id").and_then(|raw| raw.parse::<i64>().ok()).ok_or(ApiError::NotFound)?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let (extension, ticket_id) = store.extension(id).await?.ok_or(ApiError::NotFound)?;
            if extension.state != "pending" {
                return Err(ApiError::Conflict(format!("this request was already {}", extension.state)));
            }
            let intake = intake::load(&store, &ctx.env).await?;
            let new_due = match (decision.approve, store.sla_of(&ticket_id).await?, store.dispatched_at(&ticket_id).await?) {
                (true, Some((hours, days, extended)), Some(dispatched_at)) => Some(
                    Deadlines::compute(
                        dispatched_at,
                        shared::sla::Sla { response_hours: hours, resolution_days: days },
                        extended + extension.days,
                        &intake.clocks.calendar,
                        ctx.data.city.offset(),
                    )
                    .resolution_due,
                ),
                _ => None,
            };
            let audit = ctx.data.audit(
                "extension_decided",
                Some(extension.tracking_no.clone()),
                value!({ "id": id, "approved": decision.approve, "days": extension.days }),
            );
            let e = event(
                audit.at,
                EventKind::ExtensionDecided {
                    approved: decision.approve,
                    days: extension.days,
                    resolution_due: new_due,
                },
                &audit.actor,
                decision.approve,
            );
            let record = ExtensionDecisionRecord {
                id,
                ticket: &ticket_id,
                approve: decision.approve,
                days: extension.days,
                new_due: new_due.as_ref(),
                note: decision.note.as_deref(),
            };
            let mut statements = store.extension_decision_statements(&record, &audit, &e)?;
            let n = notice(
                &extension.department,
                "extension_decided",
                &extension.tracking_no,
                value!({ "approved": decision.approve, "days": extension.days, "resolution_due": new_due, "note": decision.note }),
                audit.at,
            )?;
            statements.extend(store.notice_statements(&n)?);
            if !store.run_guarded(statements).await? {
                return Err(ApiError::Conflict("someone decided this request first".into()));
            }
            let state = if decision.approve { "approved" } else { "refused" };
            Ok(json(200, &value!({ "id": id, "state": state, "resolution_due": new_due }))?)
        }
        .await,
    )
}

/// The ladder's record, newest first: `?stage=urge|supervise|list|escalate|digest`.
pub async fn steps(req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let stage = query_param(&req, "stage");
            if let Some(s) = stage.as_deref() {
                if !["urge", "supervise", "list", "escalate", "digest"].contains(&s) {
                    let mut errors = FieldErrors::new();
                    errors.add("stage", FieldErrorCode::UnknownValue, "urge, supervise, list, escalate or digest");
                    return Err(ApiError::Invalid(errors));
                }
            }
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            Ok(json(200, &value!({ "items": store.steps(None, stage.as_deref(), 200).await? }))?)
        }
        .await,
    )
}

/// 电话催办: who called the lead department, when, and what they said.
pub async fn phone_reminder(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: ReminderInput = json_input(&mut req, MAX_BODY_BYTES).await?;
            let outcome = parse_reminder(&input).map_err(ApiError::Invalid)?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let scoped = scoped_ticket(&ctx, &store).await?;
            let lead =
                scoped.summary.lead.clone().ok_or_else(|| {
                    ApiError::Conflict("the ticket has no lead department yet; dispatch it first".into())
                })?;
            let audit =
                ctx.data.audit("phone_reminder", Some(scoped.no.as_str().to_owned()), value!({ "department": lead }));
            let e = event(
                audit.at,
                EventKind::PhoneReminder { department: lead.clone(), outcome: outcome.clone() },
                &audit.actor,
                false,
            );
            let statements = vec![
                store.reminder_statement(
                    &scoped.ticket.id,
                    &ReminderRecord {
                        step_key: None,
                        department: &lead,
                        method: "phone",
                        by: &audit.actor,
                        at: &audit.at,
                        outcome: &outcome,
                    },
                )?,
                store.event_statement(&scoped.ticket.id, &e)?,
                store.audit_statement(&audit)?,
            ];
            store.run_batch(statements).await?;
            Ok(json(201, &value!({ "department": lead, "method": "phone" }))?)
        }
        .await,
    )
}

/// Replies sent over the quality check's warnings, per department (the override is counted).
pub async fn reply_overrides(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            Ok(json(200, &value!({ "items": store.reply_overrides().await? }))?)
        }
        .await,
    )
}

/// 挂牌督办, public: what is listed, since when, why, and who leads it.
pub async fn listed(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let intake = intake::load(&store, &ctx.env).await?;
            let mut items = store.listed_cases(200).await?;
            for item in &mut items {
                item.lead_name = item.lead_name.as_deref().map(|code| intake.department_name(code));
                item.title = shared::redact::public_text(&item.title);
            }
            Ok(json(200, &value!({ "items": items }))?)
        }
        .await,
    )
}
