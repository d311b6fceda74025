//! Legacy tickets from other systems (bulk import): one row, checked on its own so a bad
//! row never stops the good ones.

use crate::catalogue::{Catalogue, CategoryCode};
use crate::city::CityConfig;
use crate::error::{FieldErrorCode, FieldErrors};
use crate::geo::LatLng;
use crate::ids::{TicketId, TrackingNo};
use crate::request::{Channel, RequestKind};
use crate::status::Status;
use crate::text;
use crate::ticket::{EventKind, Ticket, TicketEvent};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// Rows per import call.
pub const MAX_ROWS: usize = 5_000;

/// One row as sent (CSV column or NDJSON key of the same name).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportRowInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A code or a name at any of the three levels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lng: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    pub external_id: String,
    pub title: String,
    pub description: String,
    pub category: CategoryCode,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub status: Status,
    pub point: Option<LatLng>,
    pub department: Option<String>,
    pub channel: Channel,
}

/// A refused row, reported back to the importer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowError {
    /// 1-based data row (the header is not counted).
    pub row: usize,
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportReport {
    pub imported: usize,
    pub skipped: usize,
    pub errors: Vec<RowError>,
}

/// Legacy text can be terse; only emptiness and the storage bound are refused.
const TITLE_MAX: usize = 200;
const DESCRIPTION_MAX: usize = 4000;
const EXTERNAL_ID_MAX: usize = 100;

impl ImportRow {
    pub fn parse(input: &ImportRowInput, catalogue: &Catalogue, city: &CityConfig) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let external_id = text::bounded(&mut errors, "external_id", input.external_id.as_deref(), 1, EXTERNAL_ID_MAX);
        let title = text::bounded(&mut errors, "title", input.title.as_deref(), 1, TITLE_MAX);
        let description = text::bounded(&mut errors, "description", input.description.as_deref(), 1, DESCRIPTION_MAX);
        let category = match input.category.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None => {
                errors.add("category", FieldErrorCode::Required, "category is required");
                None
            }
            Some(raw) => catalogue.resolve(raw).or_else(|| {
                errors.add("category", FieldErrorCode::UnknownCategory, format!("no category is called {raw}"));
                None
            }),
        };
        let created_at = match input.created_at.as_deref() {
            None => {
                errors.add("created_at", FieldErrorCode::Required, "created_at is required");
                None
            }
            Some(raw) => parse_time(&mut errors, "created_at", raw, city),
        };
        let closed_at = input
            .closed_at
            .as_deref()
            .filter(|c| !c.trim().is_empty())
            .and_then(|raw| parse_time(&mut errors, "closed_at", raw, city));
        if let (Some(created), Some(closed)) = (created_at, closed_at) {
            if closed < created {
                errors.add("closed_at", FieldErrorCode::OutOfRange, "closed_at is before created_at");
            }
        }
        let status = match input.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None if closed_at.is_some() => Some(Status::Closed),
            None => Some(Status::Submitted),
            Some(raw) => Status::parse(raw).or_else(|| {
                errors.add("status", FieldErrorCode::UnknownValue, format!("unknown status {raw}"));
                None
            }),
        };
        let point = match (input.lat, input.lng) {
            (None, None) => None,
            (lat, lng) => LatLng::parse_into(&mut errors, "location", lat, lng, &city.service_area),
        };
        let department = text::optional(&mut errors, "department", input.department.as_deref(), 100);
        let channel = match input.channel.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None => Some(Channel::Import),
            Some(raw) => Channel::parse(raw).or_else(|| {
                errors.add("channel", FieldErrorCode::UnknownValue, format!("unknown channel {raw}"));
                None
            }),
        };
        match (external_id, title, description, category, created_at, status, channel) {
            (
                Some(external_id),
                Some(title),
                Some(description),
                Some(category),
                Some(created_at),
                Some(status),
                Some(channel),
            ) if errors.is_empty() => Ok(ImportRow {
                external_id,
                title,
                description,
                category,
                created_at,
                closed_at,
                status,
                point,
                department,
                channel,
            }),
            _ => Err(errors),
        }
    }

    /// The stored ticket and its one audit event.
    pub fn into_ticket(self, id: TicketId, tracking_no: TrackingNo, source: &str) -> (Ticket, TicketEvent) {
        let updated_at = self.closed_at.unwrap_or(self.created_at);
        let ticket = Ticket {
            id,
            tracking_no,
            title: self.title,
            description: self.description,
            category: self.category,
            point: self.point,
            address: None,
            channel: self.channel,
            contact: None,
            anonymous: true,
            kind: RequestKind::Citizen,
            status: self.status,
            created_at: self.created_at,
            updated_at,
            version: 1,
            handling: crate::ticket::Handling::default(),
        };
        let event = TicketEvent {
            at: ticket.created_at,
            kind: EventKind::Imported { source: source.to_owned() },
            actor: "system".to_owned(),
            public: true,
        };
        (ticket, event)
    }
}

