//! Photos: the reporter's and handlers' uploads, the public and staff copies, moderation.
//! The bytes decide the type (`shared::photo`); metadata is stripped before the blob is stored,
//! and the row is written only after the blob.

use super::casework::scoped_ticket;
use super::requests::presented_token;
use super::workbench::on_ticket;
use super::{respond, tracking_no};
use crate::config::{AppState, DB_BINDING, PHOTOS_BINDING};
use crate::error::ApiError;
use crate::http::{header, json, json_input, query_param};
use crate::store::{Audit, NewPhoto, PhotoInsert, PhotoRecord, Store};
use serde_json::json as value;
use shared::ids::TicketId;
use shared::photo::{
    prepare, HideInput, PhotoId, PhotoStage, PreparedPhoto, StaffPhotos, UploadedPhoto, MAX_BYTES, MAX_REPORT_PHOTOS,
};
use shared::staff_view::ticket_scope;
use worker::{Request, Response, Result, RouteContext};

type Outcome = std::result::Result<Response, ApiError>;

/// 413 before reading when the declared length is over the limit, and after when the body is.
async fn read_image(req: &mut Request) -> std::result::Result<Vec<u8>, ApiError> {
    let declared = header(req, "Content-Length").and_then(|v| v.trim().parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BYTES) {
        return Err(ApiError::PayloadTooLarge { limit: MAX_BYTES });
    }
    let bytes = req
        .bytes()
        .await
        .map_err(|_| ApiError::Malformed { field: None, message: "the body could not be read".into() })?;
    if bytes.len() > MAX_BYTES {
        return Err(ApiError::PayloadTooLarge { limit: MAX_BYTES });
    }
    Ok(bytes)
}

fn declared_too_large(req: &Request) -> bool {
    header(req, "Content-Length").and_then(|v| v.trim().parse::<usize>().ok()).is_some_and(|n| n > MAX_BYTES)
}

fn photo_id(ctx: &RouteContext<AppState>) -> std::result::Result<PhotoId, ApiError> {
    ctx.param("id").and_then(|raw| PhotoId::parse(raw)).ok_or(ApiError::NotFound)
}

fn uploaded(status: u16, record_id: &PhotoId, info: (u32, u32, &str), public: bool) -> Outcome {
    let (width, height, content_type) = info;
    let url = if public { record_id.public_path() } else { record_id.staff_path() };
    let body = UploadedPhoto { id: record_id.clone(), url, width, height, content_type: content_type.to_owned() };
    Ok(json(status, &body)?)
}

fn existing(record: &PhotoRecord) -> Outcome {
    uploaded(200, &record.id, (record.width, record.height, &record.content_type), record.visible())
}

/// Store the blob, then the row. A retry of the same bytes answers the first upload (200).
async fn store_photo(
    ctx: &RouteContext<AppState>,
    store: &Store,
    ticket: &TicketId,
    photo: PreparedPhoto,
    stage: PhotoStage,
    uploader: &str,
    audit: Option<&Audit>,
) -> Outcome {
    if let Some(found) = store.photo_by_hash(ticket, &photo.sha256).await? {
        return existing(&found);
    }
    let full = || ApiError::Conflict(format!("a request has at most {MAX_REPORT_PHOTOS} photos"));
    if stage == PhotoStage::Report && store.report_photo_count(ticket).await? >= MAX_REPORT_PHOTOS {
        return Err(full());
    }
    let id = PhotoId::from_random(crate::clock::random_16().map_err(|e| ApiError::Store(e.to_string()))?);
    let kv = ctx.env.kv(PHOTOS_BINDING)?;
    kv.put_bytes(id.as_str(), &photo.bytes)
        .map_err(|e| ApiError::Store(e.to_string()))?
        .execute()
        .await
        .map_err(|e| ApiError::Store(e.to_string()))?;
    let published = stage == PhotoStage::Report;
    let row = NewPhoto {
        id: &id,
        ticket,
        uploader,
        stage,
        info: photo.info,
        bytes: photo.bytes.len(),
        sha256: &photo.sha256,
        at: crate::clock::now(),
        published,
    };
    match store.insert_photo(&row, MAX_REPORT_PHOTOS, audit).await? {
        PhotoInsert::Inserted => {
            uploaded(201, &id, (photo.info.width, photo.info.height, photo.info.kind.mime()), published)
        }
        // The blob just written is an orphan: harmless, and never served (no row names it).
        PhotoInsert::Existing(found) => existing(&found),
        PhotoInsert::Full => Err(full()),
    }
}

