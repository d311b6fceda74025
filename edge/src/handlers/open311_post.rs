//! Open311 `POST requests`: a client with a channel key (`api_key`) files a request; it is
//! stored like the channel's intake does, counted under the channel, and its id answered at once.

use super::channels::authenticate;
use super::open311::{answer, Outcome};
use super::requests::{create, Origin};
use crate::config::{AppState, DB_BINDING};
use crate::error::ApiError;
use crate::store::Store;
use shared::api::MAX_BODY_BYTES;
use shared::channels::idempotency_key;
use shared::ids::IdempotencyKey;
use shared::open311::{render, Created, CreatedList, Format, Open311Error, PostedRequest};
use worker::{Request, Response, Result, RouteContext};

pub async fn submit(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    let format = if req.path().ends_with(".xml") { Format::Xml } else { Format::Json };
    let outcome = submit_inner(&mut req, &ctx, format).await;
    answer(format, outcome)
}

/// Our field names in the spec's terms, for a 400 that names what the client sent.
fn parameter(field: &str) -> &'static str {
    match field.split('.').next_back().unwrap_or_default() {
        "category" => "service_code",
        "lat" | "location" => "lat",
        "lng" => "long",
        "address" => "address_string",
        "phone" => "phone",
        "email" => "email",
        "name" => "first_name",
        _ => "description",
    }
}

fn from_api(e: ApiError) -> Open311Error {
    match e {
        ApiError::Invalid(errors) => match errors.0.into_iter().next() {
            Some((field, error)) => Open311Error::bad(parameter(&field), error.message),
            None => Open311Error::Internal,
        },
        ApiError::Unauthenticated => Open311Error::Forbidden("api_key: not a key of this city".into()),
        ApiError::Forbidden => Open311Error::Forbidden("api_key: this channel may not send requests now".into()),
        ApiError::RateLimited { limit, retry_after } => {
            Open311Error::RateLimited(format!("more than {limit} requests this minute; try again in {retry_after} s"))
        }
        other => {
            worker::console_error!("open311 post: {other:?}");
            Open311Error::Internal
        }
    }
}

async fn submit_inner(req: &mut Request, ctx: &RouteContext<AppState>, format: Format) -> Outcome {
    let body = req.text().await.map_err(|_| Open311Error::bad("body", "unreadable"))?;
    if body.len() > MAX_BODY_BYTES {
        return Err(Open311Error::bad("body", format!("at most {MAX_BODY_BYTES} bytes")));
    }
    // The URL parser reads form encoding (`+` for spaces, percent escapes) as the spec sends it.
    let pairs: Vec<(String, String)> = worker::Url::parse(&format!("http://form.invalid/?{body}"))
        .map_err(|_| Open311Error::bad("body", "not form-encoded"))?
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    // The key first: a caller without one learns nothing else (the spec's 403).
    let api_key = pairs.iter().find(|(k, _)| k == "api_key").map(|(_, v)| v.as_str());
    let store = Store::new(ctx.env.d1(DB_BINDING).map_err(|e| from_api(e.into()))?);
    let (code, kind) = authenticate(&store, api_key, None).await.map_err(from_api)?;
    let form = req.headers().get("Content-Type").ok().flatten().unwrap_or_default();
    if !form.starts_with("application/x-www-form-urlencoded") {
        return Err(Open311Error::bad("Content-Type", "application/x-www-form-urlencoded"));
    }
    let posted = PostedRequest::parse(&pairs, ctx.data.catalogue)?;
    // GeoReport has no idempotency key: each POST is a new request under an id of our own.
    let random = crate::clock::random_16().map_err(|e| from_api(ApiError::Store(e.to_string())))?;
    let external_id = format!("o311-{}", random.iter().map(|b| format!("{b:02x}")).collect::<String>());
    let key = IdempotencyKey::parse(&idempotency_key(&code, &external_id))
        .ok_or_else(|| from_api(ApiError::Store("open311 idempotency key".into())))?;
    let source = code.source();
    let origin = Origin { channel: kind, source: Some((&source, &external_id)), field_prefix: "" };
    let (_, created) = create(ctx, &posted.input, &key, origin).await.map_err(from_api)?;
    let answer = Created { service_request_id: created.tracking_no.to_string(), service_notice: String::new() };
    Ok(render(&CreatedList(vec![answer]), format))
}
