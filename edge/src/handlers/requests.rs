//! Citizens' requests: submit (idempotent) and track.

use super::respond;
use crate::clock;
use crate::config::{AppState, DB_BINDING};
use crate::error::ApiError;
use crate::http::{header, json, parse_json, read_json_body};
use crate::intake;
use crate::store::{DispatchWrite, FirstRead, IdempotentHit, InsertOutcome, Store};
use shared::api::{IDEMPOTENCY_KEY_HEADER, MAX_BODY_BYTES};
use shared::dispatch::{decide, DispatchMode, IntakeDecision, StoredSuggestion, Urgency};
use shared::ids::{sha256_hex, AccessToken, IdempotencyKey, TicketId, TrackingNo};
use shared::request::{Channel, NewRequest, NewRequestInput};
use shared::rules::resolve;
use shared::sla::Deadlines;
use shared::status::{transition, Action, Status};
use shared::ticket::EventKind;
use shared::ticket::{private_view, public_view, SubmitResponse, Ticket, TicketEvent, TicketView};
use worker::{Request, Response, Result, RouteContext};

pub async fn submit(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(submit_inner(&mut req, &ctx).await)
}

/// The `Idempotency-Key` an anonymous write must carry.
pub(crate) fn idempotency_key(req: &Request) -> std::result::Result<IdempotencyKey, ApiError> {
    match header(req, IDEMPOTENCY_KEY_HEADER) {
        None => Err(ApiError::MissingHeader { header: IDEMPOTENCY_KEY_HEADER }),
        Some(raw) => IdempotencyKey::parse(&raw).ok_or(ApiError::BadHeader {
            header: IDEMPOTENCY_KEY_HEADER,
            message: "16 to 128 characters of A-Z a-z 0-9 - _ . :",
        }),
    }
}

async fn submit_inner(req: &mut Request, ctx: &RouteContext<AppState>) -> std::result::Result<Response, ApiError> {
    let key = idempotency_key(req)?;
    let body = read_json_body(req, MAX_BODY_BYTES).await?;
    let input: NewRequestInput = parse_json(&body)?;
    let (status, created) = create(ctx, &input, &key, Origin::WEB).await?;
    created_response(status, &created)
}

/// 201 (or 200 for a replay) with the answer, and where to read the request.
pub(crate) fn created_response(status: u16, created: &SubmitResponse) -> std::result::Result<Response, ApiError> {
    let mut response = json(status, created)?;
    response.headers_mut().set("Location", &format!("/api/v1/requests/{}", created.tracking_no))?;
    Ok(response)
}

/// Where a new request came from: the web form, or a channel that has its own id for it.
pub(crate) struct Origin<'a> {
    pub channel: Channel,
    /// `(source, external_id)` stored on the ticket.
    pub source: Option<(&'a str, &'a str)>,
    /// Put before each refused field's name (`request.` when the request is nested).
    pub field_prefix: &'a str,
}

impl Origin<'static> {
    pub const WEB: Origin<'static> = Origin { channel: Channel::Web, source: None, field_prefix: "" };
}