/// RFC 3339, or a local `YYYY-MM-DD HH:MM[:SS]` / `YYYY/M/D H:MM:SS` in the city's time zone.
fn parse_time(errors: &mut FieldErrors, field: &str, raw: &str, city: &CityConfig) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Some(t.with_timezone(&Utc));
    }
    let local = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(raw, f).ok())
        .or_else(|| chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)));
    match local.and_then(|t| city.offset().from_local_datetime(&t).single()) {
        Some(t) => Some(t.with_timezone(&Utc)),
        None => {
            errors.add(
                field,
                FieldErrorCode::InvalidFormat,
                format!("{field} must be a date and time like 2020-01-06 12:09:38"),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> ImportRowInput {
        ImportRowInput {
            external_id: Some("24".into()),
            title: Some("占道施工有安全隐患".into()),
            description: Some("人行道被圈入施工围墙内。".into()),
            category: Some("城乡建设".into()),
            created_at: Some("2020-01-06 12:09:38".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_level_one_label_is_enough() {
        let r = ImportRow::parse(&row(), Catalogue::builtin(), &CityConfig::demo()).unwrap();
        assert_eq!(r.category.as_str(), "01");
        assert_eq!(r.status, Status::Submitted);
        // Local 12:09 in UTC+8 is 04:09 UTC.
        assert_eq!(r.created_at.to_rfc3339(), "2020-01-06T04:09:38+00:00");
    }

    #[test]
    fn closed_at_implies_closed_and_must_follow_creation() {
        let mut input = row();
        input.closed_at = Some("2020-01-08T10:00:00+08:00".into());
        let r = ImportRow::parse(&input, Catalogue::builtin(), &CityConfig::demo()).unwrap();
        assert_eq!(r.status, Status::Closed);
        input.closed_at = Some("2019-01-01 00:00".into());
        let e = ImportRow::parse(&input, Catalogue::builtin(), &CityConfig::demo()).unwrap_err();
        assert_eq!(e.get("closed_at").map(|e| e.code), Some(FieldErrorCode::OutOfRange));
    }

    #[test]
    fn bad_fields_are_named() {
        let mut input = row();
        input.category = Some("不存在".into());
        input.created_at = Some("yesterday".into());
        input.lat = Some(28.2);
        input.channel = Some("pigeon".into());
        let e = ImportRow::parse(&input, Catalogue::builtin(), &CityConfig::demo()).unwrap_err();
        assert_eq!(e.get("category").map(|e| e.code), Some(FieldErrorCode::UnknownCategory));
        assert_eq!(e.get("created_at").map(|e| e.code), Some(FieldErrorCode::InvalidFormat));
        assert_eq!(e.get("location.lng").map(|e| e.code), Some(FieldErrorCode::Required));
        assert_eq!(e.get("channel").map(|e| e.code), Some(FieldErrorCode::UnknownValue));
    }
}
