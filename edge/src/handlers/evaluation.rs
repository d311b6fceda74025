//! 回访评价: the citizen rates the reply through the private link, or the call centre records a
//! phone call-back. A content answer closes the ticket; an unsatisfied, unresolved one reopens it
//! or goes to a supervisor's review, as the city configured.

use super::casework::scoped_ticket;
use super::clocks::save;
use super::follow_up::{own_ticket, reopen_statements, CITIZEN};
use super::respond;
use super::workbench::{commit, event};
use crate::config::{AppState, DB_BINDING};
use crate::error::ApiError;
use crate::http::{expect_version, json, json_input};
use crate::intake;
use crate::store::{RatingRecord, Store, TicketChange};
use serde::de::DeserializeOwned;
use serde_json::json as value;
use shared::api::MAX_BODY_BYTES;
use shared::assessment::{AssessmentSettings, AssessmentSettingsInput};
use shared::evaluation::{
    effect, Callback, CallbackInput, EvaluationSettings, EvaluationSettingsInput, EvaluationSource, EvaluationTemplate,
    Rating, RatingEffect, RatingForm, RatingInput, RatingView, ReviewDecision, ReviewDecisionInput,
};
use shared::status::{transition, Action, Status};
use shared::ticket::{EventKind, Ticket};
use worker::{Request, Response, Result, RouteContext};

pub const EVALUATION_KEY: &str = "evaluation";
pub const ASSESSMENT_KEY: &str = "assessment";
/// Templates of a city with many categories fit comfortably.
const SETTINGS_LIMIT: usize = 64 * 1024;

async fn stored<T: DeserializeOwned + Default>(store: &Store, key: &str) -> std::result::Result<T, ApiError> {
    Ok(store.setting(key).await?.and_then(|raw| serde_json::from_str(&raw).ok()).unwrap_or_default())
}

pub(crate) async fn evaluation_settings(store: &Store) -> std::result::Result<EvaluationSettings, ApiError> {
    stored(store, EVALUATION_KEY).await
}

pub(crate) async fn assessment_settings(store: &Store) -> std::result::Result<AssessmentSettings, ApiError> {
    stored(store, ASSESSMENT_KEY).await
}

fn template_for(settings: &EvaluationSettings, ticket: &Ticket) -> std::result::Result<EvaluationTemplate, ApiError> {
    EvaluationTemplate::for_category(&settings.templates, ticket.category.as_str())
        .cloned()
        .ok_or_else(|| ApiError::Store("no evaluation template (settings lack a default)".into()))
}

/// Whether the current reply has an answer already, and until when it may be rated.
async fn rating_state(
    store: &Store,
    ctx: &RouteContext<AppState>,
    ticket: &Ticket,
) -> std::result::Result<(Option<RatingView>, Option<chrono::DateTime<chrono::Utc>>), ApiError> {
    let round = ticket.handling.reopen_count;
    let rated = store
        .ratings_of(&ticket.id)
        .await?
        .into_iter()
        .filter(|(r, v)| *r == round && v.satisfaction.is_some())
        .map(|(_, v)| v)
        .next_back();
    let follow_up = intake::load(store, &ctx.env).await?.clocks.follow_up;
    let until = follow_up
        .open_until(ticket.status, ticket.handling.replied_at)
        .filter(|until| rated.is_none() && crate::clock::now() <= *until);
    Ok((rated, until))
}

/// What a rating writes: the answer itself, the event, and the move it causes.
struct Recorded {
    effect: Option<RatingEffect>,
    status: Status,
}