/// The `photos` of a note or reply: this ticket's handlers' photos, each named by an error when not.
pub(crate) async fn staff_refs(
    store: &Store,
    ticket: &TicketId,
    raw: Option<&[String]>,
) -> std::result::Result<Vec<PhotoId>, ApiError> {
    let mut errors = shared::error::FieldErrors::new();
    let ids = shared::photo::parse_refs(&mut errors, raw);
    if !ids.is_empty() && errors.is_empty() {
        let stored = store.photos_of(ticket).await?;
        for (i, id) in ids.iter().enumerate() {
            if !stored.iter().any(|p| &p.id == id && p.stage != PhotoStage::Report) {
                errors.add(
                    &format!("photos[{i}]"),
                    shared::error::FieldErrorCode::UnknownValue,
                    "not a photo uploaded to this ticket by its handlers",
                );
            }
        }
    }
    errors.finish(|| ids).map_err(ApiError::Invalid)
}

/// The photos a ticket's public and private views show.
pub(crate) async fn visible_of(
    store: &Store,
    ticket: &TicketId,
) -> std::result::Result<Vec<shared::photo::PublicPhoto>, ApiError> {
    Ok(store.photos_of(ticket).await?.iter().filter(|p| p.visible()).map(PhotoRecord::public).collect())
}

/// `POST /api/v1/requests/{no}/photos`: the reporter's photo, with the request's private token.
pub async fn upload_report(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            if declared_too_large(&req) {
                return Err(ApiError::PayloadTooLarge { limit: MAX_BYTES });
            }
            let no = tracking_no(&ctx)?;
            let token = presented_token(&req)?.ok_or(ApiError::Unauthenticated)?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let (ticket, token_hash) = store.ticket_for_photos(&no).await?.ok_or(ApiError::NotFound)?;
            if token_hash.as_deref() != Some(token.hash().as_str()) {
                return Err(ApiError::InvalidToken);
            }
            let photo = prepare(&read_image(&mut req).await?).map_err(ApiError::Invalid)?;
            store_photo(&ctx, &store, &ticket, photo, PhotoStage::Report, "reporter", None).await
        }
        .await,
    )
}

/// `POST /api/v1/tickets/{no}/photos?stage=`: a handler's photo of the lead or a co-handling
/// department; published later with a public note or the reply.
pub async fn upload_staff(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            if declared_too_large(&req) {
                return Err(ApiError::PayloadTooLarge { limit: MAX_BYTES });
            }
            let stage = PhotoStage::parse_staff(query_param(&req, "stage").as_deref()).map_err(ApiError::Invalid)?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let on = on_ticket(&ctx, &store).await?;
            let photo = prepare(&read_image(&mut req).await?).map_err(ApiError::Invalid)?;
            let audit = ctx.data.audit(
                "photo_uploaded",
                Some(on.scoped.no.as_str().to_owned()),
                value!({ "department": on.department, "stage": stage.as_str(), "sha256": photo.sha256 }),
            );
            let uploader = audit.actor.clone();
            store_photo(&ctx, &store, &on.scoped.ticket.id, photo, stage, &uploader, Some(&audit)).await
        }
        .await,
    )
}

