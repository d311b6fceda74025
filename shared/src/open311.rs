//! Open311 GeoReport v2 (<http://wiki.open311.org/GeoReport_v2>) at `/open311/v2/`: the wire
//! types, the query parameters of `requests`, the status mapping and a small XML writer.
//!
//! The public copy of a request is what the public tracking page shows, no more: no contact
//! data, no address (it often names a flat), the point snapped to its ~100 m cell and contact
//! data typed into the text masked.

use crate::catalogue::{Catalogue, CategoryCode};
use crate::geo::LatLng;
use crate::ids::TrackingNo;
use crate::redact;
use crate::status::Status;
use crate::ticket::EventKind;
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, SecondsFormat, TimeZone, Utc};
use serde::Serialize;

/// The version of this interface, as discovery reports it; change it with the interface.
pub const CHANGESET: &str = "2026-11-29T00:00:00+08:00";
pub const SPECIFICATION: &str = "http://wiki.open311.org/GeoReport_v2";
/// Lists answer at most this many items, newest first (the spec leaves the cap to the server).
pub const MAX_ITEMS: usize = 1000;
/// `requests` without dates covers this many days, as the spec suggests.
pub const DEFAULT_REQUEST_DAYS: i64 = 90;
/// `servicerequestupdates` without dates covers this many hours.
pub const DEFAULT_UPDATE_HOURS: i64 = 24;

/// The answer's format, named by the path's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

impl Format {
    /// Split `"20261129-0000011.json"` into the name and its format; `None` without a known extension.
    pub fn split(raw: &str) -> Option<(&str, Format)> {
        let (name, ext) = raw.rsplit_once('.')?;
        let format = match ext {
            "json" => Format::Json,
            "xml" => Format::Xml,
            _ => return None,
        };
        (!name.is_empty()).then_some((name, format))
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json; charset=utf-8",
            Format::Xml => "text/xml; charset=utf-8",
        }
    }
}

/// Every way an Open311 call fails; the status and the spec's `errors` body come from here only.
#[derive(Debug, Clone, PartialEq)]
pub enum Open311Error {
    /// A query parameter that cannot be read; the description names it.
    BadParameter { parameter: &'static str, message: String },
    /// No such service, request or token.
    NotFound(String),
    /// A POST without a valid `api_key`, or from a channel that may not send.
    Forbidden(String),
    /// The channel sent more than its rate this minute.
    RateLimited(String),
    /// Anything the server got wrong; the details stay in the log.
    Internal,
}

impl Open311Error {
    pub fn bad(parameter: &'static str, message: impl Into<String>) -> Self {
        Open311Error::BadParameter { parameter, message: message.into() }
    }

    pub fn status(&self) -> u16 {
        match self {
            Open311Error::BadParameter { .. } => 400,
            Open311Error::NotFound(_) => 404,
            Open311Error::Forbidden(_) => 403,
            Open311Error::RateLimited(_) => 429,
            Open311Error::Internal => 500,
        }
    }

    pub fn description(&self) -> String {
        match self {
            Open311Error::BadParameter { parameter, message } => format!("{parameter}: {message}"),
            Open311Error::NotFound(what) => format!("{what} not found"),
            Open311Error::Forbidden(why) | Open311Error::RateLimited(why) => why.clone(),
            Open311Error::Internal => "the server could not answer; try again later".to_owned(),
        }
    }