/// Validate and store a new request, idempotently under `key`: 201 with the tracking number
/// and the reporter's token, or 200 with the same answer for a replay of the same body.
pub(crate) async fn create(
    ctx: &RouteContext<AppState>,
    input: &NewRequestInput,
    key: &IdempotencyKey,
    origin: Origin<'_>,
) -> std::result::Result<(u16, SubmitResponse), ApiError> {
    let state = &ctx.data;
    let request = NewRequest::parse(input, state.catalogue, &state.city.service_area).map_err(|errors| {
        let prefixed = errors.0.into_iter().map(|(field, e)| (format!("{}{field}", origin.field_prefix), e)).collect();
        ApiError::Invalid(shared::error::FieldErrors(prefixed))
    })?;
    // The parsed input, re-serialised, is the body's identity: whitespace or key order in a retry don't matter.
    let body_hash = sha256_hex(&serde_json::to_vec(input).map_err(|e| ApiError::Store(e.to_string()))?);

    let store = Store::new(ctx.env.d1(DB_BINDING)?);
    let now = clock::now();
    let day = now.with_timezone(&state.city.offset()).date_naive();
    let sequence = match store.find_or_reserve(key, day).await? {
        FirstRead::Known(hit) => return replay(hit, &body_hash, key, state),
        FirstRead::Sequence(sequence) => sequence,
    };
    // A replay above is never refused: a phone retrying after a lost answer must get its ticket.
    // (A refused flood leaves its numbers unused: the read that found the key new took them.)
    if origin.source.is_none() {
        crate::limits::check(&ctx.env, state, crate::limits::Limit::Submit).await?;
    }

    let id = TicketId::from_random(clock::random_16().map_err(|e| ApiError::Store(e.to_string()))?);
    let ticket = Ticket::submitted(request, id, TrackingNo::new(day, sequence), origin.channel, now);
    let token = AccessToken::derive(&state.token_secret, &ticket.id, key);
    let event = TicketEvent::submitted(&ticket);
    let (then, status) = intake_statements(&store, ctx, &ticket).await?;

    match store.insert_submitted(&ticket, &event, &token.hash(), (key, &body_hash), origin.source, then).await? {
        InsertOutcome::Inserted => Ok((
            201,
            SubmitResponse { tracking_no: ticket.tracking_no.clone(), token, status, created_at: ticket.created_at },
        )),
        // A concurrent retry with the same key won; answer as it did.
        InsertOutcome::KeyTaken => match store.find_idempotent(key).await? {
            Some(hit) => replay(hit, &body_hash, key, state),
            None => Err(ApiError::Conflict("a request with this Idempotency-Key is in progress".into())),
        },
    }
}

/// What intake adds to the new ticket's write: its area, the classifier's suggestions and, when
/// the classifier is confident and the responsibility list names one lead, the dispatch itself.
async fn intake_statements(
    store: &Store,
    ctx: &RouteContext<AppState>,
    ticket: &Ticket,
) -> std::result::Result<(Vec<worker::D1PreparedStatement>, Status), ApiError> {
    let intake = intake::load(store, &ctx.env).await?;
    let city_offset = ctx.data.city.offset();
    let chain = intake.area_chain(ticket.point);
    let suggestions = intake.model.as_ref().map(|m| m.suggest(&ticket.title, &ticket.description, 3));
    let stored: Vec<StoredSuggestion> = suggestions
        .iter()
        .flatten()
        .map(|(c, p)| StoredSuggestion { category_code: c.clone(), confidence: *p })
        .collect();
    let stored = serde_json::to_string(&stored).map_err(|e| ApiError::Store(e.to_string()))?;
    let mut statements = vec![store.suggestions_statement(&ticket.id, &stored, chain.first().map(String::as_str))?];
    let resolution = resolve(&intake.rules, &ticket.category, &chain, ticket.kind);
    let decision =
        decide(&ticket.category, suggestions.as_deref(), intake.settings.auto_dispatch_threshold, &resolution);
    let IntakeDecision::Auto { lead, co_handlers } = decision else {
        return Ok((statements, ticket.status));
    };
    let co_handlers = intake.coordinators.add_to(ticket.kind, &lead, &co_handlers);
    let sla = intake.clocks.sla.resolve(ticket.category.as_str(), Urgency::Normal);
    let deadlines = Deadlines::compute(ticket.created_at, sla, 0, &intake.clocks.calendar, city_offset);
    let to = transition(ticket.status, Action::Dispatch).map_err(|e| ApiError::Conflict(e.to_string()))?;
    let events = [
        TicketEvent {
            at: ticket.created_at,
            kind: EventKind::StatusChanged { from: ticket.status, to },
            actor: "system".into(),
            public: true,
        },
        TicketEvent {
            at: ticket.created_at,
            kind: EventKind::Dispatched {
                lead_name: intake.department_name(&lead),
                lead: lead.clone(),
                co_handlers: co_handlers.clone(),
                mode: DispatchMode::Auto,
            },
            actor: "system".into(),
            public: true,
        },
    ];
    statements.extend(store.dispatch_statements(&DispatchWrite {
        ticket: &ticket.id,
        expected_version: ticket.version,
        lead: &lead,
        co_handlers: &co_handlers,
        urgency: Urgency::Normal,
        area: chain.first().map(String::as_str),
        mode: DispatchMode::Auto,
        at: ticket.created_at,
        events: &events,
        sla,
        deadlines,
    })?);
    statements.extend(super::dispatch::work_order_notices(
        store,
        ticket.tracking_no.as_str(),
        &lead,
        &co_handlers,
        Urgency::Normal,
        &deadlines,
        ticket.created_at,
    )?);
    Ok((statements, to))
}

