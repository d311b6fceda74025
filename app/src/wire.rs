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
    ExtensionDecided,
    Replied,
    Reopened,
    InfoAdded,
    Listed,
    Escalated,
    MeToo,
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
    /// A status for `status_changed`, a department's name for `escalated`.
    #[serde(default)]
    to: Option<String>,
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
    #[serde(default)]
    approved: Option<bool>,
    #[serde(default)]
    days: Option<u32>,
    #[serde(default)]
    resolution_due: Option<DateTime<Utc>>,
    #[serde(default)]
    department_name: Option<String>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    count: Option<u32>,
    #[serde(default)]
    photos: Vec<shared::photo::PhotoId>,
}

/// A whole view, or (without `view`) the master a merged duplicate follows.
#[derive(Debug, Deserialize)]
pub struct WireTicket {
    #[serde(default)]
    view: Option<ViewName>,
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
    #[serde(default)]
    accepted_at: Option<DateTime<Utc>>,
    #[serde(default)]
    response_due: Option<DateTime<Utc>>,
    #[serde(default)]
    resolution_due: Option<DateTime<Utc>>,
    #[serde(default)]
    listed: bool,
    #[serde(default)]
    master: Option<Box<WireTicket>>,
    #[serde(default)]
    follow_up_until: Option<DateTime<Utc>>,
    #[serde(default)]
    me_too_count: u32,
    #[serde(default)]
    following: bool,
    #[serde(default)]
    photos: Vec<shared::photo::PublicPhoto>,
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
            EventName::StatusChanged => EventKind::StatusChanged {
                from: need(self.from)?,
                to: need(self.to.as_deref().and_then(Status::parse))?,
            },
            EventName::Note => EventKind::Note { text: need(self.text)?, photos: self.photos },
            EventName::Dispatched => EventKind::Dispatched {
                lead: need(self.lead)?,
                lead_name: need(self.lead_name)?,
                co_handlers: self.co_handlers.unwrap_or_default(),
                mode: need(self.mode)?,
            },
            EventName::ExtensionDecided => EventKind::ExtensionDecided {
                approved: need(self.approved)?,
                days: need(self.days)?,
                resolution_due: self.resolution_due,
            },
            EventName::Replied => EventKind::Replied {
                text: need(self.text)?,
                department_name: need(self.department_name)?,
                photos: self.photos,
            },
            EventName::Reopened => EventKind::Reopened { reason: need(self.reason)? },
            EventName::InfoAdded => EventKind::InfoAdded { text: need(self.text)? },
            EventName::Listed => EventKind::Listed { reason: need(self.reason)? },
            EventName::Escalated => EventKind::Escalated { reason: need(self.reason)?, to: need(self.to)? },
            EventName::MeToo => EventKind::MeToo { count: need(self.count)? },
        };
        Ok(Some(TimelineEntry { at: self.at, kind }))
    }
}

impl WireTicket {
    /// `None` when a field the shared type requires is missing.
    pub fn into_view(mut self) -> Option<TicketView> {
        let view = self.view.take()?;
        let original_description = self.original_description.take();
        let (location, address, contact) = (self.location.take(), self.address.take(), self.contact.take());
        let (anonymous, follow_up_until) = (self.anonymous, self.follow_up_until);
        let public = self.into_public()?;
        Some(match view {
            ViewName::Public => TicketView::Public(public),
            ViewName::Private => TicketView::Private(PrivateTicketView {
                public,
                original_description: original_description?,
                location,
                address,
                contact,
                anonymous: anonymous?,
                follow_up_until,
            }),
        })
    }