#[allow(clippy::too_many_arguments)]
async fn record(
    store: &Store,
    ctx: &RouteContext<AppState>,
    ticket: &Ticket,
    lead: Option<&str>,
    template: &EvaluationTemplate,
    source: EvaluationSource,
    callback: Callback,
    actor: &str,
) -> std::result::Result<Recorded, ApiError> {
    let now = crate::clock::now();
    let settings = evaluation_settings(store).await?;
    let weight = assessment_settings(store).await?.basically_satisfied_weight;
    let rating = callback.rating.as_ref();
    let score = rating.map(|r| template.score(r, weight));
    let outcome = rating.map(|r| effect(r, settings.on_unresolved));
    let view = RatingView {
        source,
        outcome: (source == EvaluationSource::Phone).then_some(callback.outcome),
        satisfaction: rating.map(|r| r.satisfaction),
        resolved: rating.map(|r| r.resolved),
        comment: rating.and_then(|r| r.comment.clone()),
        items: rating.map(|r| r.items.clone()).unwrap_or_default(),
        template: template.key.clone(),
        score,
        band: score.and_then(|s| template.band(s)).map(str::to_owned),
        effect: outcome,
        at: now,
    };
    let trail = match rating {
        Some(r) => EventKind::Rated { satisfaction: r.satisfaction, resolved: r.resolved, source },
        None => EventKind::CalledBack { outcome: callback.outcome },
    };
    let record =
        RatingRecord { ticket: &ticket.id, round: ticket.handling.reopen_count, view: &view, recorded_by: actor };
    let mut answer = store.rating_statements(&record)?;
    answer.push(store.event_statement(&ticket.id, &event(now, trail, actor, false))?);
    let (statements, status, guarded) = match outcome {
        Some(RatingEffect::Close) if ticket.status == Status::Replied => {
            let to = transition(ticket.status, Action::Close).map_err(|e| ApiError::Conflict(e.to_string()))?;
            let events = [event(now, EventKind::StatusChanged { from: ticket.status, to }, "system", true)];
            let change = TicketChange { closed_at: Some(&now), ..Default::default() };
            let mut s = store.guarded_change(&ticket.id, ticket.version, to, &now, &change, &events)?;
            s.extend(answer);
            (s, to, true)
        }
        Some(RatingEffect::Reopen) => {
            let reason = rating.and_then(|r| r.comment.clone()).unwrap_or_else(|| "unsatisfied, not resolved".into());
            let intake = intake::load(store, &ctx.env).await?;
            let (mut s, _, to) =
                reopen_statements(store, &intake, ctx.data.city.offset(), ticket, lead, reason, actor, now).await?;
            s.extend(answer);
            (s, to, true)
        }
        Some(RatingEffect::Review) => {
            answer.extend(store.role_notice_statements(
                "supervisor",
                "rating_review",
                ticket.tracking_no.as_str(),
                &value!({ "lead": lead }),
                &now,
            )?);
            (answer, ticket.status, false)
        }
        _ => (answer, ticket.status, false),
    };
    let result = if guarded {
        commit(store, statements, ticket.version).await
    } else {
        store.run_batch(statements).await.map_err(ApiError::from)
    };
    match result {
        Err(ApiError::Store(e)) if e.contains("UNIQUE") => {
            Err(ApiError::Conflict("this reply has been rated already".into()))
        }
        Err(e) => Err(e),
        Ok(()) => Ok(Recorded { effect: outcome, status }),
    }
}

/// The rating form for the reporter: the template for their request and whether it is open.
pub async fn form(req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let (ticket, _) = own_ticket(&req, &ctx, &store).await?;
            let template = template_for(&evaluation_settings(&store).await?, &ticket)?;
            let (rated, open_until) = rating_state(&store, &ctx, &ticket).await?;
            Ok(json(200, &RatingForm { template, open_until, rated })?)
        }
        .await,
    )
}

/// The reporter rates the reply (once per reply, within the follow-up window).
pub async fn rate(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: RatingInput = json_input(&mut req, MAX_BODY_BYTES).await?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let (ticket, lead) = own_ticket(&req, &ctx, &store).await?;
            let template = template_for(&evaluation_settings(&store).await?, &ticket)?;
            let rating = Rating::parse(&input, &template).map_err(ApiError::Invalid)?;
            let (rated, open_until) = rating_state(&store, &ctx, &ticket).await?;
            if rated.is_some() {
                return Err(ApiError::Conflict("this reply has been rated already".into()));
            }
            if open_until.is_none() {
                return Err(ApiError::Conflict("there is no reply to rate, or the time to rate it has passed".into()));
            }
            let callback = Callback { outcome: shared::evaluation::CallOutcome::Reached, rating: Some(rating) };
            let done =
                record(&store, &ctx, &ticket, lead.as_deref(), &template, EvaluationSource::Web, callback, CITIZEN)
                    .await?;
            Ok(json(201, &value!({ "tracking_no": ticket.tracking_no, "effect": done.effect, "status": done.status }))?)
        }
        .await,
    )
}

/// The call centre's list: answered requests with a phone number and no rating yet.
pub async fn callbacks_due(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            Ok(json(200, &value!({ "items": store.callbacks_due(200).await? }))?)
        }
        .await,
    )
}