fn replay(
    hit: IdempotentHit,
    body_hash: &str,
    key: &IdempotencyKey,
    state: &AppState,
) -> std::result::Result<(u16, SubmitResponse), ApiError> {
    if hit.body_hash != body_hash {
        return Err(ApiError::IdempotencyKeyReused);
    }
    Ok((
        200,
        SubmitResponse {
            tracking_no: hit.tracking_no,
            token: AccessToken::derive(&state.token_secret, &hit.ticket_id, key),
            status: hit.status,
            created_at: hit.created_at,
        },
    ))
}

pub async fn show(req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(show_inner(&req, &ctx).await)
}

/// The token may come as a Bearer header or `?token=` (links in messages).
pub(crate) fn presented_token(req: &Request) -> std::result::Result<Option<AccessToken>, ApiError> {
    let from_header = header(req, "Authorization").and_then(|h| h.strip_prefix("Bearer ").map(str::to_owned));
    let from_query =
        req.url().ok().and_then(|u| u.query_pairs().find(|(k, _)| k == "token").map(|(_, v)| v.into_owned()));
    match from_header.or(from_query) {
        None => Ok(None),
        Some(raw) => AccessToken::presented(&raw).map(Some).ok_or(ApiError::InvalidToken),
    }
}

async fn show_inner(req: &Request, ctx: &RouteContext<AppState>) -> std::result::Result<Response, ApiError> {
    let no = super::tracking_no(ctx)?;
    let token = presented_token(req)?;
    let store = Store::new(ctx.env.d1(DB_BINDING)?);
    Ok(json(200, &load_view(&store, ctx, &no, token).await?)?)
}

/// The request as the bearer of `token` may see it: the reporter's private view, a follower's
/// or anyone's public view (also written into the tracking page's HTML).
pub(crate) async fn load_view(
    store: &Store,
    ctx: &RouteContext<AppState>,
    no: &TrackingNo,
    token: Option<AccessToken>,
) -> std::result::Result<TicketView, ApiError> {
    let (ticket, token_hash, events) = store.find_by_tracking_no(no).await?.ok_or(ApiError::NotFound)?;
    let catalogue = ctx.data.catalogue;
    let reporter = token.as_ref().is_some_and(|t| token_hash.as_deref() == Some(t.hash().as_str()));
    // Another token may be a follower's ("me too"): they see the public view, marked as followed.
    let follower_hash = token.as_ref().filter(|_| !reporter).map(AccessToken::hash);
    let (me_too_count, following) = store.follow_state(&ticket.id, follower_hash.as_deref()).await?;
    let mut view = match token {
        None => TicketView::Public(public_view(&ticket, &events, catalogue)),
        Some(_) if reporter => {
            let intake = intake::load(store, &ctx.env).await?;
            TicketView::Private(private_view(&ticket, &events, catalogue, &intake.clocks.follow_up))
        }
        Some(_) if following => TicketView::Public(public_view(&ticket, &events, catalogue)),
        Some(_) => return Err(ApiError::InvalidToken),
    };
    let public = match &mut view {
        TicketView::Public(p) => p,
        TicketView::Private(p) => &mut p.public,
    };
    public.me_too_count = me_too_count;
    public.following = following;
    shared::ticket::with_photos(public, super::photos::visible_of(store, &ticket.id).await?);
    // A merged duplicate's reporter follows the master's progress.
    let master_no = events.iter().rev().find_map(|e| match &e.kind {
        EventKind::Merged { master } if ticket.status == Status::Merged => TrackingNo::parse(master),
        _ => None,
    });
    if let Some(master_no) = master_no {
        if let Some((master, _, master_events)) = store.find_by_tracking_no(&master_no).await? {
            let mut master_view = public_view(&master, &master_events, catalogue);
            master_view.me_too_count = store.me_too_count(&master.id).await?;
            match &mut view {
                TicketView::Public(p) => p.master = Some(Box::new(master_view)),
                TicketView::Private(p) => p.public.master = Some(Box::new(master_view)),
            }
        }
    }
    Ok(view)
}