    fn into_public(self) -> Option<PublicTicketView> {
        Some(PublicTicketView {
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
            accepted_at: self.accepted_at,
            response_due: self.response_due,
            resolution_due: self.resolution_due,
            listed: self.listed,
            master: match self.master {
                Some(master) => Some(Box::new(master.into_public()?)),
                None => None,
            },
            me_too_count: self.me_too_count,
            following: self.following,
            photos: self.photos,
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
                kind: EventKind::Note {
                    text: "已联系施工方".into(),
                    photos: vec![shared::photo::PhotoId::from_random([7; 16])],
                },
                actor: "staff:1".into(),
                public: true,
            },
        ];
        let mut t = t;
        t.handling.accepted_at = Some(at(3));
        t.handling.response_due = Some(at(30));
        t.handling.resolution_due = Some(at(40));
        t.handling.listed_at = Some(at(5));
        let mut events = events;
        let later = |kind, actor: &str, public| TicketEvent { at: at(9), kind, actor: actor.into(), public };
        events.extend([
            later(
                EventKind::ExtensionDecided { approved: true, days: 5, resolution_due: Some(at(50)) },
                "staff:2",
                true,
            ),
            later(EventKind::ExtensionDecided { approved: false, days: 3, resolution_due: None }, "staff:2", true),
            later(EventKind::Listed { reason: "repeated".into() }, "system", true),
            later(EventKind::MeToo { count: 3 }, "citizen", true),
            later(EventKind::Escalated { reason: "cross_level".into(), to: "市12345热线".into() }, "system", true),
            later(
                EventKind::Replied {
                    text: "已于昨日完成修复".into(),
                    department_name: "市城市管理局".into(),
                    photos: Vec::new(),
                },
                "staff:1",
                true,
            ),
            later(EventKind::StatusChanged { from: Status::Replied, to: Status::Reopened }, "citizen", true),
            later(EventKind::Reopened { reason: "晚上仍在施工".into() }, "citizen", false),
            later(EventKind::InfoAdded { text: "今晚十一点又开始了".into() }, "citizen", false),
            later(EventKind::Urged { reason: "response_overdue".into() }, "system", false),
        ]);
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
        // A follower's view: the public one, counted and marked.
        let mut followed = public_view(&t, &events, Catalogue::builtin());
        followed.me_too_count = 3;
        followed.following = true;
        round_trip(TicketView::Public(followed));
    }

    #[test]
    fn the_citizen_sees_their_own_follow_up_but_the_public_does_not() {
        let (t, events) = ticket_and_events();
        let settings = shared::handling::FollowUpSettings::default();
        let mut replied = t.clone();
        replied.status = Status::Replied;
        replied.handling.replied_at = Some(t.created_at);
        let private = private_view(&replied, &events, Catalogue::builtin(), &settings);
        assert!(private.follow_up_until.is_some());
        let has = |v: &PublicTicketView, f: fn(&EventKind) -> bool| v.timeline.iter().any(|e| f(&e.kind));
        assert!(has(&private.public, |k| matches!(k, EventKind::Reopened { .. })));
        assert!(has(&private.public, |k| matches!(k, EventKind::InfoAdded { .. })));
        round_trip(TicketView::Private(private));
        let public = public_view(&replied, &events, Catalogue::builtin());
        assert!(!has(&public, |k| matches!(k, EventKind::Reopened { .. } | EventKind::InfoAdded { .. })));
        assert!(has(&public, |k| matches!(k, EventKind::Replied { .. })) && public.listed);
    }

    #[test]
    fn a_merged_duplicate_carries_its_master() {
        let (t, events) = ticket_and_events();
        let master = public_view(&t, &events, Catalogue::builtin());
        let mut duplicate = t.clone();
        duplicate.status = Status::Merged;
        duplicate.tracking_no = TrackingNo::new(t.created_at.date_naive(), 8);
        let mut view = public_view(&duplicate, &events[..1], Catalogue::builtin());
        view.master = Some(Box::new(master.clone()));
        round_trip(TicketView::Public(view.clone()));
        let mut private = private_view(&duplicate, &events[..1], Catalogue::builtin(), &Default::default());
        private.public.master = Some(Box::new(master));
        round_trip(TicketView::Private(private));
    }

    #[test]
    fn internal_events_are_dropped_not_fatal() {
        let (t, events) = ticket_and_events();
        let mut all = events.clone();
        all.iter_mut().for_each(|e| e.public = true);
        let view = public_view(&t, &all, Catalogue::builtin());
        let json = serde_json::to_string(&TicketView::Public(view.clone())).unwrap();
        let back = serde_json::from_str::<WireTicket>(&json).unwrap().into_view().unwrap();
        let urged = |k: &EventKind| matches!(k, EventKind::Urged { .. });
        assert!(view.timeline.iter().any(|e| urged(&e.kind)));
        assert!(!back.public_part().timeline.iter().any(|e| urged(&e.kind)));
        assert_eq!(back.public_part().timeline.len(), view.timeline.len() - 1);
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
