//! Reading `GET /api/v1/requests/{no}` into `shared::ticket::TicketView`.
//!
//! `TicketView` is internally tagged and flattens its parts, which serde can only
//! deserialise by buffering the whole object into its generic `Content` tree first. That
//! machinery is about a tenth of the app's wasm and nothing else here needs it, so the app
//! reads the same JSON through the flat mirror below and builds the shared types from it.
//! The tests round-trip the shared types' own serialisation through it, so the two cannot
//! drift apart unnoticed.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use shared::catalogue::CategoryRef;
use shared::geo::LatLng;
use shared::ids::TrackingNo;
use shared::request::{Channel, Contact, RequestKind};
use shared::status::Status;
use shared::ticket::{EventKind, PrivateTicketView, PublicTicketView, TicketView, TimelineEntry};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
enum ViewName {
    Public,
    Private,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
enum EventName {
    Submitted,
    Imported,
    StatusChanged,
    Note,
    Dispatched,
    Merged,
    DuplicateMerged,
    /// A kind this build does not know (a newer server): left out, not fatal.
    #[serde(other)]
    Other,
}

#[derive(Debug, Deserialize)]
struct WireEntry {
    at: DateTime<Utc>,
    event: EventName,
    #[serde(default)]
    channel: Option<Channel>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    from: Option<Status>,
    #[serde(default)]
    to: Option<Status>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    lead: Option<String>,
    #[serde(default)]
    lead_name: Option<String>,
    #[serde(default)]
    co_handlers: Option<Vec<String>>,
    #[serde(default)]
    mode: Option<shared::dispatch::DispatchMode>,
    #[serde(default)]
    master: Option<String>,
    #[serde(default)]
    duplicate: Option<String>,
    #[serde(default)]
    repeat_count: Option<u32>,
}

#[derive(Debug, Deserialize)]
pub struct WireTicket {
    view: ViewName,
    tracking_no: TrackingNo,
    title: String,
    description: String,
    category: CategoryRef,
    #[serde(default)]
    approximate_location: Option<LatLng>,
    channel: Channel,
    kind: RequestKind,
    status: Status,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    timeline: Vec<WireEntry>,
    #[serde(default)]
    original_description: Option<String>,
    #[serde(default)]
    location: Option<LatLng>,
    #[serde(default)]
    address: Option<String>,
    #[serde(default)]
    contact: Option<Contact>,
    #[serde(default)]
    anonymous: Option<bool>,
}

fn need<T>(v: Option<T>) -> Result<T, ()> {
    v.ok_or(())
}

impl WireEntry {
    /// `Err` when a field the shared type requires is missing; `Ok(None)` for an unknown kind.
    fn into_entry(self) -> Result<Option<TimelineEntry>, ()> {
        let kind = match self.event {
            EventName::Other => return Ok(None),
            EventName::Merged => EventKind::Merged { master: need(self.master)? },
            EventName::DuplicateMerged => {
                EventKind::DuplicateMerged { duplicate: need(self.duplicate)?, repeat_count: need(self.repeat_count)? }
            }
            EventName::Submitted => EventKind::Submitted { channel: need(self.channel)? },
            EventName::Imported => EventKind::Imported { source: need(self.source)? },
            EventName::StatusChanged => EventKind::StatusChanged { from: need(self.from)?, to: need(self.to)? },
            EventName::Note => EventKind::Note { text: need(self.text)? },
            EventName::Dispatched => EventKind::Dispatched {
                lead: need(self.lead)?,
                lead_name: need(self.lead_name)?,
                co_handlers: self.co_handlers.unwrap_or_default(),
                mode: need(self.mode)?,
            },
        };
        Ok(Some(TimelineEntry { at: self.at, kind }))
    }
}

impl WireTicket {
    /// `None` when a field the shared type requires is missing.
    pub fn into_view(self) -> Option<TicketView> {
        let public = PublicTicketView {
            tracking_no: self.tracking_no,
            title: self.title,
            description: self.description,
            category: self.category,
            approximate_location: self.approximate_location,
            channel: self.channel,
            kind: self.kind,
            status: self.status,
            created_at: self.created_at,
            updated_at: self.updated_at,
            timeline: self
                .timeline
                .into_iter()
                .map(WireEntry::into_entry)
                .collect::<Result<Vec<_>, ()>>()
                .ok()?
                .into_iter()
                .flatten()
                .collect(),
        };
        Some(match self.view {
            ViewName::Public => TicketView::Public(public),
            ViewName::Private => TicketView::Private(PrivateTicketView {
                public,
                original_description: self.original_description?,
                location: self.location,
                address: self.address,
                contact: self.contact,
                anonymous: self.anonymous?,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use shared::catalogue::Catalogue;
    use shared::city::CityConfig;
    use shared::ids::TicketId;
    use shared::request::{ContactInput, LocationInput, NewRequest, NewRequestInput};
    use shared::ticket::{private_view, public_view, Ticket, TicketEvent};

    fn ticket_and_events() -> (Ticket, Vec<TicketEvent>) {
        let input = NewRequestInput {
            title: Some("夜间施工噪音扰民".into()),
            description: Some("工地每天晚上十一点以后还在施工，电话 13912345678".into()),
            category: Some("01.01.01".into()),
            location: Some(LocationInput {
                lat: Some(28.123456),
                lng: Some(112.987654),
                address: Some("某小区5栋".into()),
            }),
            contact: Some(ContactInput { name: Some("李四".into()), phone: Some("13912345678".into()), email: None }),
            anonymous: None,
            kind: Some("enterprise".into()),
        };
        let req = NewRequest::parse(&input, Catalogue::builtin(), &CityConfig::demo().service_area).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 3, 0, 0).unwrap();
        let t = Ticket::submitted(
            req,
            TicketId::from_random([1; 16]),
            TrackingNo::new(now.date_naive(), 7),
            Channel::Hotline,
            now,
        );
        let at = |m| Utc.with_ymd_and_hms(2026, 11, 28, 4, m, 0).unwrap();
        let events = vec![
            TicketEvent::submitted(&t),
            TicketEvent {
                at: at(1),
                kind: EventKind::Imported { source: "热线 2019".into() },
                actor: "system".into(),
                public: true,
            },
            TicketEvent {
                at: at(2),
                kind: EventKind::Dispatched {
                    lead: "city.urban-management".into(),
                    lead_name: "市城市管理局".into(),
                    co_handlers: vec!["city.ecology".into()],
                    mode: shared::dispatch::DispatchMode::Auto,
                },
                actor: "system".into(),
                public: true,
            },
            TicketEvent {
                at: at(2),
                kind: EventKind::StatusChanged { from: Status::Submitted, to: Status::Dispatched },
                actor: "staff:1".into(),
                public: true,
            },
            TicketEvent {
                at: at(3),
                kind: EventKind::Note { text: "已联系施工方".into() },
                actor: "staff:1".into(),
                public: true,
            },
        ];
        (t, events)
    }

    fn round_trip(view: TicketView) {
        let json = serde_json::to_string(&view).unwrap();
        let wire: WireTicket = serde_json::from_str(&json).unwrap();
        assert_eq!(wire.into_view(), Some(view), "{json}");
    }

    #[test]
    fn both_views_read_back_exactly_as_the_shared_types_wrote_them() {
        let (t, events) = ticket_and_events();
        round_trip(TicketView::Public(public_view(&t, &events, Catalogue::builtin())));
        round_trip(TicketView::Private(private_view(&t, &events, Catalogue::builtin(), &Default::default())));

        let mut anonymous = t.clone();
        anonymous.anonymous = true;
        anonymous.contact = None;
        anonymous.point = None;
        anonymous.address = None;
        round_trip(TicketView::Private(private_view(&anonymous, &events, Catalogue::builtin(), &Default::default())));
        round_trip(TicketView::Public(public_view(&anonymous, &[], Catalogue::builtin())));
    }

    #[test]
    fn an_incomplete_event_is_refused() {
        let json = r#"{"view":"public","tracking_no":"20261128-0000423","title":"t","description":"d",
            "category":{"code":"01.01.01","path":[]},"channel":"web","kind":"citizen","status":"submitted",
            "created_at":"2026-11-28T03:00:00Z","updated_at":"2026-11-28T03:00:00Z",
            "timeline":[{"at":"2026-11-28T03:00:00Z","event":"status_changed","from":"submitted"}]}"#;
        let wire: WireTicket = serde_json::from_str(json).unwrap();
        assert_eq!(wire.into_view(), None);
    }
}