/// The bytes of a photo, with headers that make them an image and nothing else.
async fn serve(ctx: &RouteContext<AppState>, record: &PhotoRecord, cache: &str) -> Outcome {
    let kv = ctx.env.kv(PHOTOS_BINDING)?;
    let bytes = kv
        .get(record.id.as_str())
        .bytes()
        .await
        .map_err(|e| ApiError::Store(e.to_string()))?
        .ok_or_else(|| ApiError::Store(format!("photo {} has no blob", record.id.as_str())))?;
    let mut response = Response::from_bytes(bytes)?;
    let headers = response.headers_mut();
    headers.set("Content-Type", &record.content_type)?;
    headers.set("Cache-Control", cache)?;
    headers.set("Content-Disposition", "inline")?;
    headers.set("X-Content-Type-Options", "nosniff")?;
    headers.set("Content-Security-Policy", "default-src 'none'")?;
    Ok(response)
}

/// `GET /api/v1/photos/{id}`: the public copy; hidden or unpublished photos are not there.
pub async fn public_copy(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let id = photo_id(&ctx)?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let record = store.photo(&id).await?.filter(PhotoRecord::visible).ok_or(ApiError::NotFound)?;
            // The bytes under an id never change, so caches may keep them.
            serve(&ctx, &record, "public, max-age=31536000, immutable").await
        }
        .await,
    )
}

/// A photo whose ticket is in the caller's scope (404 otherwise, like the ticket itself).
async fn scoped_photo(ctx: &RouteContext<AppState>, store: &Store) -> std::result::Result<PhotoRecord, ApiError> {
    let principal = ctx.data.principal()?;
    let id = photo_id(ctx)?;
    let record = store.photo(&id).await?.ok_or(ApiError::NotFound)?;
    let no = store.photo_tracking_no(&record.ticket_id).await?.ok_or(ApiError::NotFound)?;
    let (_, departments) = store.staff_ticket(&no).await?.ok_or(ApiError::NotFound)?;
    if !ticket_scope(principal.user.role, principal.user.department.as_deref()).admits(&departments) {
        return Err(ApiError::NotFound);
    }
    Ok(record)
}

/// `GET /api/v1/staff/photos/{id}`: any photo of a ticket the caller may see, hidden ones too.
pub async fn staff_copy(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let record = scoped_photo(&ctx, &store).await?;
            serve(&ctx, &record, "private, no-store").await
        }
        .await,
    )
}

/// `GET /api/v1/tickets/{no}/photos`: every photo with its moderation state.
pub async fn list(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let scoped = scoped_ticket(&ctx, &store).await?;
            let photos = store.photos_of(&scoped.ticket.id).await?.iter().map(PhotoRecord::staff).collect();
            Ok(json(200, &StaffPhotos { photos })?)
        }
        .await,
    )
}

/// `POST /api/v1/photos/{id}/hide {reason}`: moderation; the photo leaves every public page.
pub async fn hide(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: HideInput = json_input(&mut req, shared::api::MAX_BODY_BYTES).await?;
            let reason = input.parse().map_err(ApiError::Invalid)?;
            moderate(&ctx, Some(reason)).await
        }
        .await,
    )
}

/// `POST /api/v1/photos/{id}/unhide`.
pub async fn unhide(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(moderate(&ctx, None).await)
}

async fn moderate(ctx: &RouteContext<AppState>, reason: Option<String>) -> Outcome {
    let store = Store::new(ctx.env.d1(DB_BINDING)?);
    let record = scoped_photo(ctx, &store).await?;
    let action = if reason.is_some() { "photo_hidden" } else { "photo_shown" };
    let audit = ctx.data.audit(
        action,
        Some(record.id.as_str().to_owned()),
        value!({ "ticket": record.ticket_id, "reason": reason }),
    );
    let by = audit.actor.clone();
    store.set_photo_hidden(&record.id, reason.as_deref().map(|r| (r, by.as_str())), &audit).await?;
    let now = store.photo(&record.id).await?.ok_or(ApiError::NotFound)?;
    Ok(json(200, &now.staff())?)
}