/// A phone call-back: reached (with the citizen's answers), not reachable, or refused.
pub async fn callback(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: CallbackInput = json_input(&mut req, MAX_BODY_BYTES).await?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let scoped = scoped_ticket(&ctx, &store).await?;
            let ticket = &scoped.ticket;
            let template = template_for(&evaluation_settings(&store).await?, ticket)?;
            let callback = Callback::parse(&input, &template).map_err(ApiError::Invalid)?;
            let (rated, open_until) = rating_state(&store, &ctx, ticket).await?;
            if rated.is_some() {
                return Err(ApiError::Conflict("this reply has been rated already".into()));
            }
            if open_until.is_none() {
                return Err(ApiError::Conflict(
                    "there is no reply to call back about, or its window has passed".into(),
                ));
            }
            let actor = ctx.data.principal()?.actor();
            let lead = scoped.summary.lead.clone();
            let audit = ctx.data.audit(
                "callback_recorded",
                Some(scoped.no.as_str().to_owned()),
                value!({ "outcome": callback.outcome.as_str() }),
            );
            let done =
                record(&store, &ctx, ticket, lead.as_deref(), &template, EvaluationSource::Phone, callback, &actor)
                    .await?;
            store.run_batch(vec![store.audit_statement(&audit)?]).await?;
            Ok(json(201, &value!({ "tracking_no": ticket.tracking_no, "effect": done.effect, "status": done.status }))?)
        }
        .await,
    )
}

pub async fn reviews(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            Ok(json(200, &value!({ "items": store.open_reviews().await? }))?)
        }
        .await,
    )
}

/// A supervisor decides an unsatisfied, unresolved rating: back to the lead, or the reply stands.
pub async fn decide_review(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: ReviewDecisionInput = json_input(&mut req, MAX_BODY_BYTES).await?;
            let decision = ReviewDecision::parse(&input).map_err(ApiError::Invalid)?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let scoped = scoped_ticket(&ctx, &store).await?;
            let ticket = &scoped.ticket;
            expect_version(&req, None, ticket.version)?;
            let rating_id = store.open_review_of(&ticket.id).await?.ok_or(ApiError::NotFound)?;
            let audit = ctx.data.audit(
                "rating_reviewed",
                Some(scoped.no.as_str().to_owned()),
                value!({ "reopen": decision.reopen }),
            );
            let now = audit.at;
            let (mut statements, to) = if decision.reopen {
                let intake = intake::load(&store, &ctx.env).await?;
                let lead = scoped.summary.lead.as_deref();
                let (s, _, to) = reopen_statements(
                    &store,
                    &intake,
                    ctx.data.city.offset(),
                    ticket,
                    lead,
                    decision.note.clone(),
                    &audit.actor,
                    now,
                )
                .await?;
                (s, to)
            } else if ticket.status == Status::Closed {
                // The centre closed it before the citizen rated: the reply stands, nothing moves.
                (Vec::new(), Status::Closed)
            } else {
                let to = transition(ticket.status, Action::Close).map_err(|e| ApiError::Conflict(e.to_string()))?;
                let events = [event(now, EventKind::StatusChanged { from: ticket.status, to }, &audit.actor, true)];
                let change = TicketChange { closed_at: Some(&now), ..Default::default() };
                (store.guarded_change(&ticket.id, ticket.version, to, &now, &change, &events)?, to)
            };
            statements.push(store.review_decision_statement(
                rating_id,
                decision.reopen,
                &audit.actor,
                &now,
                &decision.note,
            )?);
            statements.push(store.event_statement(
                &ticket.id,
                &event(now, EventKind::RatingReviewed { reopen: decision.reopen }, &audit.actor, false),
            )?);
            statements.push(store.audit_statement(&audit)?);
            let moved = to != ticket.status || decision.reopen;
            if moved {
                commit(&store, statements, ticket.version).await?;
            } else {
                store.run_batch(statements).await?;
            }
            let version = ticket.version + i64::from(moved);
            Ok(crate::http::json_tagged(
                200,
                &value!({ "tracking_no": ticket.tracking_no, "status": to, "version": version }),
                version,
            )?)
        }
        .await,
    )
}

pub async fn get_settings(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            Ok(json(200, &evaluation_settings(&store).await?)?)
        }
        .await,
    )
}

pub async fn put_settings(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: EvaluationSettingsInput = json_input(&mut req, SETTINGS_LIMIT).await?;
            let settings = EvaluationSettings::parse(&input).map_err(ApiError::Invalid)?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            save(&ctx, &store, EVALUATION_KEY, "evaluation_settings_changed", &settings).await?;
            Ok(json(200, &settings)?)
        }
        .await,
    )
}

pub async fn put_assessment_settings(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: AssessmentSettingsInput = json_input(&mut req, MAX_BODY_BYTES).await?;
            let settings = AssessmentSettings::parse(&input).map_err(ApiError::Invalid)?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            save(&ctx, &store, ASSESSMENT_KEY, "assessment_settings_changed", &settings).await?;
            Ok(json(200, &settings)?)
        }
        .await,
    )
}