    /// The spec's error list: `[{"code", "description"}]` or `<errors><error>…`.
    pub fn render(&self, format: Format) -> String {
        let error = ErrorItem { code: self.status(), description: self.description() };
        render(&Errors(vec![error]), format)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorItem {
    pub code: u16,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Errors(pub Vec<ErrorItem>);

/// Open or closed, the only states GeoReport knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Open,
    Closed,
}

impl State {
    /// A replied request is still open: the citizen may yet judge the answer and reopen it.
    pub fn of(status: Status) -> State {
        match status {
            Status::Closed | Status::Merged | Status::RejectedUnreasonable => State::Closed,
            _ => State::Open,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Closed => "closed",
        }
    }

    /// The internal statuses a filter on this state selects.
    pub fn statuses(self) -> Vec<Status> {
        Status::ALL.into_iter().filter(|s| State::of(*s) == self).collect()
    }
}

/// FixMyStreet's update states for `servicerequestupdates` (its Open311 client maps these).
pub fn update_status(status: Status) -> &'static str {
    match status {
        Status::Submitted | Status::Dispatched | Status::Reopened => "OPEN",
        Status::Accepted => "ACTION_SCHEDULED",
        Status::InProgress | Status::Replied => "IN_PROGRESS",
        Status::Closed => "CLOSED",
        Status::Merged => "DUPLICATE",
        Status::RejectedUnreasonable => "NO_FURTHER_ACTION",
    }
}

/// The citizen-facing name of a status, for the text of a status update.
fn status_label(status: Status) -> &'static str {
    match status {
        Status::Submitted => "已提交",
        Status::Dispatched => "已派单",
        Status::Accepted => "已签收",
        Status::InProgress => "办理中",
        Status::Replied => "已答复",
        Status::Closed => "已办结",
        Status::Reopened => "重新办理",
        Status::Merged => "已合并至同类诉求",
        Status::RejectedUnreasonable => "不予受理",
    }
}

/// A W3C datetime in the city's time, as the spec's examples give them.
pub fn w3c(t: DateTime<Utc>, offset: FixedOffset) -> String {
    t.with_timezone(&offset).to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Read a W3C datetime: full (`2026-11-29T08:00:00+08:00`, `…Z`), without seconds, or a bare
/// date (midnight in the city). A `+` that the query string turned into a space is forgiven.
pub fn parse_w3c(raw: &str, offset: FixedOffset) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    let repaired = match raw.split_once('T') {
        Some((date, time)) => format!("{date}T{}", time.replace(' ', "+")),
        None => raw.to_owned(),
    };
    if let Ok(t) = DateTime::parse_from_rfc3339(&repaired) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = DateTime::parse_from_str(&repaired, "%Y-%m-%dT%H:%M%:z") {
        return Some(t.with_timezone(&Utc));
    }
    if let Some(t) =
        repaired.strip_suffix('Z').and_then(|s| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").ok())
    {
        return Some(t.and_utc());
    }
    let date = NaiveDate::parse_from_str(&repaired, "%Y-%m-%d").ok()?;
    offset.from_local_datetime(&date.and_hms_opt(0, 0, 0)?).single().map(|t| t.with_timezone(&Utc))
}

fn date_param(
    params: &[(String, String)],
    name: &'static str,
    offset: FixedOffset,
) -> Result<Option<DateTime<Utc>>, Open311Error> {
    match param(params, name) {
        None => Ok(None),
        Some(raw) => parse_w3c(raw, offset)
            .map(Some)
            .ok_or_else(|| Open311Error::bad(name, "expected a W3C datetime such as 2026-11-29T08:00:00+08:00")),
    }
}

/// The first non-empty value of a query parameter.
fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params.iter().find(|(k, v)| k == name && !v.trim().is_empty()).map(|(_, v)| v.as_str())
}

fn list(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(',').map(str::trim).filter(|s| !s.is_empty())
}

/// A time window `[start, end)`, checked and defaulted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Window {
    /// `start_date` / `end_date`; without a start, `default` before the end (or before now).
    pub fn parse(
        params: &[(String, String)],
        now: DateTime<Utc>,
        default: Duration,
        offset: FixedOffset,
    ) -> Result<Self, Open311Error> {
        let start = date_param(params, "start_date", offset)?;
        let end = date_param(params, "end_date", offset)?;
        // An open end reaches a little past now, so that what was just written is in; a start in
        // the future is an empty window, not a mistake of the caller's.
        let open_end = || start.map_or(now, |s| s.max(now)) + Duration::minutes(1);
        let end = end.unwrap_or_else(open_end);
        let start = start.unwrap_or(end - default);
        if start > end {
            return Err(Open311Error::bad("end_date", "must not be before start_date"));
        }
        Ok(Window { start, end })
    }
}

/// `GET requests`, parsed: the spec says ids, when given, override every other filter.
#[derive(Debug, Clone, PartialEq)]
pub enum RequestsQuery {
    Ids(Vec<TrackingNo>),
    Search {
        /// Leaf codes; empty means every service.
        service_codes: Vec<CategoryCode>,
        window: Window,
        /// Internal statuses; empty means every status.
        statuses: Vec<Status>,
    },
}

