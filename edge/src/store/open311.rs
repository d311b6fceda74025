//! Open311 reads: requests and the public events of their trails. Only columns the public may
//! see are selected (no contact, no address, no token), so nothing else can leak further on.

use super::{parse_time, text, time, Store, StoreError, StoreResult};
use serde::Deserialize;
use shared::catalogue::CategoryCode;
use shared::geo::LatLng;
use shared::ids::TrackingNo;
use shared::open311::{RequestRecord, RequestsQuery, UpdateRecord, Window, MAX_ITEMS};
use shared::status::Status;
use shared::ticket::EventKind;
use worker::wasm_bindgen::JsValue;

/// The public columns of a request, its lead's name and its latest public note or reply (both
/// through per-ticket indexes: ticket_departments' key and ticket_events_by_ticket).
const REQUEST_SELECT: &str = "SELECT t.tracking_no, t.status, t.category, t.description, t.lat, t.lng, \
     t.created_at, t.updated_at, t.resolution_due_at, \
     (SELECT d.name FROM ticket_departments td JOIN departments d ON d.code = td.department \
       WHERE td.ticket_id = t.id AND td.part = 'lead' LIMIT 1) AS agency, \
     (SELECT e.data FROM ticket_events e WHERE e.ticket_id = t.id AND e.public = 1 \
       AND e.kind IN ('note', 'replied') ORDER BY e.id DESC LIMIT 1) AS last_public, \
     (SELECT p.id FROM photos p WHERE p.ticket_id = t.id AND p.stage = 'report' AND p.hidden_at IS NULL \
       ORDER BY p.created_at, p.id LIMIT 1) AS media_photo \
     FROM tickets t";

#[derive(Deserialize)]
struct RequestRow {
    tracking_no: String,
    status: String,
    category: String,
    description: String,
    lat: Option<f64>,
    lng: Option<f64>,
    created_at: String,
    updated_at: String,
    resolution_due_at: Option<String>,
    agency: Option<String>,
    last_public: Option<String>,
    media_photo: Option<String>,
}

fn event_kind(data: &str) -> StoreResult<EventKind> {
    serde_json::from_str(data).map_err(|e| StoreError(format!("stored event {data:?}: {e}")))
}

impl RequestRow {
    fn into_record(self) -> StoreResult<RequestRecord> {
        let bad = |what: &str, value: &str| StoreError(format!("ticket {}: bad {what} {value:?}", self.tracking_no));
        let status = Status::parse(&self.status).ok_or_else(|| bad("status", &self.status))?;
        let category = CategoryCode::parse(&self.category).ok_or_else(|| bad("category", &self.category))?;
        let last_public_text = match self.last_public.as_deref().map(event_kind).transpose()? {
            Some(EventKind::Note { text, .. } | EventKind::Replied { text, .. }) => Some(text),
            _ => None,
        };
        Ok(RequestRecord {
            status,
            category,
            point: self.lat.zip(self.lng).map(|(lat, lng)| LatLng { lat, lng }),
            created_at: parse_time(&self.created_at)?,
            updated_at: parse_time(&self.updated_at)?,
            resolution_due: self.resolution_due_at.as_deref().map(parse_time).transpose()?,
            agency: self.agency,
            last_public_text,
            media_photo: self.media_photo.as_deref().and_then(shared::photo::PhotoId::parse),
            description: self.description,
            tracking_no: TrackingNo::from_stored(self.tracking_no),
        })
    }
}

#[derive(Deserialize)]
struct UpdateRow {
    id: i64,
    tracking_no: String,
    at: String,
    data: String,
    status: String,
}

fn json_list<'a>(items: impl Iterator<Item = &'a str>) -> StoreResult<JsValue> {
    let items: Vec<&str> = items.collect();
    serde_json::to_string(&items).map(|s| text(&s)).map_err(|e| StoreError(e.to_string()))
}

impl Store {
    /// `GET requests`: by tracking number, or by creation time (tickets_by_created), newest first.
    pub async fn open311_requests(&self, query: &RequestsQuery) -> StoreResult<Vec<RequestRecord>> {
        let limit = MAX_ITEMS.to_string();
        let statement = match query {
            RequestsQuery::Ids(ids) => self
                .db
                .prepare(format!(
                    "{REQUEST_SELECT} WHERE t.tracking_no IN (SELECT value FROM json_each(?1)) \
                     ORDER BY t.created_at DESC LIMIT {limit}"
                ))
                .bind(&[json_list(ids.iter().map(TrackingNo::as_str))?])?,
            RequestsQuery::Search { service_codes, window, statuses } => self
                .db
                .prepare(format!(
                    "{REQUEST_SELECT} WHERE t.created_at >= ?1 AND t.created_at < ?2 \
                     AND (?3 = '[]' OR t.category IN (SELECT value FROM json_each(?3))) \
                     AND (?4 = '[]' OR t.status IN (SELECT value FROM json_each(?4))) \
                     ORDER BY t.created_at DESC LIMIT {limit}"
                ))
                .bind(&[
                    time(&window.start),
                    time(&window.end),
                    json_list(service_codes.iter().map(CategoryCode::as_str))?,
                    json_list(statuses.iter().map(|s| s.as_str()))?,
                ])?,
        };
        statement.all().await?.results::<RequestRow>()?.into_iter().map(RequestRow::into_record).collect()
    }

    /// Whether a request with this tracking number exists (the token lookup).
    pub async fn open311_request_exists(&self, tracking_no: &TrackingNo) -> StoreResult<bool> {
        let row = self
            .db
            .prepare("SELECT 1 AS found FROM tickets WHERE tracking_no = ?1")
            .bind(&[text(tracking_no.as_str())])?
            .first::<serde_json::Value>(None)
            .await?;
        Ok(row.is_some())
    }

    /// Public status changes, notes and replies in the window, newest first.
    pub async fn open311_updates(&self, window: &Window) -> StoreResult<Vec<UpdateRecord>> {
        let rows = self
            .db
            .prepare(format!(
                "SELECT e.id, e.at, e.data, t.tracking_no, t.status FROM ticket_events e \
                 JOIN tickets t ON t.id = e.ticket_id \
                 WHERE e.public = 1 AND e.kind IN ('status_changed', 'note', 'replied') \
                 AND e.at >= ?1 AND e.at < ?2 ORDER BY e.id DESC LIMIT {MAX_ITEMS}"
            ))
            .bind(&[time(&window.start), time(&window.end)])?
            .all()
            .await?
            .results::<UpdateRow>()?;
        rows.into_iter()
            .map(|r| {
                Ok(UpdateRecord {
                    id: r.id,
                    at: parse_time(&r.at)?,
                    kind: event_kind(&r.data)?,
                    current: Status::parse(&r.status)
                        .ok_or_else(|| StoreError(format!("ticket {}: bad status {:?}", r.tracking_no, r.status)))?,
                    tracking_no: TrackingNo::from_stored(r.tracking_no),
                })
            })
            .collect()
    }
}
