//! Open311 GeoReport v2 under `/open311/v2/`, in JSON and XML (the path's extension), plus
//! FixMyStreet's `servicerequestupdates`. Read-only and public: what it shows is what the public
//! tracking page shows (`shared::open311`). `jurisdiction_id` is accepted and ignored: one city.
//! Errors use the spec's list (`[{code, description}]`), not the `/api/v1` error body.

use crate::config::{AppState, DB_BINDING};
use crate::store::{Store, StoreError};
use shared::ids::TrackingNo;
use shared::open311::{
    render, Discovery, Document, Format, Open311Error, RequestUpdate, RequestUpdates, RequestsQuery, ServiceDefinition,
    ServiceRequest, ServiceRequests, Services, TokenAnswer, TokenAnswers, Window, DEFAULT_UPDATE_HOURS,
};
use worker::{Request, Response, Result, RouteContext};

impl From<StoreError> for Open311Error {
    fn from(e: StoreError) -> Self {
        worker::console_error!("open311: {}", e.0);
        Open311Error::Internal
    }
}

/// Platform failures are logged here; the client only learns that the server failed.
fn internal(e: worker::Error) -> Open311Error {
    worker::console_error!("open311: {e}");
    Open311Error::Internal
}

pub(super) type Outcome = std::result::Result<String, Open311Error>;

/// Send the body, or the error in the same format, with the status the error names.
pub(super) fn answer(format: Format, outcome: Outcome) -> Result<Response> {
    let (status, body) = match outcome {
        Ok(body) => (200, body),
        Err(e) => (e.status(), e.render(format)),
    };
    let mut response = Response::ok(body)?.with_status(status);
    let headers = response.headers_mut();
    headers.set("Content-Type", format.content_type())?;
    // Open data that ignores cookies and tokens: any web client may read it.
    headers.set("Access-Control-Allow-Origin", "*")?;
    Ok(response)
}

/// The format of a fixed route, from its own path.
fn format_of(req: &Request) -> Format {
    if req.path().ends_with(".xml") {
        Format::Xml
    } else {
        Format::Json
    }
}

/// `:name_fmt` → the decoded name and the format. Without a known extension there is no
/// format to answer in, so the 404 is in JSON.
fn name_and_format(ctx: &RouteContext<AppState>, param: &str) -> std::result::Result<(String, Format), Open311Error> {
    let raw = ctx.param(param).map(|r| crate::http::percent_decode(r)).unwrap_or_default();
    Format::split(&raw)
        .map(|(name, format)| (name.to_owned(), format))
        .ok_or_else(|| Open311Error::NotFound(format!("{raw:?} (add .json or .xml)")))
}

fn query_pairs(req: &Request) -> Vec<(String, String)> {
    req.url().map(|u| u.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()).unwrap_or_default()
}

fn store(ctx: &RouteContext<AppState>) -> std::result::Result<Store, Open311Error> {
    Ok(Store::new(ctx.env.d1(DB_BINDING).map_err(internal)?))
}

fn doc<D: Document>(d: &D, format: Format) -> Outcome {
    Ok(render(d, format))
}

pub async fn discovery(req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    let format = format_of(&req);
    let outcome = req.url().map_err(internal).and_then(|url| {
        let base = format!("{}/open311/v2", url.origin().ascii_serialization());
        doc(&Discovery::new(&base, &ctx.data.city.name), format)
    });
    answer(format, outcome)
}

pub async fn services(req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    let format = format_of(&req);
    answer(format, doc(&Services::of(ctx.data.catalogue), format))
}

pub async fn service(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    let (code, format) = match name_and_format(&ctx, "code_fmt") {
        Ok(v) => v,
        Err(e) => return answer(Format::Json, Err(e)),
    };
    answer(format, ServiceDefinition::of(&code, ctx.data.catalogue).and_then(|d| doc(&d, format)))
}

/// The public copies of the requests a query selects.
async fn public_requests(
    req: &Request,
    query: &RequestsQuery,
    ctx: &RouteContext<AppState>,
) -> std::result::Result<ServiceRequests, Open311Error> {
    let records = store(ctx)?.open311_requests(query).await?;
    let offset = ctx.data.city.offset();
    // `media_url` is absolute: Open311 clients fetch it from elsewhere.
    let origin = req.url().map(|u| u.origin().ascii_serialization()).unwrap_or_default();
    Ok(ServiceRequests(
        records.iter().map(|r| ServiceRequest::public(r, ctx.data.catalogue, offset).with_media(r, &origin)).collect(),
    ))
}

pub async fn requests(req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    let format = format_of(&req);
    let now = crate::clock::now();
    let outcome = async {
        let query = RequestsQuery::parse(&query_pairs(&req), now, ctx.data.city.offset(), ctx.data.catalogue)?;
        doc(&public_requests(&req, &query, &ctx).await?, format)
    }
    .await;
    answer(format, outcome)
}

/// One request, as a one-element list (the spec's shape); unknown or malformed → 404.
pub async fn request(req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    let (id, format) = match name_and_format(&ctx, "id_fmt") {
        Ok(v) => v,
        Err(e) => return answer(Format::Json, Err(e)),
    };
    let outcome = async {
        let not_found = || Open311Error::NotFound(format!("service request {id:?}"));
        let no = TrackingNo::parse(&id).ok_or_else(not_found)?;
        let list = public_requests(&req, &RequestsQuery::Ids(vec![no]), &ctx).await?;
        if list.0.is_empty() {
            return Err(not_found());
        }
        doc(&list, format)
    }
    .await;
    answer(format, outcome)
}

/// Submissions answer with the tracking number at once, so the token is that number.
pub async fn token(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    let (token, format) = match name_and_format(&ctx, "token_fmt") {
        Ok(v) => v,
        Err(e) => return answer(Format::Json, Err(e)),
    };
    let outcome = async {
        let not_found = || Open311Error::NotFound(format!("token {token:?}"));
        let no = TrackingNo::parse(&token).ok_or_else(not_found)?;
        if !store(&ctx)?.open311_request_exists(&no).await? {
            return Err(not_found());
        }
        let id = no.as_str().to_owned();
        doc(&TokenAnswers(vec![TokenAnswer { service_request_id: id.clone(), token: id }]), format)
    }
    .await;
    answer(format, outcome)
}

/// FixMyStreet's extension: public updates between `start_date` and `end_date` (default: 24 h).
pub async fn updates(req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    let format = format_of(&req);
    let offset = ctx.data.city.offset();
    let now = crate::clock::now();
    let outcome = async {
        let window = Window::parse(&query_pairs(&req), now, chrono::Duration::hours(DEFAULT_UPDATE_HOURS), offset)?;
        let records = store(&ctx)?.open311_updates(&window).await?;
        let list = records.iter().filter_map(|r| RequestUpdate::of(r, offset)).collect();
        doc(&RequestUpdates { service_requests_updates: list }, format)
    }
    .await;
    answer(format, outcome)
}