impl RequestsQuery {
    pub fn parse(
        params: &[(String, String)],
        now: DateTime<Utc>,
        offset: FixedOffset,
        catalogue: &Catalogue,
    ) -> Result<Self, Open311Error> {
        if let Some(raw) = param(params, "service_request_id") {
            let ids = list(raw)
                .map(|id| {
                    TrackingNo::parse(id).ok_or_else(|| {
                        Open311Error::bad("service_request_id", format!("{id:?} is not a tracking number"))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            if ids.len() > MAX_ITEMS {
                return Err(Open311Error::bad("service_request_id", format!("at most {MAX_ITEMS} ids")));
            }
            return Ok(RequestsQuery::Ids(ids));
        }
        let service_codes = param(params, "service_code")
            .map(|raw| {
                list(raw)
                    .map(|code| {
                        // Any known code, not only leaves: imported history may sit higher in the
                        // tree, and a client filters by the codes it was shown.
                        CategoryCode::parse(code)
                            .filter(|c| catalogue.contains(c))
                            .ok_or_else(|| Open311Error::bad("service_code", format!("{code:?} is not a service code")))
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?
            .unwrap_or_default();
        let window = Window::parse(params, now, Duration::days(DEFAULT_REQUEST_DAYS), offset)?;
        let mut statuses = Vec::new();
        for state in param(params, "status").map(list).into_iter().flatten() {
            let state = match state.to_ascii_lowercase().as_str() {
                "open" => State::Open,
                "closed" => State::Closed,
                _ => return Err(Open311Error::bad("status", format!("{state:?} is not open or closed"))),
            };
            statuses.extend(state.statuses().into_iter().filter(|s| !statuses.contains(s)).collect::<Vec<_>>());
        }
        Ok(RequestsQuery::Search { service_codes, window, statuses })
    }
}

// ---- Wire types ----------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Discovery {
    pub changeset: String,
    pub contact: String,
    pub key_service: String,
    pub endpoints: Vec<Endpoint>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Endpoint {
    pub specification: String,
    pub url: String,
    pub changeset: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub formats: Vec<String>,
}

impl Discovery {
    /// `base` is the origin plus `/open311/v2`.
    pub fn new(base: &str, city: &str) -> Self {
        Discovery {
            changeset: CHANGESET.to_owned(),
            contact: format!("{city} 12345 政务服务便民热线"),
            key_service: format!("{city} 12345 热线中心为接入渠道签发 API 密钥"),
            endpoints: vec![Endpoint {
                specification: SPECIFICATION.to_owned(),
                url: base.to_owned(),
                changeset: CHANGESET.to_owned(),
                kind: "production".to_owned(),
                formats: vec!["text/xml".to_owned(), "application/json".to_owned()],
            }],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Service {
    pub service_code: String,
    pub service_name: String,
    pub description: String,
    pub metadata: bool,
    #[serde(rename = "type")]
    pub kind: String,
    pub keywords: String,
    pub group: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Services(pub Vec<Service>);

impl Services {
    /// One service per leaf of the catalogue, in code order.
    pub fn of(catalogue: &Catalogue) -> Self {
        let services = catalogue
            .search("")
            .into_iter()
            .filter_map(|r| {
                let [group, second, leaf] = r.path.as_slice() else { return None };
                Some(Service {
                    service_code: r.code.as_str().to_owned(),
                    service_name: leaf.clone(),
                    description: r.path.join(" › "),
                    metadata: false,
                    kind: "realtime".to_owned(),
                    keywords: format!("{second},{leaf}"),
                    group: group.clone(),
                })
            })
            .collect();
        Services(services)
    }
}

/// `services/{code}`: no extra attributes are asked for, so the list is empty.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceDefinition {
    pub service_code: String,
    pub attributes: Vec<String>,
}

impl ServiceDefinition {
    pub fn of(code: &str, catalogue: &Catalogue) -> Result<Self, Open311Error> {
        CategoryCode::parse(code)
            .filter(|c| catalogue.is_leaf(c))
            .map(|c| ServiceDefinition { service_code: c.as_str().to_owned(), attributes: Vec::new() })
            .ok_or_else(|| Open311Error::NotFound(format!("service {code:?}")))
    }
}

/// A stored request as the store reads it, before it is made public.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestRecord {
    pub tracking_no: TrackingNo,
    pub status: Status,
    pub category: CategoryCode,
    pub description: String,
    pub point: Option<LatLng>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub resolution_due: Option<DateTime<Utc>>,
    /// The lead department's name.
    pub agency: Option<String>,
    /// The latest public note or reply.
    pub last_public_text: Option<String>,
    /// The first visible photo of the citizen's (`shared::photo`), for `media_url`.
    pub media_photo: Option<crate::photo::PhotoId>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceRequest {
    pub service_request_id: String,
    pub status: State,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_notes: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    pub service_code: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agency_responsible: Option<String>,
    pub requested_datetime: String,
    pub updated_datetime: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_datetime: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub long: Option<f64>,
    /// The public copy of the citizen's first photo (absolute: set by `with_media`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_url: Option<String>,
}

impl ServiceRequest {
    /// The public copy: masked text, the coarse point, no address and no contact.
    pub fn public(record: &RequestRecord, catalogue: &Catalogue, offset: FixedOffset) -> Self {
        let point = record.point.map(LatLng::coarse);
        ServiceRequest {
            service_request_id: record.tracking_no.as_str().to_owned(),
            status: State::of(record.status),
            status_notes: record.last_public_text.as_deref().map(redact::public_text),
            service_name: catalogue.name(&record.category).map(str::to_owned),
            service_code: record.category.as_str().to_owned(),
            description: redact::public_text(&record.description),
            agency_responsible: record.agency.clone(),
            requested_datetime: w3c(record.created_at, offset),
            updated_datetime: w3c(record.updated_at, offset),
            expected_datetime: record.resolution_due.map(|t| w3c(t, offset)),
            lat: point.map(|p| p.lat),
            long: point.map(|p| p.lng),
            media_url: None,
        }
    }

    /// The photo's public copy as an absolute URL under `origin` (`https://host`).
    pub fn with_media(mut self, record: &RequestRecord, origin: &str) -> Self {
        self.media_url = record.media_photo.as_ref().map(|id| format!("{origin}{}", id.public_path()));
        self
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct ServiceRequests(pub Vec<ServiceRequest>);

/// `tokens/{token}`: the request a token stands for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TokenAnswer {
    pub service_request_id: String,
    pub token: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct TokenAnswers(pub Vec<TokenAnswer>);

/// A public event of a request's trail, as the store reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateRecord {
    pub id: i64,
    pub tracking_no: TrackingNo,
    pub at: DateTime<Utc>,
    pub kind: EventKind,
    /// The request's status now: the state a note is reported under.
    pub current: Status,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestUpdate {
    pub update_id: String,
    pub service_request_id: String,
    pub status: String,
    pub updated_datetime: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_url: Option<String>,
}

impl RequestUpdate {
    /// Status changes, public notes and replies; other events are not updates. Events are only
    /// ever passed here when public, and their text is masked like the tracking page masks it.
    pub fn of(record: &UpdateRecord, offset: FixedOffset) -> Option<Self> {
        let (status, description) = match &record.kind {
            EventKind::StatusChanged { to, .. } => (*to, status_label(*to).to_owned()),
            EventKind::Note { text, .. } => (record.current, redact::public_text(text)),
            EventKind::Replied { text, department_name, .. } => {
                (Status::Replied, format!("{department_name}：{}", redact::public_text(text)))
            }
            _ => return None,
        };
        Some(RequestUpdate {
            update_id: record.id.to_string(),
            service_request_id: record.tracking_no.as_str().to_owned(),
            status: update_status(status).to_owned(),
            updated_datetime: w3c(record.at, offset),
            description,
            media_url: None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestUpdates {
    pub service_requests_updates: Vec<RequestUpdate>,
}

// ---- XML -----------------------------------------------------------------------------------

/// A writer for the spec's flat shapes: elements with text, nested one or two deep.
pub struct Xml {
    out: String,
}

impl Default for Xml {
    fn default() -> Self {
        Xml { out: String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>") }
    }
}

impl Xml {
    pub fn open(&mut self, tag: &str) -> &mut Self {
        self.out.push('<');
        self.out.push_str(tag);
        self.out.push('>');
        self
    }

    pub fn close(&mut self, tag: &str) -> &mut Self {
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push('>');
        self
    }

    pub fn leaf(&mut self, tag: &str, value: &str) -> &mut Self {
        self.open(tag);
        crate::text::escape_markup(&mut self.out, value);
        self.close(tag)
    }

    /// Absent values are left out, as JSON leaves them out.
    pub fn opt_leaf(&mut self, tag: &str, value: Option<&str>) -> &mut Self {
        if let Some(value) = value {
            self.leaf(tag, value);
        }
        self
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// A body in both formats: JSON from serde, XML written by hand.
pub trait Document: Serialize {
    fn xml(&self, w: &mut Xml);
}

pub fn render<D: Document>(doc: &D, format: Format) -> String {
    match format {
        // Serialising these plain structs cannot fail (string keys, finite numbers); an empty
        // body would still be a visible error to the client.
        Format::Json => serde_json::to_string(doc).unwrap_or_default(),
        Format::Xml => {
            let mut w = Xml::default();
            doc.xml(&mut w);
            w.finish()
        }
    }
}

fn number(v: f64) -> String {
    v.to_string()
}

impl Document for Errors {
    fn xml(&self, w: &mut Xml) {
        w.open("errors");
        for e in &self.0 {
            w.open("error").leaf("code", &e.code.to_string()).leaf("description", &e.description).close("error");
        }
        w.close("errors");
    }
}

impl Document for Discovery {
    fn xml(&self, w: &mut Xml) {
        w.open("discovery")
            .leaf("changeset", &self.changeset)
            .leaf("contact", &self.contact)
            .leaf("key_service", &self.key_service)
            .open("endpoints");
        for e in &self.endpoints {
            w.open("endpoint")
                .leaf("specification", &e.specification)
                .leaf("url", &e.url)
                .leaf("changeset", &e.changeset)
                .leaf("type", &e.kind)
                .open("formats");
            for f in &e.formats {
                w.leaf("format", f);
            }
            w.close("formats").close("endpoint");
        }
        w.close("endpoints").close("discovery");
    }
}

impl Document for Services {
    fn xml(&self, w: &mut Xml) {
        w.open("services");
        for s in &self.0 {
            w.open("service")
                .leaf("service_code", &s.service_code)
                .leaf("service_name", &s.service_name)
                .leaf("description", &s.description)
                .leaf("metadata", if s.metadata { "true" } else { "false" })
                .leaf("type", &s.kind)
                .leaf("keywords", &s.keywords)
                .leaf("group", &s.group)
                .close("service");
        }
        w.close("services");
    }
}

impl Document for ServiceDefinition {
    fn xml(&self, w: &mut Xml) {
        w.open("service_definition").leaf("service_code", &self.service_code).open("attributes");
        w.close("attributes").close("service_definition");
    }
}

impl Document for ServiceRequests {
    fn xml(&self, w: &mut Xml) {
        w.open("service_requests");
        for r in &self.0 {
            w.open("request")
                .leaf("service_request_id", &r.service_request_id)
                .leaf("status", r.status.as_str())
                .opt_leaf("status_notes", r.status_notes.as_deref())
                .opt_leaf("service_name", r.service_name.as_deref())
                .leaf("service_code", &r.service_code)
                .leaf("description", &r.description)
                .opt_leaf("agency_responsible", r.agency_responsible.as_deref())
                .leaf("requested_datetime", &r.requested_datetime)
                .leaf("updated_datetime", &r.updated_datetime)
                .opt_leaf("expected_datetime", r.expected_datetime.as_deref())
                .opt_leaf("lat", r.lat.map(number).as_deref())
                .opt_leaf("long", r.long.map(number).as_deref())
                .opt_leaf("media_url", r.media_url.as_deref())
                .close("request");
        }
        w.close("service_requests");
    }
}

impl Document for TokenAnswers {
    fn xml(&self, w: &mut Xml) {
        w.open("service_requests");
        for t in &self.0 {
            w.open("request")
                .leaf("service_request_id", &t.service_request_id)
                .leaf("token", &t.token)
                .close("request");
        }
        w.close("service_requests");
    }
}

impl Document for RequestUpdates {
    fn xml(&self, w: &mut Xml) {
        w.open("service_requests_updates");
        for u in &self.service_requests_updates {
            w.open("request_update")
                .leaf("update_id", &u.update_id)
                .leaf("service_request_id", &u.service_request_id)
                .leaf("status", &u.status)
                .leaf("updated_datetime", &u.updated_datetime)
                .leaf("description", &u.description)
                .opt_leaf("media_url", u.media_url.as_deref())
                .close("request_update");
        }
        w.close("service_requests_updates");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn beijing() -> FixedOffset {
        FixedOffset::east_opt(8 * 3600).unwrap()
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 29, 2, 0, 0).unwrap()
    }

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    fn record() -> RequestRecord {
        RequestRecord {
            tracking_no: TrackingNo::new(now().date_naive(), 7),
            status: Status::Accepted,
            category: CategoryCode::parse("11.01.01").unwrap(),
            description: "施工噪音，请打 13912345678 或 li@example.com".to_owned(),
            point: Some(LatLng { lat: 28.123456, lng: 112.987654 }),
            created_at: now(),
            updated_at: now() + Duration::hours(1),
            resolution_due: Some(now() + Duration::days(5)),
            agency: Some("区城管局".to_owned()),
            last_public_text: Some("已安排人员，联系 13800001111".to_owned()),
            media_photo: None,
        }
    }

    #[test]
    fn open311_format_is_the_extension() {
        assert_eq!(Format::split("services.json"), Some(("services", Format::Json)));
        assert_eq!(Format::split("20261129-0000011.xml"), Some(("20261129-0000011", Format::Xml)));
        assert_eq!(Format::split("services.csv"), None);
        assert_eq!(Format::split("services"), None);
        assert_eq!(Format::split(".json"), None);
    }

    #[test]
    fn open311_xml_escapes_the_five_and_drops_controls() {
        let mut out = String::new();
        crate::text::escape_markup(&mut out, "a&b<c>d\"e'f\u{1}g\n");
        assert_eq!(out, "a&amp;b&lt;c&gt;d&quot;e&apos;fg\n");
    }

    #[test]
    fn open311_errors_in_both_formats() {
        let e = Open311Error::NotFound("service \"99\"".to_owned());
        assert_eq!(e.status(), 404);
        assert_eq!(e.render(Format::Json), r#"[{"code":404,"description":"service \"99\" not found"}]"#);
        assert_eq!(
            e.render(Format::Xml),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><errors><error><code>404</code>\
             <description>service &quot;99&quot; not found</description></error></errors>"
        );
    }

    #[test]
    fn open311_status_maps_to_open_and_closed() {
        assert_eq!(State::of(Status::Submitted), State::Open);
        assert_eq!(State::of(Status::Replied), State::Open);
        assert_eq!(State::of(Status::Reopened), State::Open);
        for closed in [Status::Closed, Status::Merged, Status::RejectedUnreasonable] {
            assert_eq!(State::of(closed), State::Closed);
        }
        let open = State::Open.statuses();
        let closed = State::Closed.statuses();
        assert_eq!(open.len() + closed.len(), Status::ALL.len());
        assert!(closed.contains(&Status::Merged) && !open.contains(&Status::Merged));
    }

    #[test]
    fn open311_services_are_the_leaves() {
        let cat = Catalogue::builtin();
        let services = Services::of(cat);
        assert_eq!(services.0.len(), cat.count_at_level(3));
        let s = &services.0[0];
        assert_eq!(s.service_code.matches('.').count(), 2);
        assert_eq!(s.description.matches(" › ").count(), 2);
        assert!(s.description.starts_with(&s.group) && s.description.ends_with(&s.service_name));
        assert!(s.keywords.ends_with(&s.service_name) && s.keywords.contains(','));
        let xml = render(&services, Format::Xml);
        assert!(xml.contains("<services><service><service_code>"));
        assert_eq!(xml.matches("<service>").count(), services.0.len());
        assert!(render(&services, Format::Json).starts_with("[{\"service_code\""));
    }

    #[test]
    fn open311_service_definition_knows_leaves_only() {
        let cat = Catalogue::builtin();
        let d = ServiceDefinition::of("11.01.01", cat).unwrap();
        assert_eq!(render(&d, Format::Json), r#"{"service_code":"11.01.01","attributes":[]}"#);
        assert!(render(&d, Format::Xml)
            .contains("<service_definition><service_code>11.01.01</service_code><attributes></attributes>"));
        assert_eq!(ServiceDefinition::of("11.01", cat).unwrap_err().status(), 404);
        assert_eq!(ServiceDefinition::of("99.99.99", cat).unwrap_err().status(), 404);
    }

    #[test]
    fn open311_public_request_hides_contact_and_snaps_the_point() {
        let r = ServiceRequest::public(&record(), Catalogue::builtin(), beijing());
        assert_eq!(r.status, State::Open);
        assert_eq!(r.lat, Some(28.1235));
        assert_eq!(r.long, Some(112.9875));
        assert!(!r.description.contains("13912345678") && !r.description.contains("li@example.com"));
        assert!(!r.status_notes.as_deref().unwrap().contains("13800001111"));
        assert_eq!(r.requested_datetime, "2026-11-29T10:00:00+08:00");
        assert_eq!(r.expected_datetime.as_deref(), Some("2026-12-04T10:00:00+08:00"));
        assert_eq!(r.agency_responsible.as_deref(), Some("区城管局"));
        let json = render(&ServiceRequests(vec![r.clone()]), Format::Json);
        assert!(json.contains("\"status\":\"open\"") && json.contains("\"long\":112.9875"));
        assert!(!json.contains("address"));
        let xml = render(&ServiceRequests(vec![r]), Format::Xml);
        assert!(xml.contains("<service_requests><request><service_request_id>"));
        assert!(xml.contains("<lat>28.1235</lat><long>112.9875</long></request></service_requests>"));
    }

    #[test]
    fn open311_requests_query_defaults_to_ninety_days() {
        let q = RequestsQuery::parse(&params(&[("jurisdiction_id", "x")]), now(), beijing(), Catalogue::builtin());
        let Ok(RequestsQuery::Search { service_codes, window, statuses }) = q else { panic!("{q:?}") };
        assert!(service_codes.is_empty() && statuses.is_empty());
        assert_eq!(window.end - window.start, Duration::days(90));
        assert!(window.end > now());
        let future = Window::parse(&params(&[("start_date", "2099-01-01")]), now(), Duration::days(1), beijing());
        assert!(future.is_ok_and(|w| w.start < w.end));
    }

    #[test]
    fn open311_requests_query_ids_override_the_rest() {
        let no = TrackingNo::new(now().date_naive(), 3);
        let raw = format!("{}, {}", no.as_str(), no.as_str());
        let q = RequestsQuery::parse(
            &params(&[("service_request_id", &raw), ("status", "bogus")]),
            now(),
            beijing(),
            Catalogue::builtin(),
        );
        assert_eq!(q, Ok(RequestsQuery::Ids(vec![no.clone(), no])));
        let bad =
            RequestsQuery::parse(&params(&[("service_request_id", "abc")]), now(), beijing(), Catalogue::builtin());
        assert!(matches!(bad, Err(Open311Error::BadParameter { parameter: "service_request_id", .. })));
    }

    #[test]
    fn open311_requests_query_names_the_bad_parameter() {
        let cat = Catalogue::builtin();
        let name = |pairs: &[(&str, &str)]| match RequestsQuery::parse(&params(pairs), now(), beijing(), cat) {
            Err(Open311Error::BadParameter { parameter, .. }) => parameter,
            other => panic!("{other:?}"),
        };
        assert_eq!(name(&[("start_date", "yesterday")]), "start_date");
        assert_eq!(name(&[("end_date", "2026-13-01")]), "end_date");
        assert_eq!(name(&[("start_date", "2026-11-29"), ("end_date", "2026-11-01")]), "end_date");
        assert_eq!(name(&[("status", "open,pending")]), "status");
        assert_eq!(name(&[("service_code", "11.99")]), "service_code");
    }

    #[test]
    fn open311_requests_query_reads_filters() {
        let q = RequestsQuery::parse(
            &params(&[
                ("service_code", "11.01.01,11.01.02"),
                ("start_date", "2026-11-01T00:00:00 08:00"),
                ("end_date", "2026-11-02"),
                ("status", "Closed,closed"),
            ]),
            now(),
            beijing(),
            Catalogue::builtin(),
        );
        let Ok(RequestsQuery::Search { service_codes, window, statuses }) = q else { panic!("{q:?}") };
        assert_eq!(service_codes.len(), 2);
        assert_eq!(window.start, Utc.with_ymd_and_hms(2026, 10, 31, 16, 0, 0).unwrap());
        assert_eq!(window.end, Utc.with_ymd_and_hms(2026, 11, 1, 16, 0, 0).unwrap());
        assert_eq!(statuses, State::Closed.statuses());
    }

    #[test]
    fn open311_w3c_datetimes() {
        let t = Utc.with_ymd_and_hms(2026, 11, 29, 0, 30, 0).unwrap();
        assert_eq!(parse_w3c("2026-11-29T08:30:00+08:00", beijing()), Some(t));
        assert_eq!(parse_w3c("2026-11-29T00:30:00Z", beijing()), Some(t));
        assert_eq!(parse_w3c("2026-11-29T08:30+08:00", beijing()), Some(t));
        assert_eq!(parse_w3c("2026-11-29T00:30Z", beijing()), Some(t));
        assert_eq!(parse_w3c("2026-11-29", beijing()), Some(Utc.with_ymd_and_hms(2026, 11, 28, 16, 0, 0).unwrap()));
        assert_eq!(parse_w3c("29/11/2026", beijing()), None);
        assert_eq!(w3c(t, beijing()), "2026-11-29T08:30:00+08:00");
    }

    #[test]
    fn open311_updates_are_status_changes_notes_and_replies() {
        let base = UpdateRecord {
            id: 42,
            tracking_no: TrackingNo::new(now().date_naive(), 7),
            at: now(),
            kind: EventKind::StatusChanged { from: Status::Dispatched, to: Status::Accepted },
            current: Status::InProgress,
        };
        let u = RequestUpdate::of(&base, beijing()).unwrap();
        assert_eq!((u.update_id.as_str(), u.status.as_str()), ("42", "ACTION_SCHEDULED"));
        let note = UpdateRecord {
            kind: EventKind::Note { text: "电话 13912345678".to_owned(), photos: Vec::new() },
            ..base.clone()
        };
        let u = RequestUpdate::of(&note, beijing()).unwrap();
        assert_eq!(u.status, "IN_PROGRESS");
        assert!(!u.description.contains("13912345678"));
        let closed = UpdateRecord {
            kind: EventKind::StatusChanged { from: Status::Replied, to: Status::Closed },
            ..base.clone()
        };
        assert_eq!(RequestUpdate::of(&closed, beijing()).unwrap().status, "CLOSED");
        let other = UpdateRecord { kind: EventKind::Listed { reason: "x".to_owned() }, ..base };
        assert_eq!(RequestUpdate::of(&other, beijing()), None);
        let doc = RequestUpdates { service_requests_updates: vec![u] };
        assert!(render(&doc, Format::Json).starts_with("{\"service_requests_updates\":[{\"update_id\":\"42\""));
        assert!(
            render(&doc, Format::Xml).contains("<service_requests_updates><request_update><update_id>42</update_id>")
        );
    }

    #[test]
    fn open311_discovery_names_the_endpoint() {
        let d = Discovery::new("https://x.example/open311/v2", "A市");
        let xml = render(&d, Format::Xml);
        assert!(xml.contains("<url>https://x.example/open311/v2</url>"));
        assert!(xml.contains("<formats><format>text/xml</format><format>application/json</format></formats>"));
        assert!(render(&d, Format::Json).contains("\"specification\":\"http://wiki.open311.org/GeoReport_v2\""));
    }
}

/// `POST requests`: the form fields (`application/x-www-form-urlencoded`) as our request input.
/// The spec has no title, so the first words of the description make one; `attribute[…]` are
/// accepted and ignored (our services define none). Contact fields are kept private, as on
/// the web form; a request without any is anonymous.
#[derive(Debug, Clone, PartialEq)]
pub struct PostedRequest {
    pub api_key: Option<String>,
    pub input: crate::request::NewRequestInput,
}

const POSTED_TITLE_CHARS: usize = 30;

impl PostedRequest {
    pub fn parse(pairs: &[(String, String)], catalogue: &Catalogue) -> Result<Self, Open311Error> {
        use crate::request::{ContactInput, LocationInput, NewRequestInput};
        let get = |name: &str| {
            pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_owned()).filter(|v| !v.is_empty())
        };
        let code = get("service_code").ok_or_else(|| Open311Error::bad("service_code", "required"))?;
        let service = CategoryCode::parse(&code)
            .filter(|c| catalogue.is_leaf(c))
            .ok_or_else(|| Open311Error::NotFound(format!("service_code {code}")))?;
        let number = |name: &'static str| -> Result<Option<f64>, Open311Error> {
            get(name).map(|v| v.parse::<f64>().map_err(|_| Open311Error::bad(name, "a decimal number"))).transpose()
        };
        let (lat, lng) = (number("lat")?, number("long")?);
        if lat.is_none() || lng.is_none() {
            return Err(Open311Error::bad("lat", "lat and long are required: this city locates requests by point"));
        }
        let description = get("description").ok_or_else(|| Open311Error::bad("description", "required"))?;
        let first_line = description.lines().next().unwrap_or_default();
        let mut title: String = first_line.chars().take(POSTED_TITLE_CHARS).collect();
        if title.chars().count() < 4 {
            title = catalogue.name(&service).map_or(title, str::to_owned);
        }
        let name = match (get("first_name"), get("last_name")) {
            (None, None) => None,
            // Chinese order: family name first.
            (first, last) => Some(format!("{}{}", last.unwrap_or_default(), first.unwrap_or_default())),
        };
        let contact = ContactInput { name, phone: get("phone"), email: get("email") };
        let anonymous = contact.name.is_none() && contact.phone.is_none() && contact.email.is_none();
        Ok(PostedRequest {
            api_key: get("api_key"),
            input: NewRequestInput {
                title: Some(title),
                description: Some(description),
                category: Some(service.as_str().to_owned()),
                location: Some(LocationInput { lat, lng, address: get("address_string") }),
                contact: (!anonymous).then_some(contact),
                anonymous: Some(anonymous),
                kind: None,
            },
        })
    }
}

/// The answer to `POST requests`: the new request's id at once (no token round trip).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Created {
    pub service_request_id: String,
    pub service_notice: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct CreatedList(pub Vec<Created>);

impl Document for CreatedList {
    fn xml(&self, w: &mut Xml) {
        w.open("service_requests");
        for c in &self.0 {
            w.open("request")
                .leaf("service_request_id", &c.service_request_id)
                .leaf("service_notice", &c.service_notice)
                .close("request");
        }
        w.close("service_requests");
    }
}

#[cfg(test)]
mod posted_tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn a_posted_form_becomes_a_request_with_its_contact_kept_apart() {
        let catalogue = Catalogue::builtin();
        let form = pairs(&[
            ("api_key", "hych_x"),
            ("service_code", "01.02.01"),
            ("lat", "28.19"),
            ("long", "112.97"),
            ("address_string", "芙蓉路 1 号"),
            ("description", "小区门口的路灯坏了一个多月，晚上很黑\n请尽快维修"),
            ("first_name", "小明"),
            ("last_name", "王"),
            ("attribute[height]", "3"),
        ]);
        let posted = PostedRequest::parse(&form, catalogue).unwrap();
        assert_eq!(posted.api_key.as_deref(), Some("hych_x"));
        let input = posted.input;
        assert_eq!(input.title.as_deref(), Some("小区门口的路灯坏了一个多月，晚上很黑"), "the first line");
        assert_eq!(input.contact.unwrap().name.as_deref(), Some("王小明"));
        assert_eq!(input.anonymous, Some(false));
        let location = input.location.unwrap();
        assert_eq!(
            (location.lat, location.lng, location.address.as_deref()),
            (Some(28.19), Some(112.97), Some("芙蓉路 1 号"))
        );
    }

    #[test]
    fn missing_or_unknown_fields_are_the_specs_errors() {
        let catalogue = Catalogue::builtin();
        let base =
            [("service_code", "01.02.01"), ("lat", "28.19"), ("long", "112.97"), ("description", "路灯坏了一个多月了")];
        assert!(PostedRequest::parse(&pairs(&base), catalogue).unwrap().input.anonymous == Some(true));
        let without = |name: &str| pairs(&base.iter().copied().filter(|(k, _)| *k != name).collect::<Vec<_>>());
        assert_eq!(PostedRequest::parse(&without("service_code"), catalogue).unwrap_err().status(), 400);
        assert_eq!(PostedRequest::parse(&without("long"), catalogue).unwrap_err().status(), 400);
        assert_eq!(PostedRequest::parse(&without("description"), catalogue).unwrap_err().status(), 400);
        let mut unknown = pairs(&base);
        unknown[0].1 = "99.99.99".into();
        assert_eq!(PostedRequest::parse(&unknown, catalogue).unwrap_err().status(), 404);
        let mut bad = pairs(&base);
        bad[1].1 = "north".into();
        let e = PostedRequest::parse(&bad, catalogue).unwrap_err();
        assert!(e.description().starts_with("lat:"), "{e:?}");
        let short = PostedRequest::parse(
            &pairs(&[("service_code", "01.02.01"), ("lat", "28.19"), ("long", "112.97"), ("description", "灯")]),
            catalogue,
        );
        assert!(short.unwrap().input.title.unwrap().chars().count() >= 4, "the service name stands in");
    }
}
